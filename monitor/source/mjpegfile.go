package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// StreamOptions time the frames of a recorded MJPEG stream.
type StreamOptions struct {
	FPS           float64   // DefaultFPS when <= 0
	Start         time.Time // timestamp of the first frame
	MaxFrameBytes int       // DefaultMaxFrameBytes when <= 0
}

// MJPEGFile yields the frames of a raw MJPEG stream file. Frame i (0-based,
// counting skipped bad frames so timing stays aligned) is at Start + i/FPS and
// has Ref "<file name>#<i+1>".
type MJPEGFile struct {
	file    *os.File
	name    string
	scanner *MJPEGScanner
	index   int
	opts    StreamOptions
}

// OpenMJPEGFile opens path for scanning.
func OpenMJPEGFile(path string, opts StreamOptions) (*MJPEGFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open MJPEG file %s: %w", path, err)
	}
	if opts.FPS <= 0 {
		opts.FPS = DefaultFPS
	}
	return &MJPEGFile{file: f, name: filepath.Base(path), scanner: NewMJPEGScanner(f, opts.MaxFrameBytes), opts: opts}, nil
}

// Next returns the next frame of the stream.
func (m *MJPEGFile) Next(ctx context.Context) (Frame, error) {
	if err := ctx.Err(); err != nil {
		return Frame{}, err
	}
	data, err := m.scanner.Next()
	if errors.Is(err, io.EOF) {
		return Frame{}, io.EOF
	}
	index := m.index
	m.index++
	ref := fmt.Sprintf("%s#%06d", m.name, index+1)
	if err != nil {
		if errors.Is(err, ErrBadFrame) {
			return Frame{}, fmt.Errorf("read %s: %w", ref, err)
		}
		return Frame{}, fmt.Errorf("read MJPEG file %s: %w", m.name, err)
	}
	return Frame{Ref: ref, Timestamp: frameTime(m.opts.Start, m.opts.FPS, index), JPEG: data}, nil
}

// Live is false: timestamps come from the recording.
func (m *MJPEGFile) Live() bool { return false }

// Close closes the file.
func (m *MJPEGFile) Close() error { return m.file.Close() }
