// Command detector is the Lambda function behind the AnomalyDetector component.
//
// Kinesis Video Streams image generation writes JPEG frames into the frames
// bucket; S3 sends an ObjectCreated notification for each one to an SQS queue;
// the queue's event source mapping invokes this function with batches of those
// notifications. An EventBridge schedule invokes the same function for the
// camera offline check; [Function.Invoke] tells the two event shapes apart.
//
// Frames: the [Handler] parses and validates every notification and hands the
// frames it accepts to the [Pipeline], which for each frame
//   - reads the camera's configuration (cameras/<stream>.json in the frames
//     bucket, cached for a minute; see [CameraDirectory]),
//   - reads the frame object with a size limit,
//   - restores the camera's detector from the state table and runs the engine,
//   - for each new episode: claims it in the episode table, stores a
//     privacy-masked snapshot in the evidence bucket (SSE-KMS, object lock),
//     publishes a de-identified alert to SNS and marks the episode published,
//   - saves the state with a conditional write on its version, analysing again
//     from the fresh state when another invocation saved first.
//
// Only messages worth retrying become batch item failures (an AWS call failed,
// the state stayed contended, the invocation ran out of time). Messages that
// can never succeed (malformed, not a KVS frame, oversized, missing or corrupt
// object, camera not configured) are recorded and acknowledged, so they do not
// cycle until the redrive policy moves them to the dead-letter queue.
// Duplicate and out-of-order deliveries alert once per episode: the engine
// drops frames it has already passed, episode IDs are derived from the footage,
// and the episode table lets one publish through.
//
// Offline: [Pipeline.CheckOffline] raises camera_offline for every configured
// camera whose last frame arrived longer ago than its offline_after.
//
// Frames are personal health information. Log lines, audit records
// (functions/internal/audit) and metrics (CloudWatch embedded metric format,
// functions/internal/emf) go to stdout and carry message IDs, object keys,
// episode IDs and fixed reason codes, never message bodies, pixels or patient
// identifiers; alerts carry the de-identified detection.Event.
package main
