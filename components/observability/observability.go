package observability

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the Observability component's Pulumi type.
const TypeToken = "mediguard:observability:Observability"

// Observability is the platform's CloudWatch dashboard, the platform alarms
// that the components do not raise themselves (alert delivery failures,
// detector latency, video ingestion stopped) and the security metric filters
// and alarms on the audit trail's log group. Every alarm notifies the
// operations topic.
type Observability struct {
	pulumi.ResourceState

	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
	// AlarmNames lists every alarm the component created.
	AlarmNames pulumi.StringArrayOutput `pulumi:"alarmNames"`
}

// NewObservability validates args, then creates the dashboard, the alarms and
// the metric filters as children of the component. Create it after the
// components it watches. Invalid args register nothing.
func NewObservability(ctx *pulumi.Context, name string, args *ObservabilityArgs, opts ...pulumi.ResourceOption) (*Observability, error) {
	c, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &Observability{}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, pulumi.Map{
		"dashboardName":   pulumi.String(c.DashboardName),
		"streams":         pulumi.Int(len(c.StreamNames)),
		"securityFilters": pulumi.Bool(c.TrailLogGroupName != nil),
	}, component, opts...); err != nil {
		return nil, fmt.Errorf("register observability %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: c, parent: pulumi.Parent(component), tags: tagMap(c.Tags)}
	if err := b.build(env, component); err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"dashboardName": component.DashboardName,
		"alarmNames":    component.AlarmNames,
	}); err != nil {
		return nil, fmt.Errorf("observability %q: register outputs: %w", name, err)
	}
	return component, nil
}

type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    ObservabilityArgs
	parent pulumi.ResourceOption
	tags   pulumi.StringMap
}

// alarmSpec is one alarm on one metric; every alarm shares the actions.
type alarmSpec struct {
	suffix      string
	description string
	namespace   string
	metric      pulumi.StringInput
	dimensions  pulumi.StringMap
	statistic   string // Sum, Maximum...
	percentile  string // p95; replaces statistic
	comparison  string
	threshold   float64
	periods     int
	missingData string
}

// Every alarm evaluates five-minute periods.
const alarmPeriodSeconds = 300

func (b builder) build(env awsenv.Environment, component *Observability) error {
	c := b.cfg
	frameQueue := resourceName(c.FrameQueueARN)
	deadLetterQueue := resourceName(c.DeadLetterQueueARN)
	alertTopic := resourceName(c.AlertTopicARN)

	alarms := []alarmSpec{
		{
			suffix:      "alert-delivery-failures",
			description: "SNS failed to deliver clinical alerts to a subscriber: a nurse station may not be receiving alerts. Check the subscription endpoints.",
			namespace:   "AWS/SNS", metric: pulumi.String("NumberOfNotificationsFailed"),
			dimensions: pulumi.StringMap{"TopicName": alertTopic},
			statistic:  "Sum", comparison: "GreaterThanThreshold", threshold: 0, periods: 1, missingData: "notBreaching",
		},
		{
			suffix:      "detector-latency",
			description: fmt.Sprintf("The detector's p95 duration is above %d ms for 15 minutes: alerts are arriving late.", c.DetectorLatencyAlarmMilliseconds),
			namespace:   "AWS/Lambda", metric: pulumi.String("Duration"),
			dimensions: pulumi.StringMap{"FunctionName": c.DetectorFunctionName},
			percentile: "p95", comparison: "GreaterThanThreshold", threshold: float64(c.DetectorLatencyAlarmMilliseconds), periods: 3, missingData: "notBreaching",
		},
	}
	for i, stream := range c.StreamNames {
		alarms = append(alarms, alarmSpec{
			suffix:      fmt.Sprintf("stream-%d-ingestion-stopped", i),
			description: "A camera's video stream received no fragments for 15 minutes: the room is not being watched. Check the camera and its uplink.",
			namespace:   "AWS/KinesisVideo", metric: pulumi.String("PutMedia.IncomingFragments"),
			dimensions: pulumi.StringMap{"StreamName": stream},
			statistic:  "Sum", comparison: "LessThanThreshold", threshold: 1, periods: 3, missingData: "breaching",
		})
	}

	var securityMetrics []string
	if c.TrailLogGroupName != nil {
		for _, f := range SecurityFilters() {
			filter, err := cloudwatch.NewLogMetricFilter(b.ctx, b.name+"-sec-"+f.ID, &cloudwatch.LogMetricFilterArgs{
				LogGroupName: c.TrailLogGroupName,
				Pattern:      pulumi.String(f.Pattern),
				MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
					Name:      pulumi.String(f.Metric),
					Namespace: pulumi.String(SecurityMetricNamespace),
					Value:     pulumi.String("1"),
				},
			}, b.parent)
			if err != nil {
				return fmt.Errorf("create metric filter %s: %w", f.ID, err)
			}
			securityMetrics = append(securityMetrics, f.Metric)
			alarms = append(alarms, alarmSpec{
				suffix:      "sec-" + f.ID,
				description: fmt.Sprintf("CloudTrail: %s (%s). Triage with the audit runbook.", f.Summary, f.Control),
				namespace:   SecurityMetricNamespace, metric: filter.MetricTransformation.Name(),
				statistic: "Sum", comparison: "GreaterThanOrEqualToThreshold", threshold: 1, periods: 1, missingData: "notBreaching",
			})
		}
	}

	var names pulumi.StringArray
	for _, a := range alarms {
		alarm, err := b.alarm(a)
		if err != nil {
			return err
		}
		names = append(names, alarm.Name)
	}

	body := pulumi.All(append([]any{c.DetectorFunctionName, frameQueue, deadLetterQueue, alertTopic}, toAny(c.StreamNames)...)...).ApplyT(func(v []any) (string, error) {
		streams := make([]string, 0, len(v)-4)
		for _, s := range v[4:] {
			streams = append(streams, s.(string))
		}
		return platformDashboard(dashboardTargets{
			Region:              env.Region,
			Title:               "MediGuard " + c.DashboardName,
			FunctionName:        v[0].(string),
			FrameQueueName:      v[1].(string),
			DeadLetterQueueName: v[2].(string),
			AlertTopicName:      v[3].(string),
			StreamNames:         streams,
			SecurityMetrics:     securityMetrics,
		}).JSON()
	}).(pulumi.StringOutput)
	dashboard, err := cloudwatch.NewDashboard(b.ctx, b.name+"-dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(c.DashboardName),
		DashboardBody: body,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create dashboard %s: %w", c.DashboardName, err)
	}
	component.DashboardName = dashboard.DashboardName
	component.AlarmNames = names.ToStringArrayOutput()
	return nil
}

