package camsim

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mediguard/mediguard/scenario"
)

// ErrFFmpegMissing is returned when ffmpeg is not on the PATH.
var ErrFFmpegMissing = errors.New("ffmpeg is not installed or not on PATH: run make deps")

// Source is the video a camera sends: a file ffmpeg can read, or frames
// rendered in process and piped to ffmpeg as JPEGs.
type Source struct {
	// description names the source in errors without repeating a file path,
	// which may name a patient; path is removed from ffmpeg's messages.
	description string
	path        string
	inputArgs   []string
	// feed writes the source's frames to ffmpeg's stdin; nil for files.
	feed func(w io.Writer) error
}

// FileSource is a video file (any format ffmpeg reads; audio is dropped).
func FileSource(path string) Source {
	return Source{description: "source video", path: path, inputArgs: []string{"-i", path}}
}

// ScenarioSource renders spec (see scenario.Render) frame by frame into
// ffmpeg at the scenario's frame rate.
func ScenarioSource(spec scenario.Spec) (Source, error) {
	n, err := spec.Normalize()
	if err != nil {
		return Source{}, fmt.Errorf("scenario source: %w", err)
	}
	return Source{
		description: "scenario " + n.Name,
		inputArgs:   []string{"-f", "image2pipe", "-framerate", strconv.Itoa(n.FPS), "-c:v", "mjpeg", "-i", "-"},
		feed: func(w io.Writer) error {
			_, err := scenario.Render(n, func(_ int, _ time.Time, jpeg []byte) error {
				_, err := w.Write(jpeg)
				return err
			})
			return err
		},
	}, nil
}

// EncodeOptions set how the video is encoded.
type EncodeOptions struct {
	// FragmentDuration is the time between keyframes, and so the length of
	// each fragment; whole seconds, 1..10 (KVS recommends 1-10 s).
	FragmentDuration time.Duration
	// WorkDir holds the fragments between ffmpeg and the sender; default: a
	// new directory under the system temporary directory, removed at the end.
	WorkDir string
}

func (o EncodeOptions) validate() error {
	if o.FragmentDuration < time.Second || o.FragmentDuration > 10*time.Second || o.FragmentDuration%time.Second != 0 {
		return fmt.Errorf("fragment duration %v must be whole seconds between 1s and 10s", o.FragmentDuration)
	}
	return nil
}

// Encode runs ffmpeg on src and calls emit with each fragment as soon as
// ffmpeg has finished it, in order. An error from emit stops the encoding
// and is returned. ffmpeg's own messages are returned on failure, with the
// source described, never its path.
func Encode(ctx context.Context, src Source, opts EncodeOptions, emit func(Fragment) error) (err error) {
	if err := opts.validate(); err != nil {
		return fmt.Errorf("encode %s: %w", src.description, err)
	}
	ffmpeg, lookErr := exec.LookPath("ffmpeg")
	if lookErr != nil {
		return ErrFFmpegMissing
	}
	dir := opts.WorkDir
	if dir == "" {
		dir, err = os.MkdirTemp("", "camsim-")
		if err != nil {
			return fmt.Errorf("encode %s: create work directory: %w", src.description, err)
		}
		defer os.RemoveAll(dir)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	seconds := strconv.Itoa(int(opts.FragmentDuration / time.Second))
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin"}
	if src.feed != nil {
		args = args[:len(args)-1] // stdin carries the frames
	}
	args = append(args, src.inputArgs...)
	args = append(args,
		"-an", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-bf", "0",
		"-pix_fmt", "yuv420p",
		// A keyframe exactly at every fragment boundary and nowhere else, so
		// every fragment starts with one and they all last the same.
		"-force_key_frames", "expr:gte(t,n_forced*"+seconds+")", "-sc_threshold", "0",
		"-f", "segment", "-segment_time", seconds, "-segment_format", "matroska",
		"-reset_timestamps", "0",
		// ffmpeg prints each fragment's file name once the file is complete.
		"-segment_list", "pipe:1", "-segment_list_type", "flat",
		filepath.Join(dir, "fragment-%06d.mkv"),
	)
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("encode %s: %w", src.description, err)
	}
	var stdin io.WriteCloser
	if src.feed != nil {
		if stdin, err = cmd.StdinPipe(); err != nil {
			return fmt.Errorf("encode %s: %w", src.description, err)
		}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("encode %s: start ffmpeg: %w", src.description, err)
	}
	feedDone := make(chan error, 1)
	if src.feed != nil {
		go func() {
			err := src.feed(stdin)
			stdin.Close()
			feedDone <- err
		}()
	} else {
		feedDone <- nil
	}

	emitErr := readFragments(stdout, dir, emit)
	if emitErr != nil {
		cancel() // stop ffmpeg and the feed
		_, _ = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	feedErr := <-feedDone
	switch {
	case emitErr != nil:
		return emitErr
	case waitErr != nil:
		return fmt.Errorf("encode %s: ffmpeg: %w: %s", src.description, waitErr, src.redact(stderr.String()))
	case feedErr != nil:
		return fmt.Errorf("encode %s: render frames: %w", src.description, feedErr)
	}
	return nil
}

// redact removes the source's path from an ffmpeg message.
func (src Source) redact(message string) string {
	message = strings.TrimSpace(message)
	if src.path == "" {
		return message
	}
	return strings.ReplaceAll(message, src.path, "<"+src.description+">")
}

// readFragments reads the fragment names ffmpeg lists, parses each file,
// removes it and emits the fragment.
func readFragments(list io.Reader, dir string, emit func(Fragment) error) error {
	lines := bufio.NewScanner(list)
	for lines.Scan() {
		name := filepath.Base(strings.TrimSpace(lines.Text()))
		if name == "." || name == "" {
			continue
		}
		path := filepath.Join(dir, name)
		frag, err := readFragmentFile(path)
		if err != nil {
			return err
		}
		if err := emit(frag); err != nil {
			return err
		}
	}
	return lines.Err()
}

func readFragmentFile(path string) (Fragment, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fragment{}, fmt.Errorf("open encoded fragment: %w", err)
	}
	defer os.Remove(path)
	defer f.Close()
	frag, err := ReadFragment(bufio.NewReader(f))
	if err != nil {
		return Fragment{}, fmt.Errorf("encoded fragment %s: %w", filepath.Base(path), err)
	}
	return frag, nil
}
