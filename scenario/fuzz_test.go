package scenario

import (
	"testing"
	"time"
)

// FuzzRenderTruth feeds arbitrary specs to Render (truth only): every spec
// either renders with consistent truth or fails with an error, never a
// panic.
func FuzzRenderTruth(f *testing.F) {
	f.Add(int64(7), 0, 0, 5, 320, 240, 60, "")
	f.Add(int64(-1), 3, 2, 0, 320, 240, 0, "Europe/Berlin")
	f.Add(int64(1<<40), 16, 1, 30, 64, 48, 100, "Mars/Base")
	f.Add(int64(0), 99, -1, -5, -320, 1000000, -10, "")
	f.Fuzz(func(t *testing.T, seed int64, kind, layout, fps, w, h, seconds int, zone string) {
		ks, ls := Kinds(), LayoutNames()
		spec := Spec{Name: "fuzz", Seed: seed, FPS: fps, Width: w, Height: h, Duration: time.Duration(seconds) * time.Second, TimeZone: zone}
		if kind >= 0 && kind < len(ks) {
			spec.Kind = ks[kind]
		}
		if layout >= 0 && layout < len(ls) {
			spec.Layout = ls[layout]
		}
		if seconds > 600 {
			t.Skip("long videos are valid but slow to fuzz")
		}
		truth, err := Render(spec, nil)
		if err != nil {
			return
		}
		if truth.Benign && len(truth.Events) > 0 {
			t.Errorf("benign kind %s produced events %+v", spec.Kind, truth.Events)
		}
		if !truth.Benign && len(truth.Events) == 0 {
			t.Errorf("kind %s produced no event", spec.Kind)
		}
		if len(truth.Boxes) != truth.Frames {
			t.Errorf("%d frames of boxes for %d frames", len(truth.Boxes), truth.Frames)
		}
	})
}
