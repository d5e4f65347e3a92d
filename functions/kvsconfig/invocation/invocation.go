// Package invocation is the contract between the ImageGeneration component,
// which invokes the kvsconfig function at deploy time through
// aws.lambda.Invocation, and the function itself: the JSON the function
// receives, its validation, and the JSON it answers.
//
// The component invokes with lifecycleScope "CRUD", so the provider adds a
// "tf" key to the input holding the lifecycle action ("create", "update" or
// "delete") and, on update and delete, the previous input under "prev_input"
// (the Terraform provider's key names, which pulumi-aws v6 bridges as is).
// The function uses the previous input to turn generation off on streams
// that left the list.
package invocation

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Lifecycle actions of aws.lambda.Invocation with lifecycleScope "CRUD".
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// Image selector types of KVS image generation: which timestamp of the
// fragment the sampling interval is measured on.
const (
	SelectorServerTimestamp   = "SERVER_TIMESTAMP"
	SelectorProducerTimestamp = "PRODUCER_TIMESTAMP"
)

// Limits of the KVS ImageGenerationConfiguration fields (Kinesis Video
// Streams API reference, UpdateImageGenerationConfiguration and GetImages).
const (
	MinSamplingIntervalMillis = 200
	MaxSamplingIntervalMillis = 20000
	MaxWidthPixels            = 3840
	MaxHeightPixels           = 2160
	MaxJPEGQuality            = 100
)

// Request is the input of the kvsconfig function.
type Request struct {
	// Image is how every stream in Streams renders and delivers frames.
	Image Image `json:"image"`
	// Streams are the ARNs of the Kinesis video streams to configure.
	Streams []string `json:"streams"`
	// Lifecycle is added by the provider (lifecycleScope "CRUD"); nil when
	// the function is invoked directly, which is treated as a create.
	Lifecycle *Lifecycle `json:"tf,omitempty"`
}

// Lifecycle is the "tf" key aws.lambda.Invocation adds to the input.
type Lifecycle struct {
	Action string `json:"action"`
	// PrevInput is the input of the previous invocation (without its own
	// "tf" key); null on create.
	PrevInput *Request `json:"prev_input"`
}

// Image is the image generation configuration applied to each stream.
type Image struct {
	// DestinationURI is the S3 URI frames are written under, e.g.
	// s3://frames-bucket/frames (see DestinationURI).
	DestinationURI string `json:"destinationUri"`
	// DestinationRegion is the bucket's region; KVS requires it to be the
	// stream's region.
	DestinationRegion string `json:"destinationRegion"`
	// SamplingIntervalMillis is the time between two generated images.
	SamplingIntervalMillis int `json:"samplingIntervalMs"`
	// ImageSelectorType is SelectorServerTimestamp or SelectorProducerTimestamp.
	ImageSelectorType string `json:"imageSelectorType"`
	// WidthPixels and HeightPixels scale the image; zero keeps the source size
	// (or, when only one is set, the source aspect ratio).
	WidthPixels  int `json:"widthPixels,omitempty"`
	HeightPixels int `json:"heightPixels,omitempty"`
	// JPEGQuality is 1..100; zero leaves the KVS default (80).
	JPEGQuality int `json:"jpegQuality,omitempty"`
}

// Change is what the function did to one stream.
type Change string

// Changes reported per stream.
const (
	// Updated: the stream's configuration was written.
	Updated Change = "updated"
	// Unchanged: the stream already had the wanted configuration.
	Unchanged Change = "unchanged"
	// Disabled: image generation was turned off.
	Disabled Change = "disabled"
	// Absent: the stream no longer exists, or had no configuration to turn off.
	Absent Change = "absent"
)

// Response is the function's answer, stored by Pulumi as the invocation's
// result. It holds ARNs only.
type Response struct {
	Action  string         `json:"action"`
	Streams []StreamResult `json:"streams"`
}

// StreamResult is the outcome for one stream.
type StreamResult struct {
	StreamARN string `json:"streamArn"`
	Change    Change `json:"change"`
}

// streamARN follows the StreamARN pattern of the KVS API.
var streamARN = regexp.MustCompile(`^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:stream/[a-zA-Z0-9_.-]+/[0-9]+$`)

// regionName matches AWS region names such as us-east-1 or us-gov-west-1.
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// s3URI matches s3://<bucket>[/<path>] with a DNS-compatible bucket name
// and a path without a trailing slash.
var s3URI = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*'()-]+)*$`)

