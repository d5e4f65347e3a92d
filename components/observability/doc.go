// Package observability provides the platform's operational visibility as two
// Pulumi components:
//
//   - OperationsTopic (mediguard:observability:OperationsTopic): the SNS topic
//     that every platform alarm and security finding notifies, encrypted with
//     the audit key. Only CloudWatch alarms and EventBridge rules of this
//     account and region may publish, never over plain HTTP. It is separate
//     from the clinical alert topic: on-call engineers get no patient events
//     and nurses get no paging noise. It is created first, because the
//     detector's alarms and the baseline's findings rules need its ARN.
//   - Observability (mediguard:observability:Observability): created after the
//     components it watches, it holds the CloudWatch dashboard (frames in,
//     detector latency and errors, events by type, dead-letter depth, video
//     ingestion per stream, alert deliveries, security events), built from
//     typed Go structs; the platform alarms the components do not raise
//     themselves (alert delivery failures, detector latency, a stream that
//     stops receiving video); and, given the audit trail's log group, the
//     CloudWatch.1-14 security metric filters (SecurityFilters) with one alarm
//     each.
//
// Every alarm notifies the operations topic on alarm, OK and
// insufficient-data transitions. Nothing here carries PHI: the dashboard and
// alarms see counts, latencies and resource names only, and the detection
// metric's only dimension is the event type.
//
// Package logpattern evaluates the filter patterns against sample CloudTrail
// events in tests.
//
// Example:
//
//	ops, err := observability.NewOperationsTopic(ctx, "operations", &observability.OperationsTopicArgs{
//		KMSKeyARN: auditKey.KeyARN,
//	})
//	if err != nil {
//		return err
//	}
//	// ... create the detector with AlarmTopicARN: ops.TopicARN ...
//	_, err = observability.NewObservability(ctx, "observability", &observability.ObservabilityArgs{
//		TopicARN:             ops.TopicARN,
//		DetectorFunctionName: detector.FunctionName,
//		FrameQueueARN:        detector.QueueARN,
//		DeadLetterQueueARN:   detector.DeadLetterQueueARN,
//		AlertTopicARN:        detector.AlertTopicARN,
//		TrailLogGroupName:    trail.LogGroupName,
//	})
package observability
