package phikey_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// An audit key used by CloudTrail and CloudWatch Logs, and readable through
// S3, synthesised offline: what it creates and whom its key policy admits.
func ExampleNewPhiKey() {
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		key, err := phikey.NewPhiKey(ctx, "audit", &phikey.PhiKeyArgs{
			Purpose:           phikey.PurposeAudit,
			ViaServices:       []phikey.Service{phikey.ServiceS3},
			ServicePrincipals: []phikey.ServicePrincipal{phikey.PrincipalCloudTrail, phikey.PrincipalCloudWatchLogs},
		})
		if err != nil {
			return err
		}
		ctx.Export("auditKeyArn", key.KeyARN)
		return nil
	}, r.RunOption())
	if err != nil {
		fmt.Println(err)
		return
	}
	var created []string
	for _, res := range r.Resources() {
		created = append(created, res.Type+" "+res.Name)
	}
	slices.Sort(created)
	for _, c := range created {
		fmt.Println(c)
	}
	key, _ := r.Named("aws:kms/key:Key", "audit-key")
	doc, err := policydoc.Parse(key.InputString("policy"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Statements {
		fmt.Println(s.Sid, strings.Join(append(s.Principal.AWS, s.Principal.Service...), " "))
	}
	// Output:
	// aws:kms/alias:Alias audit-alias
	// aws:kms/key:Key audit-key
	// mediguard:security:PhiKey audit
	// KeyAdministration arn:aws:iam::123456789012:root
	// UseThroughAWSServices arn:aws:iam::123456789012:root
	// GrantsForAWSResources arn:aws:iam::123456789012:root
	// CloudTrailEncryptLogs cloudtrail.amazonaws.com
	// CloudTrailDescribeKey cloudtrail.amazonaws.com
	// CloudWatchLogsEncryptLogs logs.us-east-1.amazonaws.com
}
