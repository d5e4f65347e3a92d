package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var testStart = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// drain reads a source to io.EOF, returning frames and the number of bad ones.
func drain(t *testing.T, src Source) ([]Frame, int) {
	t.Helper()
	var frames []Frame
	bad := 0
	for i := 0; i < 10000; i++ {
		f, err := src.Next(context.Background())
		switch {
		case errors.Is(err, io.EOF):
			return frames, bad
		case errors.Is(err, ErrBadFrame):
			bad++
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			frames = append(frames, f)
		}
	}
	t.Fatal("source never ended")
	return nil, 0
}

func TestFolderOrderTimingAndOversize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{
		"frame_000002.jpg":  testJPEG(t, 2),
		"frame_000001.jpg":  testJPEG(t, 1),
		"frame_000003.JPEG": bytes.Repeat([]byte{0xFF}, 5000),
		"frame_000004.jpg":  testJPEG(t, 4),
		"notes.txt":         []byte("ignored"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src, err := NewFolder(dir, FolderOptions{FPS: 4, Start: testStart, MaxFrameBytes: 4000})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	frames, bad := drain(t, src)
	if bad != 1 || len(frames) != 3 {
		t.Fatalf("got %d frames, %d bad; want 3 and 1", len(frames), bad)
	}
	wantRefs := []string{"frame_000001.jpg", "frame_000002.jpg", "frame_000004.jpg"}
	wantTimes := []time.Duration{0, 250 * time.Millisecond, 750 * time.Millisecond}
	for i, f := range frames {
		if f.Ref != wantRefs[i] || !f.Timestamp.Equal(testStart.Add(wantTimes[i])) {
			t.Fatalf("frame %d = %s at %s, want %s at +%s", i, f.Ref, f.Timestamp, wantRefs[i], wantTimes[i])
		}
		if !bytes.Equal(f.JPEG, files[f.Ref]) {
			t.Fatalf("frame %s bytes differ", f.Ref)
		}
	}
	if src.Live() {
		t.Fatal("folder source claims to be live")
	}
}

func TestFolderModTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(path, testJPEG(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	src, err := NewFolder(dir, FolderOptions{UseModTime: true})
	if err != nil {
		t.Fatal(err)
	}
	frames, _ := drain(t, src)
	if len(frames) != 1 || !frames[0].Timestamp.Equal(mtime) {
		t.Fatalf("frames = %+v, want one at the file's mtime", frames)
	}
}

func TestFolderRejectsEmptyOrMissingDir(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing")} {
		if _, err := NewFolder(dir, FolderOptions{}); err == nil {
			t.Fatalf("NewFolder(%s) succeeded", filepath.Base(dir))
		}
	}
}

func TestMJPEGFileCountsBadFramesInTiming(t *testing.T) {
	t.Parallel()
	a, b, c := testJPEG(t, 1), testJPEG(t, 2), testJPEG(t, 3)
	path := filepath.Join(t.TempDir(), "stream.mjpeg")
	stream := bytes.Join([][]byte{a, {0xFF, 0xD8, 0x00}, b, c[:len(c)-40]}, nil)
	if err := os.WriteFile(path, stream, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := OpenMJPEGFile(path, StreamOptions{FPS: 2, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	frames, bad := drain(t, src)
	if len(frames) != 2 || bad != 2 {
		t.Fatalf("got %d frames, %d bad; want 2 and 2", len(frames), bad)
	}
	if frames[1].Ref != "stream.mjpeg#000003" || !frames[1].Timestamp.Equal(testStart.Add(time.Second)) {
		t.Fatalf("second good frame = %s at %s, want stream.mjpeg#000003 at +1s", frames[1].Ref, frames[1].Timestamp)
	}
}

func TestOpenSpecs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f1.jpg"), testJPEG(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.mjpeg"), testJPEG(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	scenario := filepath.Join(dir, "scn")
	if err := os.MkdirAll(filepath.Join(scenario, "frames"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scenario, "frames", "frame_000001.jpg"), testJPEG(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	truth := `{"name":"x","fps":10,"start":"2026-03-02T02:00:00Z","events":[]}`
	if err := os.WriteFile(filepath.Join(scenario, "truth.json"), []byte(truth), 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testStart }
	cases := []struct {
		spec    string
		wantErr bool
		live    bool
	}{
		{"frames:" + dir + "?fps=10&start=2026-03-02T02:00:00Z", false, false},
		{"frames:" + dir, false, false},
		{"mjpeg:" + filepath.Join(dir, "s.mjpeg") + "?fps=2", false, false},
		{"scenario:" + scenario, false, false},
		{"http://127.0.0.1:1/stream", false, true},
		{"ffmpeg:rtsp://user:pw@cam/stream#fps=5", false, true},
		{"ffmpeg:" + filepath.Join(dir, "clip.mp4") + "#fps=5", false, false},
		{"frames:" + dir + "?fps=0", true, false},
		{"frames:" + dir + "?fsp=5", true, false},
		{"frames:" + dir + "?start=yesterday", true, false},
		{"ftp://cam", true, false},
		{"nonsense", true, false},
	}
	for _, tc := range cases {
		src, err := Open(tc.spec, now)
		if (err != nil) != tc.wantErr {
			t.Fatalf("Open(%q) error = %v, want error %v", tc.spec, err, tc.wantErr)
		}
		if err != nil {
			if bytes.Contains([]byte(err.Error()), []byte("pw@")) {
				t.Fatalf("error leaks credentials: %v", err)
			}
			continue
		}
		if src.Live() != tc.live {
			t.Fatalf("Open(%q).Live() = %v, want %v", tc.spec, src.Live(), tc.live)
		}
		src.Close()
	}
	src, err := Open("scenario:"+scenario, now)
	if err != nil {
		t.Fatal(err)
	}
	frames, _ := drain(t, src)
	if len(frames) != 1 || !frames[0].Timestamp.Equal(testStart) {
		t.Fatalf("scenario frames = %+v, want one at the truth start", frames)
	}
}

func TestRedactInput(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"rtsp://admin:secret@10.0.0.5:554/live?token=abc": "rtsp://10.0.0.5:554/live",
		"/videos/clip.mp4": "/videos/clip.mp4",
		"http://cam/x":     "http://cam/x",
	}
	for in, want := range cases {
		if got := redactInput(in); got != want {
			t.Fatalf("redactInput(%q) = %q, want %q", in, got, want)
		}
	}
}
