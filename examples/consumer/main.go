// Command consumer is an example of another team's Pulumi program that imports
// MediGuard's components as a Go library: a radiology archive that keeps scans
// in a PHI bucket under its own key, with every read and write recorded by an
// audit trail. It is compiled and run under mocks by the test suite, so the
// README's import instructions stay true.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/audittrail"
	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
)

func main() {
	pulumi.Run(program)
}

// program builds the archive: a PHI key and an audit key, the scans bucket
// (COMPLIANCE lock for six years), and the trail over it.
func program(ctx *pulumi.Context) error {
	tags := map[string]string{"team": "radiology"}
	phiKey, err := phikey.NewPhiKey(ctx, "scans", &phikey.PhiKeyArgs{
		Purpose:           phikey.PurposePHI,
		ViaServices:       []phikey.Service{phikey.ServiceS3},
		ServicePrincipals: []phikey.ServicePrincipal{phikey.PrincipalCloudWatchLogs},
		Tags:              tags,
	})
	if err != nil {
		return err
	}
	auditKey, err := phikey.NewPhiKey(ctx, "scans-audit", &phikey.PhiKeyArgs{
		Purpose:           phikey.PurposeAudit,
		ViaServices:       []phikey.Service{phikey.ServiceS3},
		ServicePrincipals: []phikey.ServicePrincipal{phikey.PrincipalCloudTrail, phikey.PrincipalCloudWatchLogs},
		Tags:              tags,
	})
	if err != nil {
		return err
	}
	scans, err := phibucket.NewPhiBucket(ctx, "scans", &phibucket.PhiBucketArgs{
		Purpose:                 "radiology-scans",
		KMSKeyARN:               phiKey.KeyARN,
		ObjectLockMode:          phibucket.LockCompliance,
		ObjectLockRetentionDays: 2192,
		Tags:                    tags,
	})
	if err != nil {
		return err
	}
	trail, err := audittrail.NewAuditTrail(ctx, "scans-audit", &audittrail.AuditTrailArgs{
		KMSKeyARN:     auditKey.KeyARN,
		PHIBucketARNs: []pulumi.StringInput{scans.BucketARN},
		Tags:          tags,
	})
	if err != nil {
		return err
	}
	ctx.Export("scansBucket", scans.BucketName)
	ctx.Export("trailArn", trail.TrailARN)
	return nil
}
