package observability

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	testName     = "operations"
	auditKeyARN  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	opsTopicARN  = "arn:aws:sns:us-east-1:123456789012:operations-topic"
	functionName = "detector"
	queueARN     = "arn:aws:sqs:us-east-1:123456789012:detector-frames"
	dlqARN       = "arn:aws:sqs:us-east-1:123456789012:detector-dlq"
	alertARN     = "arn:aws:sns:us-east-1:123456789012:detector-alerts"
	trailGroup   = "/aws/cloudtrail/mediguard-dev"
)

const (
	alarmType     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	filterType    = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	dashboardType = "aws:cloudwatch/dashboard:Dashboard"
	topicType     = "aws:sns/topic:Topic"
	policyType    = "aws:sns/topicPolicy:TopicPolicy"
	subType       = "aws:sns/topicSubscription:TopicSubscription"
)

func testArgs() *ObservabilityArgs {
	return &ObservabilityArgs{
		TopicARN:             pulumi.String(opsTopicARN),
		DashboardName:        "mediguard-dev",
		DetectorFunctionName: pulumi.String(functionName),
		FrameQueueARN:        pulumi.String(queueARN),
		DeadLetterQueueARN:   pulumi.String(dlqARN),
		AlertTopicARN:        pulumi.String(alertARN),
		StreamNames:          []pulumi.StringInput{pulumi.String("cam-w3-301"), pulumi.String("cam-w3-302")},
		TrailLogGroupName:    pulumi.String(trailGroup),
		Tags:                 map[string]string{"environment": "dev"},
	}
}

func run(t *testing.T, create func(ctx *pulumi.Context) error, runOpts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(create, append([]pulumi.RunOption{r.RunOption()}, runOpts...)...)
	return r, err
}

func observe(args *ObservabilityArgs) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		_, err := NewObservability(ctx, testName, args)
		return err
	}
}

func mustRun(t *testing.T, create func(ctx *pulumi.Context) error, runOpts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, create, runOpts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func TestInventoryPerOptionSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*ObservabilityArgs)
		want   map[string]int
	}{
		{"trail and two streams", nil, map[string]int{TypeToken: 1, dashboardType: 1, filterType: 14, alarmType: 2 + 2 + 14}},
		{"no trail", func(a *ObservabilityArgs) { a.TrailLogGroupName = nil }, map[string]int{TypeToken: 1, dashboardType: 1, alarmType: 4}},
		{"no streams", func(a *ObservabilityArgs) { a.StreamNames = nil }, map[string]int{TypeToken: 1, dashboardType: 1, filterType: 14, alarmType: 16}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			if tc.modify != nil {
				tc.modify(args)
			}
			r := mustRun(t, observe(args))
			if got := r.TypeCounts(); !maps.Equal(got, tc.want) {
				t.Errorf("inventory = %v, want %v", got, tc.want)
			}
			if got := r.OutputsRegistered(); got != 2 {
				t.Errorf("RegisterResourceOutputs called %d times, want 2", got)
			}
		})
	}
}

func TestChildrenAreParentedToTheComponent(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()))
	component := mustNamed(t, r, TypeToken, testName)
	for _, res := range r.Resources() {
		if res.URN == component.URN {
			continue
		}
		if res.Parent != component.URN || !strings.HasPrefix(res.Name, testName+"-") {
			t.Errorf("%s %s: parent %q", res.Type, res.Name, res.Parent)
		}
	}
}

func TestEveryAlarmNotifiesTheOperationsTopic(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()))
	for _, a := range r.ByType(alarmType) {
		in := a.Inputs.Mappable()
		if in["actionsEnabled"] != true {
			t.Errorf("%s: actions disabled", a.Name)
		}
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			if got := in[key]; !reflect.DeepEqual(got, []any{opsTopicARN}) {
				t.Errorf("%s %s = %v", a.Name, key, got)
			}
		}
		if in["alarmDescription"] == "" || in["period"] != float64(alarmPeriodSeconds) {
			t.Errorf("%s: description %q period %v", a.Name, in["alarmDescription"], in["period"])
		}
	}
}

