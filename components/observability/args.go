package observability

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultDetectorLatencyAlarmMilliseconds pages when the detector's p95
// duration stays above ten seconds: a third of its default timeout, and long
// enough behind real time that a fall alert would arrive late.
const DefaultDetectorLatencyAlarmMilliseconds = 10000

var dashboardNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// ObservabilityArgs configures the platform dashboard and alarms. Everything it
// watches is an Input produced by other components.
type ObservabilityArgs struct {
	// TopicARN is the operations topic every alarm notifies; required.
	TopicARN pulumi.StringInput
	// DashboardName names the CloudWatch dashboard (default: the component
	// name); unique per account.
	DashboardName string

	// DetectorFunctionName is the detector Lambda; required.
	DetectorFunctionName pulumi.StringInput
	// FrameQueueARN and DeadLetterQueueARN are the detector's queues; required.
	FrameQueueARN      pulumi.StringInput
	DeadLetterQueueARN pulumi.StringInput
	// AlertTopicARN is the clinical alert topic whose deliveries are charted
	// and whose failed deliveries page; required.
	AlertTopicARN pulumi.StringInput
	// StreamNames are the Kinesis video streams: ingestion is charted per
	// stream, and a stream that stops receiving video pages.
	StreamNames []pulumi.StringInput
	// TrailLogGroupName is the audit trail's CloudWatch log group. With it,
	// the component adds the CloudWatch.1-14 security metric filters and
	// alarms; without it (a stack with no trail) it adds none.
	TrailLogGroupName pulumi.StringInput

	// DetectorLatencyAlarmMilliseconds is the p95 detector duration that pages
	// (100..900000; default 10000).
	DetectorLatencyAlarmMilliseconds int

	// Tags are added to every alarm and the dashboard's children that take tags.
	Tags map[string]string
}

// withDefaults validates args and returns a defaulted copy, reporting every
// problem at once. The caller's args are never modified.
func (a *ObservabilityArgs) withDefaults(name string) (ObservabilityArgs, error) {
	if a == nil {
		return ObservabilityArgs{}, fmt.Errorf("observability %q: args are required", name)
	}
	out := *a
	out.StreamNames = slices.Clone(a.StreamNames)
	out.Tags = maps.Clone(a.Tags)
	if out.DashboardName == "" {
		out.DashboardName = name
	}
	if out.DetectorLatencyAlarmMilliseconds == 0 {
		out.DetectorLatencyAlarmMilliseconds = DefaultDetectorLatencyAlarmMilliseconds
	}
	var errs []error
	if name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	required := map[string]bool{
		"TopicARN":             out.TopicARN == nil,
		"DetectorFunctionName": out.DetectorFunctionName == nil,
		"FrameQueueARN":        out.FrameQueueARN == nil,
		"DeadLetterQueueARN":   out.DeadLetterQueueARN == nil,
		"AlertTopicARN":        out.AlertTopicARN == nil,
	}
	for _, field := range slices.Sorted(maps.Keys(required)) {
		if required[field] {
			errs = append(errs, fmt.Errorf("%s is required", field))
		}
	}
	for i, s := range out.StreamNames {
		if s == nil {
			errs = append(errs, fmt.Errorf("StreamNames[%d] is nil", i))
		}
	}
	if !dashboardNamePattern.MatchString(out.DashboardName) {
		errs = append(errs, fmt.Errorf("DashboardName %q must be 1-255 letters, digits, hyphens or underscores", out.DashboardName))
	}
	if v := out.DetectorLatencyAlarmMilliseconds; v < 100 || v > 900000 {
		errs = append(errs, fmt.Errorf("DetectorLatencyAlarmMilliseconds %d is outside 100..900000", v))
	}
	errs = append(errs, checkTags(out.Tags)...)
	if len(errs) > 0 {
		return ObservabilityArgs{}, fmt.Errorf("observability %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}
