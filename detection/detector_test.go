package detection

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mediguard/mediguard/detection/imageguard"
)

func TestProcessDropsDuplicateAndOutOfOrderFrames(t *testing.T) {
	t.Parallel()
	frames := clipFrames(t, nightStart, 60, fallScript)
	want := feed(t, newTestDetector(t, testConfig), frames)

	// The same clip with every 5th frame repeated and every 7th frame
	// followed by a stale one from two frames back.
	var messy []Frame
	for i, f := range frames {
		messy = append(messy, f)
		if i%5 == 0 {
			messy = append(messy, f)
		}
		if i%7 == 0 && i >= 2 {
			messy = append(messy, frames[i-2])
		}
	}
	d := newTestDetector(t, testConfig)
	got := feed(t, d, messy)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events with duplicates = %+v, want %+v", got, want)
	}
	st := d.Stats()
	if st.Frames != 60 || st.Duplicates != 12 || st.OutOfOrder != 8 {
		t.Errorf("stats = %+v, want 60 frames, 12 duplicates, 8 out of order", st)
	}
}

func TestProcessRejectsBadFramesWithoutStateChange(t *testing.T) {
	t.Parallel()
	d := newTestDetector(t, testConfig)
	feed(t, d, clipFrames(t, nightStart, 10, fallScript))
	before, err := d.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	good := scene{}.render(t)
	bad := map[string][]byte{
		"zero-size": nil,
		"truncated": good[:len(good)/3],
		"corrupt":   append(append([]byte{}, good[:200]...), bytes.Repeat([]byte{0xFF, 0x00}, 500)...),
		"PNG":       []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"huge":      hugeHeader(t, good),
	}
	for name, data := range bad {
		ev, err := d.Process(Frame{CameraID: "cam-301", Ref: "bad.jpg", Timestamp: frameTime(nightStart, 11), JPEG: data})
		if err == nil || ev != nil {
			t.Errorf("%s: Process = %v, %v; want an error", name, ev, err)
			continue
		}
		if !strings.Contains(err.Error(), "decode frame bad.jpg") {
			t.Errorf("%s: error %q does not name the operation and frame", name, err)
		}
		after, err := d.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s: detector state changed after a rejected frame", name)
		}
	}
	if _, err := d.Process(Frame{Ref: "huge.jpg", Timestamp: frameTime(nightStart, 12), JPEG: bad["huge"]}); !errors.Is(err, imageguard.ErrTooLarge) {
		t.Errorf("huge header error = %v, want ErrTooLarge", err)
	}
}

// hugeHeader declares 30000x30000 in the frame header of a real JPEG.
func hugeHeader(t testing.TB, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	out[i+5], out[i+6], out[i+7], out[i+8] = 0x75, 0x30, 0x75, 0x30
	return out
}

