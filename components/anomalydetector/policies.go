package anomalydetector

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the execution role policy.
const (
	SidConsumeFrameQueue     = "ConsumeFrameQueue"
	SidReadFrames            = "ReadFrames"
	SidReadCameraConfigs     = "ReadCameraConfigs"
	SidListCameraConfigs     = "ListCameraConfigs"
	SidWriteEvidence         = "WriteEvidence"
	SidCameraState           = "CameraState"
	SidEpisodeRecords        = "EpisodeRecords"
	SidPublishAlerts         = "PublishAlerts"
	SidUsePHIKey             = "UsePHIKey"
	SidWriteOwnLogs          = vpcfunction.SidWriteOwnLogs
	SidSendToDeadLetterQueue = vpcfunction.SidSendToDeadLetterQueue
	SidVPCNetworkInterfaces  = vpcfunction.SidVPCNetworkInterfaces
	SidUploadTraces          = vpcfunction.SidUploadTraces
)

// Statement IDs of the resource policies.
const (
	SidLambdaAssumeRole       = vpcfunction.SidLambdaAssumeRole
	SidS3FrameNotifications   = "S3FrameNotifications"
	SidDenyInsecureTransport  = "DenyInsecureTransport"
	SidDetectorPublishes      = "DetectorPublishes"
	SidDenyPublishFromOthers  = "DenyPublishFromOthers"
	SidDenyInsecurePublishing = "DenyInsecurePublishing"
)

// environment is where the component's provider creates resources.
type environment = awsenv.Environment

// roleARNs are the resolved ARNs the execution role policy is scoped to.
type roleARNs struct {
	QueueARN           string
	DeadLetterQueueARN string
	FramesBucketARN    string
	FrameKeyPrefix     string
	CameraConfigPrefix string
	EvidenceBucketARN  string
	TableARN           string
	EpisodeTableARN    string
	TopicARN           string
	PHIKeyARN          string
	LogGroupARN        string
	SubnetIDs          []string
}

// executionPolicy is the function's least-privilege policy: every statement
// names the exact resources it needs, except the two AWS gives no resource
// scope for (see vpcfunction.VPCStatement and vpcfunction.UploadTracesStatement). extra statements are
// appended after the component's own.
func executionPolicy(env environment, a roleARNs, extra []policydoc.Statement) policydoc.Document {
	statements := []policydoc.Statement{
		{
			Sid:       SidConsumeFrameQueue,
			Effect:    policydoc.Allow,
			Actions:   []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
			Resources: []string{a.QueueARN},
		},
		{
			Sid:       SidReadFrames,
			Effect:    policydoc.Allow,
			Actions:   []string{"s3:GetObject"},
			Resources: []string{a.FramesBucketARN + "/" + a.FrameKeyPrefix + "*"},
		},
		{
			Sid:       SidReadCameraConfigs,
			Effect:    policydoc.Allow,
			Actions:   []string{"s3:GetObject"},
			Resources: []string{a.FramesBucketARN + "/" + a.CameraConfigPrefix + "*"},
		},
		{
			// The offline check lists the configured cameras; listing is
			// limited to the configuration prefix, so frame keys stay unlisted.
			Sid:        SidListCameraConfigs,
			Effect:     policydoc.Allow,
			Actions:    []string{"s3:ListBucket"},
			Resources:  []string{a.FramesBucketARN},
			Conditions: policydoc.Conditions{"StringEquals": {"s3:prefix": {a.CameraConfigPrefix}}},
		},
		{
			// PutObjectRetention: PutObject with object-lock headers needs it.
			Sid:       SidWriteEvidence,
			Effect:    policydoc.Allow,
			Actions:   []string{"s3:PutObject", "s3:PutObjectRetention"},
			Resources: []string{a.EvidenceBucketARN + "/" + EvidenceKeyPrefix + "*"},
		},
		{
			// Read, and conditional whole-item writes (optimistic concurrency).
			Sid:       SidCameraState,
			Effect:    policydoc.Allow,
			Actions:   []string{"dynamodb:GetItem", "dynamodb:PutItem"},
			Resources: []string{a.TableARN},
		},
		{
			// Conditional claim (PutItem), take-over, release and publish marks (UpdateItem).
			Sid:       SidEpisodeRecords,
			Effect:    policydoc.Allow,
			Actions:   []string{"dynamodb:PutItem", "dynamodb:UpdateItem"},
			Resources: []string{a.EpisodeTableARN},
		},
		{
			Sid:       SidPublishAlerts,
			Effect:    policydoc.Allow,
			Actions:   []string{"sns:Publish"},
			Resources: []string{a.TopicARN},
		},
		{
			// Reading the encrypted queue, frames, environment and table, and
			// writing encrypted evidence, state and alerts.
			Sid:       SidUsePHIKey,
			Effect:    policydoc.Allow,
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources: []string{a.PHIKeyARN},
		},
		vpcfunction.WriteOwnLogsStatement(a.LogGroupARN),
		vpcfunction.SendToDeadLetterQueueStatement(a.DeadLetterQueueARN),
		vpcfunction.VPCStatement(env, a.SubnetIDs),
		vpcfunction.UploadTracesStatement(),
	}
	return policydoc.New(append(statements, extra...)...)
}

