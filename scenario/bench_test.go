package scenario

import (
	"testing"
	"time"
)

// BenchmarkRenderFrame measures drawing and JPEG-encoding one 320x240 frame
// of a scene with a visitor, the patient in bed and a flickering-free room.
func BenchmarkRenderFrame(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"320x240", 320, 240}, {"640x480", 640, 480}} {
		b.Run(size.name, func(b *testing.B) {
			spec := NewSpec("bench", KindVisitor, 1)
			spec.Width, spec.Height = size.w, size.h
			frames := 0
			for b.Loop() {
				if _, err := Render(spec, func(int, time.Time, []byte) error { frames++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(frames), "ms/frame")
		})
	}
}

// BenchmarkTruthOnly measures computing the ground truth of the whole
// catalog without drawing, as the evaluator does before rendering.
func BenchmarkTruthOnly(b *testing.B) {
	for b.Loop() {
		for _, s := range Catalog() {
			if _, err := Render(s, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}
