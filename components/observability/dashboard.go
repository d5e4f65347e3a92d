package observability

import (
	"encoding/json"
	"fmt"

	"github.com/mediguard/mediguard/detection"
)

// The detector publishes one data point per raised event to this metric
// (CloudWatch embedded metric format), with the function name and the event
// type as its dimensions: counts by type, never camera, ward or patient.
// functions/detector's contract test holds the function to these names.
const (
	DetectionNamespace    = "MediGuard/Detector"
	DetectionEventsMetric = "Events"
	FunctionNameDimension = "FunctionName"
	EventTypeDimension    = "EventType"
)

// DetectionEventTypes are the event types the dashboard charts, in the order
// of the legend.
var DetectionEventTypes = []detection.EventType{
	detection.EventFall, detection.EventBedExit, detection.EventZoneIntrusion,
	detection.EventInactivity, detection.EventCameraTamper, detection.EventCameraOffline,
}

// Dashboard is a CloudWatch dashboard body.
type Dashboard struct {
	Widgets []Widget `json:"widgets"`
}

// Widget is one tile of the dashboard grid (24 units wide).
type Widget struct {
	Type       string           `json:"type"` // "metric" or "text"
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties WidgetProperties `json:"properties"`
}

// WidgetProperties are the properties of a metric or text widget.
type WidgetProperties struct {
	Title    string   `json:"title,omitempty"`
	Region   string   `json:"region,omitempty"`
	View     string   `json:"view,omitempty"`
	Stacked  bool     `json:"stacked,omitempty"`
	Period   int      `json:"period,omitempty"`
	Metrics  []Metric `json:"metrics,omitempty"`
	Markdown string   `json:"markdown,omitempty"`
}

// Metric is one line of a metric widget.
type Metric struct {
	Namespace  string
	Name       string
	Dimensions []Dimension
	Stat       string
	Label      string
}

// Dimension is a metric dimension.
type Dimension struct {
	Name  string
	Value string
}

// MarshalJSON renders the array form CloudWatch expects:
// [namespace, name, dimName, dimValue, ..., {"stat": ..., "label": ...}].
func (m Metric) MarshalJSON() ([]byte, error) {
	parts := []any{m.Namespace, m.Name}
	for _, d := range m.Dimensions {
		parts = append(parts, d.Name, d.Value)
	}
	options := map[string]string{}
	if m.Stat != "" {
		options["stat"] = m.Stat
	}
	if m.Label != "" {
		options["label"] = m.Label
	}
	if len(options) > 0 {
		parts = append(parts, options)
	}
	return json.Marshal(parts)
}

// JSON renders the dashboard body.
func (d Dashboard) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("render dashboard body: %w", err)
	}
	return string(b), nil
}

// Dashboard layout: two widgets per row.
const (
	widgetWidth   = 12
	widgetHeight  = 6
	metricPeriod  = 300
	headingHeight = 2
)

// dashboardTargets are the resolved names the dashboard charts.
type dashboardTargets struct {
	Region              string
	Title               string
	FunctionName        string
	FrameQueueName      string
	DeadLetterQueueName string
	AlertTopicName      string
	StreamNames         []string
	SecurityMetrics     []string // metric names in SecurityMetricNamespace
}

// platformDashboard lays out the platform's widgets: what comes in (frames,
// video), how the detector copes (latency, errors, backlog), what it finds
// (events by type) and whether alerts reach people (SNS deliveries).
func platformDashboard(t dashboardTargets) Dashboard {
	lambda := func(name, stat, label string) Metric {
		return Metric{Namespace: "AWS/Lambda", Name: name, Dimensions: []Dimension{{"FunctionName", t.FunctionName}}, Stat: stat, Label: label}
	}
	sqs := func(queue, name, stat, label string) Metric {
		return Metric{Namespace: "AWS/SQS", Name: name, Dimensions: []Dimension{{"QueueName", queue}}, Stat: stat, Label: label}
	}
	sns := func(name, label string) Metric {
		return Metric{Namespace: "AWS/SNS", Name: name, Dimensions: []Dimension{{"TopicName", t.AlertTopicName}}, Stat: "Sum", Label: label}
	}
	var events []Metric
	for _, e := range DetectionEventTypes {
		events = append(events, Metric{Namespace: DetectionNamespace, Name: DetectionEventsMetric,
			Dimensions: []Dimension{{FunctionNameDimension, t.FunctionName}, {EventTypeDimension, string(e)}}, Stat: "Sum", Label: string(e)})
	}

	type panel struct {
		title   string
		stacked bool
		metrics []Metric
	}
	panels := []panel{
		{"Frames in", false, []Metric{
			sqs(t.FrameQueueName, "NumberOfMessagesSent", "Sum", "frame notifications queued"),
			lambda("Invocations", "Sum", "detector invocations"),
		}},
		{"Detector latency (ms)", false, []Metric{
			lambda("Duration", "p50", "p50"), lambda("Duration", "p95", "p95"), lambda("Duration", "Maximum", "max"),
		}},
		{"Detector errors and backlog", false, []Metric{
			lambda("Errors", "Sum", "errors"), lambda("Throttles", "Sum", "throttles"),
			sqs(t.FrameQueueName, "ApproximateAgeOfOldestMessage", "Maximum", "oldest frame waiting (s)"),
		}},
		{"Events by type", true, events},
		{"Dead-letter queue depth", false, []Metric{
			sqs(t.DeadLetterQueueName, "ApproximateNumberOfMessagesVisible", "Maximum", "frames not analysed"),
		}},
		{"Alert deliveries", false, []Metric{
			sns("NumberOfNotificationsDelivered", "delivered"), sns("NumberOfNotificationsFailed", "failed"),
		}},
	}
	if len(t.StreamNames) > 0 {
		var fragments, bytes []Metric
		for _, s := range t.StreamNames {
			dim := []Dimension{{"StreamName", s}}
			fragments = append(fragments, Metric{Namespace: "AWS/KinesisVideo", Name: "PutMedia.IncomingFragments", Dimensions: dim, Stat: "Sum", Label: s})
			bytes = append(bytes, Metric{Namespace: "AWS/KinesisVideo", Name: "PutMedia.IncomingBytes", Dimensions: dim, Stat: "Sum", Label: s})
		}
		panels = append(panels, panel{"Video ingestion: fragments per stream", false, fragments}, panel{"Video ingestion: bytes per stream", false, bytes})
	}
	if len(t.SecurityMetrics) > 0 {
		var security []Metric
		for _, m := range t.SecurityMetrics {
			security = append(security, Metric{Namespace: SecurityMetricNamespace, Name: m, Stat: "Sum", Label: m})
		}
		panels = append(panels, panel{"Security events (CloudTrail)", true, security})
	}

	d := Dashboard{Widgets: []Widget{{
		Type: "text", X: 0, Y: 0, Width: 2 * widgetWidth, Height: headingHeight,
		Properties: WidgetProperties{Markdown: "# " + t.Title + "\nPlatform health only: counts and latencies, no video, no patient data. Alarms notify the operations topic; clinical alerts go to the nurse stations."},
	}}}
	for i, p := range panels {
		d.Widgets = append(d.Widgets, Widget{
			Type: "metric", X: (i % 2) * widgetWidth, Y: headingHeight + (i/2)*widgetHeight, Width: widgetWidth, Height: widgetHeight,
			Properties: WidgetProperties{Title: p.title, Region: t.Region, View: "timeSeries", Stacked: p.stacked, Period: metricPeriod, Metrics: p.metrics},
		})
	}
	return d
}