// alarm creates one alarm that notifies the operations topic on every state
// change (alarm, OK and insufficient data).
func (b builder) alarm(a alarmSpec) (*cloudwatch.MetricAlarm, error) {
	actions := pulumi.Array{b.cfg.TopicARN}
	args := &cloudwatch.MetricAlarmArgs{
		AlarmDescription:        pulumi.String(a.description),
		Namespace:               pulumi.String(a.namespace),
		MetricName:              a.metric,
		Period:                  pulumi.Int(alarmPeriodSeconds),
		EvaluationPeriods:       pulumi.Int(a.periods),
		Threshold:               pulumi.Float64(a.threshold),
		ComparisonOperator:      pulumi.String(a.comparison),
		TreatMissingData:        pulumi.String(a.missingData),
		ActionsEnabled:          pulumi.Bool(true),
		AlarmActions:            actions,
		OkActions:               actions,
		InsufficientDataActions: actions,
		Tags:                    b.tags,
	}
	if len(a.dimensions) > 0 {
		args.Dimensions = a.dimensions
	}
	if a.percentile != "" {
		args.ExtendedStatistic = pulumi.String(a.percentile)
	} else {
		args.Statistic = pulumi.String(a.statistic)
	}
	alarm, err := cloudwatch.NewMetricAlarm(b.ctx, b.name+"-"+a.suffix, args, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create alarm %s: %w", a.suffix, err)
	}
	return alarm, nil
}

// resourceName is the last field of an SQS queue or SNS topic ARN
// (arn:partition:service:region:account:name): the name CloudWatch metrics use.
func resourceName(arn pulumi.StringInput) pulumi.StringOutput {
	return arn.ToStringOutput().ApplyT(func(a string) (string, error) {
		parts := strings.Split(a, ":")
		if len(parts) != 6 || parts[5] == "" {
			return "", fmt.Errorf("%q is not an SQS queue or SNS topic ARN", a)
		}
		return parts[5], nil
	}).(pulumi.StringOutput)
}

func toAny(inputs []pulumi.StringInput) []any {
	out := make([]any, len(inputs))
	for i, in := range inputs {
		out[i] = in
	}
	return out
}