// DestinationURI is the image generation destination for keys under prefix
// (such as "frames/") of bucket. KVS writes each image directly under the
// URI's path, named <prefix>_<account>_<stream>_<timecode>_<id>.jpg, so the
// stream name is already in the key and one destination serves every stream.
func DestinationURI(bucket, prefix string) string {
	path := strings.TrimSuffix(prefix, "/")
	if path == "" {
		return "s3://" + bucket
	}
	return "s3://" + bucket + "/" + path
}

// Action is the lifecycle action of r: create when no lifecycle was added.
func (r Request) Action() string {
	if r.Lifecycle == nil {
		return ActionCreate
	}
	return r.Lifecycle.Action
}

// Validate names every problem of r. Nothing in r is PHI: ARNs, a bucket
// URI and numbers.
func (r Request) Validate() error {
	var errs []error
	switch a := r.Action(); a {
	case ActionCreate, ActionUpdate, ActionDelete:
	default:
		errs = append(errs, fmt.Errorf("tf.action %q is not create, update or delete", a))
	}
	if len(r.Streams) == 0 {
		errs = append(errs, errors.New("streams: at least one stream ARN is required"))
	}
	for i, arn := range r.Streams {
		if !streamARN.MatchString(arn) {
			errs = append(errs, fmt.Errorf("streams[%d]: %q is not a Kinesis video stream ARN", i, arn))
		} else if slices.Index(r.Streams, arn) != i {
			errs = append(errs, fmt.Errorf("streams[%d]: %s is listed twice", i, arn))
		}
	}
	if err := r.Image.Validate(); err != nil {
		errs = append(errs, err)
	}
	if r.Lifecycle != nil && r.Lifecycle.PrevInput != nil {
		for i, arn := range r.Lifecycle.PrevInput.Streams {
			if !streamARN.MatchString(arn) {
				errs = append(errs, fmt.Errorf("tf.prev_input.streams[%d]: %q is not a Kinesis video stream ARN", i, arn))
			}
		}
	}
	return errors.Join(errs...)
}

// Validate names every field of i outside what KVS accepts.
func (i Image) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("image.%s: "+format, append([]any{field}, args...)...))
	}
	if !s3URI.MatchString(i.DestinationURI) {
		bad("destinationUri", "%q is not s3://<bucket>[/<path>] without a trailing slash", i.DestinationURI)
	}
	if !regionName.MatchString(i.DestinationRegion) {
		bad("destinationRegion", "%q is not an AWS region name", i.DestinationRegion)
	}
	if i.SamplingIntervalMillis < MinSamplingIntervalMillis || i.SamplingIntervalMillis > MaxSamplingIntervalMillis {
		bad("samplingIntervalMs", "%d is outside %d..%d", i.SamplingIntervalMillis, MinSamplingIntervalMillis, MaxSamplingIntervalMillis)
	}
	if i.ImageSelectorType != SelectorServerTimestamp && i.ImageSelectorType != SelectorProducerTimestamp {
		bad("imageSelectorType", "%q is not %s or %s", i.ImageSelectorType, SelectorServerTimestamp, SelectorProducerTimestamp)
	}
	if i.WidthPixels < 0 || i.WidthPixels > MaxWidthPixels {
		bad("widthPixels", "%d is outside 1..%d (0 keeps the source width)", i.WidthPixels, MaxWidthPixels)
	}
	if i.HeightPixels < 0 || i.HeightPixels > MaxHeightPixels {
		bad("heightPixels", "%d is outside 1..%d (0 keeps the source height)", i.HeightPixels, MaxHeightPixels)
	}
	if i.JPEGQuality < 0 || i.JPEGQuality > MaxJPEGQuality {
		bad("jpegQuality", "%d is outside 1..%d (0 keeps the KVS default)", i.JPEGQuality, MaxJPEGQuality)
	}
	return errors.Join(errs...)
}

// Removed returns the streams of the previous input that are not in r: on
// update their image generation is turned off.
func (r Request) Removed() []string {
	if r.Lifecycle == nil || r.Lifecycle.PrevInput == nil {
		return nil
	}
	var out []string
	for _, arn := range r.Lifecycle.PrevInput.Streams {
		if !slices.Contains(r.Streams, arn) && !slices.Contains(out, arn) {
			out = append(out, arn)
		}
	}
	return out
}
