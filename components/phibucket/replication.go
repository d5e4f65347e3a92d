package phibucket

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// replication creates the replication role (trusting only S3 for this bucket),
// its managed permissions policy (no inline policies, per the policy pack) and
// the replication configuration, which waits for versioning and for the role's
// permissions.
func (b builder) replication(bucket *s3.BucketV2, versioning *s3.BucketVersioningV2) error {
	cfg := b.cfg
	prefix := b.name + "-replication"
	tags := pulumi.ToStringMap(cfg.tags(cfg.Classification, cfg.Purpose))

	trust := bucket.Arn.ApplyT(func(arn string) (string, error) {
		return replicationTrustPolicy(b.env, arn).JSON()
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(b.ctx, prefix, &iam.RoleArgs{
		Description:      pulumi.String("S3 replication of MediGuard bucket " + b.name),
		AssumeRolePolicy: trust,
		Tags:             tags,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create replication role: %w", err)
	}
	permissions := pulumi.All(bucket.Arn, cfg.KMSKeyARN, cfg.ReplicaBucketARN, cfg.ReplicaKMSKeyARN).ApplyT(func(v []any) (string, error) {
		return replicationPermissions(b.env, v[0].(string), v[1].(string), v[2].(string), v[3].(string)).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewPolicy(b.ctx, prefix, &iam.PolicyArgs{
		Description: pulumi.String("Replicate MediGuard bucket " + b.name + " to its replica"),
		Policy:      permissions,
		Tags:        tags,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create replication policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(b.ctx, prefix, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("attach replication policy: %w", err)
	}
	if _, err := s3.NewBucketReplicationConfig(b.ctx, prefix, &s3.BucketReplicationConfigArgs{
		Bucket: bucket.ID().ToStringOutput(),
		Role:   role.Arn,
		Rules: s3.BucketReplicationConfigRuleArray{&s3.BucketReplicationConfigRuleArgs{
			Id:     pulumi.String("replicate-all"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketReplicationConfigRuleFilterArgs{},
			// Deletions are not replicated: the replica is the copy that survives
			// a mistaken or malicious delete in the primary region.
			DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Disabled")},
			SourceSelectionCriteria: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
			},
			Destination: &s3.BucketReplicationConfigRuleDestinationArgs{
				Bucket: cfg.ReplicaBucketARN,
				EncryptionConfiguration: &s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{
					ReplicaKmsKeyId: cfg.ReplicaKMSKeyARN,
				},
			},
		}},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{versioning, attachment})); err != nil {
		return fmt.Errorf("create replication configuration: %w", err)
	}
	return nil
}
