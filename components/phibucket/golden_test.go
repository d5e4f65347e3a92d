package phibucket

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/")

// checkGolden compares a rendered policy document, normalised (indented, keys
// sorted), with testdata/file, so that every change to what AWS receives shows
// up in review as a diff of the golden file.
func checkGolden(t *testing.T, file, policyJSON string) {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(policyJSON), &doc); err != nil {
		t.Fatalf("%s: rendered policy is not JSON: %v", file, err)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered policy; review, then rerun with -update:\n%s", path, got)
	}
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
