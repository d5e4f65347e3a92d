// Command detector is the Lambda handler behind the AnomalyDetector component.
//
// Kinesis Video Streams image generation writes JPEG frames into the frames
// bucket; S3 sends an ObjectCreated notification for each one to an SQS queue;
// the queue's event source mapping invokes this function with batches of those
// notifications. The handler parses and validates every notification, hands the
// frames it accepts to a [FrameSink], and reports per-message batch item
// failures only for messages worth retrying (the sink failed, or the invocation
// ran out of time). Notifications that can never succeed (malformed JSON, wrong
// event type, a key that is not a KVS frame, an oversized object) are logged by
// message ID and reason and acknowledged, so they do not cycle through the queue
// until the redrive policy moves them to the dead-letter queue.
//
// Frames are personal health information. Log lines carry message IDs, fixed
// reason codes and object keys (stream name, timecode, random ID), never message
// bodies or object contents.
//
// The detection itself is wired in a later issue; this package's sink only
// records the frames it accepted.
package main
