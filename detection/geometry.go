package detection

import "math"

// contains reports whether the normalised point (x, y) lies inside p
// (even-odd rule).
func (p Polygon) contains(x, y float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		a, b := p[i], p[j]
		if (a.Y > y) != (b.Y > y) && x < (b.X-a.X)*(y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

// rasterize marks the cells of a w x h grid whose centres lie inside any of
// the polygons.
func rasterize(polys []Polygon, w, h int) []bool {
	cells := make([]bool, w*h)
	for _, p := range polys {
		for y := 0; y < h; y++ {
			cy := (float64(y) + 0.5) / float64(h)
			for x := 0; x < w; x++ {
				if p.contains((float64(x)+0.5)/float64(w), cy) {
					cells[y*w+x] = true
				}
			}
		}
	}
	return cells
}

// distance is the distance from the normalised point (x, y) to the outline
// of p (0 on the outline, positive inside and outside alike).
func (p Polygon) distance(x, y float64) float64 {
	best := math.Inf(1)
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		a, b := p[j], p[i]
		dx, dy := b.X-a.X, b.Y-a.Y
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = max(0, min(1, ((x-a.X)*dx+(y-a.Y)*dy)/l))
		}
		best = min(best, math.Hypot(x-(a.X+t*dx), y-(a.Y+t*dy)))
	}
	return best
}
