// Package camsim is a camera producer for Kinesis Video Streams: it streams a
// video file or a generated scenario (package scenario) to a stream the way
// a room camera does, so the cloud pipeline can be exercised end to end.
//
// The video is encoded to H.264 by ffmpeg (libx264, a keyframe at the start
// of every fragment) and split into fragments; each fragment is sent as one
// Matroska Cluster with absolute timecodes, followed by the
// AWS_KINESISVIDEO_IMAGE_GENERATION tag that makes KVS generate images from
// it. No AWS SDK implements PutMedia, so [Client] sends it as a SigV4-signed
// chunked HTTP request (aws-sdk-go-v2's signer, service "kinesisvideo",
// unsigned payload) to the stream's PUT_MEDIA data endpoint, reads the
// acknowledgements KVS streams back, and reconnects with backoff when an
// acknowledgement or the connection reports a retryable failure, resending
// every fragment not yet persisted.
//
// ffmpeg must be installed (`make deps`). Nothing here logs pixels; progress
// reports carry fragment timecodes and counts only.
package camsim