// TestRestoredDetectorMatchesContinuous runs each clip once continuously
// and once with the detector marshalled and restored before every frame (a
// stateless function keeping its state in a table), and requires identical
// events.
func TestRestoredDetectorMatchesContinuous(t *testing.T) {
	t.Parallel()
	clips := map[string]script{"fall": fallScript, "bed exit": bedExitScript, "covered": func(i int) scene {
		return scene{Covered: i >= 20 && i < 40}
	}}
	for name, sc := range clips {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			frames := clipFrames(t, nightStart, 70, sc)
			want := feed(t, newTestDetector(t, testConfig), frames)
			if len(want) == 0 {
				t.Fatal("clip raised no events: the comparison would prove nothing")
			}
			cfg, err := ParseCameraConfig([]byte(testConfig))
			if err != nil {
				t.Fatal(err)
			}
			var stored []byte
			var got []Event
			for _, f := range frames {
				d, err := RestoreDetector(cfg, stored)
				if err != nil {
					t.Fatalf("restore before %s: %v", f.Ref, err)
				}
				ev, err := d.Process(f)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ev...)
				if stored, err = d.MarshalState(); err != nil {
					t.Fatal(err)
				}
				if len(stored) > MaxStateBytes {
					t.Fatalf("state is %d bytes, limit %d", len(stored), MaxStateBytes)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("restored run events = %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestRestoreDetectorRefusesForeignOrCorruptState(t *testing.T) {
	t.Parallel()
	d := newTestDetector(t, testConfig)
	feed(t, d, clipFrames(t, nightStart, 3, fallScript))
	state, err := d.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := ParseCameraConfig([]byte(testConfig))
	other, _ := ParseCameraConfig([]byte(strings.Replace(testConfig, "cam-301", "cam-302", 1)))
	fewerZones, _ := ParseCameraConfig([]byte("camera_id: cam-301\n"))
	tests := []struct {
		name  string
		cfg   CameraConfig
		state []byte
		want  string
	}{
		{"other camera", other, state, "another camera"},
		{"other zones", fewerZones, state, "configured zones"},
		{"truncated", cfg, state[:len(state)/2], "decode state"},
		{"garbage", cfg, []byte("not a state"), "decode state"},
	}
	for _, tc := range tests {
		if _, err := RestoreDetector(tc.cfg, tc.state); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestRealFootageIsBenign runs the real pedestrian clip: busy ordinary
// walking must raise no fall and no tamper event.
func TestRealFootageIsBenign(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("..", "..", "shared", "data", "vtest", "frame_*.jpg"))
	if err != nil || len(paths) < 50 {
		t.Fatalf("vtest frames not found (%d): %v", len(paths), err)
	}
	d := newTestDetector(t, "camera_id: cam-plaza\npatient: {fall_risk: true}\n")
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := d.Process(Frame{CameraID: "cam-plaza", Ref: filepath.Base(p), Timestamp: frameTime(nightStart, i), JPEG: data})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ev {
			t.Errorf("false alarm on benign footage: %s %s at %s", e.Type, e.Reason, e.FrameRef)
		}
	}
	if len(d.st.Tracks) == 0 && d.Stats().Frames != uint64(len(paths)) {
		t.Errorf("stats = %+v", d.Stats())
	}
}

type stubConfirmer struct {
	ok    bool
	err   error
	calls int
}

func (s *stubConfirmer) Confirm(f Frame, c Candidate) (bool, error) {
	s.calls++
	if c.Type != EventFall || len(c.Region) != 4 || f.Ref == "" {
		return false, errors.New("unexpected candidate")
	}
	return s.ok, s.err
}

func TestConfirmerSeam(t *testing.T) {
	t.Parallel()
	frames := clipFrames(t, nightStart, 60, fallScript)
	tests := []struct {
		name       string
		confirmer  *stubConfirmer
		wantEvents int
	}{
		{"confirmed", &stubConfirmer{ok: true}, 1},
		{"rejected", &stubConfirmer{ok: false}, 0},
		{"failing model keeps the classical decision", &stubConfirmer{err: errors.New("model unavailable")}, 1},
	}
	for _, tc := range tests {
		d := newTestDetector(t, testConfig)
		d.SetConfirmer(tc.confirmer)
		events := feed(t, d, frames)
		if len(events) != tc.wantEvents || tc.confirmer.calls != 1 {
			t.Errorf("%s: %d events after %d confirmer calls, want %d after 1", tc.name, len(events), tc.confirmer.calls, tc.wantEvents)
		}
	}
}

func TestEpisodeIDIsDeterministic(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 2, 0, 31, 200e6, time.UTC)
	a := EpisodeID("cam-301", EventFall, "", start)
	if a != EpisodeID("cam-301", EventFall, "", start) || len(a) != 32 {
		t.Errorf("episode id %q not stable", a)
	}
	for _, other := range []string{
		EpisodeID("cam-302", EventFall, "", start),
		EpisodeID("cam-301", EventBedExit, "", start),
		EpisodeID("cam-301", EventFall, "", start.Add(time.Millisecond)),
	} {
		if other == a {
			t.Errorf("different episodes share id %q", a)
		}
	}
}

func TestOfflineEvent(t *testing.T) {
	t.Parallel()
	cfg, _ := ParseCameraConfig([]byte(testConfig))
	last := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	e1 := OfflineEvent(cfg, last, last.Add(65*time.Second), "frame_000100.jpg")
	e2 := OfflineEvent(cfg, last, last.Add(5*time.Minute), "frame_000100.jpg")
	if e1.Type != EventCameraOffline || e1.EpisodeID != e2.EpisodeID || !e1.StartedAt.Equal(last.Add(DefaultOfflineAfter)) ||
		e1.Ward != "W3" || e1.Room != "301" {
		t.Errorf("offline events %+v / %+v", e1, e2)
	}
}

func TestRedactJPEG(t *testing.T) {
	t.Parallel()
	frame := scene{People: []rectN{person(0.5, 0.9)}}.render(t)
	region := Polygon{{0.4, 0.7}, {0.6, 0.7}, {0.6, 0.95}, {0.4, 0.95}}
	out, err := RedactJPEG(frame, []Polygon{region})
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	// Inside: black (JPEG ringing allows a little); outside: the bright person.
	if y, _, _, _ := img.At(160, 180).RGBA(); y>>8 > 20 {
		t.Errorf("redacted pixel luma %d, want black", y>>8)
	}
	if y, _, _, _ := img.At(160, 150).RGBA(); y>>8 < 150 {
		t.Errorf("pixel outside the region luma %d, want the figure", y>>8)
	}
	if _, err := RedactJPEG([]byte("nope"), []Polygon{region}); err == nil {
		t.Error("redacting a non-JPEG succeeded")
	}
	if _, err := RedactJPEG(frame, []Polygon{{{0, 0}, {1, 1}}}); err == nil || !strings.Contains(err.Error(), "region 0") {
		t.Errorf("bad region error = %v", err)
	}
	if _, err := RedactJPEG(frame, nil, imageguard.Limits{MaxBytes: 10}); !errors.Is(err, imageguard.ErrTooLarge) {
		t.Errorf("limits not applied: %v", err)
	}
}

// TestFrameSizes feeds one detector frames of several sizes in turn (the
// camera reconfigured mid-stream): each size restarts the view models, and
// the state stays within MaxStateBytes for every size the guard accepts.
func TestFrameSizes(t *testing.T) {
	t.Parallel()
	d := newTestDetector(t, testConfig)
	i := 0
	for _, size := range []struct{ w, h int }{{320, 240}, {1920, 1080}, {240, 320}, {64, 1920}, {17, 9}, {640, 480}} {
		img := image.NewGray(image.Rect(0, 0, size.w, size.h))
		for p := range img.Pix {
			img.Pix[p] = uint8(p * 7)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := d.Process(Frame{Ref: "sized.jpg", Timestamp: frameTime(nightStart, i), JPEG: buf.Bytes()}); err != nil {
				t.Fatalf("%dx%d: %v", size.w, size.h, err)
			}
			i++
		}
		state, err := d.MarshalState()
		if err != nil {
			t.Fatalf("%dx%d: %v", size.w, size.h, err)
		}
		cfg, _ := ParseCameraConfig([]byte(testConfig))
		if _, err := RestoreDetector(cfg, state); err != nil {
			t.Errorf("%dx%d: restore: %v", size.w, size.h, err)
		}
	}
}
