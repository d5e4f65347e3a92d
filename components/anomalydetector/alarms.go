package anomalydetector

// alarmTarget says which child a metric describes.
type alarmTarget int

const (
	targetFunction alarmTarget = iota
	targetQueue
	targetDeadLetterQueue
)

// alarmSpec is one operational alarm of the detector.
type alarmSpec struct {
	Suffix      string // resource name suffix
	Description string
	Namespace   string
	Metric      string
	Statistic   string
	Threshold   float64
	Target      alarmTarget
}

// Every alarm compares one 5-minute datapoint against its threshold. Missing
// data (no invocations, an idle queue) is healthy, not an alarm.
const (
	alarmPeriodSeconds     = 300
	alarmEvaluationPeriods = 1
	alarmComparison        = "GreaterThanThreshold"
	alarmMissingData       = "notBreaching"
)

// alarmSpecs plans the alarms: function errors and throttles, any message in
// the dead-letter queue, and frames waiting longer than queueAgeSeconds.
func alarmSpecs(queueAgeSeconds int) []alarmSpec {
	return []alarmSpec{
		{
			Suffix:      "errors",
			Description: "The detector function failed invocations; frames are being retried and may reach the dead-letter queue.",
			Namespace:   "AWS/Lambda", Metric: "Errors", Statistic: "Sum", Threshold: 0, Target: targetFunction,
		},
		{
			Suffix:      "throttles",
			Description: "The detector function was throttled at its reserved concurrency; detection is falling behind.",
			Namespace:   "AWS/Lambda", Metric: "Throttles", Statistic: "Sum", Threshold: 0, Target: targetFunction,
		},
		{
			Suffix:      "dlq-depth",
			Description: "Frame notifications reached the dead-letter queue after repeated failures and were not analysed.",
			Namespace:   "AWS/SQS", Metric: "ApproximateNumberOfMessagesVisible", Statistic: "Maximum", Threshold: 0, Target: targetDeadLetterQueue,
		},
		{
			Suffix:      "queue-age",
			Description: "Frames are waiting in the detector queue longer than the alarm threshold; detection is delayed.",
			Namespace:   "AWS/SQS", Metric: "ApproximateAgeOfOldestMessage", Statistic: "Maximum", Threshold: float64(queueAgeSeconds), Target: targetQueue,
		},
	}
}
