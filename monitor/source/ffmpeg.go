package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// FFmpegOptions configure a source decoded by an ffmpeg process.
type FFmpegOptions struct {
	// FFmpegPath is the ffmpeg binary; looked up on PATH when empty.
	FFmpegPath string
	// FPS is the rate ffmpeg resamples to (DefaultFPS when <= 0).
	FPS float64
	// Live inputs (RTSP, HTTP streams) are timestamped on arrival and ffmpeg
	// is restarted with backoff when it exits; file inputs are timed from
	// Start at FPS and end with io.EOF.
	Live bool
	// Start is the timestamp of the first frame of a file input.
	Start time.Time
	// MaxFrameBytes bounds one frame (DefaultMaxFrameBytes when <= 0).
	MaxFrameBytes int
	// InitialBackoff and MaxBackoff bound restarts of a live input
	// (defaults 1s and 30s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Now timestamps live frames (time.Now when nil).
	Now func() time.Time
}

// FFmpeg pipes an input through `ffmpeg -f image2pipe -vcodec mjpeg` and
// scans the MJPEG output. Refs are "ffmpeg#<n>".
type FFmpeg struct {
	input   string
	display string // input without credentials or query, for errors
	opts    FFmpegOptions
	backoff *backoff.ExponentialBackOff

	mu      sync.Mutex // guards cmd, used from context.AfterFunc
	cmd     *exec.Cmd
	stdout  io.ReadCloser
	stderr  *tailBuffer
	scanner *MJPEGScanner
	index   int
	closed  bool
}

// NewFFmpeg returns a source for input (a file path or a URL ffmpeg accepts).
// It checks ffmpeg is installed; the process starts on the first Next.
func NewFFmpeg(input string, opts FFmpegOptions) (*FFmpeg, error) {
	display := redactInput(input)
	if opts.FFmpegPath == "" {
		path, err := exec.LookPath("ffmpeg")
		if err != nil {
			return nil, fmt.Errorf("open ffmpeg source %s: ffmpeg not found on PATH (run `make deps`): %w", display, err)
		}
		opts.FFmpegPath = path
	}
	if opts.FPS <= 0 {
		opts.FPS = DefaultFPS
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = opts.InitialBackoff
	b.MaxInterval = opts.MaxBackoff
	return &FFmpeg{input: input, display: display, opts: opts, backoff: b}, nil
}

// Live reports whether the input was declared live.
func (f *FFmpeg) Live() bool { return f.opts.Live }

// Next returns the next decoded frame.
func (f *FFmpeg) Next(ctx context.Context) (Frame, error) {
	stop := context.AfterFunc(ctx, f.kill)
	defer stop()
	for {
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		if f.scanner == nil {
			if err := f.start(); err != nil {
				return Frame{}, err
			}
		}
		data, err := f.scanner.Next()
		if err == nil || errors.Is(err, ErrBadFrame) {
			index := f.index
			f.index++
			ref := fmt.Sprintf("ffmpeg#%06d", index+1)
			if err != nil {
				return Frame{}, fmt.Errorf("read %s: %w", ref, err)
			}
			f.backoff.Reset()
			ts := frameTime(f.opts.Start, f.opts.FPS, index)
			if f.opts.Live {
				ts = f.opts.Now()
			}
			return Frame{Ref: ref, Timestamp: ts, JPEG: data}, nil
		}
		exitErr := f.wait()
		if ctx.Err() != nil {
			return Frame{}, ctx.Err()
		}
		if !f.opts.Live {
			if exitErr != nil {
				return Frame{}, exitErr
			}
			return Frame{}, io.EOF
		}
		t := time.NewTimer(f.backoff.NextBackOff())
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Frame{}, ctx.Err()
		}
	}
}

// start launches ffmpeg.
func (f *FFmpeg) start() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("read ffmpeg source %s: source closed", f.display)
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error"}
	if strings.HasPrefix(f.input, "rtsp://") || strings.HasPrefix(f.input, "rtsps://") {
		args = append(args, "-rtsp_transport", "tcp")
	}
	args = append(args, "-i", f.input, "-an", "-f", "image2pipe", "-vcodec", "mjpeg", "-q:v", "5",
		"-r", strconv.FormatFloat(f.opts.FPS, 'f', -1, 64), "-")
	cmd := exec.Command(f.opts.FFmpegPath, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("start ffmpeg for %s: %w", f.display, err)
	}
	f.stderr = &tailBuffer{max: 4096}
	cmd.Stderr = f.stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ffmpeg for %s: %w", f.display, err)
	}
	f.cmd, f.stdout = cmd, stdout
	f.scanner = NewMJPEGScanner(stdout, f.opts.MaxFrameBytes)
	return nil
}

// wait reaps the ffmpeg process after its output ended and reports a failed
// exit with the end of its diagnostics (input URL redacted).
func (f *FFmpeg) wait() error {
	f.mu.Lock()
	cmd := f.cmd
	f.cmd, f.scanner = nil, nil
	f.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Wait(); err != nil {
		msg := strings.TrimSpace(strings.ReplaceAll(f.stderr.String(), f.input, f.display))
		if msg == "" {
			return fmt.Errorf("ffmpeg for %s: %w", f.display, err)
		}
		return fmt.Errorf("ffmpeg for %s: %w: %s", f.display, err, msg)
	}
	return nil
}

// kill stops the running ffmpeg process, unblocking a pending read.
func (f *FFmpeg) kill() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cmd != nil && f.cmd.Process != nil {
		f.cmd.Process.Kill()
	}
}

// Close stops ffmpeg and reaps it.
func (f *FFmpeg) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.kill()
	f.mu.Lock()
	cmd, stdout := f.cmd, f.stdout
	f.cmd, f.scanner = nil, nil
	f.mu.Unlock()
	if cmd != nil {
		stdout.Close()
		cmd.Wait()
	}
	return nil
}

// redactInput drops credentials and query from a URL input so errors never
// carry camera passwords or tokens.
func redactInput(input string) string {
	scheme, rest, ok := strings.Cut(input, "://")
	if !ok {
		return input
	}
	if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
		rest = rest[at+1:]
	}
	rest, _, _ = strings.Cut(rest, "?")
	return scheme + "://" + rest
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
