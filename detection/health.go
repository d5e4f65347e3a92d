package detection

import "math"

// Thumbnail used to notice a moved camera and to measure activity: coarse
// enough that people walking change a small part of it, fine enough that a
// shifted view changes most of it.
const (
	thumbW = 32
	thumbH = 24
)

// frameHealth summarises one analysis frame for the tamper checks.
type frameHealth struct {
	Mean     float64
	Std      float64
	Dominant float64 // fraction of cells within the most populated 32-level band
	// Sharpness is the mean squared gradient divided by the variance: it
	// falls with blur (a blurred edge spreads its step over several cells,
	// and squares penalise that spread) but not with brightness or contrast.
	Sharpness float64
}

// measureHealth computes the tamper measures of g.
func measureHealth(g *lumaGrid) frameHealth {
	var hist [16]int
	var sum, sumSq uint64
	for _, v := range g.Pix {
		hist[v>>4]++
		sum += uint64(v)
		sumSq += uint64(v) * uint64(v)
	}
	n := float64(len(g.Pix))
	mean := float64(sum) / n
	variance := float64(sumSq)/n - mean*mean
	if variance < 0 {
		variance = 0
	}
	best := 0
	for i := 0; i+1 < len(hist); i++ {
		best = max(best, hist[i]+hist[i+1])
	}
	var grad uint64
	w, h := g.W, g.H
	for y := 0; y+1 < h; y++ {
		row := g.Pix[y*w : (y+1)*w]
		below := g.Pix[(y+1)*w : (y+2)*w]
		for x := 0; x+1 < w; x++ {
			gx, gy := uint64(absDiff(row[x], row[x+1])), uint64(absDiff(row[x], below[x]))
			grad += gx*gx + gy*gy
		}
	}
	std := math.Sqrt(variance)
	cells := float64(max(1, (w-1)*(h-1)))
	return frameHealth{
		Mean:      mean,
		Std:       std,
		Dominant:  float64(best) / n,
		Sharpness: float64(grad) / cells / (variance + 16),
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// thumbnail averages g into a thumbW x thumbH grid.
func thumbnail(g *lumaGrid, out []uint8) {
	for ty := 0; ty < thumbH; ty++ {
		y0, y1 := ty*g.H/thumbH, max((ty+1)*g.H/thumbH, ty*g.H/thumbH+1)
		for tx := 0; tx < thumbW; tx++ {
			x0, x1 := tx*g.W/thumbW, max((tx+1)*g.W/thumbW, tx*g.W/thumbW+1)
			var s, c uint32
			for y := y0; y < y1 && y < g.H; y++ {
				for x := x0; x < x1 && x < g.W; x++ {
					s += uint32(g.Pix[y*g.W+x])
					c++
				}
			}
			if c > 0 {
				out[ty*thumbW+tx] = uint8(s / c)
			}
		}
	}
}

// correlation is the zero-mean normalised cross-correlation of two
// thumbnails: 1 for the same view under any brightness and contrast, near 0
// for unrelated views. Flat thumbnails correlate as 1 with each other.
func correlation(a, b []uint8) float64 {
	var sa, sb float64
	for i := range a {
		sa += float64(a[i])
		sb += float64(b[i])
	}
	n := float64(len(a))
	ma, mb := sa/n, sb/n
	var cov, va, vb float64
	for i := range a {
		da, db := float64(a[i])-ma, float64(b[i])-mb
		cov += da * db
		va += da * da
		vb += db * db
	}
	if va < n || vb < n { // std below 1 grey level: no structure to compare
		return 1
	}
	return cov / math.Sqrt(va*vb)
}
