// Package source reads camera frames for the local watch loop: a folder of JPEG
// files, a raw MJPEG stream file, an HTTP multipart MJPEG camera, or anything
// ffmpeg can read (RTSP, MP4, MKV) through an ffmpeg pipe.
//
// Every source yields Frames (JPEG bytes, a reference, a capture timestamp) and
// says whether its timestamps come from the wall clock (live) or from the
// recording (file), because the watch loop measures "camera offline" on its own
// clock for live sources and on frame-timestamp gaps for files.
package source

import (
	"context"
	"errors"
	"time"
)

// DefaultMaxFrameBytes bounds one JPEG frame unless a source is told otherwise:
// larger than any sane camera frame, small enough that a corrupt stream cannot
// exhaust memory.
const DefaultMaxFrameBytes = 8 << 20

// DefaultFPS is the frame rate assumed for file sources that do not say.
const DefaultFPS = 5

// Frame is one JPEG frame and where it came from.
type Frame struct {
	Ref       string    // file name or stream position, carried into events; never pixels
	Timestamp time.Time // capture time
	JPEG      []byte
}

// ErrBadFrame marks an error about one frame (truncated, oversized, not a
// JPEG). The source stays usable: call Next again for the following frame.
// Any other error from Next, except io.EOF at the end of a finite source, means
// the source cannot continue.
var ErrBadFrame = errors.New("bad frame")

// Source yields frames in order.
type Source interface {
	// Next returns the next frame, io.EOF after the last frame of a finite
	// source, an error wrapping ErrBadFrame for a frame that was skipped, or
	// another error when the source failed. Cancelling ctx interrupts a
	// blocked Next.
	Next(ctx context.Context) (Frame, error)
	// Live reports whether frame timestamps are wall-clock arrival times.
	Live() bool
	// Close releases the source (connections, processes, files).
	Close() error
}

// The sources of this package.
var (
	_ Source = (*Folder)(nil)
	_ Source = (*MJPEGFile)(nil)
	_ Source = (*HTTPCamera)(nil)
	_ Source = (*FFmpeg)(nil)
)

// frameTime is the timestamp of the zero-based frame index at fps from start.
func frameTime(start time.Time, fps float64, index int) time.Time {
	return start.Add(time.Duration(float64(index) * float64(time.Second) / fps))
}
