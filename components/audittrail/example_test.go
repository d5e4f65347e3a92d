package audittrail_test

import (
	"fmt"
	"slices"

	"github.com/mediguard/mediguard/components/audittrail"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The audit trail of a dev stack for two PHI buckets, synthesised offline: its
// own children (the audit bucket's side resources are left out here).
func ExampleNewAuditTrail() {
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		trail, err := audittrail.NewAuditTrail(ctx, "audit", &audittrail.AuditTrailArgs{
			KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/audit"),
			PHIBucketARNs: []pulumi.StringInput{
				pulumi.String("arn:aws:s3:::frames"), pulumi.String("arn:aws:s3:::evidence"),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("trailArn", trail.TrailARN)
		return nil
	}, r.RunOption())
	if err != nil {
		fmt.Println(err)
		return
	}
	component, _ := r.Named(audittrail.TypeToken, "audit")
	var created []string
	for _, res := range r.Resources() {
		if res.Parent == component.URN {
			created = append(created, res.Type+" "+res.Name)
		}
	}
	slices.Sort(created)
	for _, c := range created {
		fmt.Println(c)
	}
	trail, _ := r.Named("aws:cloudtrail/trail:Trail", "audit-trail")
	fmt.Println("trail name:", trail.InputString("name"))
	// Output:
	// aws:cloudtrail/trail:Trail audit-trail
	// aws:cloudwatch/logGroup:LogGroup audit-log-group
	// aws:iam/policy:Policy audit-cloudwatch-delivery
	// aws:iam/role:Role audit-cloudwatch-delivery
	// aws:iam/rolePolicyAttachment:RolePolicyAttachment audit-cloudwatch-delivery
	// mediguard:storage:PhiBucket audit-logs
	// trail name: audit-dev
}
