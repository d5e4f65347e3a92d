package audittrail

import (
	"fmt"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/internal/awsenv"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:audit:AuditTrail"

// AuditTrail is a multi-region CloudTrail trail with log file validation,
// KMS encryption, CloudWatch Logs delivery, S3 data events for the PHI buckets,
// and a COMPLIANCE-locked audit bucket.
type AuditTrail struct {
	pulumi.ResourceState

	TrailARN     pulumi.StringOutput `pulumi:"trailArn"`
	BucketName   pulumi.StringOutput `pulumi:"bucketName"`
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	LogGroupARN  pulumi.StringOutput `pulumi:"logGroupArn"`
}

// NewAuditTrail validates args (the audit bucket's included), then creates the
// audit bucket, the log group, the delivery role and the trail as children of
// the component. Invalid args register nothing.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	cfg, err := args.withDefaults(name, ctx.Stack())
	if err != nil {
		return nil, err
	}
	component := &AuditTrail{}
	inputs := pulumi.Map{
		"trailName":           pulumi.String(cfg.TrailName),
		"logRetentionDays":    pulumi.Int(cfg.LogRetentionDays),
		"bucketLockMode":      pulumi.String(cfg.BucketLockMode),
		"bucketRetentionDays": pulumi.Int(cfg.BucketRetentionDays),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register audittrail %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("audittrail %q: %w", name, err)
	}
	if err := build(ctx, name, cfg, env, component); err != nil {
		return nil, fmt.Errorf("audittrail %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"trailArn":     component.TrailARN,
		"bucketName":   component.BucketName,
		"logGroupName": component.LogGroupName,
		"logGroupArn":  component.LogGroupARN,
	}); err != nil {
		return nil, fmt.Errorf("audittrail %q: register outputs: %w", name, err)
	}
	return component, nil
}

// build creates the children and sets the component's output fields. The
// trail's ARN is known before the trail exists (its name is fixed), so the
// bucket policy and the role's trust policy can name it.
func build(ctx *pulumi.Context, name string, cfg AuditTrailArgs, env awsenv.Environment, component *AuditTrail) error {
	parent := pulumi.Parent(component)
	trailARN := env.ARN("cloudtrail", "trail/"+cfg.TrailName)
	tags := pulumi.ToStringMap(cfg.tags())

	bucket, err := phibucket.NewPhiBucket(ctx, bucketName(name), cfg.bucketArgs(bucketStatements(env, trailARN)), parent)
	if err != nil {
		return fmt.Errorf("create audit bucket: %w", err)
	}

	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-log-group", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/cloudtrail/" + cfg.TrailName),
		RetentionInDays: pulumi.Int(cfg.LogRetentionDays),
		KmsKeyId:        cfg.KMSKeyARN,
		Tags:            tags,
	}, parent, pulumi.Protect(cfg.Protect))
	if err != nil {
		return fmt.Errorf("create log group: %w", err)
	}

	trust, err := deliveryTrustPolicy(env, trailARN).JSON()
	if err != nil {
		return fmt.Errorf("delivery role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, name+"-cloudwatch-delivery", &iam.RoleArgs{
		Description:      pulumi.String("CloudTrail delivery of trail " + cfg.TrailName + " to CloudWatch Logs"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("create delivery role: %w", err)
	}
	permissions := logGroup.Arn.ApplyT(func(arn string) (string, error) {
		return deliveryPermissions(arn).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewPolicy(ctx, name+"-cloudwatch-delivery", &iam.PolicyArgs{
		Description: pulumi.String("Deliver trail " + cfg.TrailName + " events to its log group"),
		Policy:      permissions,
		Tags:        tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("create delivery policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, name+"-cloudwatch-delivery", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, parent)
	if err != nil {
		return fmt.Errorf("attach delivery policy: %w", err)
	}

	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", &cloudtrail.TrailArgs{
		Name:                       pulumi.String(cfg.TrailName),
		S3BucketName:               bucket.BucketName,
		KmsKeyId:                   cfg.KMSKeyARN,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", logGroup.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		AdvancedEventSelectors:     eventSelectors(cfg.PHIBucketARNs),
		Tags:                       tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{bucket.Policy, attachment}))
	if err != nil {
		return fmt.Errorf("create trail %s: %w", cfg.TrailName, err)
	}

	component.TrailARN = trail.Arn
	component.BucketName = bucket.BucketName
	component.LogGroupName = logGroup.Name
	component.LogGroupARN = logGroup.Arn
	return nil
}

// eventSelectors record every management event, and every object-level read
// and write (no readOnly field: both) in the PHI buckets. CloudTrail needs the
// management selector explicitly once advanced selectors are used.
func eventSelectors(phiBucketARNs []pulumi.StringInput) cloudtrail.TrailAdvancedEventSelectorArray {
	prefixes := make(pulumi.StringArray, 0, len(phiBucketARNs))
	for _, arn := range phiBucketARNs {
		prefixes = append(prefixes, pulumi.Sprintf("%s/", arn))
	}
	return cloudtrail.TrailAdvancedEventSelectorArray{
		&cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("management-events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Management")}},
			},
		},
		&cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("phi-object-reads-and-writes"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Data")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.StringArray{pulumi.String("AWS::S3::Object")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: prefixes},
			},
		},
	}
}
