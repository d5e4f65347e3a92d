package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"image"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mediguard/mediguard/detection"
)

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

// catalogTruths computes the truth of every catalog scenario once (no
// pixels), shared by the tests that read it.
var catalogTruths = sync.OnceValues(func() ([]Truth, error) {
	var out []Truth
	for _, s := range Catalog() {
		tr, err := Render(s, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
})

// variantTruths holds the truth of further seeded variants (other rooms,
// positions and timing), so the checks cover more than the fixed catalog.
var variantTruths = sync.OnceValues(func() ([]Truth, error) {
	var out []Truth
	for _, s := range CatalogSeeds(6)[len(regression):] {
		tr, err := Render(s, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
})

func mustVariantTruths(t *testing.T) []Truth {
	t.Helper()
	truths, err := variantTruths()
	if err != nil {
		t.Fatal(err)
	}
	return truths
}

func mustCatalogTruths(t *testing.T) []Truth {
	t.Helper()
	truths, err := catalogTruths()
	if err != nil {
		t.Fatal(err)
	}
	return truths
}

// expectedEvents are the episodes each event kind is scripted to produce,
// in order of start.
var expectedEvents = map[Kind][]episodeKey{
	KindFall:            {{detection.EventFall, ""}},
	KindBedExit:         {{detection.EventBedExit, ""}},
	KindBedExitFall:     {{detection.EventBedExit, ""}, {detection.EventFall, ""}},
	KindBedExitReturn:   {{detection.EventBedExit, ""}},
	KindRestrictedNight: {{detection.EventZoneIntrusion, ""}}, // reason: the layout's zone name
	KindInactivity:      {{detection.EventInactivity, zoneBed}},
	KindTamperCovered:   {{detection.EventCameraTamper, "covered"}},
	KindTamperDefocused: {{detection.EventCameraTamper, "defocused"}},
	KindTamperMoved:     {{detection.EventCameraTamper, "moved"}},
}

func TestCatalogTruthMatchesKinds(t *testing.T) {
	t.Parallel()
	truths := mustCatalogTruths(t)
	if n := len(truths); n < 30 || n > 45 {
		t.Errorf("catalog has %d scenarios, want 30-45", n)
	}
	perType := map[detection.EventType]int{}
	trapTags := map[string]int{}
	names := map[string]bool{}
	for _, tr := range truths {
		if names[tr.Name] {
			t.Errorf("duplicate catalog name %s", tr.Name)
		}
		names[tr.Name] = true
		if tr.Benign != tr.Kind.Benign() {
			t.Errorf("%s: benign = %t for kind %s", tr.Name, tr.Benign, tr.Kind)
		}
		if tr.Benign {
			if len(tr.Events) != 0 {
				t.Errorf("%s: benign scenario has events %+v", tr.Name, tr.Events)
			}
			for _, tag := range tr.Tags {
				trapTags[tag]++
			}
			continue
		}
		want := expectedEvents[tr.Kind]
		if len(tr.Events) != len(want) {
			t.Errorf("%s: events %+v, want %v", tr.Name, tr.Events, want)
			continue
		}
		end := FrameTime(tr.Start, tr.FPS, tr.Frames+1)
		for i, e := range tr.Events {
			perType[e.Type]++
			if e.Type != want[i].typ || (want[i].reason != "" && e.Reason != want[i].reason) {
				t.Errorf("%s: event %d is %s/%s, want %s/%s", tr.Name, i, e.Type, e.Reason, want[i].typ, want[i].reason)
			}
			if e.Start.Before(tr.Start) || !e.End.After(e.Start) || e.End.After(end) {
				t.Errorf("%s: episode %s..%s outside the video %s..%s", tr.Name, e.Start, e.End, tr.Start, end)
			}
		}
	}
	for _, typ := range []detection.EventType{detection.EventFall, detection.EventBedExit, detection.EventZoneIntrusion, detection.EventInactivity, detection.EventCameraTamper} {
		if perType[typ] < 2 {
			t.Errorf("event type %s appears %d times in the catalog, want at least 2", typ, perType[typ])
		}
	}
	for _, trap := range []string{"lights-off", "ir", "tv-flicker", "curtain", "staff", "visitor", "bed-movement", "sit-down", "night", "bedside-check", "walk-past"} {
		if trapTags[trap] == 0 {
			t.Errorf("no benign catalog scenario has the %q trap", trap)
		}
	}
	for _, k := range Kinds() {
		found := false
		for _, tr := range truths {
			found = found || tr.Kind == k
		}
		if !found {
			t.Errorf("kind %s is not in the catalog", k)
		}
	}
}

func TestCatalogSeedsAddVariants(t *testing.T) {
	t.Parallel()
	one, three := Catalog(), CatalogSeeds(3)
	if len(three) != 3*len(one) {
		t.Fatalf("CatalogSeeds(3) has %d specs, want %d", len(three), 3*len(one))
	}
	seen := map[string]bool{}
	for i, s := range three {
		if seen[s.Name] {
			t.Fatalf("duplicate name %s", s.Name)
		}
		seen[s.Name] = true
		if i < len(one) && s != one[i] {
			t.Fatalf("variant 1 of CatalogSeeds differs from Catalog at %d", i)
		}
	}
}

// testZones is the part of camera.yaml the consistency tests read.
type testZones struct {
	TimeZone string `yaml:"time_zone"`
	Zones    []struct {
		Name    string      `yaml:"name"`
		Kind    string      `yaml:"kind"`
		Polygon [][]float64 `yaml:"polygon"`
	} `yaml:"zones"`
	Inactivity struct {
		After string `yaml:"after"`
	} `yaml:"inactivity"`
}

func zonePolygon(t *testing.T, tr Truth, kind string) []Point {
	t.Helper()
	var cfg testZones
	if err := yaml.Unmarshal(tr.CameraConfigYAML(), &cfg); err != nil {
		t.Fatalf("%s: camera.yaml: %v", tr.Name, err)
	}
	for _, z := range cfg.Zones {
		if z.Kind == kind {
			var poly []Point
			for _, p := range z.Polygon {
				poly = append(poly, Point{p[0], p[1]})
			}
			return poly
		}
	}
	t.Fatalf("%s: no %s zone in camera.yaml", tr.Name, kind)
	return nil
}

func patientBox(frame []PersonBox) (PersonBox, bool) {
	for _, b := range frame {
		if b.Patient {
			return b, true
		}
	}
	return PersonBox{}, false
}

// frameIndex is the 0-based index of the frame captured at ts.
func frameIndex(tr Truth, ts time.Time) int {
	return int(math.Round(ts.Sub(tr.Start).Seconds() * float64(tr.FPS)))
}

func TestTruthAgreesWithDrawnGeometry(t *testing.T) {
	t.Parallel()
	for _, tr := range append(mustCatalogTruths(t), mustVariantTruths(t)...) {
		switch tr.Kind {
		case KindBedExit, KindBedExitNotAtRisk, KindBedExitFall, KindBedExitReturn:
			bed := zonePolygon(t, tr, "bed")
			exit, back := -1, -1
			for i, frame := range tr.Boxes {
				b, ok := patientBox(frame)
				if ok && !pointInPolygon(b.Foot(), bed) && exit < 0 {
					exit = i
				}
				if ok && exit >= 0 && back < 0 && pointInPolygon(b.Foot(), bed) {
					back = i
				}
			}
			switch {
			case tr.Kind == KindBedExitReturn && (back < 0 || frameIndex(tr, tr.Events[0].End) != back):
				t.Errorf("%s: patient back in bed at frame %d, truth episode ends at frame %d", tr.Name, back+1, frameIndex(tr, tr.Events[0].End)+1)
			case tr.Kind != KindBedExitReturn && back >= 0:
				t.Errorf("%s: patient back in the bed zone at frame %d", tr.Name, back+1)
			}
			if b, _ := patientBox(tr.Boxes[0]); !pointInPolygon(b.Foot(), bed) {
				t.Errorf("%s: patient not in the bed zone at the start", tr.Name)
			}
			if exit < 0 {
				t.Errorf("%s: patient never leaves the bed zone", tr.Name)
			} else if tr.Kind != KindBedExitNotAtRisk && frameIndex(tr, tr.Events[0].Start) != exit {
				t.Errorf("%s: truth starts at frame %d, patient leaves the bed zone at frame %d", tr.Name, frameIndex(tr, tr.Events[0].Start)+1, exit+1)
			}
		}
		switch tr.Kind {
		case KindFall, KindBedExitFall:
			e := tr.Events[len(tr.Events)-1]
			impact := frameIndex(tr, e.Start)
			before, _ := patientBox(tr.Boxes[impact-int(1.5*float64(tr.FPS))])
			if r := (before.Y1 - before.Y0) * float64(tr.Height) / ((before.X1 - before.X0) * float64(tr.Width)); r < 2 {
				t.Errorf("%s: 1.5 s before the fall the patient box h/w is %.2f, want tall (>= 2)", tr.Name, r)
			}
			for i := impact; i < tr.Frames; i++ {
				b, _ := patientBox(tr.Boxes[i])
				if r := (b.Y1 - b.Y0) * float64(tr.Height) / ((b.X1 - b.X0) * float64(tr.Width)); r > 0.8 || !b.Fallen {
					t.Fatalf("%s: frame %d after the impact has h/w %.2f (fallen %t), want wide and fallen", tr.Name, i+1, r, b.Fallen)
				}
				if cy, cyBefore := (b.Y0+b.Y1)/2, (before.Y0+before.Y1)/2; cy <= cyBefore+0.05 {
					t.Fatalf("%s: frame %d: centroid %.2f did not drop from %.2f", tr.Name, i+1, cy, cyBefore)
				}
			}
			if down := e.End.Sub(e.Start); down < 20*time.Second {
				t.Errorf("%s: patient down for %s, want at least 20 s", tr.Name, down)
			}
		case KindRestrictedNight, KindRestrictedDaytime:
			zone := zonePolygon(t, tr, "restricted")
			inside := 0
			for i, frame := range tr.Boxes {
				b, _ := patientBox(frame)
				in := pointInPolygon(b.Foot(), zone)
				if in {
					inside++
				}
				if tr.Kind == KindRestrictedNight {
					e := tr.Events[0]
					ts := FrameTime(tr.Start, tr.FPS, i+1)
					inEpisode := !ts.Before(e.Start) && ts.Before(e.End)
					if in != inEpisode {
						t.Fatalf("%s: frame %d: foot in zone %t, in truth episode %t", tr.Name, i+1, in, inEpisode)
					}
				}
			}
			if inside < 3*tr.FPS {
				t.Errorf("%s: patient inside the restricted zone for %d frames, want several seconds", tr.Name, inside)
			}
		case KindInactivity:
			e := tr.Events[0]
			first, last := frameIndex(tr, e.Start)-60*tr.FPS, frameIndex(tr, e.End)-1
			// Still means no box edge moves by a pixel or more.
			shift := func(a, b PersonBox) float64 {
				return max(math.Abs(a.X0-b.X0)*float64(tr.Width), math.Abs(a.X1-b.X1)*float64(tr.Width),
					math.Abs(a.Y0-b.Y0)*float64(tr.Height), math.Abs(a.Y1-b.Y1)*float64(tr.Height))
			}
			ref, _ := patientBox(tr.Boxes[first])
			for i := first; i <= last; i++ {
				if b, _ := patientBox(tr.Boxes[i]); shift(b, ref) >= 1 {
					t.Fatalf("%s: patient moved at frame %d inside the still period", tr.Name, i+1)
				}
			}
			movedAfter := false
			for i := last + 1; i < min(tr.Frames, last+1+2*tr.FPS); i++ {
				b, _ := patientBox(tr.Boxes[i])
				movedAfter = movedAfter || shift(b, ref) >= 1
			}
			if !movedAfter {
				t.Errorf("%s: episode ends at frame %d but the patient does not move", tr.Name, last+2)
			}
		}
	}
}

// lumaStats returns the mean luma, its standard deviation and the mean
// absolute Laplacian (edge energy) of a JPEG frame.
func lumaStats(t *testing.T, data []byte) (mean, std, edges float64) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode frame: %v", err)
	}
	var y []uint8
	var stride, w, h int
	switch m := img.(type) {
	case *image.YCbCr:
		y, stride, w, h = m.Y, m.YStride, m.Rect.Dx(), m.Rect.Dy()
	case *image.Gray:
		y, stride, w, h = m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy()
	default:
		t.Fatalf("decoded frame is %T, want YCbCr or Gray", img)
	}
	at := func(x, yy int) float64 { return float64(y[yy*stride+x]) }
	var sum, sq float64
	for yy := range h {
		for x := range w {
			v := at(x, yy)
			sum += v
			sq += v * v
		}
	}
	n := float64(w * h)
	mean = sum / n
	std = math.Sqrt(math.Max(0, sq/n-mean*mean))
	for yy := 1; yy < h-1; yy++ {
		for x := 1; x < w-1; x++ {
			edges += math.Abs(4*at(x, yy) - at(x-1, yy) - at(x+1, yy) - at(x, yy-1) - at(x, yy+1))
		}
	}
	return mean, std, edges / float64((w-2)*(h-2))
}

// framesOf renders a spec keeping the frames.
func framesOf(t *testing.T, spec Spec) ([][]byte, Truth) {
	t.Helper()
	var frames [][]byte
	tr, err := Render(spec, func(_ int, _ time.Time, data []byte) error {
		frames = append(frames, bytes.Clone(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return frames, tr
}

func TestCameraEffectsShowInThePixels(t *testing.T) {
	t.Parallel()
	// The scripts are the same at any frame rate; 2 fps keeps this fast.
	catalog := map[string]Spec{}
	for _, s := range Catalog() {
		s.FPS = 2
		catalog[s.Name] = s
	}
	t.Run("covered frames are uniform", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"tamper-covered-01", "tamper-covered-02", "tamper-covered-03"} {
			frames, tr := framesOf(t, catalog[name])
			e := tr.Events[0]
			for i := frameIndex(tr, e.Start); i < frameIndex(tr, e.End); i++ {
				if _, std, edges := lumaStats(t, frames[i]); std > 12 || edges > 6 {
					t.Fatalf("%s: covered frame %d: std %.1f edge energy %.1f, want uniform (std <= 12, edges <= 6)", name, i+1, std, edges)
				}
			}
			if _, std, _ := lumaStats(t, frames[frameIndex(tr, e.Start)-3]); std < 20 {
				t.Errorf("%s: frame before covering: std %.1f, want an ordinary scene", name, std)
			}
		}
	})
	t.Run("lights off drops the global brightness", func(t *testing.T) {
		t.Parallel()
		frames, tr := framesOf(t, catalog["lights-01"])
		sc, err := newScene(mustNormalize(t, catalog["lights-01"]))
		if err != nil {
			t.Fatal(err)
		}
		off := sc.lights[1]
		i := int(math.Ceil(off.t * float64(tr.FPS)))
		before, _, _ := lumaStats(t, frames[i-1])
		after, _, _ := lumaStats(t, frames[i])
		if after > 0.6*before {
			t.Errorf("lights off: mean luma %.1f -> %.1f, want a drop of at least 40%%", before, after)
		}
	})
	t.Run("defocus removes edges", func(t *testing.T) {
		t.Parallel()
		frames, tr := framesOf(t, catalog["tamper-defocused-01"])
		i := frameIndex(tr, tr.Events[0].Start)
		_, _, sharp := lumaStats(t, frames[i-4])
		_, _, blurred := lumaStats(t, frames[i+1])
		if blurred > 0.5*sharp {
			t.Errorf("defocus: edge energy %.2f -> %.2f, want at most half", sharp, blurred)
		}
	})
	t.Run("infrared frames are grayscale", func(t *testing.T) {
		t.Parallel()
		frames, _ := framesOf(t, catalog["ir-switch-01"])
		img, err := jpeg.Decode(bytes.NewReader(frames[len(frames)/2]))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := img.(*image.Gray); !ok {
			if chroma := meanChroma(img); chroma > 3 {
				t.Errorf("IR frame has mean chroma %.1f, want grayscale", chroma)
			}
		}
	})
}

func mustNormalize(t *testing.T, s Spec) Spec {
	t.Helper()
	n, err := s.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func meanChroma(img image.Image) float64 {
	b := img.Bounds()
	var sum float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			sum += (math.Abs(float64(r)-float64(g)) + math.Abs(float64(g)-float64(bb))) / 257
		}
	}
	return sum / float64(b.Dx()*b.Dy())
}

func TestEveryCatalogScenarioRenders(t *testing.T) {
	t.Parallel()
	// Every script is drawn end to end at 1 fps: the same choreography,
	// a fifth of the frames, so the suite stays fast.
	for _, s := range Catalog() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			s.FPS = 1
			frames := 0
			_, err := Render(s, func(i int, _ time.Time, data []byte) error {
				frames++
				if i == 1 {
					img, err := jpeg.Decode(bytes.NewReader(data))
					if err != nil {
						return err
					}
					if img.Bounds().Dx() != s.Width || img.Bounds().Dy() != s.Height {
						t.Errorf("frame size %v, want %dx%d", img.Bounds(), s.Width, s.Height)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := int(s.Duration.Seconds()); frames != want {
				t.Errorf("rendered %d frames, want %d", frames, want)
			}
		})
	}
}

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

func TestCameraConfigIsReadByTheEngine(t *testing.T) {
	t.Parallel()
	for _, tr := range mustCatalogTruths(t) {
		cfg, err := detection.ParseCameraConfig(tr.CameraConfigYAML())
		if err != nil {
			t.Errorf("%s: engine rejects camera.yaml: %v\n%s", tr.Name, err, tr.CameraConfigYAML())
			continue
		}
		if cfg.Inactivity == nil || cfg.Inactivity.After.Std() != inactivityAfter || cfg.Inactivity.Zone != zoneBed {
			t.Errorf("%s: inactivity block %+v", tr.Name, cfg.Inactivity)
		}
		switch {
		case (tr.Kind == KindBedExit || tr.Kind == KindBedExitFall) && !cfg.Patient.BedExitRisk:
			t.Errorf("%s: bed-exit scenario without bed_exit_risk", tr.Name)
		case tr.Kind == KindBedExitNotAtRisk && cfg.Patient.BedExitRisk:
			t.Errorf("%s: not-at-risk scenario with bed_exit_risk", tr.Name)
		}
		// The engine's schedule and the truth agree on when the restricted
		// zone is off limits, in the camera's time zone.
		for _, z := range cfg.Zones {
			if z.Kind != detection.ZoneRestricted {
				continue
			}
			for i := 0; i < tr.Frames; i += tr.FPS * 10 {
				ts := FrameTime(tr.Start, tr.FPS, i+1)
				local := ts.In(cfg.Location())
				if got, want := z.Schedule.Active(ts, cfg.Location()), scheduleActive(local.Hour()*60+local.Minute()); got != want {
					t.Errorf("%s: at %s the engine says schedule active %t, the generator %t", tr.Name, ts, got, want)
				}
			}
		}
	}
}

func TestFigureProportions(t *testing.T) {
	t.Parallel()
	const w, h = 320, 240
	c := clothing{}
	tests := []struct {
		name   string
		p      placement
		lo, hi float64 // bounds of the box h/w ratio
	}{
		{"standing is tall", placement{pose: poseStand, at: Point{0.5, 0.9}, height: 0.5, facing: 1}, 2.5, 3.3},
		{"seated is squat", placement{pose: poseSitChair, at: Point{0.5, 0.9}, height: 0.5, facing: 1}, 1.4, 2.2},
		{"lying in bed is wide", placement{pose: poseStand, at: Point{0.2, 0.5}, height: 0.5, angle: math.Pi / 2, facing: 1}, 0.2, 0.5},
		{"fallen is wide and low", placement{pose: poseFallen, at: Point{0.2, 0.9}, height: 0.5, angle: -math.Pi / 2, facing: -1}, 0.3, 0.8},
	}
	for _, tc := range tests {
		b := tc.p.figure(0, w, h).box(c)
		if r := b.height() / b.width(); r < tc.lo || r > tc.hi {
			t.Errorf("%s: box h/w %.2f, want %.1f..%.1f", tc.name, r, tc.lo, tc.hi)
		}
	}
	// Walking keeps a standing person's proportions through the gait.
	for phase := 0.0; phase < 2*math.Pi; phase += 0.5 {
		p := placement{pose: poseWalk, at: Point{0.5, 0.9}, height: 0.5, facing: 1}
		b := p.figure(phase, w, h).box(c)
		if r := b.height() / b.width(); r < 2.3 || r > 3.4 {
			t.Errorf("walking at phase %.1f: box h/w %.2f, want 2.3..3.4", phase, r)
		}
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

func TestAutoExposureDriftsAfterALightSwitch(t *testing.T) {
	t.Parallel()
	sc, err := newScene(mustNormalize(t, NewSpec("agc", KindLights, 3)))
	if err != nil {
		t.Fatal(err)
	}
	on, off := sc.lights[0], sc.lights[1]
	before, _ := sc.exposureAt(off.t - 0.01)
	jump, _ := sc.exposureAt(off.t)
	settled, _ := sc.exposureAt(off.t + 3)
	if before != on.gain {
		t.Errorf("before the switch the exposure is %.3f, want the adapted %.3f", before, on.gain)
	}
	if jump != off.gain {
		t.Errorf("at the switch the exposure is %.3f, want the raw light %.3f", jump, off.gain)
	}
	if want := off.gain * exposureTarget(off); settled <= jump || math.Abs(settled-want) > 0.02 {
		t.Errorf("3 s after the switch the exposure is %.3f, want it to drift up to %.3f", settled, want)
	}
}

func TestPrivacyRegionsCoverFaceInBedAndWhiteboard(t *testing.T) {
	t.Parallel()
	for _, name := range LayoutNames() {
		spec := NewSpec("privacy", KindInactivity, 1)
		spec.Layout = name
		sc, err := newScene(mustNormalize(t, spec))
		if err != nil {
			t.Fatal(err)
		}
		regions := sc.cameraConfig().PrivacyRegions
		covered := func(p Point) bool {
			for _, r := range regions {
				if pointInPolygon(p, r) {
					return true
				}
			}
			return false
		}
		head := sc.lying().figure(0, spec.Width, spec.Height).j[jHead]
		if !covered(Point{head.X / float64(spec.Width), head.Y / float64(spec.Height)}) {
			t.Errorf("%s: the face of the patient lying in bed is outside every privacy region", name)
		}
		b := sc.lay.board
		if !covered(Point{(b.X0 + b.X1) / 2, (b.Y0 + b.Y1) / 2}) {
			t.Errorf("%s: the whiteboard is outside every privacy region", name)
		}
	}
}

func TestCatalogVariantsHaveTheTruthOfTheirKind(t *testing.T) {
	t.Parallel()
	for _, tr := range mustVariantTruths(t) {
		want := expectedEvents[tr.Kind]
		if len(tr.Events) != len(want) {
			t.Errorf("%s (%s): events %+v, want %v", tr.Name, tr.Layout, tr.Events, want)
			continue
		}
		for i, e := range tr.Events {
			if e.Type != want[i].typ {
				t.Errorf("%s (%s): event %d is %s, want %s", tr.Name, tr.Layout, i, e.Type, want[i].typ)
			}
			// Engines confirm over a few frames; an episode must last
			// long enough to be detectable.
			if d := e.End.Sub(e.Start); d < 5*time.Second {
				t.Errorf("%s (%s): %s episode lasts %s, want at least 5 s", tr.Name, tr.Layout, e.Type, d)
			}
		}
	}
}
