package imagegeneration

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the function's execution policy.
const (
	SidConfigureImageGeneration = "ConfigureImageGeneration"
	SidWriteOwnLogs             = vpcfunction.SidWriteOwnLogs
	SidSendToDeadLetterQueue    = vpcfunction.SidSendToDeadLetterQueue
	SidUsePHIKey                = "UsePHIKey"
	SidVPCNetworkInterfaces     = vpcfunction.SidVPCNetworkInterfaces
	SidUploadTraces             = vpcfunction.SidUploadTraces
	SidLambdaAssumeRole         = vpcfunction.SidLambdaAssumeRole
)

// Statement IDs of the policy attached to each producer role.
const (
	SidWriteStreamImages = "WriteStreamImages"
	SidEncryptImages     = "EncryptImages"
)

// environment is where the component's provider creates resources.
type environment = awsenv.Environment

// functionARNs are the resolved ARNs the execution policy is scoped to.
type functionARNs struct {
	StreamARNs         []string
	LogGroupARN        string
	DeadLetterQueueARN string
	PHIKeyARN          string
	SubnetIDs          []string
}

// executionPolicy holds exactly what the kvsconfig function calls: describe
// and update image generation on the given streams, plus what Lambda does
// with the function's role (logs, dead-letter queue, VPC interfaces, traces).
// No notification configuration actions: the function writes none.
func executionPolicy(env environment, a functionARNs) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:    SidConfigureImageGeneration,
			Effect: policydoc.Allow,
			Actions: []string{
				"kinesisvideo:DescribeImageGenerationConfiguration",
				"kinesisvideo:UpdateImageGenerationConfiguration",
			},
			Resources: a.StreamARNs,
		},
		vpcfunction.WriteOwnLogsStatement(a.LogGroupARN),
		vpcfunction.SendToDeadLetterQueueStatement(a.DeadLetterQueueARN),
		policydoc.Statement{
			// Writing to the encrypted dead-letter queue, through SQS only.
			Sid:        SidUsePHIKey,
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:GenerateDataKey", "kms:Decrypt"},
			Resources:  []string{a.PHIKeyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {"sqs." + env.Region + "." + env.DNSSuffix}}},
		},
		vpcfunction.VPCStatement(env, a.SubnetIDs),
		vpcfunction.UploadTracesStatement(),
	)
}

// producerImagePolicy is attached to a stream's producer role, because KVS
// writes that stream's images with the producer's credentials. It allows
// PutObject only for keys KVS gives the stream's images
// (<prefix>[<image prefix>_]<account>_<stream>_<timecode>_<id>.jpg), and the
// PHI key only through S3 in this region, for this bucket's objects.
func producerImagePolicy(env environment, bucketARN, prefix, streamName, keyARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:       SidWriteStreamImages,
			Effect:    policydoc.Allow,
			Actions:   []string{"s3:PutObject"},
			Resources: []string{imageObjectPattern(bucketARN, prefix, env.AccountID, streamName)},
		},
		policydoc.Statement{
			Sid:       SidEncryptImages,
			Effect:    policydoc.Allow,
			Actions:   []string{"kms:GenerateDataKey"},
			Resources: []string{keyARN},
			Conditions: policydoc.Conditions{
				"StringEquals": {"kms:ViaService": {env.ServiceHost("s3")}},
				"ArnLike":      {"kms:EncryptionContext:aws:s3:arn": {bucketARN, bucketARN + "/" + prefix + "*"}},
			},
		},
	)
}

// imageObjectPattern matches the object ARNs of one stream's images. The
// leading wildcard covers the optional image prefix the producer may set.
func imageObjectPattern(bucketARN, prefix, accountID, streamName string) string {
	return bucketARN + "/" + prefix + "*" + accountID + "_" + streamName + "_*.jpg"
}

var (
	streamARNPattern = regexp.MustCompile(`^arn:[a-z\d-]+:kinesisvideo:([a-z0-9-]+):[0-9]+:stream/([a-zA-Z0-9_.-]+)/[0-9]+$`)
	roleARNPattern   = regexp.MustCompile(`^arn:[a-z\d-]+:iam::[0-9]{12}:role/(?:[\x21-\x7e]*/)?([\w+=,.@-]{1,64})$`)
	bucketARNPattern = regexp.MustCompile(`^arn:[a-z\d-]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$`)
)

// streamName returns the name in a Kinesis video stream ARN.
func streamName(arn string) (string, error) {
	m := streamARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", fmt.Errorf("%q is not a Kinesis video stream ARN", arn)
	}
	return m[2], nil
}

// checkStreamRegion refuses a stream outside region: KVS delivers images
// only to a bucket in the stream's own region.
func checkStreamRegion(arn, region string) error {
	m := streamARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return fmt.Errorf("%q is not a Kinesis video stream ARN", arn)
	}
	if m[1] != region {
		return fmt.Errorf("stream %s is in %s, not in %s where the frames are delivered", arn, m[1], region)
	}
	return nil
}

// roleName returns the name (without path) in an IAM role ARN, which is
// what a role policy attachment takes.
func roleName(arn string) (string, error) {
	m := roleARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", fmt.Errorf("%q is not an IAM role ARN", arn)
	}
	return m[1], nil
}

// bucketName returns the name in an S3 bucket ARN.
func bucketName(arn string) (string, error) {
	m := bucketARNPattern.FindStringSubmatch(arn)
	if m == nil || strings.Contains(m[1], "..") {
		return "", fmt.Errorf("%q is not an S3 bucket ARN", arn)
	}
	return m[1], nil
}
