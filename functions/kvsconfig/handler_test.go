package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"github.com/mediguard/mediguard/functions/kvsconfig/invocation"
)

const (
	stream101 = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/camera-cam-101-stream/1700000000001"
	stream102 = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/camera-cam-102-stream/1700000000002"
)

// loadRequest reads a testdata event as the Invocation sends it.
func loadRequest(t testing.TB, name string) invocation.Request {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var req invocation.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return req
}

func newTestHandler(t *testing.T, d *kvsDouble) *Handler {
	t.Helper()
	h, err := NewHandler(d.client(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func invoke(t *testing.T, h *Handler, req invocation.Request) invocation.Response {
	t.Helper()
	resp, err := h.Invoke(context.Background(), req)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", req.Action(), err)
	}
	return resp
}

func wantResults(t *testing.T, resp invocation.Response, want ...invocation.StreamResult) {
	t.Helper()
	if !slices.Equal(resp.Streams, want) {
		t.Errorf("results = %+v, want %+v", resp.Streams, want)
	}
}

func wantOps(t *testing.T, d *kvsDouble, want ...string) {
	t.Helper()
	if got := d.takeOps(); !slices.Equal(got, want) {
		t.Errorf("KVS calls =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestCreateEnablesJPEGGenerationOnEveryStream(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	resp := invoke(t, newTestHandler(t, d), loadRequest(t, "create.json"))

	if resp.Action != invocation.ActionCreate {
		t.Errorf("action = %q", resp.Action)
	}
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Updated},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Updated})
	wantOps(t, d,
		"describeImageGenerationConfiguration "+stream101, "updateImageGenerationConfiguration "+stream101,
		"describeImageGenerationConfiguration "+stream102, "updateImageGenerationConfiguration "+stream102)
	for _, arn := range []string{stream101, stream102} {
		got := d.config(arn)
		if got == nil {
			t.Fatalf("%s has no configuration", arn)
		}
		if got.Status != "ENABLED" || got.ImageSelectorType != "PRODUCER_TIMESTAMP" || got.Format != "JPEG" ||
			*got.SamplingInterval != 1000 || *got.WidthPixels != 640 || *got.HeightPixels != 480 ||
			got.FormatConfig["JPEGQuality"] != "80" || len(got.FormatConfig) != 1 ||
			got.DestinationConfig.Uri != "s3://mediguard-dev-frames/frames" || got.DestinationConfig.DestinationRegion != "us-east-1" {
			t.Errorf("%s configuration = %+v (destination %+v)", arn, got, got.DestinationConfig)
		}
	}
}

func TestRepeatedInvocationOnlyDescribes(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	h := newTestHandler(t, d)
	invoke(t, h, loadRequest(t, "create.json"))
	d.takeOps()

	resp := invoke(t, h, loadRequest(t, "create.json"))
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Unchanged},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Unchanged})
	wantOps(t, d, "describeImageGenerationConfiguration "+stream101, "describeImageGenerationConfiguration "+stream102)
}

func TestDirectInvocationWithoutLifecycleIsACreate(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	req := loadRequest(t, "create.json")
	req.Lifecycle = nil
	resp := invoke(t, newTestHandler(t, d), req)
	if resp.Action != invocation.ActionCreate || len(resp.Streams) != 2 || d.config(stream101) == nil {
		t.Errorf("response %+v; stream 101 configuration %+v", resp, d.config(stream101))
	}
}

func TestUpdateAppliesNewSettingsAndDisablesRemovedStreams(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	h := newTestHandler(t, d)
	invoke(t, h, loadRequest(t, "create.json"))
	d.takeOps()

	resp := invoke(t, h, loadRequest(t, "update.json"))
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Updated},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Disabled})
	if got := d.config(stream101); got.Status != "ENABLED" || *got.SamplingInterval != 200 {
		t.Errorf("stream 101 = %+v, want enabled at 200 ms", got)
	}
	// Disabling keeps the rest of the configuration: KVS requires it.
	if got := d.config(stream102); got.Status != "DISABLED" || *got.SamplingInterval != 1000 || got.DestinationConfig.Uri != "s3://mediguard-dev-frames/frames" {
		t.Errorf("stream 102 = %+v, want disabled with its settings kept", got)
	}
}

func TestDeleteDisablesGenerationAndToleratesDeletedStreams(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	h := newTestHandler(t, d)
	invoke(t, h, loadRequest(t, "create.json"))
	d.mu.Lock()
	delete(d.streams, stream102) // the stream went first
	d.mu.Unlock()
	d.takeOps()

	resp := invoke(t, h, loadRequest(t, "delete.json"))
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Disabled},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Absent})
	wantOps(t, d,
		"describeImageGenerationConfiguration "+stream101, "updateImageGenerationConfiguration "+stream101,
		"describeImageGenerationConfiguration "+stream102)
	if got := d.config(stream101); got.Status != "DISABLED" {
		t.Errorf("stream 101 status = %s, want DISABLED", got.Status)
	}

	again := invoke(t, h, loadRequest(t, "delete.json"))
	wantResults(t, again,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Unchanged},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Absent})
}

