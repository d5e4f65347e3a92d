package scenario

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestWriteSetLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := NewSpec("walk", KindWalkAndSit, 3)
	a.Width, a.Height, a.FPS = 96, 72, 1
	b := NewSpec("cover", KindTamperCovered, 4)
	b.Width, b.Height, b.FPS = 96, 72, 2
	if err := WriteSet(dir, []Spec{a}, FormatJPEG); err != nil {
		t.Fatal(err)
	}
	if err := WriteSet(dir, []Spec{b}, FormatMJPEG); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec   Spec
		format string
	}{{a, FormatJPEG}, {b, FormatMJPEG}} {
		root := filepath.Join(dir, tc.spec.Name)
		var truth Truth
		data, err := os.ReadFile(filepath.Join(root, "truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &truth); err != nil {
			t.Fatalf("truth.json: %v", err)
		}
		if truth.Name != tc.spec.Name || truth.FPS != tc.spec.FPS || truth.Width != 96 || truth.Frames != tc.spec.FPS*int(kinds[tc.spec.Kind].minDuration.Seconds()) {
			t.Errorf("%s truth header %+v", tc.spec.Name, truth)
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"name", "seed", "layout", "fps", "width", "height", "start", "frames", "benign", "events", "tags"} {
			if _, ok := raw[field]; !ok {
				t.Errorf("%s truth.json lacks %q", tc.spec.Name, field)
			}
		}
		cfg, err := os.ReadFile(filepath.Join(root, "camera.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var zones testZones
		if err := yaml.Unmarshal(cfg, &zones); err != nil || len(zones.Zones) == 0 || zones.Inactivity.After != "60s" {
			t.Errorf("%s camera.yaml unreadable or incomplete (%v): %s", tc.spec.Name, err, cfg)
		}
		switch tc.format {
		case FormatJPEG:
			entries, err := os.ReadDir(filepath.Join(root, "frames"))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != truth.Frames || entries[0].Name() != "frame_000001.jpg" {
				t.Errorf("frames/ holds %d files starting %s, want %d from frame_000001.jpg", len(entries), entries[0].Name(), truth.Frames)
			}
		case FormatMJPEG:
			stream, err := os.ReadFile(filepath.Join(root, "stream.mjpeg"))
			if err != nil {
				t.Fatal(err)
			}
			// Entropy-coded JPEG data stuffs 0xFF bytes, so SOI markers
			// only start images.
			if n := bytes.Count(stream, []byte{0xFF, 0xD8, 0xFF}); n != truth.Frames {
				t.Errorf("stream.mjpeg holds %d images, want %d", n, truth.Frames)
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}

func TestWriteSetBadInputLosesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := NewSpec("keep", KindCurtain, 1)
	good.Width, good.Height, good.FPS = 64, 48, 1
	if err := WriteSet(dir, []Spec{good}, FormatJPEG); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "keep", "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.FPS = 0
	for _, tc := range []struct {
		specs  []Spec
		format string
		want   string
	}{
		{[]Spec{good, bad}, FormatJPEG, "fps 0"},
		{[]Spec{good, good}, FormatJPEG, "duplicate"},
		{[]Spec{good}, "avi", "unknown format"},
	} {
		if err := WriteSet(dir, tc.specs, tc.format); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteSet error = %v, want %q", err, tc.want)
		}
	}
	after, err := os.ReadFile(filepath.Join(dir, "keep", "truth.json"))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("existing scenario changed by a failed WriteSet (%v)", err)
	}
}

func TestMJPEGStreamReadsWithFFmpeg(t *testing.T) {
	t.Parallel()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg not installed (make deps installs it)")
	}
	dir := t.TempDir()
	spec := NewSpec("mjpeg", KindLights, 5)
	spec.FPS = 1
	if err := WriteSet(dir, []Spec{spec}, FormatMJPEG); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ffmpeg, "-v", "error", "-f", "mjpeg", "-i", filepath.Join(dir, "mjpeg", "stream.mjpeg"), "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg cannot read stream.mjpeg: %v", err)
	}
	frames := 0
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "#") {
			frames++
		}
	}
	if want := int(kinds[KindLights].minDuration.Seconds()); frames != want {
		t.Errorf("ffmpeg decoded %d frames, want %d", frames, want)
	}
}
