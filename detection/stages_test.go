package detection

import (
	"image"
	"math"
	"testing"
	"time"

	"github.com/mediguard/mediguard/detection/imageguard"
)

func TestEpisodeHysteresisAndCooldown(t *testing.T) {
	t.Parallel()
	const s = int64(time.Second)
	var e episode
	steps := []struct {
		at             int64
		holding, ready bool
		wantFire       bool
		wantActive     bool
	}{
		{0, true, false, false, false},      // condition starts, not long enough
		{1 * s, true, true, true, true},     // fires once
		{2 * s, true, true, false, true},    // still the same episode
		{3 * s, false, false, false, true},  // gone for less than the release time
		{4 * s, true, true, false, true},    // back: same episode, no second event
		{8 * s, false, false, false, false}, // gone for >= release (3 s): closed, cooldown until 4+10 s
		{9 * s, true, true, false, true},    // recurrence inside the cooldown reopens silently
		{13 * s, false, false, false, false},
		{30 * s, true, true, true, true}, // after the cooldown: a new episode fires
	}
	for _, st := range steps {
		fired := e.update(st.at, st.holding, st.ready, 3*s, 10*s)
		if fired != st.wantFire || e.Active != st.wantActive {
			t.Fatalf("at %ds: fired %v active %v, want %v %v", st.at/s, fired, e.Active, st.wantFire, st.wantActive)
		}
	}
}

func TestExtractLumaBoxAverages(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Pix[y*img.Stride+x] = uint8((x / 4) % 256) // constant over each 4x4 block
		}
	}
	var g lumaGrid
	var sums []uint32
	extractLuma(img, &g, &sums)
	if g.W != 160 || g.H != 120 {
		t.Fatalf("grid %dx%d, want 160x120", g.W, g.H)
	}
	for x := 0; x < g.W; x++ {
		if g.Pix[50*g.W+x] != uint8(x) {
			t.Fatalf("cell %d = %d, want the block average %d", x, g.Pix[50*g.W+x], x)
		}
	}
}

// grid builds a w x h foreground mask from rectangles of cells.
func grid(w, h int, rects ...box) []uint8 {
	fg := make([]uint8, w*h)
	for _, r := range rects {
		for y := r.Y0; y < r.Y1; y++ {
			for x := r.X0; x < r.X1; x++ {
				fg[y*w+x] = 1
			}
		}
	}
	return fg
}

func TestBlobFinder(t *testing.T) {
	t.Parallel()
	const w, h = 40, 30
	flat := make([]uint8, w*h)
	bg := make([]uint16, w*h)
	tests := []struct {
		name  string
		fg    []uint8
		want  []box
		bound [2]int
	}{
		{"two people", grid(w, h, box{2, 2, 6, 12}, box{20, 5, 25, 20}), []box{{2, 2, 6, 12}, {20, 5, 25, 20}}, [2]int{10, 500}},
		{"fragments of one person merge", grid(w, h, box{10, 2, 14, 8}, box{10, 10, 14, 20}), []box{{10, 2, 14, 20}}, [2]int{10, 500}},
		{"noise below the area bound", grid(w, h, box{1, 1, 3, 3}, box{20, 5, 25, 20}), []box{{20, 5, 25, 20}}, [2]int{10, 500}},
		{"too large", grid(w, h, box{0, 0, 40, 30}), nil, [2]int{10, 500}},
	}
	for _, tc := range tests {
		var bf blobFinder
		// A textured current frame inside the blobs makes them objects, not ghosts.
		cur := make([]uint8, w*h)
		for i := range cur {
			cur[i] = uint8(100 * tc.fg[i])
		}
		got := bf.find(tc.fg, cur, bg, w, h, tc.bound[0], tc.bound[1], 3)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d blobs %+v, want %+v", tc.name, len(got), got, tc.want)
		}
		for i, b := range got {
			if b.Box != tc.want[i] {
				t.Errorf("%s: blob %d box %+v, want %+v", tc.name, i, b.Box, tc.want[i])
			}
		}
	}
	// A ghost: the outline is in the background, the current frame is flat.
	fg := grid(w, h, box{10, 5, 16, 20})
	ghostBg := make([]uint16, w*h)
	for i, v := range fg {
		ghostBg[i] = uint16(v) * 100 << 8
	}
	var bf blobFinder
	if got := bf.find(fg, flat, ghostBg, w, h, 10, 500, 3); len(got) != 0 {
		t.Errorf("ghost reported as %+v", got)
	}
	if ghostBg[10*w+12] != 0 || fg[10*w+12] != 0 {
		t.Error("ghost not absorbed into the background")
	}
}

