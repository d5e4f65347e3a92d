package phibucket

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:storage:PhiBucket"

// The log bucket's tags. Its classification is "logs", neither PHI nor audit:
// the policy pack exempts log buckets from the rules (Object Lock, SSE-KMS,
// access logging of their own) that AWS cannot apply to an access-log target.
const (
	accessLogsClassification Classification = "logs"
	accessLogsPurpose        string         = "access-logs"
)

// PhiBucket is an S3 bucket for PHI or audit data, hardened by default, with
// its own hardened server-access-log bucket.
type PhiBucket struct {
	pulumi.ResourceState

	BucketName    pulumi.StringOutput `pulumi:"bucketName"`
	BucketARN     pulumi.StringOutput `pulumi:"bucketArn"`
	LogBucketName pulumi.StringOutput `pulumi:"logBucketName"`
	LogBucketARN  pulumi.StringOutput `pulumi:"logBucketArn"`

	// Policy is the data bucket's policy. Resources that AWS checks against it
	// when they are created (a CloudTrail trail writing into the bucket) must
	// depend on it.
	Policy *s3.BucketPolicy
}

// NewPhiBucket validates args, then creates the data bucket, the log bucket and
// their side resources as children of the component. Invalid args register
// nothing.
func NewPhiBucket(ctx *pulumi.Context, name string, args *PhiBucketArgs, opts ...pulumi.ResourceOption) (*PhiBucket, error) {
	cfg, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &PhiBucket{}
	inputs := pulumi.Map{
		"classification":           pulumi.String(cfg.Classification),
		"purpose":                  pulumi.String(cfg.Purpose),
		"objectLockMode":           pulumi.String(cfg.ObjectLockMode),
		"objectLockRetentionDays":  pulumi.Int(cfg.ObjectLockRetentionDays),
		"replicate":                pulumi.Bool(cfg.Replicate),
		"eventBridgeNotifications": pulumi.Bool(cfg.EventBridgeNotifications),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register phibucket %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("phibucket %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: cfg, env: env, parent: pulumi.Parent(component)}
	if err := b.build(component); err != nil {
		return nil, fmt.Errorf("phibucket %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"bucketName":    component.BucketName,
		"bucketArn":     component.BucketARN,
		"logBucketName": component.LogBucketName,
		"logBucketArn":  component.LogBucketARN,
	}); err != nil {
		return nil, fmt.Errorf("phibucket %q: register outputs: %w", name, err)
	}
	return component, nil
}

// builder creates the children of one PhiBucket.
type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    PhiBucketArgs
	env    awsenv.Environment
	parent pulumi.ResourceOption
}

// build creates every child and sets the component's output fields.
func (b builder) build(component *PhiBucket) error {
	cfg := b.cfg
	bucket, err := s3.NewBucketV2(b.ctx, b.name+"-bucket", &s3.BucketV2Args{
		ObjectLockEnabled: pulumi.Bool(!cfg.DisableObjectLock),
		ForceDestroy:      pulumi.Bool(cfg.AllowForceDestroy),
		Tags:              pulumi.ToStringMap(cfg.tags(cfg.Classification, cfg.Purpose)),
	}, b.parent, pulumi.Protect(cfg.Protect))
	if err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	logs, err := b.logBucket(bucket)
	if err != nil {
		return err
	}

	kmsEncryption := s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm:   pulumi.String("aws:kms"),
		KmsMasterKeyId: cfg.KMSKeyARN,
	}
	sides, err := b.harden(b.name, bucket, kmsEncryption, true)
	if err != nil {
		return err
	}
	if !cfg.DisableObjectLock {
		if _, err := s3.NewBucketObjectLockConfigurationV2(b.ctx, b.name+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            bucket.ID().ToStringOutput(),
			ObjectLockEnabled: pulumi.String("Enabled"),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String(cfg.ObjectLockMode),
					Days: pulumi.Int(cfg.ObjectLockRetentionDays),
				},
			},
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{sides.versioning})); err != nil {
			return fmt.Errorf("create object lock configuration: %w", err)
		}
	}
	if err := b.lifecycle(b.name, bucket, sides.versioning, cfg.ExpirationDays); err != nil {
		return err
	}
	if _, err := s3.NewBucketLoggingV2(b.ctx, b.name+"-access-logging", &s3.BucketLoggingV2Args{
		Bucket:       bucket.ID().ToStringOutput(),
		TargetBucket: logs.bucket.ID().ToStringOutput(),
		TargetPrefix: pulumi.String(AccessLogPrefix),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{logs.policy})); err != nil {
		return fmt.Errorf("create access logging: %w", err)
	}

	policyJSON := pulumi.All(bucket.Arn, cfg.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return dataBucketPolicy(v[0].(string), v[1].(string), cfg.ServiceStatements).JSON()
	}).(pulumi.StringOutput)
	policy, err := s3.NewBucketPolicy(b.ctx, b.name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID().ToStringOutput(),
		Policy: policyJSON,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{sides.publicAccessBlock}))
	if err != nil {
		return fmt.Errorf("create bucket policy: %w", err)
	}

	if cfg.Replicate {
		if err := b.replication(bucket, sides.versioning); err != nil {
			return err
		}
	}
	if cfg.EventBridgeNotifications {
		if _, err := s3.NewBucketNotification(b.ctx, b.name+"-notifications", &s3.BucketNotificationArgs{
			Bucket:      bucket.ID().ToStringOutput(),
			Eventbridge: pulumi.Bool(true),
		}, b.parent); err != nil {
			return fmt.Errorf("create EventBridge notifications: %w", err)
		}
	}

	component.BucketName = bucket.ID().ToStringOutput()
	component.BucketARN = bucket.Arn
	component.LogBucketName = logs.bucket.ID().ToStringOutput()
	component.LogBucketARN = logs.bucket.Arn
	component.Policy = policy
	return nil
}

