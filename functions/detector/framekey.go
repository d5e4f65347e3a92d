package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FrameKey is what the object key of a KVS-generated frame says about it.
//
// Kinesis Video Streams image generation (UpdateImageGenerationConfiguration,
// Amazon S3 delivery) writes each image under the destination URI's path as
//
//	<ImagePrefix>_<AccountID>_<StreamName>_<ImageTimecode>_<RandomID>.<jpg|png>
//
// where ImagePrefix is the producer's AWS_KINESISVIDEO_IMAGE_PREFIX tag (and is
// absent, together with its underscore, when the producer sets none),
// AccountID is the 12-digit account that owns the stream, ImageTimecode is the
// fragment's epoch time in milliseconds at which the image was taken and
// RandomID is a GUID; for example
// 111122223333_demo-stream_1690707290324_f20f9add-7e57-4399-a30f-fc7aefb1bab7.jpg
// (Kinesis Video Streams Developer Guide, "Amazon S3 object path (image)").
// The platform configures JPEG images, so only ".jpg" is accepted.
type FrameKey struct {
	ImagePrefix string // empty when the producer set no AWS_KINESISVIDEO_IMAGE_PREFIX
	AccountID   string
	StreamName  string    // the camera's Kinesis video stream
	CapturedAt  time.Time // ImageTimecode: the video time of the frame
	RandomID    string
}

// kvsImageName matches the file-name part of a KVS image key. The optional
// ImagePrefix is matched lazily so the first 12-digit field that can be the
// account ID is; stream names follow the KVS CreateStream pattern.
var kvsImageName = regexp.MustCompile(`^(?:(.+?)_)??([0-9]{12})_([a-zA-Z0-9_.-]{1,256})_([0-9]{1,16})_([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jpg$`)

// maxKeyLength is the S3 limit on object key length in bytes.
const maxKeyLength = 1024

// ParseFrameKey checks that key (already URL-decoded) lies directly under
// prefix and follows the KVS image layout, and returns its fields. Its errors
// describe the problem in fixed words and never repeat the key.
func ParseFrameKey(key, prefix string) (FrameKey, error) {
	if len(key) > maxKeyLength {
		return FrameKey{}, fmt.Errorf("key longer than %d bytes", maxKeyLength)
	}
	name, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return FrameKey{}, errors.New("key is outside the frame prefix")
	}
	if strings.Contains(name, "/") {
		return FrameKey{}, errors.New("key is nested below the frame prefix")
	}
	m := kvsImageName.FindStringSubmatch(name)
	if m == nil {
		return FrameKey{}, errors.New("key does not follow the KVS image layout <prefix>_<account>_<stream>_<timecode>_<guid>.jpg")
	}
	// At most 16 decimal digits always fit an int64, so this cannot fail.
	millis, _ := strconv.ParseInt(m[4], 10, 64)
	return FrameKey{
		ImagePrefix: m[1],
		AccountID:   m[2],
		StreamName:  m[3],
		CapturedAt:  time.UnixMilli(millis).UTC(),
		RandomID:    m[5],
	}, nil
}
