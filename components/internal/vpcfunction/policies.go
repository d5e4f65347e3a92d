package vpcfunction

import (
	"fmt"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the statements this package builds.
const (
	SidLambdaAssumeRole      = "LambdaAssumeRole"
	SidWriteOwnLogs          = "WriteOwnLogs"
	SidSendToDeadLetterQueue = "SendToDeadLetterQueue"
	SidVPCNetworkInterfaces  = "VPCNetworkInterfaces"
	SidUploadTraces          = "UploadTraces"
)

// TrustPolicy lets only Lambda, acting for this account, assume the role
// (aws:SourceAccount stops a confused deputy).
func TrustPolicy(env awsenv.Environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:        SidLambdaAssumeRole,
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"lambda.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
	})
}

// WriteOwnLogsStatement lets the function write to its own log group: the
// group itself (CreateLogStream) and its streams (PutLogEvents). There is no
// logs:CreateLogGroup: the component creates the group.
func WriteOwnLogsStatement(logGroupARN string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       SidWriteOwnLogs,
		Effect:    policydoc.Allow,
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources: []string{logGroupARN, logGroupARN + ":*"},
	}
}

// SendToDeadLetterQueueStatement lets Lambda send failed asynchronous
// invocations to the dead-letter queue, which it does with the function's
// own permissions.
func SendToDeadLetterQueueStatement(deadLetterQueueARN string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       SidSendToDeadLetterQueue,
		Effect:    policydoc.Allow,
		Actions:   []string{"sqs:SendMessage"},
		Resources: []string{deadLetterQueueARN},
	}
}

// VPCStatement holds the network interface permissions Lambda uses, with the
// function's role, to attach the function to its subnets.
//
// ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource
// scope, and Lambda does not name the interfaces it will create, so the
// statement must use Resource "*" (as AWSLambdaVPCAccessExecutionRole does).
// It is narrowed with ec2:Subnet, the condition key EC2 evaluates on network
// interface resources: interfaces may only be created, changed or deleted in
// the function's own subnets. "IfExists" keeps the Describe calls (and the
// security group resource of CreateNetworkInterface), which carry no ec2:Subnet
// key, working.
func VPCStatement(env awsenv.Environment, subnetIDs []string) policydoc.Statement {
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

// UploadTracesStatement lets active tracing upload to X-Ray. PutTraceSegments
// and PutTelemetryRecords have no resource types: IAM only accepts "*" for
// them (the AWSXRayDaemonWriteAccess managed policy does the same). Traces
// carry no PHI.
func UploadTracesStatement() policydoc.Statement {
	return policydoc.Statement{
		Sid:       SidUploadTraces,
		Effect:    policydoc.Allow,
		Actions:   []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"},
		Resources: []string{"*"},
	}
}
