package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Open builds a source from a spec string (documented in
// docs/local-monitoring.md):
//
//	frames:DIR[?fps=5&start=2026-03-02T02:00:00Z&mtime=true&max_frame_bytes=N]
//	mjpeg:FILE[?fps=5&start=...&max_frame_bytes=N]
//	scenario:DIR             a rendered scenario: DIR/frames or DIR/stream.mjpeg, timed by DIR/truth.json
//	http://HOST/PATH, https://...   a multipart/x-mixed-replace MJPEG camera
//	ffmpeg:INPUT[#fps=5&live=true&start=...]   anything ffmpeg reads; options after the last '#'
//
// File sources without start= begin at now (the time of day matters to zone
// schedules: give start= when replaying footage).
func Open(spec string, now func() time.Time) (Source, error) {
	if now == nil {
		now = time.Now
	}
	scheme, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, fmt.Errorf("open source %q: want scheme:location (frames:, mjpeg:, scenario:, http(s)://, ffmpeg:)", spec)
	}
	switch scheme {
	case "frames", "mjpeg":
		location, query, _ := strings.Cut(rest, "?")
		opts, err := parseOptions(query, now)
		if err != nil {
			return nil, fmt.Errorf("open source %s:%s: %w", scheme, location, err)
		}
		if scheme == "frames" {
			return NewFolder(location, FolderOptions{FPS: opts.fps, Start: opts.start, UseModTime: opts.mtime, MaxFrameBytes: opts.maxFrameBytes})
		}
		return OpenMJPEGFile(location, StreamOptions{FPS: opts.fps, Start: opts.start, MaxFrameBytes: opts.maxFrameBytes})
	case "scenario":
		return OpenScenario(rest)
	case "http", "https":
		return NewHTTPCamera(spec, HTTPOptions{Now: now})
	case "ffmpeg":
		input, fragment := rest, ""
		if i := strings.LastIndex(rest, "#"); i >= 0 {
			input, fragment = rest[:i], rest[i+1:]
		}
		opts, err := parseOptions(fragment, now)
		if err != nil {
			return nil, fmt.Errorf("open source ffmpeg:%s: %w", redactInput(input), err)
		}
		live := strings.Contains(input, "://") && !strings.HasPrefix(input, "file://")
		if opts.live != nil {
			live = *opts.live
		}
		return NewFFmpeg(input, FFmpegOptions{FPS: opts.fps, Start: opts.start, Live: live, MaxFrameBytes: opts.maxFrameBytes, Now: now})
	default:
		return nil, fmt.Errorf("open source: unknown scheme %q (want frames, mjpeg, scenario, http, https or ffmpeg)", scheme)
	}
}

// specOptions are the key=value options of a spec.
type specOptions struct {
	fps           float64
	start         time.Time
	mtime         bool
	live          *bool
	maxFrameBytes int
}

func parseOptions(query string, now func() time.Time) (specOptions, error) {
	values, err := url.ParseQuery(query)
	if err != nil {
		return specOptions{}, fmt.Errorf("parse options: %w", err)
	}
	opts := specOptions{fps: DefaultFPS, start: now().UTC().Truncate(time.Second)}
	for key, vals := range values {
		v := vals[len(vals)-1]
		switch key {
		case "fps":
			opts.fps, err = strconv.ParseFloat(v, 64)
			if err != nil || opts.fps <= 0 || opts.fps > 1000 {
				return specOptions{}, fmt.Errorf("option fps=%q: want a number in (0, 1000]", v)
			}
		case "start":
			opts.start, err = time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return specOptions{}, fmt.Errorf("option start=%q: want RFC 3339 time: %w", v, err)
			}
		case "mtime":
			opts.mtime, err = strconv.ParseBool(v)
			if err != nil {
				return specOptions{}, fmt.Errorf("option mtime=%q: want true or false", v)
			}
		case "live":
			live, err := strconv.ParseBool(v)
			if err != nil {
				return specOptions{}, fmt.Errorf("option live=%q: want true or false", v)
			}
			opts.live = &live
		case "max_frame_bytes":
			opts.maxFrameBytes, err = strconv.Atoi(v)
			if err != nil || opts.maxFrameBytes <= 0 {
				return specOptions{}, fmt.Errorf("option max_frame_bytes=%q: want a positive integer", v)
			}
		default:
			return specOptions{}, fmt.Errorf("unknown option %q (want fps, start, mtime, live, max_frame_bytes)", key)
		}
	}
	return opts, nil
}

// scenarioTiming is the part of a rendered scenario's truth.json that times
// its frames (see the detection contract).
type scenarioTiming struct {
	FPS   float64   `json:"fps"`
	Start time.Time `json:"start"`
}

// OpenScenario opens a rendered scenario directory: DIR/frames/*.jpg or
// DIR/stream.mjpeg, timed by the fps and start of DIR/truth.json. The rest of
// truth.json (the answers) is not read.
func OpenScenario(dir string) (Source, error) {
	data, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return nil, fmt.Errorf("open scenario %s: %w", dir, err)
	}
	var timing scenarioTiming
	if err := json.Unmarshal(data, &timing); err != nil {
		return nil, fmt.Errorf("open scenario %s: truth.json: %w", dir, err)
	}
	if timing.FPS <= 0 || timing.Start.IsZero() {
		return nil, fmt.Errorf("open scenario %s: truth.json lacks fps or start", dir)
	}
	frames := filepath.Join(dir, "frames")
	if _, err := os.Stat(frames); err == nil {
		return NewFolder(frames, FolderOptions{FPS: timing.FPS, Start: timing.Start})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open scenario %s: %w", dir, err)
	}
	return OpenMJPEGFile(filepath.Join(dir, "stream.mjpeg"), StreamOptions{FPS: timing.FPS, Start: timing.Start})
}
