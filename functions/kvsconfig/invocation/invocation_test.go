package invocation

import (
	"slices"
	"strings"
	"testing"
)

const (
	streamA = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/camera-a/1700000000001"
	streamB = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/camera-b/1700000000002"
	streamC = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/camera-c/1700000000003"
)

func validImage() Image {
	return Image{
		DestinationURI: "s3://frames-bucket/frames", DestinationRegion: "us-east-1",
		SamplingIntervalMillis: 1000, ImageSelectorType: SelectorProducerTimestamp,
	}
}

func TestDestinationURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ bucket, prefix, want string }{
		{"frames-bucket", "frames/", "s3://frames-bucket/frames"},
		{"frames-bucket", "site/frames/", "s3://frames-bucket/site/frames"},
		{"frames-bucket", "", "s3://frames-bucket"},
	}
	for _, tt := range tests {
		got := DestinationURI(tt.bucket, tt.prefix)
		if got != tt.want {
			t.Errorf("DestinationURI(%q, %q) = %q, want %q", tt.bucket, tt.prefix, got, tt.want)
		}
		img := validImage()
		img.DestinationURI = got
		if err := img.Validate(); err != nil {
			t.Errorf("DestinationURI result %q does not validate: %v", got, err)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     Request
		wantErr []string
	}{
		{"valid create", Request{Image: validImage(), Streams: []string{streamA}}, nil},
		{"valid delete", Request{Image: validImage(), Streams: []string{streamA}, Lifecycle: &Lifecycle{Action: ActionDelete}}, nil},
		{"no streams", Request{Image: validImage()}, []string{"at least one stream"}},
		{"duplicate stream", Request{Image: validImage(), Streams: []string{streamA, streamA}}, []string{"streams[1]", "twice"}},
		{"stream name instead of ARN", Request{Image: validImage(), Streams: []string{"camera-a"}}, []string{"streams[0]"}},
		{"bad previous stream", Request{Image: validImage(), Streams: []string{streamA}, Lifecycle: &Lifecycle{Action: ActionUpdate, PrevInput: &Request{Streams: []string{"x"}}}}, []string{"tf.prev_input.streams[0]"}},
		{"trailing slash", Request{Image: func() Image { i := validImage(); i.DestinationURI += "/"; return i }(), Streams: []string{streamA}}, []string{"destinationUri"}},
		{"interval too short", Request{Image: func() Image { i := validImage(); i.SamplingIntervalMillis = 199; return i }(), Streams: []string{streamA}}, []string{"samplingIntervalMs"}},
		{"interval too long", Request{Image: func() Image { i := validImage(); i.SamplingIntervalMillis = 20001; return i }(), Streams: []string{streamA}}, []string{"samplingIntervalMs"}},
		{"height too large", Request{Image: func() Image { i := validImage(); i.HeightPixels = 2161; return i }(), Streams: []string{streamA}}, []string{"heightPixels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.req.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted the request")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestRemoved(t *testing.T) {
	t.Parallel()
	req := Request{Streams: []string{streamA, streamC}, Lifecycle: &Lifecycle{
		Action: ActionUpdate, PrevInput: &Request{Streams: []string{streamA, streamB, streamB}},
	}}
	if got := req.Removed(); !slices.Equal(got, []string{streamB}) {
		t.Errorf("Removed = %v, want [%s]", got, streamB)
	}
	if got := (Request{Streams: []string{streamA}}).Removed(); got != nil {
		t.Errorf("Removed without a previous input = %v", got)
	}
}
