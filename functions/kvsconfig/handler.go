package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"github.com/mediguard/mediguard/functions/kvsconfig/invocation"
)

// jpegQualityKey is the only FormatConfig key KVS accepts, and
// defaultJPEGQuality the quality KVS uses when it is absent.
const (
	jpegQualityKey     = "JPEGQuality"
	defaultJPEGQuality = "80"
)

// KinesisVideo is the part of the KVS control plane the handler calls;
// *kinesisvideo.Client satisfies it.
type KinesisVideo interface {
	DescribeImageGenerationConfiguration(ctx context.Context, in *kinesisvideo.DescribeImageGenerationConfigurationInput, optFns ...func(*kinesisvideo.Options)) (*kinesisvideo.DescribeImageGenerationConfigurationOutput, error)
	UpdateImageGenerationConfiguration(ctx context.Context, in *kinesisvideo.UpdateImageGenerationConfigurationInput, optFns ...func(*kinesisvideo.Options)) (*kinesisvideo.UpdateImageGenerationConfigurationOutput, error)
}

var _ KinesisVideo = (*kinesisvideo.Client)(nil)

// Handler applies image generation configurations.
type Handler struct {
	kvs KinesisVideo
	log *slog.Logger
}

// NewHandler returns a handler that calls kvs and logs one record per
// stream it changes or fails on (action, stream ARN, change: no PHI).
func NewHandler(kvs KinesisVideo, log *slog.Logger) (*Handler, error) {
	if kvs == nil || log == nil {
		return nil, errors.New("kvsconfig: a Kinesis Video client and a logger are required")
	}
	return &Handler{kvs: kvs, log: log}, nil
}