func TestPlatformAlarms(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()))
	tests := []struct {
		name       string
		metric     string
		dimensions map[string]any
		comparison string
		threshold  float64
		missing    string
	}{
		{testName + "-alert-delivery-failures", "NumberOfNotificationsFailed", map[string]any{"TopicName": "detector-alerts"}, "GreaterThanThreshold", 0, "notBreaching"},
		{testName + "-detector-latency", "Duration", map[string]any{"FunctionName": functionName}, "GreaterThanThreshold", DefaultDetectorLatencyAlarmMilliseconds, "notBreaching"},
		{testName + "-stream-1-ingestion-stopped", "PutMedia.IncomingFragments", map[string]any{"StreamName": "cam-w3-302"}, "LessThanThreshold", 1, "breaching"},
	}
	for _, tc := range tests {
		in := mustNamed(t, r, alarmType, tc.name).Inputs.Mappable()
		if in["metricName"] != tc.metric || !reflect.DeepEqual(in["dimensions"], tc.dimensions) ||
			in["comparisonOperator"] != tc.comparison || in["threshold"] != tc.threshold || in["treatMissingData"] != tc.missing {
			t.Errorf("%s = %v", tc.name, in)
		}
	}
	if got := mustNamed(t, r, alarmType, testName+"-detector-latency").Inputs.Mappable()["extendedStatistic"]; got != "p95" {
		t.Errorf("latency statistic = %v", got)
	}
}

func TestSecurityFiltersAndAlarmsOnTheTrailLogGroup(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()))
	for _, f := range SecurityFilters() {
		filter := mustNamed(t, r, filterType, testName+"-sec-"+f.ID)
		in := filter.Inputs.Mappable()
		transform := in["metricTransformation"].(map[string]any)
		if in["logGroupName"] != trailGroup || in["pattern"] != f.Pattern ||
			transform["name"] != f.Metric || transform["namespace"] != SecurityMetricNamespace || transform["value"] != "1" {
			t.Errorf("filter %s = %v", f.ID, in)
		}
		alarm := mustNamed(t, r, alarmType, testName+"-sec-"+f.ID)
		a := alarm.Inputs.Mappable()
		if a["metricName"] != f.Metric || a["namespace"] != SecurityMetricNamespace || a["threshold"] != float64(1) ||
			a["comparisonOperator"] != "GreaterThanOrEqualToThreshold" || !strings.Contains(a["alarmDescription"].(string), f.Control) {
			t.Errorf("alarm %s = %v", f.ID, a)
		}
		if !alarm.DependsOn(filter) {
			t.Errorf("alarm %s does not take its metric from the filter", f.ID)
		}
	}
}

// dashboardBody parses the dashboard's body back into generic JSON.
func dashboardBody(t *testing.T, r *recorder.Recorder) map[string]any {
	t.Helper()
	text := mustNamed(t, r, dashboardType, testName+"-dashboard").InputString("dashboardBody")
	var body map[string]any
	if err := json.Unmarshal([]byte(text), &body); err != nil {
		t.Fatalf("dashboard body is not JSON: %v\n%s", err, text)
	}
	return body
}

// metricLines returns, per widget title, the metric lines as
// "namespace name dim=value ...".
func metricLines(t *testing.T, body map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, w := range body["widgets"].([]any) {
		widget := w.(map[string]any)
		props := widget["properties"].(map[string]any)
		if widget["type"] != "metric" {
			continue
		}
		for _, m := range props["metrics"].([]any) {
			parts := m.([]any)
			var fields []string
			for i := 0; i < len(parts); i++ {
				switch v := parts[i].(type) {
				case string:
					if i >= 2 && i%2 == 0 {
						fields = append(fields, v+"="+parts[i+1].(string))
						i++
					} else {
						fields = append(fields, v)
					}
				}
			}
			out[props["title"].(string)] = append(out[props["title"].(string)], strings.Join(fields, " "))
		}
	}
	return out
}

