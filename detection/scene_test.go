package detection

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// scene describes one synthetic test frame: a textured room, optional
// people and optional camera troubles. Coordinates are normalised.
type scene struct {
	Gain    float64 // brightness multiplier (lights); 0 means 1
	Gray    bool    // encode as a grayscale JPEG (IR mode)
	Falloff float64 // light lost in the corners (an IR illuminator beside the lens lights the centre best)
	People  []rectN // bright figures
	Flicker *rectN  // region with a random brightness this frame (TV)
	Covered bool    // lens covered: nearly uniform dark view
	Blur    int     // box blur radius in pixels (defocus)
	ShiftX  float64 // view shifted by this fraction of the width (camera bumped)
	Noise   float64 // sensor noise amplitude in grey levels
	Seed    uint64  // noise and flicker seed
}

type rectN struct{ X0, Y0, X1, Y1 float64 }

// person returns an upright figure standing with its feet at (x, y).
func person(x, y float64) rectN { return rectN{x - 0.035, y - 0.35, x + 0.035, y} }

// lying returns a figure lying on the floor with its feet at y.
func lying(x, y float64) rectN { return rectN{x - 0.14, y - 0.09, x + 0.14, y} }

const testW, testH = 320, 240

// roomLuma is the textured empty room: walls, floor, furniture edges.
func roomLuma(x, y int, shift int) float64 {
	x += shift
	v := 90.0
	if y > testH*2/5 {
		v = 120 // floor
	}
	if (x/40+y/30)%2 == 0 {
		v += 25 // tiles and panels give the view edges to lose when defocused
	}
	if x%64 < 4 {
		v -= 40
	}
	return v
}

// render draws s as a JPEG.
func (s scene) render(t testing.TB) []byte {
	t.Helper()
	gain := s.Gain
	if gain == 0 {
		gain = 1
	}
	rng := rand.New(rand.NewPCG(s.Seed, 7))
	lum := make([]float64, testW*testH)
	shift := int(s.ShiftX * testW)
	for y := 0; y < testH; y++ {
		for x := 0; x < testW; x++ {
			lum[y*testW+x] = roomLuma(x, y, shift)
		}
	}
	paint := func(r rectN, v float64) {
		for y := int(r.Y0 * testH); y < int(r.Y1*testH); y++ {
			for x := int(r.X0 * testW); x < int(r.X1*testW); x++ {
				if x >= 0 && y >= 0 && x < testW && y < testH {
					lum[y*testW+x] = v
				}
			}
		}
	}
	for _, p := range s.People {
		paint(p, 220)
	}
	if s.Flicker != nil {
		paint(*s.Flicker, 40+rng.Float64()*200)
	}
	if s.Blur > 0 {
		lum = boxBlur(lum, s.Blur)
	}
	if s.Covered {
		for i := range lum {
			lum[i] = 12 + 4*float64(i)/float64(len(lum))
		}
	}
	img := image.NewYCbCr(image.Rect(0, 0, testW, testH), image.YCbCrSubsampleRatio420)
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 118, 136
	}
	for i, v := range lum {
		if s.Falloff > 0 {
			dx := (float64(i%testW)+0.5)/testW - 0.5
			dy := (float64(i/testW)+0.5)/testH - 0.5
			v *= 1 - 2*s.Falloff*(dx*dx+dy*dy)
		}
		v = v*gain + (rng.Float64()*2-1)*s.Noise
		img.Y[i] = uint8(math.Max(0, math.Min(255, v)))
	}
	var out image.Image = img
	if s.Gray {
		out = &image.Gray{Pix: img.Y, Stride: img.YStride, Rect: img.Rect}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func boxBlur(src []float64, r int) []float64 {
	out := make([]float64, len(src))
	for y := 0; y < testH; y++ {
		for x := 0; x < testW; x++ {
			var s, n float64
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < testW && yy < testH {
						s += src[yy*testW+xx]
						n++
					}
				}
			}
			out[y*testW+x] = s / n
		}
	}
	return out
}

// script yields the scene at each frame index of a 5 fps clip.
type script func(i int) scene

// Clip starts: 02:00 and 14:00 in New York (the restricted zone's schedule
// covers the night only).
var (
	nightStart = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	dayStart   = time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC)
)

// frameTime is the timestamp of frame i of a 5 fps clip starting at start.
func frameTime(start time.Time, i int) time.Time {
	return start.Add(time.Duration(i) * 200 * time.Millisecond)
}

// clipFrames renders n frames of sc as a 5 fps clip.
func clipFrames(t testing.TB, start time.Time, n int, sc script) []Frame {
	t.Helper()
	frames := make([]Frame, n)
	for i := range frames {
		s := sc(i)
		s.Seed = uint64(i + 1)
		if s.Noise == 0 {
			s.Noise = 3
		}
		frames[i] = Frame{CameraID: "cam-301", Ref: frameRef(i), Timestamp: frameTime(start, i), JPEG: s.render(t)}
	}
	return frames
}

// feed processes frames in order and returns all events.
func feed(t testing.TB, d *Detector, frames []Frame) []Event {
	t.Helper()
	var events []Event
	for _, f := range frames {
		ev, err := d.Process(f)
		if err != nil {
			t.Fatalf("process %s: %v", f.Ref, err)
		}
		events = append(events, ev...)
	}
	return events
}

func frameRef(i int) string { return fmt.Sprintf("frame_%06d.jpg", i+1) }

func newTestDetector(t testing.TB, cfgText string) *Detector {
	t.Helper()
	cfg, err := ParseCameraConfig([]byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDetector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testConfig is a room with a bed (left), a restricted cabinet (right, at
// night), a TV mask (top left) and an at-risk patient.
const testConfig = `
camera_id: cam-301
ward: W3
room: "301"
time_zone: America/New_York
patient: {bed_exit_risk: true, fall_risk: true}
zones:
  - name: bed
    kind: bed
    polygon: [[0.05,0.45],[0.45,0.45],[0.45,0.75],[0.05,0.75]]
  - name: supply-room
    kind: restricted
    polygon: [[0.80,0.20],[1.0,0.20],[1.0,0.95],[0.80,0.95]]
    schedule: {days: [mon,tue,wed,thu,fri,sat,sun], from: "21:00", to: "07:00"}
masks:
  - [[0.0,0.0],[0.25,0.0],[0.25,0.3],[0.0,0.3]]
inactivity: {after: 20s, zone: bed}
`

// countTypes tallies events by type.
func countTypes(events []Event) map[EventType]int {
	m := map[EventType]int{}
	for _, e := range events {
		m[e.Type]++
	}
	return m
}
