package phikey

import (
	"flag"
	"testing"

	"github.com/mediguard/mediguard/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/")

// checkGolden compares a rendered policy document with testdata/file.
func checkGolden(t *testing.T, file, policyJSON string) {
	t.Helper()
	golden.JSON(t, file, policyJSON, *update)
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
