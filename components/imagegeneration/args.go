package imagegeneration

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
	"github.com/mediguard/mediguard/components/videostream"
	"github.com/mediguard/mediguard/functions/kvsconfig/invocation"
)

// Defaults for the plain settings of ImageGenerationArgs.
const (
	DefaultFrameKeyPrefix = "frames/"
	// DefaultSamplingIntervalMillis renders one frame a second: the detector's
	// analysis rate, and one S3 object per camera per second.
	DefaultSamplingIntervalMillis = 1000
	// DefaultImageSelectorType times frames by the camera's clock, so a
	// frame's time is when it was captured, not when it arrived.
	DefaultImageSelectorType = invocation.SelectorProducerTimestamp
	DefaultWidthPixels       = 640
	DefaultHeightPixels      = 480
	DefaultJPEGQuality       = 80
	DefaultLogRetentionDays  = 2192 // six years: the HIPAA documentation retention period
	// MinLogRetentionDays is the policy pack's log-group-retention floor.
	MinLogRetentionDays = 365
)

// Function settings. The function makes two small control-plane calls per
// stream; one invocation at a time (reserved concurrency 1) keeps two
// deployments from interleaving their updates of the same stream.
const (
	functionMemoryMB       = 128
	functionTimeoutSeconds = 120
	functionConcurrency    = 1
)

// Stream is one camera stream whose frames are generated.
type Stream struct {
	// StreamARN is the Kinesis video stream. Required.
	StreamARN pulumi.StringInput
	// ProducerRoleARN is the role the camera assumes to call PutMedia on the
	// stream; KVS writes the stream's images with its credentials. Required.
	ProducerRoleARN pulumi.StringInput
}

// ImageGenerationArgs configures image generation for a set of streams.
//
// Plain Go fields decide which resources exist and how they behave; Input
// fields carry values other resources produce.
type ImageGenerationArgs struct {
	// Code is the kvsconfig deployment package: a zip holding the handler as
	// "bootstrap" (internal/lambdaarchive builds it). Required.
	Code pulumi.Archive
	// FunctionName names the function and its /aws/lambda/<name> log group;
	// default: the component name.
	FunctionName string

	// Streams are the streams to configure, at least one. They must be in the
	// frames bucket's region: KVS delivers images to its own region only.
	Streams []Stream

	// FramesBucketARN is the bucket images are written to. Required.
	FramesBucketARN pulumi.StringInput
	// FrameKeyPrefix is the key prefix images are written under, ending in
	// "/"; default "frames/". It must be the prefix the detector reads.
	FrameKeyPrefix string
	// PHIKeyARN is the key the frames bucket encrypts with by default; it also
	// encrypts the function's log group and dead-letter queue. Required.
	PHIKeyARN pulumi.StringInput

	// SubnetIDs and SecurityGroupIDs place the function in private subnets
	// that reach the kinesisvideo interface endpoint. Required.
	SubnetIDs        pulumi.StringArrayInput
	SecurityGroupIDs pulumi.StringArrayInput

	// SamplingIntervalMillis is the time between frames, 200..20000; default 1000.
	SamplingIntervalMillis int
	// ImageSelectorType is PRODUCER_TIMESTAMP (default) or SERVER_TIMESTAMP.
	ImageSelectorType string
	// WidthPixels (1..3840) and HeightPixels (1..2160) scale the frames;
	// default 640x480.
	WidthPixels  int
	HeightPixels int
	// JPEGQuality is 1..100; default 80.
	JPEGQuality int

	// LogRetentionDays is a CloudWatch Logs retention value of at least
	// MinLogRetentionDays; default 2192.
	LogRetentionDays int
	// Tags are added to every child that takes tags.
	Tags map[string]string
}

// config is the validated, defaulted copy of the caller's args.
type config struct {
	ImageGenerationArgs
}