func TestDeleteOfUnconfiguredStreamWritesNothing(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	resp := invoke(t, newTestHandler(t, d), loadRequest(t, "delete.json"))
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Absent},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Absent})
	wantOps(t, d, "describeImageGenerationConfiguration "+stream101, "describeImageGenerationConfiguration "+stream102)
}

func TestInvalidRequestNamesEveryProblemAndCallsNothing(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101)
	_, err := newTestHandler(t, d).Invoke(context.Background(), loadRequest(t, "invalid.json"))
	if err == nil {
		t.Fatal("invalid request accepted")
	}
	for _, want := range []string{
		`tf.action "refresh"`, "streams[0]", "image.destinationUri", "image.destinationRegion",
		"image.samplingIntervalMs", "image.imageSelectorType", "image.widthPixels", "image.jpegQuality",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	wantOps(t, d)
}

func TestFailingStreamDoesNotStopTheOthers(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	d.failUpdates[stream101] = true
	resp, err := newTestHandler(t, d).Invoke(context.Background(), loadRequest(t, "create.json"))
	if err == nil {
		t.Fatal("a failed update was not reported")
	}
	var invalid *types.InvalidArgumentException
	if !strings.Contains(err.Error(), "update image generation configuration of "+stream101) || !errors.As(err, &invalid) {
		t.Errorf("error = %v, want the failed stream named and the KVS error kept", err)
	}
	wantResults(t, resp, invocation.StreamResult{StreamARN: stream102, Change: invocation.Updated})
	if d.config(stream102) == nil {
		t.Error("stream 102 was not configured after stream 101 failed")
	}
}

func TestNewHandlerNeedsAClient(t *testing.T) {
	t.Parallel()
	if _, err := NewHandler(nil, slog.Default()); err == nil {
		t.Error("NewHandler without a client succeeded")
	}
}

func TestEqualTreatsAbsentQualityAsTheDefault(t *testing.T) {
	t.Parallel()
	base := func() *types.ImageGenerationConfiguration {
		return desired(invocation.Image{
			DestinationURI: "s3://b/frames", DestinationRegion: "us-east-1",
			SamplingIntervalMillis: 1000, ImageSelectorType: invocation.SelectorServerTimestamp,
		})
	}
	tests := []struct {
		name   string
		change func(*types.ImageGenerationConfiguration)
		equal  bool
	}{
		{"identical", func(*types.ImageGenerationConfiguration) {}, true},
		{"explicit default quality", func(c *types.ImageGenerationConfiguration) { c.FormatConfig = map[string]string{"JPEGQuality": "80"} }, true},
		{"other quality", func(c *types.ImageGenerationConfiguration) { c.FormatConfig = map[string]string{"JPEGQuality": "60"} }, false},
		{"disabled", func(c *types.ImageGenerationConfiguration) { c.Status = types.ConfigurationStatusDisabled }, false},
		{"other bucket", func(c *types.ImageGenerationConfiguration) { c.DestinationConfig.Uri = aws.String("s3://c/frames") }, false},
		{"other region", func(c *types.ImageGenerationConfiguration) {
			c.DestinationConfig.DestinationRegion = aws.String("eu-west-1")
		}, false},
		{"no destination", func(c *types.ImageGenerationConfiguration) { c.DestinationConfig = nil }, false},
		{"other interval", func(c *types.ImageGenerationConfiguration) { c.SamplingInterval = aws.Int32(200) }, false},
		{"scaled", func(c *types.ImageGenerationConfiguration) { c.WidthPixels = aws.Int32(320) }, false},
		{"png", func(c *types.ImageGenerationConfiguration) { c.Format = types.FormatPng }, false},
		{"producer time", func(c *types.ImageGenerationConfiguration) {
			c.ImageSelectorType = types.ImageSelectorTypeProducerTimestamp
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			current := base()
			tt.change(current)
			if got := equal(current, base()); got != tt.equal {
				t.Errorf("equal = %t, want %t", got, tt.equal)
			}
		})
	}
	if equal(nil, base()) {
		t.Error("no configuration equals a wanted one")
	}
}

func TestEveryChangeIsLogged(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	d.failUpdates[stream102] = true
	var logs strings.Builder
	h, err := NewHandler(d.client(), slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(context.Background(), loadRequest(t, "create.json")); err == nil {
		t.Fatal("the failed stream was not reported")
	}
	var records []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		records = append(records, rec)
	}
	if len(records) != 2 ||
		records[0]["stream"] != stream101 || records[0]["change"] != "updated" || records[0]["action"] != "create" ||
		records[1]["stream"] != stream102 || records[1]["level"] != "ERROR" {
		t.Errorf("log records = %v", records)
	}
}

func TestThrottledCallsAreRetried(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t, stream101, stream102)
	d.throttles = 2
	resp := invoke(t, newTestHandler(t, d), loadRequest(t, "create.json"))
	wantResults(t, resp,
		invocation.StreamResult{StreamARN: stream101, Change: invocation.Updated},
		invocation.StreamResult{StreamARN: stream102, Change: invocation.Updated})
	wantOps(t, d,
		"describeImageGenerationConfiguration "+stream101, "describeImageGenerationConfiguration "+stream101,
		"describeImageGenerationConfiguration "+stream101, "updateImageGenerationConfiguration "+stream101,
		"describeImageGenerationConfiguration "+stream102, "updateImageGenerationConfiguration "+stream102)
}
