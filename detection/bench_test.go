package detection

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"testing"
	"time"
)

// benchFrames renders a short walk across a textured room at w x h.
func benchFrames(b *testing.B, w, h, n int) [][]byte {
	b.Helper()
	frames := make([][]byte, n)
	for i := range frames {
		img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.Y[y*img.YStride+x] = uint8(60 + (x*97+y*31)%40 + y*80/h)
			}
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = 120, 130
		}
		px := (i * w / n) % (w - w/10)
		for y := h / 3; y < h*5/6; y++ {
			for x := px; x < px+w/12; x++ {
				img.Y[y*img.YStride+x] = 200
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			b.Fatal(err)
		}
		frames[i] = buf.Bytes()
	}
	return frames
}

// BenchmarkProcess measures decode + detect + rules end to end on one core
// and reports frames/s and the 99th percentile latency of single frames.
func BenchmarkProcess(b *testing.B) {
	for _, size := range []struct{ w, h int }{{320, 240}, {640, 480}} {
		b.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(b *testing.B) {
			frames := benchFrames(b, size.w, size.h, 50)
			cfg, err := ParseCameraConfig([]byte(benchConfig))
			if err != nil {
				b.Fatal(err)
			}
			d, err := NewDetector(cfg)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := Frame{CameraID: "cam-301", Ref: "bench", Timestamp: start.Add(time.Duration(i) * 200 * time.Millisecond), JPEG: frames[i%len(frames)]}
				t0 := time.Now()
				if _, err := d.Process(f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

const benchConfig = `
camera_id: cam-301
ward: W3
room: "301"
time_zone: America/New_York
patient: {bed_exit_risk: true, fall_risk: true}
zones:
  - name: bed
    kind: bed
    polygon: [[0.30,0.45],[0.70,0.45],[0.70,0.80],[0.30,0.80]]
  - name: supply-room
    kind: restricted
    polygon: [[0.85,0.20],[1.0,0.20],[1.0,0.75],[0.85,0.75]]
    schedule: {days: [mon,tue,wed,thu,fri,sat,sun], from: "21:00", to: "07:00"}
masks:
  - [[0.0,0.0],[0.2,0.0],[0.2,0.25],[0.0,0.25]]
inactivity: {after: 2h, zone: bed}
`
