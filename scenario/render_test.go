package scenario

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"testing"
	"time"
)

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
