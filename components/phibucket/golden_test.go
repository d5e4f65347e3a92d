package phibucket

import (
	"flag"
	"testing"

	"github.com/mediguard/mediguard/internal/golden"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/")

// checkGolden compares a rendered policy document with testdata/file.
func checkGolden(t *testing.T, file, policyJSON string) {
	t.Helper()
	golden.JSON(t, file, policyJSON, *update)
}

func TestPoliciesGolden(t *testing.T) {
	t.Parallel()
	args := baseArgs()
	args.Replicate, args.ReplicaBucketARN, args.ReplicaKMSKeyARN = true, pulumi.String(replicaARN), pulumi.String(replicaKeyARN)
	r := mustRun(t, args)
	for _, tc := range []struct {
		file string
		res  recorder.Resource
		key  string
	}{
		{"data-bucket-policy.json", mustNamed(t, r, policyType, "video-policy"), "policy"},
		{"log-bucket-policy.json", mustNamed(t, r, policyType, "video-access-logs-policy"), "policy"},
		{"replication-trust-policy.json", mustNamed(t, r, roleType, "video-replication"), "assumeRolePolicy"},
		{"replication-permissions.json", mustNamed(t, r, iamPolicyType, "video-replication"), "policy"},
	} {
		checkGolden(t, tc.file, tc.res.InputString(tc.key))
	}
}
