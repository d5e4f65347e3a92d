package scenario

import (
	"slices"
)

// Point is a normalised image position (0..1, origin top-left), the
// coordinate system of camera.yaml.
type Point struct{ X, Y float64 }

// rect is an axis-aligned normalised rectangle.
type rect struct{ X0, Y0, X1, Y1 float64 }

// polygon is the rectangle grown by margin on every side, clipped to the image.
func (r rect) polygon(margin float64) []Point {
	x0, y0 := max(0, r.X0-margin), max(0, r.Y0-margin)
	x1, y1 := min(1, r.X1+margin), min(1, r.Y1+margin)
	return []Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

// layout is the fixed geometry of one room as one camera sees it. The camera
// angle is approximated by the geometry: where the horizon (wall-floor line)
// sits, how big people appear at each depth and how skewed the bed is.
type layout struct {
	name     string
	describe string
	horizon  float64 // y of the wall-floor line
	// Apparent standing height (fraction of the image height) of a person
	// whose feet are at the horizon, and at the bottom of the image.
	farHeight, nearHeight float64
	// Bed mattress top as seen: back-left, back-right, front-right,
	// front-left; the front side panel reaches panel lower.
	bed       [4]Point
	panel     float64
	headLeft  bool // headboard at the left end of the bed
	door      rect
	tv        rect
	window    rect
	cabinet   rect    // supply cabinet: the restricted zone is in front of it
	zoneName  string  // name of the restricted zone
	zoneFloor float64 // lower edge of the restricted zone on the floor
	board     rect    // whiteboard with patient details: a privacy region
	chair     Point   // floor point under the chair seat
	chairDir  float64 // +1 if a seated person faces right
}

// bedZone is the configured bed zone: the mattress, the bed side and a strip
// of floor next to it (a patient sitting on the edge is still "in bed").
func (l *layout) bedZone() []Point {
	b := l.bed
	low := l.bedBottom()
	return clampPolygon([]Point{
		{b[0].X - 0.01, b[0].Y - 0.02}, {b[1].X + 0.01, b[1].Y - 0.02},
		{b[2].X + 0.01, low}, {b[3].X - 0.01, low},
	})
}

// bedBottom is the lower edge of the bed zone: bed side panel plus margin.
func (l *layout) bedBottom() float64 { return max(l.bed[2].Y, l.bed[3].Y) + l.panel + 0.05 }

// restrictedZone covers the cabinet and the floor in front of it.
func (l *layout) restrictedZone() []Point {
	c := l.cabinet
	return clampPolygon([]Point{{c.X0 - 0.02, c.Y0}, {c.X1 + 0.02, c.Y0}, {c.X1 + 0.02, l.zoneFloor}, {c.X0 - 0.02, l.zoneFloor}})
}

// clampPolygon keeps a zone inside the image, as camera.yaml requires.
func clampPolygon(p []Point) []Point {
	for i := range p {
		p[i].X, p[i].Y = min(1, max(0, p[i].X)), min(1, max(0, p[i].Y))
	}
	return p
}

// personHeight is the apparent standing height (fraction of image height)
// of a person whose feet are at y.
func (l *layout) personHeight(y float64) float64 {
	t := (y - l.horizon) / (1 - l.horizon)
	return l.farHeight + (l.nearHeight-l.farHeight)*t
}

// bedAxis returns the head and foot ends of the mattress centre line.
func (l *layout) bedAxis() (head, foot Point) {
	b := l.bed
	left := Point{(b[0].X + b[3].X) / 2, (b[0].Y + b[3].Y) / 2}
	right := Point{(b[1].X + b[2].X) / 2, (b[1].Y + b[2].Y) / 2}
	if l.headLeft {
		return left, right
	}
	return right, left
}

// pillow is the pillow rectangle at the head of the bed.
func (l *layout) pillow() rect {
	head, foot := l.bedAxis()
	d := (foot.X - head.X) * 0.16
	x0, x1 := head.X+d*0.15, head.X+d
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	return rect{x0, head.Y - 0.04, x1, head.Y + 0.035}
}

// layouts are the rooms the generator knows. Each differs in camera
// distance, perspective and which side the bed, door and zone are on.
var layouts = map[string]*layout{
	"bed-left-far": {
		name: "bed-left-far", describe: "camera high on the far wall; bed left, head left; door and supply cabinet right",
		horizon: 0.40, farHeight: 0.27, nearHeight: 0.56,
		bed:   [4]Point{{0.05, 0.43}, {0.50, 0.43}, {0.54, 0.58}, {0.03, 0.58}},
		panel: 0.07, headLeft: true,
		door: rect{0.58, 0.07, 0.70, 0.40}, tv: rect{0.30, 0.08, 0.43, 0.19}, window: rect{0.73, 0.08, 0.83, 0.30},
		cabinet: rect{0.87, 0.15, 0.99, 0.40}, zoneName: "supply-room", zoneFloor: 0.72,
		board: rect{0.07, 0.12, 0.21, 0.26}, chair: Point{0.66, 0.80}, chairDir: -1,
	},
	"bed-right-near": {
		name: "bed-right-near", describe: "camera close, slightly lower; bed right, head right; door and medication cart left",
		horizon: 0.44, farHeight: 0.32, nearHeight: 0.64,
		bed:   [4]Point{{0.44, 0.47}, {0.96, 0.47}, {0.99, 0.64}, {0.40, 0.64}},
		panel: 0.08, headLeft: false,
		door: rect{0.18, 0.05, 0.31, 0.44}, tv: rect{0.56, 0.07, 0.70, 0.19}, window: rect{0.34, 0.08, 0.42, 0.32},
		cabinet: rect{0.01, 0.18, 0.13, 0.44}, zoneName: "med-cart", zoneFloor: 0.76,
		board: rect{0.78, 0.10, 0.93, 0.25}, chair: Point{0.30, 0.86}, chairDir: 1,
	},
	"corner-skewed": {
		name: "corner-skewed", describe: "camera in a corner: strong perspective, bed in the middle with head right; cabinet left, door right",
		horizon: 0.36, farHeight: 0.22, nearHeight: 0.60,
		bed:   [4]Point{{0.30, 0.40}, {0.66, 0.38}, {0.74, 0.56}, {0.24, 0.60}},
		panel: 0.07, headLeft: false,
		door: rect{0.80, 0.05, 0.92, 0.36}, tv: rect{0.36, 0.06, 0.48, 0.16}, window: rect{0.56, 0.06, 0.68, 0.27},
		cabinet: rect{0.02, 0.12, 0.14, 0.36}, zoneName: "supply-room", zoneFloor: 0.70,
		board: rect{0.17, 0.10, 0.28, 0.22}, chair: Point{0.84, 0.82}, chairDir: -1,
	},
	"ward-wide": {
		name: "ward-wide", describe: "wide ward bay seen from the foot end: small figures, bed left with head left; cabinet right",
		horizon: 0.48, farHeight: 0.24, nearHeight: 0.48,
		bed:   [4]Point{{0.08, 0.50}, {0.46, 0.50}, {0.49, 0.62}, {0.06, 0.62}},
		panel: 0.06, headLeft: true,
		door: rect{0.52, 0.14, 0.62, 0.48}, tv: rect{0.26, 0.16, 0.37, 0.26}, window: rect{0.66, 0.12, 0.78, 0.34},
		cabinet: rect{0.86, 0.22, 0.98, 0.48}, zoneName: "supply-room", zoneFloor: 0.74,
		board: rect{0.09, 0.20, 0.20, 0.32}, chair: Point{0.58, 0.82}, chairDir: -1,
	},
}

// LayoutNames lists the room layout names in order; the first is the default.
func LayoutNames() []string {
	names := make([]string, 0, len(layouts))
	for n := range layouts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Layouts lists the room layout names with a one-line description each.
func Layouts() map[string]string {
	out := make(map[string]string, len(layouts))
	for n, l := range layouts {
		out[n] = l.describe
	}
	return out
}

// pointInPolygon tests p against a polygon (even-odd rule).
func pointInPolygon(p Point, poly []Point) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}
