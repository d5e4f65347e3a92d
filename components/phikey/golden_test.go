package phikey

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
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

func TestKeyPoliciesGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		args *PhiKeyArgs
	}{
		{"phi-key-policy.json", &PhiKeyArgs{
			Purpose:           PurposePHI,
			ViaServices:       []Service{ServiceS3, ServiceSQS, ServiceSNS, ServiceDynamoDB, ServiceKinesisVideo, ServiceLambda},
			ServicePrincipals: []ServicePrincipal{PrincipalCloudWatchLogs, PrincipalS3Notifications, PrincipalCloudWatchAlarms},
		}},
		{"audit-key-policy.json", &PhiKeyArgs{
			Purpose:           PurposeAudit,
			ViaServices:       []Service{ServiceS3, ServiceSNS},
			ServicePrincipals: []ServicePrincipal{PrincipalCloudTrail, PrincipalCloudWatchLogs, PrincipalCloudWatchAlarms},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, "", tc.args)
			checkGolden(t, tc.file, mustNamed(t, r, keyType, "video-key").InputString("policy"))
		})
	}
}
