package detection

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"slices"

	"github.com/mediguard/mediguard/detection/imageguard"
)

// redactQuality is the JPEG quality of privacy-masked evidence snapshots.
const redactQuality = 85

// RedactJPEG returns a copy of a JPEG frame with every region blacked out,
// for storage as evidence (the camera's privacy_regions). The input is
// decoded under limits (imageguard.DefaultLimits when none are given); the
// original bytes are never modified.
func RedactJPEG(jpegData []byte, regions []Polygon, limits ...imageguard.Limits) ([]byte, error) {
	lim := imageguard.DefaultLimits()
	if len(limits) > 0 {
		lim = limits[0]
	}
	for i, p := range regions {
		if err := validatePolygon(p); err != nil {
			return nil, fmt.Errorf("redact frame: region %d: %w", i, err)
		}
	}
	img, err := imageguard.Decode(jpegData, lim)
	if err != nil {
		return nil, fmt.Errorf("redact frame: %w", err)
	}
	b := img.Bounds()
	var fill func(x0, x1, y int)
	switch m := img.(type) {
	case *image.YCbCr:
		fill = func(x0, x1, y int) {
			for x := x0; x < x1; x++ {
				m.Y[m.YOffset(x, y)] = 0
				c := m.COffset(x, y)
				m.Cb[c], m.Cr[c] = 128, 128
			}
		}
	case *image.Gray:
		fill = func(x0, x1, y int) {
			row := m.Pix[m.PixOffset(x0, y):m.PixOffset(x1, y)]
			clear(row)
		}
	case *image.CMYK:
		fill = func(x0, x1, y int) {
			for x := x0; x < x1; x++ {
				o := m.PixOffset(x, y)
				m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = 0, 0, 0, 255
			}
		}
	default:
		return nil, fmt.Errorf("redact frame: unsupported decoded image %T", img)
	}
	for _, p := range regions {
		scanFill(p, b, fill)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: redactQuality}); err != nil {
		return nil, fmt.Errorf("redact frame: encode: %w", err)
	}
	return out.Bytes(), nil
}

// scanFill calls fill for each horizontal run of pixels of b whose centres
// lie inside the normalised polygon p (even-odd rule).
func scanFill(p Polygon, b image.Rectangle, fill func(x0, x1, y int)) {
	w, h := float64(b.Dx()), float64(b.Dy())
	var xs []float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		cy := (float64(y-b.Min.Y) + 0.5) / h
		xs = xs[:0]
		for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
			a, c := p[i], p[j]
			if (a.Y > cy) != (c.Y > cy) {
				xs = append(xs, (c.X-a.X)*(cy-a.Y)/(c.Y-a.Y)+a.X)
			}
		}
		slices.Sort(xs)
		for k := 0; k+1 < len(xs); k += 2 {
			// Pixel x is inside when its centre (x+0.5)/w lies in [xs[k], xs[k+1]).
			x0 := int(math.Ceil(xs[k]*w - 0.5))
			x1 := int(math.Ceil(xs[k+1]*w - 0.5))
			x0, x1 = max(x0, 0)+b.Min.X, min(x1, b.Dx())+b.Min.X
			if x0 < x1 {
				fill(x0, x1, y)
			}
		}
	}
}
