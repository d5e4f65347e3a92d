package observability

import (
	"fmt"
	"strings"
)

// SecurityMetricNamespace is the CloudWatch namespace of the security metrics
// counted from the audit trail's log group.
const SecurityMetricNamespace = "MediGuard/Security"

// SecurityFilter is one class of CloudTrail events that someone must look at
// when it happens: a metric filter on the trail's log group counts it and an
// alarm pages the operations topic on the first occurrence.
type SecurityFilter struct {
	// ID names the filter and alarm ("<component>-sec-<ID>").
	ID string
	// Control is the Security Hub control (CIS AWS Foundations monitoring
	// recommendation) the filter satisfies.
	Control string
	// Summary says what happened, for the alarm description.
	Summary string
	// Pattern is the CloudWatch Logs JSON filter pattern.
	Pattern string
	// Metric is the metric the filter increments.
	Metric string
}

// anyEventName is `($.eventName = A) || ($.eventName = B) ...`.
func anyEventName(names ...string) string {
	terms := make([]string, len(names))
	for i, n := range names {
		terms[i] = fmt.Sprintf("($.eventName = %s)", n)
	}
	return strings.Join(terms, " || ")
}

// fromService is `{ ($.eventSource = service) && (<events>) }`.
func fromService(service string, names ...string) string {
	return fmt.Sprintf("{ ($.eventSource = %s) && (%s) }", service, anyEventName(names...))
}

// SecurityFilters are the CloudWatch.1-14 monitoring controls of Security Hub
// (the CIS AWS Foundations Benchmark metric filters and alarms).
func SecurityFilters() []SecurityFilter {
	return []SecurityFilter{
		{
			ID: "root-usage", Control: "CloudWatch.1", Metric: "RootAccountUsage",
			Summary: "the account root user was used",
			Pattern: `{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }`,
		},
		{
			ID: "unauthorized-api-calls", Control: "CloudWatch.2", Metric: "UnauthorizedAPICalls",
			Summary: "API calls were denied for lack of permission",
			Pattern: `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
		},
		{
			ID: "console-sign-in-without-mfa", Control: "CloudWatch.3", Metric: "ConsoleSignInWithoutMFA",
			Summary: "an IAM user signed in to the console without MFA",
			Pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		},
		{
			ID: "iam-policy-changes", Control: "CloudWatch.4", Metric: "IAMPolicyChanges",
			Summary: "an IAM policy was created, changed, attached or detached",
			Pattern: "{ " + anyEventName(
				"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
				"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
				"AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
			) + " }",
		},
		{
			ID: "cloudtrail-changes", Control: "CloudWatch.5", Metric: "CloudTrailConfigurationChanges",
			Summary: "a trail was created, changed, stopped or deleted",
			Pattern: "{ " + anyEventName("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "PutEventSelectors") + " }",
		},
		{
			ID: "console-auth-failures", Control: "CloudWatch.6", Metric: "ConsoleAuthenticationFailures",
			Summary: "console sign-ins failed authentication",
			Pattern: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		},
		{
			ID: "kms-key-disable-or-deletion", Control: "CloudWatch.7", Metric: "KMSKeyDisableOrDeletion",
			Summary: "a KMS key was disabled or scheduled for deletion",
			Pattern: fromService("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),
		},
		{
			ID: "s3-bucket-policy-changes", Control: "CloudWatch.8", Metric: "S3BucketPolicyChanges",
			Summary: "an S3 bucket policy, ACL, CORS, lifecycle or replication setting changed",
			Pattern: fromService("s3.amazonaws.com",
				"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
				"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"),
		},
		{
			ID: "config-changes", Control: "CloudWatch.9", Metric: "AWSConfigChanges",
			Summary: "the AWS Config recorder or delivery channel was changed or stopped",
			Pattern: fromService("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"),
		},
		{
			ID: "security-group-changes", Control: "CloudWatch.10", Metric: "SecurityGroupChanges",
			Summary: "a security group or its rules changed",
			Pattern: "{ " + anyEventName(
				"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
				"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup") + " }",
		},
		{
			ID: "network-acl-changes", Control: "CloudWatch.11", Metric: "NetworkACLChanges",
			Summary: "a network ACL or its entries changed",
			Pattern: "{ " + anyEventName(
				"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
				"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation") + " }",
		},
		{
			ID: "network-gateway-changes", Control: "CloudWatch.12", Metric: "NetworkGatewayChanges",
			Summary: "an internet or customer gateway changed",
			Pattern: "{ " + anyEventName(
				"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
				"DeleteInternetGateway", "DetachInternetGateway") + " }",
		},
		{
			ID: "route-table-changes", Control: "CloudWatch.13", Metric: "RouteTableChanges",
			Summary: "a route table or route changed",
			Pattern: fromService("ec2.amazonaws.com",
				"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
				"DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
		},
		{
			ID: "vpc-changes", Control: "CloudWatch.14", Metric: "VPCChanges",
			Summary: "a VPC, its attributes or its peering changed",
			Pattern: "{ " + anyEventName(
				"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
				"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
				"DisableVpcClassicLink", "EnableVpcClassicLink") + " }",
		},
	}
}
