package audittrail

import (
	"flag"
	"testing"

	"github.com/mediguard/mediguard/internal/golden"
	"github.com/mediguard/mediguard/internal/recorder"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/")

// checkGolden compares a rendered policy document with testdata/file.
func checkGolden(t *testing.T, file, policyJSON string) {
	t.Helper()
	golden.JSON(t, file, policyJSON, *update)
}

func TestPoliciesGolden(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())
	for _, tc := range []struct {
		file string
		res  recorder.Resource
		key  string
	}{
		{"audit-bucket-policy.json", mustNamed(t, r, bucketPolicyType, bucketPolicy), "policy"},
		{"delivery-trust-policy.json", mustNamed(t, r, roleType, "audit-cloudwatch-delivery"), "assumeRolePolicy"},
		{"delivery-permissions.json", mustNamed(t, r, iamPolicyType, "audit-cloudwatch-delivery"), "policy"},
	} {
		checkGolden(t, tc.file, tc.res.InputString(tc.key))
	}
}
