package policycheck

import (
	"context"
	"strings"
	"testing"
)

func TestResultWriteFormatsLikePulumiPreview(t *testing.T) {
	t.Parallel()
	res := Result{Stack: "prod", Resources: 3, Violations: []Violation{
		{Pack: "mediguard-hipaa", PackVersion: "0.1.0", Policy: "vpc-flow-logs-enabled", Description: "Every VPC has a flow log.", Level: "mandatory", Message: "Every VPC has a flow log.\nVPC net has no flow log attached.", Type: "aws:ec2/vpc:Vpc", Name: "net"},
		{Pack: "mediguard-hipaa", PackVersion: "0.1.0", Policy: "iam-no-inline-policies", Description: "Managed policies.", Level: "advisory", Message: "Managed policies.\nx is inline."},
	}}
	var b strings.Builder
	if err := res.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := `Policy Violations:
    [mandatory]  mediguard-hipaa v0.1.0  vpc-flow-logs-enabled (aws:ec2/vpc:Vpc: net)
    Every VPC has a flow log.
    VPC net has no flow log attached.

    [advisory]  mediguard-hipaa v0.1.0  iam-no-inline-policies (stack)
    Managed policies.
    x is inline.

Stack prod: 3 resources checked, 1 mandatory and 1 advisory policy violations.
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if n := len(res.Mandatory()); n != 1 {
		t.Errorf("Mandatory() = %d findings, want 1", n)
	}
}

func TestConfigureRejectsUnknownPoliciesAndLevels(t *testing.T) {
	pack := startPack(t)
	ctx := context.Background()
	for _, tc := range []struct {
		config Config
		want   string
	}{
		{Config{"no-such-policy": {}}, `"no-such-policy", which is not a policy of the pack`},
		{Config{"log-group-retention": {"enforcementLevel": "sometimes"}}, `unknown enforcementLevel "sometimes"`},
	} {
		err := pack.Configure(ctx, tc.config)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Configure(%v) = %v, want an error containing %q", tc.config, err, tc.want)
		}
	}
}

func TestPackReportsItsPolicies(t *testing.T) {
	pack := startPack(t)
	info, err := pack.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.GetName() != "mediguard-hipaa" || len(info.GetPolicies()) < 55 {
		t.Errorf("analyzer info: name %q with %d policies", info.GetName(), len(info.GetPolicies()))
	}
}