// Invoke validates req and applies it to every stream. A failing stream does
// not stop the others; the error then names each failed stream and the
// invocation (and so the deployment) fails. The response lists what was
// done to every stream that succeeded.
func (h *Handler) Invoke(ctx context.Context, req invocation.Request) (invocation.Response, error) {
	if err := req.Validate(); err != nil {
		return invocation.Response{}, fmt.Errorf("kvsconfig: invalid request: %w", err)
	}
	action := req.Action()
	resp := invocation.Response{Action: action}
	var errs []error
	record := func(arn string, change invocation.Change, err error) {
		if err != nil {
			h.log.ErrorContext(ctx, "image generation not applied", "action", action, "stream", arn, "error", err.Error())
			errs = append(errs, err)
			return
		}
		h.log.InfoContext(ctx, "image generation", "action", action, "stream", arn, "change", string(change))
		resp.Streams = append(resp.Streams, invocation.StreamResult{StreamARN: arn, Change: change})
	}
	if action == invocation.ActionDelete {
		for _, arn := range req.Streams {
			change, err := h.disable(ctx, arn)
			record(arn, change, err)
		}
	} else {
		want := desired(req.Image)
		for _, arn := range req.Streams {
			change, err := h.apply(ctx, arn, want)
			record(arn, change, err)
		}
		for _, arn := range req.Removed() {
			change, err := h.disable(ctx, arn)
			record(arn, change, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return resp, fmt.Errorf("kvsconfig %s: %w", action, err)
	}
	return resp, nil
}

// apply writes want to the stream unless it is already its configuration.
func (h *Handler) apply(ctx context.Context, arn string, want *types.ImageGenerationConfiguration) (invocation.Change, error) {
	current, err := h.describe(ctx, arn)
	if err != nil {
		return "", err
	}
	if equal(current, want) {
		return invocation.Unchanged, nil
	}
	if err := h.update(ctx, arn, want); err != nil {
		return "", err
	}
	return invocation.Updated, nil
}

// disable turns generation off, keeping the rest of the stream's
// configuration (KVS requires every field even to disable). A stream that is
// gone or has no configuration needs nothing.
func (h *Handler) disable(ctx context.Context, arn string) (invocation.Change, error) {
	current, err := h.describe(ctx, arn)
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return invocation.Absent, nil
	case err != nil:
		return "", err
	case current == nil:
		return invocation.Absent, nil
	case current.Status == types.ConfigurationStatusDisabled:
		return invocation.Unchanged, nil
	}
	off := *current
	off.Status = types.ConfigurationStatusDisabled
	if err := h.update(ctx, arn, &off); err != nil {
		return "", err
	}
	return invocation.Disabled, nil
}

func (h *Handler) describe(ctx context.Context, arn string) (*types.ImageGenerationConfiguration, error) {
	out, err := h.kvs.DescribeImageGenerationConfiguration(ctx, &kinesisvideo.DescribeImageGenerationConfigurationInput{StreamARN: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("describe image generation configuration of %s: %w", arn, err)
	}
	return out.ImageGenerationConfiguration, nil
}

func (h *Handler) update(ctx context.Context, arn string, cfg *types.ImageGenerationConfiguration) error {
	if _, err := h.kvs.UpdateImageGenerationConfiguration(ctx, &kinesisvideo.UpdateImageGenerationConfigurationInput{
		StreamARN:                    aws.String(arn),
		ImageGenerationConfiguration: cfg,
	}); err != nil {
		return fmt.Errorf("update image generation configuration of %s to %s: %w", arn, cfg.Status, err)
	}
	return nil
}

// desired is the enabled JPEG configuration img describes.
func desired(img invocation.Image) *types.ImageGenerationConfiguration {
	cfg := &types.ImageGenerationConfiguration{
		Status:            types.ConfigurationStatusEnabled,
		ImageSelectorType: types.ImageSelectorType(img.ImageSelectorType),
		DestinationConfig: &types.ImageGenerationDestinationConfig{
			Uri:               aws.String(img.DestinationURI),
			DestinationRegion: aws.String(img.DestinationRegion),
		},
		SamplingInterval: aws.Int32(int32(img.SamplingIntervalMillis)),
		Format:           types.FormatJpeg,
	}
	if img.JPEGQuality > 0 {
		cfg.FormatConfig = map[string]string{jpegQualityKey: strconv.Itoa(img.JPEGQuality)}
	}
	if img.WidthPixels > 0 {
		cfg.WidthPixels = aws.Int32(int32(img.WidthPixels))
	}
	if img.HeightPixels > 0 {
		cfg.HeightPixels = aws.Int32(int32(img.HeightPixels))
	}
	return cfg
}

// equal reports whether the stream's current configuration is want. An
// absent JPEG quality is the KVS default, so it equals an explicit default.
func equal(current, want *types.ImageGenerationConfiguration) bool {
	if current == nil {
		return false
	}
	var curDest, wantDest types.ImageGenerationDestinationConfig
	if current.DestinationConfig != nil {
		curDest = *current.DestinationConfig
	}
	if want.DestinationConfig != nil {
		wantDest = *want.DestinationConfig
	}
	return current.Status == want.Status &&
		current.ImageSelectorType == want.ImageSelectorType &&
		current.Format == want.Format &&
		aws.ToString(curDest.Uri) == aws.ToString(wantDest.Uri) &&
		aws.ToString(curDest.DestinationRegion) == aws.ToString(wantDest.DestinationRegion) &&
		aws.ToInt32(current.SamplingInterval) == aws.ToInt32(want.SamplingInterval) &&
		aws.ToInt32(current.WidthPixels) == aws.ToInt32(want.WidthPixels) &&
		aws.ToInt32(current.HeightPixels) == aws.ToInt32(want.HeightPixels) &&
		jpegQuality(current) == jpegQuality(want)
}

// jpegQuality is the quality cfg renders JPEGs with.
func jpegQuality(cfg *types.ImageGenerationConfiguration) string {
	if q, ok := cfg.FormatConfig[jpegQualityKey]; ok {
		return q
	}
	return defaultJPEGQuality
}