func TestDashboardReferencesThePlatformResources(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()))
	if got := mustNamed(t, r, dashboardType, testName+"-dashboard").InputString("dashboardName"); got != "mediguard-dev" {
		t.Errorf("dashboard name = %q", got)
	}
	lines := metricLines(t, dashboardBody(t, r))
	want := map[string][]string{
		"Frames in": {"AWS/SQS NumberOfMessagesSent QueueName=detector-frames", "AWS/Lambda Invocations FunctionName=detector"},
		"Detector latency (ms)": {
			"AWS/Lambda Duration FunctionName=detector", "AWS/Lambda Duration FunctionName=detector", "AWS/Lambda Duration FunctionName=detector",
		},
		"Detector errors and backlog": {
			"AWS/Lambda Errors FunctionName=detector", "AWS/Lambda Throttles FunctionName=detector",
			"AWS/SQS ApproximateAgeOfOldestMessage QueueName=detector-frames",
		},
		"Dead-letter queue depth": {"AWS/SQS ApproximateNumberOfMessagesVisible QueueName=detector-dlq"},
		"Alert deliveries":        {"AWS/SNS NumberOfNotificationsDelivered TopicName=detector-alerts", "AWS/SNS NumberOfNotificationsFailed TopicName=detector-alerts"},
		"Video ingestion: fragments per stream": {
			"AWS/KinesisVideo PutMedia.IncomingFragments StreamName=cam-w3-301", "AWS/KinesisVideo PutMedia.IncomingFragments StreamName=cam-w3-302",
		},
		"Video ingestion: bytes per stream": {
			"AWS/KinesisVideo PutMedia.IncomingBytes StreamName=cam-w3-301", "AWS/KinesisVideo PutMedia.IncomingBytes StreamName=cam-w3-302",
		},
	}
	for title, w := range want {
		if got := lines[title]; !slices.Equal(got, w) {
			t.Errorf("widget %q metrics =\n%v\nwant\n%v", title, got, w)
		}
	}
	var events []string
	for _, e := range DetectionEventTypes {
		events = append(events, DetectionNamespace+" "+DetectionEventsMetric+" "+FunctionNameDimension+"=detector "+EventTypeDimension+"="+string(e))
	}
	if got := lines["Events by type"]; !slices.Equal(got, events) {
		t.Errorf("events widget = %v, want %v", got, events)
	}
	if got := len(lines["Security events (CloudTrail)"]); got != len(SecurityFilters()) {
		t.Errorf("security widget has %d metrics, want %d", got, len(SecurityFilters()))
	}
}

func TestDashboardLayoutStaysOnTheGrid(t *testing.T) {
	t.Parallel()
	d := platformDashboard(dashboardTargets{Region: "us-east-1", Title: "t", StreamNames: []string{"a"}, SecurityMetrics: []string{"M"}})
	seen := map[[2]int]bool{}
	for _, w := range d.Widgets {
		if w.X < 0 || w.X+w.Width > 24 || w.Width <= 0 || w.Height <= 0 {
			t.Errorf("widget %q off the 24-unit grid: %+v", w.Properties.Title, w)
		}
		if seen[[2]int{w.X, w.Y}] {
			t.Errorf("two widgets at %d,%d", w.X, w.Y)
		}
		seen[[2]int{w.X, w.Y}] = true
		if w.Type == "metric" && (len(w.Properties.Metrics) == 0 || w.Properties.Region != "us-east-1") {
			t.Errorf("widget %q: %d metrics in %q", w.Properties.Title, len(w.Properties.Metrics), w.Properties.Region)
		}
	}
}

func TestMetricRendersTheArrayForm(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Metric{Namespace: "AWS/SQS", Name: "NumberOfMessagesSent", Dimensions: []Dimension{{"QueueName", "q"}}, Stat: "Sum", Label: "sent"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `["AWS/SQS","NumberOfMessagesSent","QueueName","q",{"label":"sent","stat":"Sum"}]`; got != want {
		t.Errorf("metric = %s, want %s", got, want)
	}
	b, _ = json.Marshal(Metric{Namespace: "N", Name: "M"})
	if string(b) != `["N","M"]` {
		t.Errorf("bare metric = %s", b)
	}
}

func TestPreviewWithUnknownInputs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, observe(testArgs()), func(info *pulumi.RunInfo) { info.DryRun = true })
	if len(r.ByType(dashboardType)) != 1 || len(r.ByType(alarmType)) != 18 {
		t.Errorf("preview registered %v", r.TypeCounts())
	}
}

func TestBadQueueARNFailsTheRun(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.FrameQueueARN = pulumi.String("detector-frames")
	if _, err := run(t, observe(args)); err == nil || !strings.Contains(err.Error(), "is not an SQS queue or SNS topic ARN") {
		t.Errorf("err = %v", err)
	}
}

func TestInvalidObservabilityArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args *ObservabilityArgs
		want []string
	}{
		{"nil", nil, []string{"args are required"}},
		{"empty", &ObservabilityArgs{DashboardName: "bad name", DetectorLatencyAlarmMilliseconds: 5, StreamNames: []pulumi.StringInput{nil}, Tags: map[string]string{"managed-by": "me"}},
			[]string{"AlertTopicARN is required", "DeadLetterQueueARN is required", "DetectorFunctionName is required", "FrameQueueARN is required", "TopicARN is required",
				"StreamNames[0] is nil", `DashboardName "bad name"`, "DetectorLatencyAlarmMilliseconds 5", `Tags: "managed-by"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := run(t, observe(tc.args))
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if len(r.Resources()) != 0 {
				t.Errorf("registered %v", r.TypeCounts())
			}
		})
	}
}

func topicArgs() *OperationsTopicArgs {
	return &OperationsTopicArgs{
		KMSKeyARN:   pulumi.String(auditKeyARN),
		Subscribers: []Subscriber{{Protocol: "email", Endpoint: pulumi.ToSecret(pulumi.String("oncall@example.org")).(pulumi.StringOutput)}},
		Tags:        map[string]string{"environment": "dev"},
	}
}

func topic(args *OperationsTopicArgs) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		_, err := NewOperationsTopic(ctx, testName, args)
		return err
	}
}

func TestOperationsTopic(t *testing.T) {
	t.Parallel()
	r := mustRun(t, topic(topicArgs()))
	want := map[string]int{TopicTypeToken: 1, topicType: 1, policyType: 1, subType: 1}
	if got := r.TypeCounts(); !maps.Equal(got, want) {
		t.Errorf("inventory = %v, want %v", got, want)
	}
	component := mustNamed(t, r, TopicTypeToken, testName)
	for _, res := range r.Resources() {
		if res.URN != component.URN && res.Parent != component.URN {
			t.Errorf("%s %s is not parented to the component", res.Type, res.Name)
		}
	}
	in := mustNamed(t, r, topicType, testName+"-topic").Inputs.Mappable()
	tags := in["tags"].(map[string]any)
	if in["kmsMasterKeyId"] != auditKeyARN || tags["data-classification"] != "audit" || tags["environment"] != "dev" {
		t.Errorf("topic inputs = %v", in)
	}
	sub := mustNamed(t, r, subType, testName+"-sub-0")
	if sub.InputString("protocol") != "email" {
		t.Errorf("subscription protocol = %q", sub.InputString("protocol"))
	}
}

func TestOperationsTopicPolicy(t *testing.T) {
	t.Parallel()
	r := mustRun(t, topic(topicArgs()))
	doc, err := policydoc.Parse(mustNamed(t, r, policyType, testName+"-policy").InputString("policy"))
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:sns:us-east-1:123456789012:" + testName + "-topic"
	want := []policydoc.Statement{
		{
			Sid: SidAllowCloudWatchAlarms, Effect: policydoc.Allow,
			Principal: &policydoc.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
			Actions:   []string{"sns:Publish"}, Resources: []string{arn},
			Conditions: policydoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {recorder.Account}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"}},
			},
		},
		{
			Sid: SidAllowEventBridgeRules, Effect: policydoc.Allow,
			Principal: &policydoc.Principal{Service: []string{"events.amazonaws.com"}},
			Actions:   []string{"sns:Publish"}, Resources: []string{arn},
			Conditions: policydoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {recorder.Account}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:events:us-east-1:123456789012:rule/*"}},
			},
		},
		{
			Sid: SidDenyInsecureTransport, Effect: policydoc.Deny,
			Principal: &policydoc.Principal{Any: true},
			Actions:   []string{"sns:Publish", "sns:Subscribe"}, Resources: []string{arn},
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	}
	if len(doc.Statements) != len(want) {
		t.Fatalf("%d statements, want %d", len(doc.Statements), len(want))
	}
	for _, w := range want {
		if got, ok := doc.Statement(w.Sid); !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("statement %s =\n%+v\nwant\n%+v", w.Sid, got, w)
		}
	}
}

func TestInvalidTopicArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	r, err := run(t, topic(&OperationsTopicArgs{
		Subscribers: []Subscriber{{Protocol: "http"}},
		Tags:        map[string]string{"data-classification": "PHI"},
	}))
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, w := range []string{"KMSKeyARN is required", `Subscribers[0].Protocol "http"`, "Subscribers[0].Endpoint is required", `Tags: "data-classification"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q: %v", w, err)
		}
	}
	if len(r.Resources()) != 0 {
		t.Errorf("registered %v", r.TypeCounts())
	}
}
