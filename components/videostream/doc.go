// Package videostream provides VideoStream: one camera's Kinesis video stream,
// encrypted with the customer-managed PHI key and kept for an explicit number
// of hours, plus the IAM role the camera assumes to send video to that stream
// and nowhere else.
//
// The stream's kmsKeyId and dataRetentionInHours are replace-on-change: set
// [VideoStreamArgs.Protect] in production so a change fails instead of
// deleting recorded video.
//
// Readers such as the detector do not get a role here: [ConsumerStatements]
// returns the typed policy statements they need, and [ConsumerStatementsOutput]
// the same as an output over several streams, for the reader's own component
// to attach to its role.
//
// Camera, ward and room codes are device and location codes; the component
// rejects values shaped like patient identifiers and never echoes them in
// errors.
package videostream
