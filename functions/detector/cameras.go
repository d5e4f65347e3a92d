package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mediguard/mediguard/detection"
)

// Camera configurations live in the frames bucket as one document per
// Kinesis video stream: <CameraConfigPrefix><stream name>.json, holding the
// detection.CameraConfig (JSON or YAML) whose camera_id names the camera.
//
// Why there: the VideoStream component lets Pulumi name each stream, so the
// stream name in a frame key is not the camera ID and a lookup is needed
// anyway; keying the document by stream name is that lookup. Zones, masks and
// privacy regions make a configuration a few kilobytes, so a fleet does not fit
// Lambda's 4 KB environment; SSM parameters would add a service, an endpoint in
// the isolated VPC and a permission. The frames bucket is already a
// KMS-encrypted, versioned, access-logged PHI bucket the function reads, and
// an operator can change a camera without a deployment. Risk flags in the
// document are not identifiers, and the parser refuses unknown keys.

// DefaultCameraCacheTTL is how long a configuration is reused before it is
// read again: a change reaches running functions within a minute, and a warm
// function does not read S3 for every frame.
const DefaultCameraCacheTTL = time.Minute

// maxCameraConfigBytes matches the engine's own limit on a configuration.
const maxCameraConfigBytes = 1 << 20

// errCameraNotConfigured marks a stream with no configuration document.
var errCameraNotConfigured = errors.New("camera is not configured")

// CameraDirectory reads camera configurations from the frames bucket and
// caches them. It is safe for concurrent use.
type CameraDirectory struct {
	client *s3.Client
	bucket string
	prefix string
	ttl    time.Duration
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]cachedCamera
}

type cachedCamera struct {
	config  detection.CameraConfig
	fetched time.Time
}

// NewCameraDirectory reads <prefix><stream>.json from bucket and keeps each
// configuration for ttl.
func NewCameraDirectory(client *s3.Client, bucket, prefix string, ttl time.Duration, now func() time.Time) *CameraDirectory {
	return &CameraDirectory{client: client, bucket: bucket, prefix: prefix, ttl: ttl, now: now, cache: map[string]cachedCamera{}}
}

// configKey is the object key of a stream's configuration.
func (d *CameraDirectory) configKey(stream string) string {
	return d.prefix + stream + ".json"
}

// Camera returns the configuration of the camera behind stream. A missing
// document is errCameraNotConfigured; other failures are worth retrying.
func (d *CameraDirectory) Camera(ctx context.Context, stream string) (detection.CameraConfig, error) {
	d.mu.Lock()
	cached, ok := d.cache[stream]
	d.mu.Unlock()
	if ok && d.now().Sub(cached.fetched) < d.ttl {
		return cached.config, nil
	}
	key := d.configKey(stream)
	out, err := d.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(key)})
	if err != nil {
		var missing *types.NoSuchKey
		if errors.As(err, &missing) {
			return detection.CameraConfig{}, fmt.Errorf("read camera config %s: %w", key, errCameraNotConfigured)
		}
		return detection.CameraConfig{}, fmt.Errorf("read camera config %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxCameraConfigBytes+1))
	if err != nil {
		return detection.CameraConfig{}, fmt.Errorf("read camera config %s: %w", key, err)
	}
	cfg, err := detection.ParseCameraConfig(data)
	if err != nil {
		// A bad document is an operator error: treat it as not configured so
		// frames are acknowledged (and counted) instead of cycling.
		return detection.CameraConfig{}, fmt.Errorf("parse camera config %s: %w (%w)", key, err, errCameraNotConfigured)
	}
	d.mu.Lock()
	d.cache[stream] = cachedCamera{config: cfg, fetched: d.now()}
	d.mu.Unlock()
	return cfg, nil
}

// Streams lists the streams that have a configuration document.
func (d *CameraDirectory) Streams(ctx context.Context) ([]string, error) {
	var streams []string
	pages := s3.NewListObjectsV2Paginator(d.client, &s3.ListObjectsV2Input{Bucket: aws.String(d.bucket), Prefix: aws.String(d.prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list camera configs under %s: %w", d.prefix, err)
		}
		for _, obj := range page.Contents {
			name, ok := strings.CutSuffix(strings.TrimPrefix(aws.ToString(obj.Key), d.prefix), ".json")
			if ok && name != "" && !strings.Contains(name, "/") {
				streams = append(streams, name)
			}
		}
	}
	return streams, nil
}
