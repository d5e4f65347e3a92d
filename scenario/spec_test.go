package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestBadSpecsAreRejected(t *testing.T) {
	t.Parallel()
	good := NewSpec("ok", KindFall, 1)
	tests := []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"zero fps", func(s *Spec) { s.FPS = 0 }, "fps 0"},
		{"too many fps", func(s *Spec) { s.FPS = 120 }, "fps 120"},
		{"unknown kind", func(s *Spec) { s.Kind = "party" }, `unknown kind "party"`},
		{"unknown layout", func(s *Spec) { s.Layout = "attic" }, `unknown layout "attic"`},
		{"huge size", func(s *Spec) { s.Width, s.Height = 8000, 6000 }, "size 8000x6000"},
		{"zero size", func(s *Spec) { s.Width, s.Height = 0, 0 }, "size 0x0"},
		{"portrait", func(s *Spec) { s.Width, s.Height = 240, 320 }, "aspect ratio"},
		{"panorama", func(s *Spec) { s.Width, s.Height = 320, 151 }, "aspect ratio"},
		{"bad name", func(s *Spec) { s.Name = "../etc" }, "name must match"},
		{"too short", func(s *Spec) { s.Duration = 10 * time.Second }, "shorter than"},
		{"too many frames", func(s *Spec) { s.Duration = 24 * time.Hour }, "exceed the limit"},
		{"bad time zone", func(s *Spec) { s.TimeZone = "Mars/Olympus" }, "time zone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := good
			tc.change(&s)
			called := false
			_, err := Render(s, func(int, time.Time, []byte) error { called = true; return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render error = %v, want it to mention %q", err, tc.want)
			}
			if called {
				t.Fatal("a bad spec emitted frames")
			}
		})
	}
}

func TestFrameTimestampsFollowFPS(t *testing.T) {
	t.Parallel()
	spec := NewSpec("ts", KindTVFlicker, 1)
	spec.Width, spec.Height = 64, 48
	var got []time.Time
	truth, err := Render(spec, func(i int, ts time.Time, _ []byte) error {
		if i != len(got)+1 {
			t.Errorf("frame index %d, want %d", i, len(got)+1)
		}
		got = append(got, ts)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != truth.Frames || truth.Frames != 150 {
		t.Fatalf("emitted %d frames, truth says %d, want 150", len(got), truth.Frames)
	}
	for i, ts := range got {
		want := truth.Start.Add(time.Duration(i) * 200 * time.Millisecond)
		if !ts.Equal(want) {
			t.Fatalf("frame %d at %s, want %s", i+1, ts, want)
		}
	}
}

// renderHash renders spec and returns a digest of every frame and the truth.
func renderHash(t *testing.T, spec Spec) ([32]byte, Truth) {
	t.Helper()
	h := sha256.New()
	truth, err := Render(spec, func(i int, ts time.Time, data []byte) error {
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatalf("render %s: %v", spec.Name, err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, truth
}

func TestRenderIsDeterministicPerSeed(t *testing.T) {
	t.Parallel()
	spec := NewSpec("det", KindBedExit, 42)
	spec.Width, spec.Height, spec.FPS = 160, 120, 2
	a, ta := renderHash(t, spec)
	b, tb := renderHash(t, spec)
	if a != b {
		t.Fatal("same spec rendered different bytes")
	}
	ja, _ := json.Marshal(ta)
	jb, _ := json.Marshal(tb)
	if !bytes.Equal(ja, jb) || !bytes.Equal(ta.Camera, tb.Camera) {
		t.Fatal("same spec produced different truth")
	}
	spec.Seed = 43
	c, _ := renderHash(t, spec)
	if c == a {
		t.Fatal("a different seed rendered the same bytes")
	}
}

func mustNormalize(t *testing.T, s Spec) Spec {
	t.Helper()
	n, err := s.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