// logBucketSet is the log bucket and the policy its log delivery waits for.
type logBucketSet struct {
	bucket *s3.BucketV2
	policy *s3.BucketPolicy
}

// logBucket creates the server-access-log bucket of source. It is hardened like
// the data bucket except for two settings AWS does not support on a log
// delivery target: default encryption is SSE-S3 (AES256), because server access
// log delivery cannot write to a bucket whose default encryption is SSE-KMS, and
// there is no Object Lock default retention, which log delivery also rejects.
// Versioning, a TLS-only policy and a lifecycle keep the logs intact for
// AccessLogRetentionDays.
func (b builder) logBucket(source *s3.BucketV2) (logBucketSet, error) {
	cfg := b.cfg
	prefix := b.name + "-access-logs"
	bucket, err := s3.NewBucketV2(b.ctx, prefix, &s3.BucketV2Args{
		ForceDestroy: pulumi.Bool(cfg.AllowForceDestroy),
		Tags:         pulumi.ToStringMap(cfg.tags(accessLogsClassification, accessLogsPurpose)),
	}, b.parent, pulumi.Protect(cfg.Protect))
	if err != nil {
		return logBucketSet{}, fmt.Errorf("create log bucket: %w", err)
	}
	sides, err := b.harden(prefix, bucket, s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}, false)
	if err != nil {
		return logBucketSet{}, err
	}
	if err := b.lifecycle(prefix, bucket, sides.versioning, cfg.AccessLogRetentionDays); err != nil {
		return logBucketSet{}, err
	}
	policyJSON := pulumi.All(bucket.Arn, source.Arn).ApplyT(func(v []any) (string, error) {
		return logBucketPolicy(b.env, v[0].(string), v[1].(string)).JSON()
	}).(pulumi.StringOutput)
	policy, err := s3.NewBucketPolicy(b.ctx, prefix+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID().ToStringOutput(),
		Policy: policyJSON,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{sides.publicAccessBlock}))
	if err != nil {
		return logBucketSet{}, fmt.Errorf("create log bucket policy: %w", err)
	}
	return logBucketSet{bucket: bucket, policy: policy}, nil
}

// sideResources are the hardening resources other children must wait for.
type sideResources struct {
	publicAccessBlock *s3.BucketPublicAccessBlock
	versioning        *s3.BucketVersioningV2
}

// harden blocks public access, disables ACLs, sets default encryption and
// turns versioning on for bucket. bucketKey enables S3 Bucket Keys, which cut
// KMS requests (and cost) for SSE-KMS.
func (b builder) harden(prefix string, bucket *s3.BucketV2, encryption s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs, bucketKey bool) (sideResources, error) {
	bucketID := bucket.ID().ToStringOutput()
	pab, err := s3.NewBucketPublicAccessBlock(b.ctx, prefix+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucketID,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, b.parent)
	if err != nil {
		return sideResources{}, fmt.Errorf("create public access block for %s: %w", prefix, err)
	}
	if _, err := s3.NewBucketOwnershipControls(b.ctx, prefix+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucketID,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.parent); err != nil {
		return sideResources{}, fmt.Errorf("create ownership controls for %s: %w", prefix, err)
	}
	rule := s3.BucketServerSideEncryptionConfigurationV2RuleArgs{ApplyServerSideEncryptionByDefault: &encryption}
	if bucketKey {
		rule.BucketKeyEnabled = pulumi.Bool(true)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, prefix+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucketID,
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, b.parent); err != nil {
		return sideResources{}, fmt.Errorf("create default encryption for %s: %w", prefix, err)
	}
	versioning, err := s3.NewBucketVersioningV2(b.ctx, prefix+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucketID,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, b.parent)
	if err != nil {
		return sideResources{}, fmt.Errorf("create versioning for %s: %w", prefix, err)
	}
	return sideResources{publicAccessBlock: pab, versioning: versioning}, nil
}

// lifecycle expires current versions after expirationDays (0: never),
// noncurrent versions after NoncurrentVersionExpirationDays, and aborts
// abandoned multipart uploads. It waits for versioning, whose state decides what
// the noncurrent-version rule applies to.
func (b builder) lifecycle(prefix string, bucket *s3.BucketV2, versioning *s3.BucketVersioningV2, expirationDays int) error {
	rule := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("retention"),
		Status: pulumi.String("Enabled"),
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(b.cfg.NoncurrentVersionExpirationDays),
		},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(b.cfg.AbortIncompleteMultipartUploadDays),
		},
	}
	if expirationDays > 0 {
		rule.Expiration = &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(expirationDays)}
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, prefix+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID().ToStringOutput(),
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{rule},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return fmt.Errorf("create lifecycle for %s: %w", prefix, err)
	}
	return nil
}
