package scenario

import (
	"math"
	"math/rand/v2"
)

// palette holds the colours of one room's surfaces; a seed varies them.
type palette struct {
	wall, floor, grout, bedFrame, sheet, door, cabinet, chair rgb
	tvHue                                                     float64
	scribbles                                                 [4]rgb
}

// newPalette picks the room colours from the seed.
func newPalette(rng *rand.Rand) palette {
	walls := []rgb{{214, 208, 190}, {196, 210, 214}, {222, 214, 200}, {200, 204, 186}, {230, 226, 220}}
	floors := []rgb{{150, 140, 120}, {120, 128, 132}, {170, 160, 140}, {110, 100, 90}}
	frames := []rgb{{90, 100, 115}, {150, 150, 155}, {70, 80, 70}}
	sheets := []rgb{{240, 240, 236}, {225, 236, 240}, {232, 240, 228}}
	doors := []rgb{{150, 110, 70}, {120, 140, 160}, {180, 170, 150}}
	p := palette{
		wall: pick(rng, walls), floor: pick(rng, floors), bedFrame: pick(rng, frames), sheet: pick(rng, sheets),
		door: pick(rng, doors), cabinet: rgb{170, 178, 186}, chair: pick(rng, streets).scale(0.8), tvHue: rng.Float64(),
	}
	p.grout = p.floor.scale(0.75)
	for i := range p.scribbles {
		p.scribbles[i] = pick(rng, []rgb{{30, 60, 160}, {170, 30, 30}, {20, 110, 50}, {20, 20, 20}})
	}
	return p
}

// drawRoom paints the static part of the room: walls, floor, door, window
// frame, TV bezel, whiteboard, supply cabinet, chair and bed.
func drawRoom(c *canvas, l *layout, p palette, rng *rand.Rand) {
	w, h := float64(c.w), float64(c.h)
	hz := l.horizon * h
	// Wall: lighter towards the ceiling light, slightly darker at the sides.
	c.shadePolygon([]vec{{0, 0}, {w, 0}, {w, hz}, {0, hz}}, func(x, y int) rgb {
		fx := float64(x)/w - 0.5
		return p.wall.scale(1.05 - 0.15*float64(y)/hz - 0.12*fx*fx)
	})
	// Floor tiles in perspective: grout lines converge on a vanishing point
	// above the image; rows get closer towards the wall.
	vp := vec{w * 0.5, hz - h*0.9}
	c.shadePolygon([]vec{{0, hz}, {w, hz}, {w, h}, {0, h}}, func(x, y int) rgb {
		fy := (float64(y) + 0.5 - hz) / (h - hz)
		u := (float64(x) + 0.5 - vp.X) / (float64(y) + 0.5 - vp.Y) * 7
		row := math.Pow(fy, 0.6) * 9
		col := p.floor
		if (int(math.Floor(u))+int(math.Floor(row)))%2 == 0 {
			col = col.scale(0.96)
		}
		if frac(u) < 0.05 || frac(row) < 0.05*(1+fy) {
			col = p.grout
		}
		return col.scale(0.85 + 0.2*fy)
	})
	c.fillRect(0, l.horizon-0.012, 1, l.horizon+0.004, p.wall.scale(0.6)) // skirting board

	// Door with frame, window pane and handle.
	d := l.door
	c.fillRect(d.X0-0.01, d.Y0-0.015, d.X1+0.01, d.Y1, p.door.scale(0.6))
	c.fillRect(d.X0, d.Y0, d.X1, d.Y1, p.door)
	c.fillRect(d.X0+(d.X1-d.X0)*0.3, d.Y0+0.04, d.X1-(d.X1-d.X0)*0.3, d.Y0+0.12, rgb{170, 190, 200})
	hx := d.X1 - (d.X1-d.X0)*0.15
	c.fillCapsule(c.px(Point{hx, (d.Y0 + d.Y1) / 2}), c.px(Point{hx - 0.02, (d.Y0 + d.Y1) / 2}), 0.008*h, rgb{200, 200, 205})

	// Window (the curtain in front of it is drawn per frame).
	wi := l.window
	c.fillRect(wi.X0-0.008, wi.Y0-0.01, wi.X1+0.008, wi.Y1+0.01, rgb{235, 235, 235})
	c.fillRect(wi.X0, wi.Y0, wi.X1, wi.Y1, rgb{165, 200, 230})
	c.fillRect((wi.X0+wi.X1)/2-0.003, wi.Y0, (wi.X0+wi.X1)/2+0.003, wi.Y1, rgb{235, 235, 235})

	// TV bezel (the screen is drawn per frame).
	t := l.tv
	c.fillRect(t.X0-0.01, t.Y0-0.012, t.X1+0.01, t.Y1+0.012, rgb{20, 20, 22})
	c.fillRect((t.X0+t.X1)/2-0.01, t.Y1+0.012, (t.X0+t.X1)/2+0.01, t.Y1+0.03, rgb{60, 60, 60})

	// Whiteboard with scribbles (it holds patient details: a privacy region).
	b := l.board
	c.fillRect(b.X0-0.006, b.Y0-0.008, b.X1+0.006, b.Y1+0.008, rgb{150, 150, 150})
	c.fillRect(b.X0, b.Y0, b.X1, b.Y1, rgb{245, 245, 242})
	for i := range 6 {
		y := b.Y0 + (b.Y1-b.Y0)*(0.15+0.13*float64(i))
		x0 := b.X0 + (b.X1-b.X0)*0.08
		x1 := x0 + (b.X1-b.X0)*(0.3+0.55*rng.Float64())
		c.fillCapsule(c.px(Point{x0, y}), c.px(Point{x1, y}), 0.004*h, p.scribbles[i%len(p.scribbles)])
	}

	// Supply cabinet with drawers and a warning stripe; tape on the floor
	// marks the restricted area.
	k := l.cabinet
	c.fillRect(k.X0, k.Y0, k.X1, k.Y1, p.cabinet)
	for i := 1; i < 4; i++ {
		y := k.Y0 + (k.Y1-k.Y0)*float64(i)/4
		c.fillRect(k.X0+0.005, y-0.003, k.X1-0.005, y+0.003, p.cabinet.scale(0.7))
		c.fillRect((k.X0+k.X1)/2-0.012, y+0.02, (k.X0+k.X1)/2+0.012, y+0.03, rgb{90, 90, 95})
	}
	c.fillRect(k.X0, k.Y0, k.X1, k.Y0+0.02, rgb{200, 40, 40})
	tape := rgb{220, 190, 40}
	c.fillRect(k.X0-0.02, l.zoneFloor-0.006, k.X1+0.02, l.zoneFloor, tape)

	// Small wall details: a socket and a clock.
	c.fillRect(0.47, l.horizon-0.07, 0.5, l.horizon-0.04, rgb{235, 235, 235})
	clock := c.px(Point{(d.X0 + t.X1) / 2, 0.06})
	c.fillCapsule(clock, clock, 0.03*h, rgb{250, 250, 250})
	c.fillCapsule(clock, clock.add(vec{0, -0.02 * h}), 0.003*h, rgb{20, 20, 20})

	drawChair(c, l, p)
	drawBed(c, l, p)
}

