package policycheck

import (
	"fmt"
	"io"
	"strings"
)

// Write prints the verdict the way `pulumi preview --policy-pack` prints policy violations:
// level, pack and version, policy, the resource (type: name), then the message (which
// @pulumi/policy starts with the policy's description), followed by a one-line summary.
func (r Result) Write(w io.Writer) error {
	var b strings.Builder
	if len(r.Violations) > 0 {
		b.WriteString("Policy Violations:\n")
	}
	for _, v := range r.Violations {
		resource := "stack"
		if v.Type != "" {
			resource = v.Type + ": " + v.Name
		}
		fmt.Fprintf(&b, "    [%s]  %s v%s  %s (%s)\n", v.Level, v.Pack, v.PackVersion, v.Policy, resource)
		for _, line := range strings.Split(strings.TrimSpace(v.Message), "\n") {
			fmt.Fprintf(&b, "    %s\n", line)
		}
		b.WriteString("\n")
	}
	mandatory := len(r.Mandatory())
	fmt.Fprintf(&b, "Stack %s: %d resources checked, %d mandatory and %d advisory policy violations.\n",
		r.Stack, r.Resources, mandatory, len(r.Violations)-mandatory)
	_, err := io.WriteString(w, b.String())
	return err
}
