// Package anomalydetector provides the AnomalyDetector component
// (mediguard:detection:AnomalyDetector): the AWS compute that analyses camera
// frames.
//
// Kinesis Video Streams image generation writes JPEG frames under a prefix of
// the frames bucket. The component configures the bucket to notify an SQS
// queue (KMS-encrypted with the PHI key, redriving to an encrypted dead-letter
// queue) of each new frame, and a Lambda event source mapping feeds the queue
// to a Go function (provided.al2023, arm64) that runs in private subnets with
// active tracing, reserved concurrency, an encrypted environment and its own
// encrypted log group. The function reads camera configurations from the
// frames bucket (CameraConfigPrefix), keeps per-camera state in a DynamoDB
// table and one idempotency record per alerted episode in a second table,
// writes masked evidence snapshots under EvidenceKeyPrefix of the evidence
// bucket with SSE-KMS and object-lock retention, and publishes alerts to an
// encrypted SNS topic that only its role may publish to. An EventBridge
// schedule invokes the same function for the camera offline check. CloudWatch alarms on function errors and throttles, dead-letter
// queue depth and queue age notify an operations topic.
//
// Every policy is built from typed [policydoc] statements scoped to the exact
// ARNs involved; the two statements AWS only accepts with Resource "*" (VPC
// network interfaces, narrowed by subnet, and X-Ray uploads) are documented
// where they are built. The component is written to pass the MediGuard policy
// pack rows for Lambda, SQS, SNS, DynamoDB, CloudWatch Logs, alarms and IAM.
package anomalydetector
