package imagegeneration

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the function's execution policy.
const (
	SidConfigureImageGeneration = "ConfigureImageGeneration"
	SidWriteOwnLogs             = "WriteOwnLogs"
	SidSendToDeadLetterQueue    = "SendToDeadLetterQueue"
	SidUsePHIKey                = "UsePHIKey"
	SidVPCNetworkInterfaces     = "VPCNetworkInterfaces"
	SidUploadTraces             = "UploadTraces"
	SidLambdaAssumeRole         = "LambdaAssumeRole"
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

// trustPolicy lets only Lambda, acting for this account, assume the role.
func trustPolicy(env environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:        SidLambdaAssumeRole,
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"lambda.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
	})
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
		policydoc.Statement{
			// The group itself (CreateLogStream) and its streams (PutLogEvents).
			// No logs:CreateLogGroup: the component creates the group.
			Sid:       SidWriteOwnLogs,
			Effect:    policydoc.Allow,
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resources: []string{a.LogGroupARN, a.LogGroupARN + ":*"},
		},
		policydoc.Statement{
			// Lambda sends failed asynchronous invocations to the dead-letter
			// queue with the function's own permissions.
			Sid:       SidSendToDeadLetterQueue,
			Effect:    policydoc.Allow,
			Actions:   []string{"sqs:SendMessage"},
			Resources: []string{a.DeadLetterQueueARN},
		},
		policydoc.Statement{
			// Writing to the encrypted dead-letter queue, through SQS only.
			Sid:        SidUsePHIKey,
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:GenerateDataKey", "kms:Decrypt"},
			Resources:  []string{a.PHIKeyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {"sqs." + env.Region + "." + env.DNSSuffix}}},
		},
		vpcStatement(env, a.SubnetIDs),
		policydoc.Statement{
			// X-Ray's PutTraceSegments and PutTelemetryRecords have no resource
			// types: IAM only accepts "*" for them. Traces carry no PHI.
			Sid:       SidUploadTraces,
			Effect:    policydoc.Allow,
			Actions:   []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"},
			Resources: []string{"*"},
		},
	)
}

// vpcStatement holds the network interface permissions Lambda uses, with the
// function's role, to attach the function to its subnets. The Describe calls
// support no resource scope and Lambda does not name the interfaces it will
// create, so the statement uses Resource "*" narrowed with ec2:Subnet:
// interfaces may only be created, changed or deleted in the function's own
// subnets ("IfExists" keeps the Describe calls, which carry no ec2:Subnet,
// working).
func vpcStatement(env environment, subnetIDs []string) policydoc.Statement {
	subnets := make([]string, 0, len(subnetIDs))
	for _, id := range subnetIDs {
		subnets = append(subnets, fmt.Sprintf("arn:%s:ec2:%s:%s:subnet/%s", env.Partition, env.Region, env.AccountID, id))
	}
	return policydoc.Statement{
		Sid:    SidVPCNetworkInterfaces,
		Effect: policydoc.Allow,
		Actions: []string{
			"ec2:CreateNetworkInterface",
			"ec2:DescribeNetworkInterfaces",
			"ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface",
			"ec2:AssignPrivateIpAddresses",
			"ec2:UnassignPrivateIpAddresses",
		},
		Resources:  []string{"*"},
		Conditions: policydoc.Conditions{"ArnEqualsIfExists": {"ec2:Subnet": subnets}},
	}
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