func frac(v float64) float64 { return v - math.Floor(v) }

// drawChair paints a simple side-view visitor chair standing at l.chair.
func drawChair(c *canvas, l *layout, p palette) {
	s := l.personHeight(l.chair.Y)
	x, y, f := l.chair.X, l.chair.Y, l.chairDir
	// s is a fraction of the image height; convert widths to width units.
	sx := s * float64(c.h) / float64(c.w)
	seat := y - 0.27*s
	back := x - f*0.08*sx
	leg := p.chair.scale(0.6)
	c.fillCapsule(c.px(Point{back, y}), c.px(Point{back, seat}), 0.012*float64(c.h), leg)
	c.fillCapsule(c.px(Point{x + f*0.14*sx, y}), c.px(Point{x + f*0.14*sx, seat}), 0.012*float64(c.h), leg)
	c.fillCapsule(c.px(Point{back, seat}), c.px(Point{x + f*0.16*sx, seat}), 0.03*s*float64(c.h), p.chair)
	c.fillCapsule(c.px(Point{back, seat}), c.px(Point{back - f*0.02*sx, y - 0.6*s}), 0.03*s*float64(c.h), p.chair.scale(0.9))
}

// drawBed paints the bed: side panel, legs, mattress, headboard and pillow.
func drawBed(c *canvas, l *layout, p palette) {
	b := l.bed
	pts := func(ps ...Point) []vec {
		out := make([]vec, len(ps))
		for i, q := range ps {
			out[i] = c.px(q)
		}
		return out
	}
	fl, fr := b[3], b[2]
	// Legs and wheels.
	for _, q := range []Point{fl, fr} {
		x := q.X + 0.03*dirSign(0.5-q.X)
		c.fillRect(x-0.006, q.Y, x+0.006, q.Y+l.panel+0.02, rgb{60, 60, 60})
	}
	c.fillPolygon(pts(fl, fr, Point{fr.X - 0.01, fr.Y + l.panel*0.8}, Point{fl.X + 0.01, fl.Y + l.panel*0.8}), p.bedFrame)
	// Mattress with a sheet; a darker band along the front edge gives depth.
	c.shadePolygon(pts(b[0], b[1], b[2], b[3]), func(x, y int) rgb {
		return p.sheet.scale(0.92 + 0.08*math.Sin(float64(x)*0.15))
	})
	c.fillPolygon(pts(b[3], b[2], Point{b[2].X, b[2].Y + 0.015}, Point{b[3].X, b[3].Y + 0.015}), p.sheet.scale(0.75))
	// Headboard and footboard.
	headX0, headX1 := b[0].X, b[3].X
	footX0, footX1 := b[1].X, b[2].X
	if !l.headLeft {
		headX0, headX1, footX0, footX1 = footX0, footX1, headX0, headX1
	}
	hb := b[0].Y - 0.12
	c.fillPolygon(pts(Point{headX0 - 0.01, hb}, Point{headX0 + 0.01, hb}, Point{headX1 + 0.01, b[3].Y + l.panel*0.8}, Point{headX1 - 0.01, b[3].Y + l.panel*0.8}), p.bedFrame.scale(0.85))
	fb := b[1].Y - 0.05
	c.fillPolygon(pts(Point{footX0 - 0.008, fb}, Point{footX0 + 0.008, fb}, Point{footX1 + 0.008, b[2].Y + l.panel*0.8}, Point{footX1 - 0.008, b[2].Y + l.panel*0.8}), p.bedFrame.scale(0.85))
	// Pillow.
	pl := l.pillow()
	c.fillCapsule(c.px(Point{pl.X0 + 0.02, (pl.Y0 + pl.Y1) / 2}), c.px(Point{pl.X1 - 0.02, (pl.Y0 + pl.Y1) / 2}), (pl.Y1-pl.Y0)/2*float64(c.h), rgb{248, 248, 248})
}
