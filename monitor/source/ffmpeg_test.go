package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// requireFFmpeg returns the ffmpeg path or fails: CI installs ffmpeg, so a
// missing binary is a broken environment, not a reason to skip.
func requireFFmpeg(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg not found on PATH: run `make deps` to install it (%v)", err)
	}
	return path
}

// makeClip encodes n decodable frames into an MP4 with ffmpeg itself.
func makeClip(t *testing.T, ffmpeg string, n, fps int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= n; i++ {
		img := image.NewGray(image.Rect(0, 0, 64, 48))
		for p := range img.Pix {
			img.Pix[p] = uint8(i * 20)
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("in_%03d.jpg", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, img, nil); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	clip := filepath.Join(dir, "clip.mp4")
	out, err := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-framerate", fmt.Sprint(fps),
		"-i", filepath.Join(dir, "in_%03d.jpg"), "-c:v", "mpeg4", "-pix_fmt", "yuv420p", clip).CombinedOutput()
	if err != nil {
		t.Fatalf("make test clip: %v: %s", err, out)
	}
	return clip
}

func TestFFmpegReadsClip(t *testing.T) {
	t.Parallel()
	ffmpeg := requireFFmpeg(t)
	clip := makeClip(t, ffmpeg, 10, 5)
	src, err := NewFFmpeg(clip, FFmpegOptions{FFmpegPath: ffmpeg, FPS: 5, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	frames, bad := drain(t, src)
	if bad != 0 || len(frames) < 9 || len(frames) > 11 {
		t.Fatalf("got %d frames, %d bad from a 10-frame clip at the same rate", len(frames), bad)
	}
	for i, f := range frames {
		if _, err := jpeg.Decode(bytes.NewReader(f.JPEG)); err != nil {
			t.Fatalf("frame %d does not decode: %v", i+1, err)
		}
		if want := testStart.Add(time.Duration(i) * 200 * time.Millisecond); !f.Timestamp.Equal(want) {
			t.Fatalf("frame %d at %s, want %s", i+1, f.Timestamp, want)
		}
	}
	if src.Live() {
		t.Fatal("file input claims to be live")
	}
}

func TestFFmpegReportsBadInput(t *testing.T) {
	t.Parallel()
	ffmpeg := requireFFmpeg(t)
	missing := filepath.Join(t.TempDir(), "missing.mp4")
	src, err := NewFFmpeg(missing, FFmpegOptions{FFmpegPath: ffmpeg})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err = src.Next(context.Background())
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("Next on a missing file = %v, want ffmpeg's exit error", err)
	}
}

func TestFFmpegCancelStopsProcess(t *testing.T) {
	t.Parallel()
	ffmpeg := requireFFmpeg(t)
	// A live stream that never sends a byte: only cancellation ends the read.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	src, err := NewFFmpeg(srv.URL+"/live", FFmpegOptions{FFmpegPath: ffmpeg, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Next(ctx)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Next after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next stayed blocked after cancel")
	}
}
