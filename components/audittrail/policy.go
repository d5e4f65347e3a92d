package audittrail

import (
	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the bucket statements and the delivery role's policies.
const (
	SidCloudTrailAclCheck = "AWSCloudTrailAclCheck"
	SidCloudTrailWrite    = "AWSCloudTrailWrite"
	SidDeliverToLogGroup  = "DeliverTrailEventsToLogGroup"
)

// cloudTrailService is CloudTrail's service principal.
const cloudTrailService = "cloudtrail.amazonaws.com"

// bucketStatements let CloudTrail check the audit bucket's ACL and write log
// files for this account, only on behalf of the one trail (aws:SourceArn).
// Resources are relative to the bucket, as phibucket.PhiBucketArgs expects.
func bucketStatements(env awsenv.Environment, trailARN string) []policydoc.Statement {
	cloudTrail := &policydoc.Principal{Service: []string{cloudTrailService}}
	return []policydoc.Statement{
		{
			Sid: SidCloudTrailAclCheck, Effect: policydoc.Allow, Principal: cloudTrail,
			Actions:    []string{"s3:GetBucketAcl"},
			Resources:  []string{phibucket.BucketItself},
			Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}}},
		},
		{
			Sid: SidCloudTrailWrite, Effect: policydoc.Allow, Principal: cloudTrail,
			Actions:   []string{"s3:PutObject"},
			Resources: []string{"AWSLogs/" + env.AccountID + "/*"},
			Conditions: policydoc.Conditions{"StringEquals": {
				"aws:SourceArn": {trailARN},
				"s3:x-amz-acl":  {"bucket-owner-full-control"},
			}},
		},
	}
}

// deliveryTrustPolicy lets only CloudTrail, for this trail in this account,
// assume the CloudWatch Logs delivery role.
func deliveryTrustPolicy(env awsenv.Environment, trailARN string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{Service: []string{cloudTrailService}},
		Actions:   []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {
			"aws:SourceAccount": {env.AccountID},
			"aws:SourceArn":     {trailARN},
		}},
	})
}

// deliveryPermissions let the delivery role create streams in, and put events
// into, the one log group, and nothing else.
func deliveryPermissions(logGroupARN string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       SidDeliverToLogGroup,
		Effect:    policydoc.Allow,
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources: []string{logGroupARN + ":log-stream:*"},
	})
}
