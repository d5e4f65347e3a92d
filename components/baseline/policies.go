package baseline

import (
	"fmt"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the Config role's inline delivery policy.
const (
	SidReadBucketACL       = "ReadDeliveryBucketACL"
	SidWriteHistory        = "WriteConfigHistory"
	SidEncryptWithAuditKey = "EncryptHistoryWithAuditKey"
)

// configTrustPolicy lets only AWS Config, acting for this account, assume the
// recorder's role.
func configTrustPolicy(env awsenv.Environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"config.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
	})
}

// configDeliveryPolicy is the role's only permission beyond AWS_ConfigRole:
// write this account's Config history into the delivery bucket (with the
// bucket-owner ACL AWS Config sends) and use the audit key for those objects
// only, through S3 in this region.
func configDeliveryPolicy(env awsenv.Environment, bucketARN, keyARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid: SidReadBucketACL, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetBucketAcl"},
			Resources: []string{bucketARN},
		},
		policydoc.Statement{
			Sid: SidWriteHistory, Effect: policydoc.Allow,
			Actions:    []string{"s3:PutObject", "s3:PutObjectAcl"},
			Resources:  []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", bucketARN, env.AccountID)},
			Conditions: policydoc.Conditions{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}},
		},
		policydoc.Statement{
			Sid: SidEncryptWithAuditKey, Effect: policydoc.Allow,
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources: []string{keyARN},
			Conditions: policydoc.Conditions{
				"StringEquals": {"kms:ViaService": {"s3." + env.Region + ".amazonaws.com"}},
				"StringLike":   {"kms:EncryptionContext:aws:s3:arn": {bucketARN, bucketARN + "/*"}},
			},
		},
	)
}
