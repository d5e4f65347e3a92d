package scenario

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBoxBlurKeepsFlatAreasAndSpreadsEdges(t *testing.T) {
	t.Parallel()
	c := newCanvas(40, 20)
	c.fillRect(0, 0, 1, 1, rgb{100, 100, 100})
	c.fillRect(0.5, 0, 1, 1, rgb{200, 200, 200})
	c.boxBlur(3)
	row := func(x int) uint8 { return c.img.Pix[10*c.img.Stride+x*4] }
	if row(0) != 100 || row(39) != 200 {
		t.Errorf("flat areas changed: left %d, right %d", row(0), row(39))
	}
	for x := 1; x < 40; x++ {
		if row(x) < row(x-1) {
			t.Fatalf("blurred edge not monotone at x=%d: %d < %d", x, row(x), row(x-1))
		}
	}
	if mid := row(20); mid <= 100 || mid >= 200 {
		t.Errorf("edge not spread: pixel at the edge is %d", mid)
	}
}

func TestExposeNoiseIsZeroMeanWithTheRequestedSpread(t *testing.T) {
	t.Parallel()
	c := newCanvas(200, 200)
	c.fillRect(0, 0, 1, 1, rgb{128, 128, 128})
	c.expose(1, false, rand.New(rand.NewPCG(1, 2)), 4)
	var sum, sq float64
	n := 0
	for i := 0; i < len(c.img.Pix); i += 4 {
		d := float64(c.img.Pix[i]) - 128
		sum += d
		sq += d * d
		n++
	}
	mean, variance := sum/float64(n), sq/float64(n)
	if mean < -0.2 || mean > 0.2 || variance < 3.5*3.5 || variance > 4.5*4.5 {
		t.Errorf("noise mean %.2f sd %.2f, want 0 and 4", mean, math.Sqrt(variance))
	}
}

func TestTVAndCurtainChangeOnlyInsideTheirMasks(t *testing.T) {
	t.Parallel()
	for _, name := range LayoutNames() {
		spec := NewSpec("masks", KindTVFlicker, 1)
		spec.Layout = name
		n, err := spec.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		sc, err := newScene(n)
		if err != nil {
			t.Fatal(err)
		}
		sc.curtain = 1
		masks := sc.cameraConfig().Masks
		frames := make([]*canvas, 0, 8)
		for i := range 8 {
			c := newCanvas(n.Width, n.Height)
			sc.drawTV(c, float64(i)*0.45)
			sc.drawCurtain(c, float64(i)*0.45)
			frames = append(frames, c)
		}
		changed := 0
		for y := range n.Height {
			for x := range n.Width {
				i := y*frames[0].img.Stride + x*4
				same := true
				for _, f := range frames[1:] {
					same = same && f.img.Pix[i] == frames[0].img.Pix[i] && f.img.Pix[i+1] == frames[0].img.Pix[i+1] && f.img.Pix[i+2] == frames[0].img.Pix[i+2]
				}
				if same {
					continue
				}
				changed++
				p := Point{(float64(x) + 0.5) / float64(n.Width), (float64(y) + 0.5) / float64(n.Height)}
				inside := false
				for _, m := range masks {
					inside = inside || pointInPolygon(p, m)
				}
				if !inside {
					t.Fatalf("%s: pixel (%d,%d) changes outside every mask", name, x, y)
				}
			}
		}
		if changed < 200 {
			t.Errorf("%s: only %d pixels change, want a visible TV and curtain", name, changed)
		}
	}
}
