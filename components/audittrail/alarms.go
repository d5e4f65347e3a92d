package audittrail

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityEvent is a class of CloudTrail events someone must look at when it
// happens: a metric filter on the trail's log group counts it and an alarm
// notifies the alarm topic.
type securityEvent struct {
	id      string // suffix of the filter and alarm names
	metric  string
	summary string
	pattern string
}

// securityEvents are the CIS AWS Foundations Benchmark monitoring filters that
// matter for a PHI platform: the six that HIPAA checks (Prowler) expect, plus
// changes that would blind the audit trail or lose the keys protecting PHI.
var securityEvents = []securityEvent{
	{
		id: "console-sign-in-failures", metric: "ConsoleSignInFailures",
		summary: "failed AWS console sign-ins",
		pattern: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
	},
	{
		id: "root-usage", metric: "RootAccountUsage",
		summary: "use of the account root user",
		pattern: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
	},
	{
		id: "network-acl-changes", metric: "NetworkACLChanges",
		summary: "network ACL changes",
		pattern: `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
	},
	{
		id: "network-gateway-changes", metric: "NetworkGatewayChanges",
		summary: "internet and customer gateway changes",
		pattern: `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
	},
	{
		id: "route-table-changes", metric: "RouteTableChanges",
		summary: "route table changes",
		pattern: `{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
	},
	{
		id: "vpc-changes", metric: "VPCChanges",
		summary: "VPC and peering changes",
		pattern: `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) }`,
	},
	{
		id: "cloudtrail-changes", metric: "CloudTrailChanges",
		summary: "changes that could stop or redirect the audit trail",
		pattern: `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }`,
	},
	{
		id: "kms-key-disable-or-deletion", metric: "KMSKeyDisableOrDeletion",
		summary: "disabling or scheduling deletion of a KMS key",
		pattern: `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`,
	},
}

// securityAlarms creates one metric filter and one alarm per security event
// class. An alarm fires on the first matching event in five minutes; missing
// data (no such events) is the normal, healthy state.
func securityAlarms(ctx *pulumi.Context, name string, cfg AuditTrailArgs, logGroup *cloudwatch.LogGroup, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	namespace := "MediGuard/CloudTrail/" + cfg.TrailName
	for _, ev := range securityEvents {
		filter, err := cloudwatch.NewLogMetricFilter(ctx, name+"-"+ev.id, &cloudwatch.LogMetricFilterArgs{
			LogGroupName: logGroup.Name,
			Pattern:      pulumi.String(ev.pattern),
			MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
				Name:      pulumi.String(ev.metric),
				Namespace: pulumi.String(namespace),
				Value:     pulumi.String("1"),
			},
		}, parent)
		if err != nil {
			return fmt.Errorf("create metric filter for %s: %w", ev.summary, err)
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+ev.id, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String(fmt.Sprintf("CloudTrail trail %s recorded %s.", cfg.TrailName, ev.summary)),
			Namespace:          pulumi.String(namespace),
			MetricName:         filter.MetricTransformation.Name(),
			Statistic:          pulumi.String("Sum"),
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(1),
			Threshold:          pulumi.Float64(1),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			TreatMissingData:   pulumi.String("notBreaching"),
			ActionsEnabled:     pulumi.Bool(true),
			AlarmActions:       pulumi.Array{cfg.AlarmTopicARN},
			Tags:               tags,
		}, parent); err != nil {
			return fmt.Errorf("create alarm for %s: %w", ev.summary, err)
		}
	}
	return nil
}