// withDefaults validates args and returns a defaulted copy, naming every
// problem at once. The caller's args are never modified.
func (a *ImageGenerationArgs) withDefaults(name string) (config, error) {
	if a == nil {
		return config{}, fmt.Errorf("imagegeneration %q: args are required", name)
	}
	c := config{ImageGenerationArgs: *a}
	c.Streams = slices.Clone(a.Streams)
	c.Tags = maps.Clone(a.Tags)
	c.FunctionName = cmp.Or(c.FunctionName, name)
	c.FrameKeyPrefix = cmp.Or(c.FrameKeyPrefix, DefaultFrameKeyPrefix)
	c.SamplingIntervalMillis = cmp.Or(c.SamplingIntervalMillis, DefaultSamplingIntervalMillis)
	c.ImageSelectorType = cmp.Or(c.ImageSelectorType, DefaultImageSelectorType)
	c.WidthPixels = cmp.Or(c.WidthPixels, DefaultWidthPixels)
	c.HeightPixels = cmp.Or(c.HeightPixels, DefaultHeightPixels)
	c.JPEGQuality = cmp.Or(c.JPEGQuality, DefaultJPEGQuality)
	c.LogRetentionDays = cmp.Or(c.LogRetentionDays, DefaultLogRetentionDays)

	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	if name == "" {
		bad("name", "is empty")
	}
	if a.Code == nil {
		bad("Code", "is required (the kvsconfig deployment package)")
	}
	if err := vpcfunction.CheckFunctionName(c.FunctionName); err != nil {
		errs = append(errs, err)
	}
	if len(c.Streams) == 0 {
		bad("Streams", "at least one stream is required")
	}
	for i, s := range c.Streams {
		if s.StreamARN == nil {
			bad(fmt.Sprintf("Streams[%d].StreamARN", i), "is required")
		}
		if s.ProducerRoleARN == nil {
			bad(fmt.Sprintf("Streams[%d].ProducerRoleARN", i), "is required")
		}
	}
	if a.FramesBucketARN == nil {
		bad("FramesBucketARN", "is required")
	}
	if a.PHIKeyARN == nil {
		bad("PHIKeyARN", "is required")
	}
	if vpcfunction.IsEmptyArray(a.SubnetIDs) {
		bad("SubnetIDs", "is required")
	}
	if vpcfunction.IsEmptyArray(a.SecurityGroupIDs) {
		bad("SecurityGroupIDs", "is required")
	}
	if p := c.FrameKeyPrefix; strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.ContainsAny(p, "*?") {
		bad("FrameKeyPrefix", "%q must end with /, not start with / and hold no wildcards", p)
	}
	// The image settings are checked by the same rules the function applies,
	// so a bad value fails the preview instead of the deployment.
	img := c.image("s3://placeholder-bucket", "us-east-1")
	if err := img.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := vpcfunction.CheckLogRetentionDays(c.LogRetentionDays); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, vpcfunction.CheckTags(c.Tags)...)
	if err := errors.Join(errs...); err != nil {
		return config{}, fmt.Errorf("imagegeneration %q: invalid args:\n%w", name, err)
	}
	return c, nil
}

// image is the configuration the function applies, delivering to
// destinationURI in region.
func (c config) image(destinationURI, region string) invocation.Image {
	return invocation.Image{
		DestinationURI:         destinationURI,
		DestinationRegion:      region,
		SamplingIntervalMillis: c.SamplingIntervalMillis,
		ImageSelectorType:      c.ImageSelectorType,
		WidthPixels:            c.WidthPixels,
		HeightPixels:           c.HeightPixels,
		JPEGQuality:            c.JPEGQuality,
	}
}

// tags returns the caller's tags with the component's own merged over them.
// The function handles stream ARNs and settings only, but its log group and
// dead-letter queue sit with the PHI pipeline and are classified with it.
func (c config) tags() pulumi.StringMap {
	return vpcfunction.Tags(c.Tags)
}

// VideoStreams returns the Streams of the given VideoStream components: each
// stream with the producer role that sends its video.
func VideoStreams(streams ...*videostream.VideoStream) []Stream {
	out := make([]Stream, len(streams))
	for i, s := range streams {
		out[i] = Stream{StreamARN: s.StreamARN, ProducerRoleARN: s.ProducerRoleARN}
	}
	return out
}
