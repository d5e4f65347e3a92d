package vpcfunction

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultLogRetentionDays is six years: the HIPAA documentation retention period.
const DefaultLogRetentionDays = 2192

// MinLogRetentionDays is the shortest log retention accepted: the policy
// pack's log-group-retention floor (Prowler and Checkov use 365 days).
const MinLogRetentionDays = 365

// DeadLetterQueueRetentionSeconds is the longest retention SQS allows, so
// operators have two weeks to inspect and redrive failed invocations.
const DeadLetterQueueRetentionSeconds = 14 * 24 * 3600

// validLogRetentionDays are the values CloudWatch Logs accepts.
var validLogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var functionNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckFunctionName refuses a name Lambda would refuse, naming the
// FunctionName field.
func CheckFunctionName(name string) error {
	if !functionNamePattern.MatchString(name) {
		return fmt.Errorf("FunctionName: %q must be 1-64 letters, digits, hyphens or underscores", name)
	}
	return nil
}

// CheckLogRetentionDays refuses a value CloudWatch Logs does not accept or
// one below MinLogRetentionDays, naming the LogRetentionDays field.
func CheckLogRetentionDays(days int) error {
	if !slices.Contains(validLogRetentionDays, days) || days < MinLogRetentionDays {
		return fmt.Errorf("LogRetentionDays: %d must be a CloudWatch Logs retention value of at least %d", days, MinLogRetentionDays)
	}
	return nil
}

// CheckTags returns one error per tag AWS would refuse, in key order.
func CheckTags(tags map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") || k == "" || len(k) > 128 || len(tags[k]) > 256 {
			errs = append(errs, fmt.Errorf("Tags[%q]: must be 1-128 characters not starting with aws: and its value at most 256", k))
		}
	}
	return errs
}

// IsEmptyArray reports a missing array input (SubnetIDs, SecurityGroupIDs),
// or a literal one with no elements; arrays produced by other resources are
// checked by AWS.
func IsEmptyArray(in pulumi.StringArrayInput) bool {
	if in == nil {
		return true
	}
	if literal, ok := in.(pulumi.StringArray); ok {
		return len(literal) == 0
	}
	return false
}

// Tags returns the caller's tags with the MediGuard ones merged over them.
// The function's log group and dead-letter queue may hold PHI, so its
// children are classified with the PHI pipeline.
func Tags(callerTags map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range callerTags {
		out[k] = pulumi.String(v)
	}
	out["managed-by"] = pulumi.String("mediguard")
	out["data-classification"] = pulumi.String("PHI")
	return out
}

// LogGroupName is where Lambda writes a function's logs.
func LogGroupName(functionName string) string {
	return "/aws/lambda/" + functionName
}
