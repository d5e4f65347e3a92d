package vpcfunction

import (
	"slices"
	"testing"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// TestVPCStatementFollowsThePartition checks the subnet condition is built from
// the provider's partition, region and account, one ARN per subnet.
func TestVPCStatementFollowsThePartition(t *testing.T) {
	t.Parallel()
	env := awsenv.Environment{AccountID: "210987654321", Region: "us-gov-west-1", Partition: "aws-us-gov"}
	s := VPCStatement(env, []string{"subnet-1", "subnet-2"})
	want := []string{
		"arn:aws-us-gov:ec2:us-gov-west-1:210987654321:subnet/subnet-1",
		"arn:aws-us-gov:ec2:us-gov-west-1:210987654321:subnet/subnet-2",
	}
	if got := s.Conditions["ArnEqualsIfExists"]["ec2:Subnet"]; !slices.Equal(got, want) {
		t.Errorf("subnet condition = %v, want %v", got, want)
	}
}

// TestTrustPolicyIsScopedToTheAccount checks only Lambda, for the provider's
// account, may assume the role.
func TestTrustPolicyIsScopedToTheAccount(t *testing.T) {
	t.Parallel()
	doc := TrustPolicy(awsenv.Environment{AccountID: "210987654321"})
	s, ok := doc.Statement(SidLambdaAssumeRole)
	if !ok || len(doc.Statements) != 1 {
		t.Fatalf("trust policy = %+v, want one %s statement", doc, SidLambdaAssumeRole)
	}
	if s.Principal == nil || !slices.Equal(s.Principal.Service, []string{"lambda.amazonaws.com"}) || !slices.Equal(s.Actions, []string{"sts:AssumeRole"}) {
		t.Errorf("statement = %+v, want lambda.amazonaws.com and sts:AssumeRole", s)
	}
	if got := s.Conditions["StringEquals"]["aws:SourceAccount"]; !slices.Equal(got, []string{"210987654321"}) {
		t.Errorf("aws:SourceAccount = %v", got)
	}
}

// TestLogStatementCoversTheGroupAndItsStreams checks the log statement names
// the group (CreateLogStream) and its streams (PutLogEvents), and no other group.
func TestLogStatementCoversTheGroupAndItsStreams(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f"
	if got := WriteOwnLogsStatement(arn).Resources; !slices.Equal(got, []string{arn, arn + ":*"}) {
		t.Errorf("resources = %v", got)
	}
}
