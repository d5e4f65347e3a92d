package securenetwork

import (
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// flowLogsService is the service principal that delivers VPC flow logs.
const flowLogsService = "vpc-flow-logs.amazonaws.com"

// flowLogTrustPolicy lets only the flow-logs service assume the delivery role,
// and only for flow logs of this account in this region (confused-deputy
// protection with aws:SourceAccount and aws:SourceArn).
func flowLogTrustPolicy(id awsenv.Environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "AssumeForThisAccountsFlowLogs",
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{Service: []string{flowLogsService}},
		Actions:   []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{
			"StringEquals": {"aws:SourceAccount": {id.AccountID}},
			"ArnLike":      {"aws:SourceArn": {"arn:" + id.Partition + ":ec2:" + id.Region + ":" + id.AccountID + ":vpc-flow-log/*"}},
		},
	})
}

// flowLogWritePolicy lets the delivery role write to one log group and
// nothing else. It deliberately omits logs:CreateLogGroup: the component
// creates the group, encrypted and with retention, and the service must not be
// able to recreate it without either if it is deleted.
func flowLogWritePolicy(logGroupARN string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "WriteFlowLogsToOneGroup",
		Effect:    policydoc.Allow,
		Actions:   []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
		Resources: []string{logGroupARN, logGroupARN + ":*"},
	})
}

// interfaceEndpointPolicy is an identity perimeter: only principals of this
// account may call the service through the endpoint, so stolen credentials of
// another account cannot be used to move data out through it.
func interfaceEndpointPolicy(id awsenv.Environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:        "OnlyThisAccountsPrincipals",
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Any: true},
		Actions:    []string{"*"},
		Resources:  []string{"*"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:PrincipalAccount": {id.AccountID}}},
	})
}

// gatewayEndpointPolicy adds a resource perimeter to the identity perimeter:
// S3 and DynamoDB requests through the endpoint must come from this account's
// principals and reach this account's buckets and tables, so a function cannot
// copy PHI into a bucket someone else owns.
func gatewayEndpointPolicy(id awsenv.Environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "OnlyThisAccountsPrincipalsAndResources",
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{Any: true},
		Actions:   []string{"*"},
		Resources: []string{"*"},
		Conditions: policydoc.Conditions{"StringEquals": {
			"aws:PrincipalAccount": {id.AccountID},
			"aws:ResourceAccount":  {id.AccountID},
		}},
	})
}
