// Command kvsconfig is the Lambda handler that turns on Kinesis Video
// Streams image generation for the camera streams at deploy time, so that
// `pulumi up` alone makes frames flow into the frames bucket.
//
// pulumi-aws v6 has no field for a stream's ImageGenerationConfiguration, so
// the ImageGeneration component invokes this function through
// aws.lambda.Invocation (lifecycleScope "CRUD") with the stream list and the
// image settings (see package [invocation]). For each stream the function
// describes the current configuration and writes the wanted one only when it
// differs, so repeated invocations change nothing. On update, streams that
// left the list have generation turned off; on delete, every listed stream
// has it turned off (status DISABLED, the rest of its configuration kept).
//
// No notification configuration is written: UpdateNotificationConfiguration
// publishes per-fragment SNS notifications for fragments tagged
// AWS_KINESISVIDEO_NOTIFICATION and plays no part in S3 image delivery. The
// detector learns of new frames from the bucket's own event notifications.
//
// KVS delivers the images with the credentials of the producer that sends
// the video (PutMedia), not this function's: the ImageGeneration component
// grants the producer roles s3:PutObject on the frame prefix and the PHI key.
// Images are generated only for fragments tagged
// AWS_KINESISVIDEO_IMAGE_GENERATION (mediguard camsim tags every fragment).
//
// The handler is a pure function of its input and a small [KinesisVideo]
// interface; main wires the real aws-sdk-go-v2 client.
package main