// queuePolicy lets S3 deliver notifications from the frames bucket of this
// account only (aws:SourceArn and aws:SourceAccount stop a confused deputy:
// another account's bucket naming this queue) and refuses plaintext access.
func queuePolicy(env environment, queueARN, framesBucketARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:       SidS3FrameNotifications,
			Effect:    policydoc.Allow,
			Principal: &policydoc.Principal{Service: []string{"s3.amazonaws.com"}},
			Actions:   []string{"sqs:SendMessage"},
			Resources: []string{queueARN},
			Conditions: policydoc.Conditions{
				"ArnEquals":    {"aws:SourceArn": {framesBucketARN}},
				"StringEquals": {"aws:SourceAccount": {env.AccountID}},
			},
		},
		denyInsecureTransport(SidDenyInsecureTransport, "sqs:*", queueARN),
	)
}

// topicPolicy lets only the detector's role publish alerts, over TLS. Topic
// administration stays with the account's IAM policies.
func topicPolicy(topicARN, roleARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:       SidDetectorPublishes,
			Effect:    policydoc.Allow,
			Principal: &policydoc.Principal{AWS: []string{roleARN}},
			Actions:   []string{"sns:Publish"},
			Resources: []string{topicARN},
		},
		policydoc.Statement{
			Sid:        SidDenyPublishFromOthers,
			Effect:     policydoc.Deny,
			Principal:  &policydoc.Principal{Any: true},
			Actions:    []string{"sns:Publish"},
			Resources:  []string{topicARN},
			Conditions: policydoc.Conditions{"ArnNotEquals": {"aws:PrincipalArn": {roleARN}}},
		},
		denyInsecureTransport(SidDenyInsecurePublishing, "sns:Publish", topicARN),
	)
}

func denyInsecureTransport(sid, action, resourceARN string) policydoc.Statement {
	return policydoc.Statement{
		Sid:        sid,
		Effect:     policydoc.Deny,
		Principal:  &policydoc.Principal{Any: true},
		Actions:    []string{action},
		Resources:  []string{resourceARN},
		Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}
}

// redrivePolicy sends a message to the dead-letter queue after maxReceiveCount deliveries.
func redrivePolicy(deadLetterQueueARN string, maxReceiveCount int) string {
	// A struct of strings and ints always marshals.
	b, _ := json.Marshal(struct {
		DeadLetterTargetARN string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}{deadLetterQueueARN, maxReceiveCount})
	return string(b)
}

// redriveAllowPolicy lets only the frame queue use the dead-letter queue.
func redriveAllowPolicy(queueARN string) string {
	// A struct of strings always marshals.
	b, _ := json.Marshal(struct {
		RedrivePermission string   `json:"redrivePermission"`
		SourceQueueARNs   []string `json:"sourceQueueArns"`
	}{"byQueue", []string{queueARN}})
	return string(b)
}

// bucketNameFromARN returns the bucket name of an S3 bucket ARN
// (arn:<partition>:s3:::<name>).
func bucketNameFromARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "s3" || parts[3] != "" || parts[4] != "" || parts[5] == "" || strings.Contains(parts[5], "/") {
		return "", fmt.Errorf("%q is not an S3 bucket ARN", arn)
	}
	return parts[5], nil
}