func TestHealthMeasures(t *testing.T) {
	t.Parallel()
	view := func(s scene) frameHealth {
		img, err := decodeForTest(s.render(t))
		if err != nil {
			t.Fatal(err)
		}
		var g lumaGrid
		var sums []uint32
		extractLuma(img, &g, &sums)
		return measureHealth(&g)
	}
	sharp, blurred, dark, covered := view(scene{}), view(scene{Blur: 4}), view(scene{Gain: 0.3}), view(scene{Covered: true})
	if blurred.Sharpness > defocusRatio*sharp.Sharpness {
		t.Errorf("blur: sharpness %.3f vs %.3f", blurred.Sharpness, sharp.Sharpness)
	}
	if math.Abs(dark.Sharpness-sharp.Sharpness) > 0.3*sharp.Sharpness {
		t.Errorf("darkness changed sharpness %.3f -> %.3f", sharp.Sharpness, dark.Sharpness)
	}
	if covered.Std >= coveredStd || sharp.Std < coveredStd {
		t.Errorf("std: covered %.1f, normal %.1f", covered.Std, sharp.Std)
	}
}

func TestCorrelation(t *testing.T) {
	t.Parallel()
	a := make([]uint8, thumbW*thumbH)
	for i := range a {
		a[i] = uint8(40 + (i*37)%150)
	}
	brighter, shifted := make([]uint8, len(a)), make([]uint8, len(a))
	for i, v := range a {
		brighter[i] = uint8(min(255, int(v)+30))
		shifted[i] = a[(i+5)%len(a)]
	}
	if c := correlation(a, brighter); c < 0.99 {
		t.Errorf("same view brighter: %.3f", c)
	}
	if c := correlation(a, shifted); c > movedCorr {
		t.Errorf("shifted view: %.3f", c)
	}
}

func TestPolygonGeometry(t *testing.T) {
	t.Parallel()
	sq := Polygon{{0.2, 0.2}, {0.6, 0.2}, {0.6, 0.6}, {0.2, 0.6}}
	if !sq.contains(0.4, 0.4) || sq.contains(0.7, 0.4) || sq.contains(0.1, 0.1) {
		t.Error("contains")
	}
	if d := sq.distance(0.4, 0.65); math.Abs(d-0.05) > 1e-9 {
		t.Errorf("distance below = %v", d)
	}
	if d := sq.distance(0.4, 0.4); math.Abs(d-0.2) > 1e-9 {
		t.Errorf("distance inside = %v", d)
	}
	cells := rasterize([]Polygon{sq}, 10, 10)
	n := 0
	for _, c := range cells {
		if c {
			n++
		}
	}
	if n != 16 {
		t.Errorf("rasterised %d cells, want 16", n)
	}
}

func decodeForTest(data []byte) (image.Image, error) {
	return imageguard.Decode(data, imageguard.DefaultLimits())
}

func TestFallImpact(t *testing.T) {
	t.Parallel()
	const ms = int64(time.Millisecond)
	upright := sample{T: 0, CX: 50, CY: 60, W: 24, H: 40} // cells 38..62 wide, 40..80 tall
	tests := []struct {
		name  string
		after sample
		want  int64
	}{
		{"falls sideways across the floor", sample{T: 400 * ms, CX: 62, CY: 74, W: 40, H: 12}, 400 * ms},
		{"falls towards the camera, wider than it stood", sample{T: 400 * ms, CX: 50, CY: 76, W: 30, H: 10}, 400 * ms},
		{"a fragment left inside the upright box", sample{T: 400 * ms, CX: 50, CY: 76, W: 22, H: 8}, 0},
		{"still upright", sample{T: 400 * ms, CX: 51, CY: 60, W: 24, H: 40}, 0},
		{"too short to be the same body", sample{T: 400 * ms, CX: 62, CY: 76, W: 16, H: 6}, 0},
		{"upright too long ago", sample{T: fallWindow + 400*ms, CX: 62, CY: 74, W: 40, H: 12}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := track{Hist: []sample{upright, tc.after}}
			if got := fallImpact(&tr, tc.after.T); got != tc.want {
				t.Errorf("fallImpact = %d ms, want %d ms", got/ms, tc.want/ms)
			}
		})
	}
}

func TestColourModeFollowsChromaWithHysteresis(t *testing.T) {
	t.Parallel()
	uniform := func(cb, cr uint8) image.Image {
		img := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = cb, cr
		}
		return img
	}
	red := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := 0; i < len(red.Pix); i += 4 {
		red.Pix[i], red.Pix[i+3] = 200, 255
	}
	tests := []struct {
		name          string
		img           image.Image
		wasMono, want bool
	}{
		{"grayscale JPEG", image.NewGray(image.Rect(0, 0, 64, 48)), false, true},
		{"neutral chroma", uniform(128, 128), false, true},
		{"dim colour stays colour", uniform(127, 129), false, false},
		{"dim colour does not end infrared", uniform(127, 129), true, true},
		{"colour ends infrared", uniform(120, 136), true, false},
		{"other decoder output in colour", red, true, false},
		{"other decoder output without colour", image.NewRGBA64(image.Rect(0, 0, 64, 48)), false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := monochrome(chromaLevel(tc.img), tc.wasMono); got != tc.want {
				t.Errorf("monochrome(chroma %.1f, was %v) = %v, want %v", chromaLevel(tc.img), tc.wasMono, got, tc.want)
			}
		})
	}
}
