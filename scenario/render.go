package scenario

import (
	"bytes"
	"cmp"
	"fmt"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Render draws every frame of spec, calling emit with the 1-based frame
// index, its capture time and the JPEG bytes, and returns the ground truth.
// emit may keep the slice it receives. A nil emit computes the truth
// without drawing (fast). An error from emit stops rendering and is
// returned wrapped.
func Render(spec Spec, emit func(index int, ts time.Time, jpeg []byte) error) (Truth, error) {
	s, err := spec.Normalize()
	if err != nil {
		return Truth{}, err
	}
	sc, err := newScene(s)
	if err != nil {
		return Truth{}, err
	}
	camera, err := sc.cameraConfig().yaml()
	if err != nil {
		return Truth{}, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	n := s.Frames()
	truth := Truth{
		Name: s.Name, Kind: s.Kind, Seed: s.Seed, Layout: s.Layout, FPS: s.FPS, Width: s.Width, Height: s.Height,
		Start: s.Start, Frames: n, Benign: s.Kind.Benign(), Camera: camera, Boxes: make([][]PersonBox, 0, n),
	}
	var bg, frame *canvas
	if emit != nil {
		bg, frame = newCanvas(s.Width, s.Height), newCanvas(s.Width, s.Height)
		drawRoom(bg, sc.lay, sc.palette, sc.rng)
	}
	tr := newTruthTracker(sc)
	noiseSeed, _ := seedFor(s)
	var buf bytes.Buffer
	for i := 1; i <= n; i++ {
		t := float64(i-1) / float64(s.FPS)
		ts := FrameTime(s.Start, s.FPS, i)
		states := make([]actorState, len(sc.actors))
		for k, a := range sc.actors {
			states[k] = a.state(t, s.Width, s.Height)
		}
		truth.Boxes = append(truth.Boxes, tr.observe(i, ts, t, states))
		if emit == nil {
			continue
		}
		sc.drawFrame(frame, bg, t, states, rand.New(rand.NewPCG(noiseSeed, uint64(i))))
		buf.Reset()
		if err := jpeg.Encode(&buf, frame.img, &jpeg.Options{Quality: sc.quality}); err != nil {
			return Truth{}, fmt.Errorf("scenario %s: encode frame %d: %w", s.Name, i, err)
		}
		// Each frame gets its own slice: callers may keep frames (evidence,
		// pipelines) past the call.
		if err := emit(i, ts, bytes.Clone(buf.Bytes())); err != nil {
			return Truth{}, fmt.Errorf("scenario %s: frame %d: %w", s.Name, i, err)
		}
	}
	truth.Events = tr.finish(FrameTime(s.Start, s.FPS, n+1))
	truth.Tags = sc.tagList()
	return truth, nil
}

// tagList is the sorted, de-duplicated list of conditions in the scene.
func (sc *scene) tagList() []string {
	tags := append([]string{sc.lay.name}, sc.tags...)
	slices.Sort(tags)
	return slices.Compact(tags)
}

// drawFrame composes one frame: the static room, the dynamic room parts,
// the people (far to near), the optical camera effects, then the sensor.
func (sc *scene) drawFrame(c, bg *canvas, t float64, states []actorState, noise *rand.Rand) {
	c.copyFrom(bg)
	if sc.doorOpenAt(t) {
		sc.drawOpenDoor(c)
	}
	sc.drawTV(c, t)
	sc.drawCurtain(c, t)
	order := make([]int, 0, len(states))
	for k, st := range states {
		if st.visible {
			order = append(order, k)
		}
	}
	boxes := make([]box, len(states))
	for _, k := range order {
		boxes[k] = states[k].fig.box(sc.actors[k].clothes)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(boxes[a].Y1, boxes[b].Y1) })
	// Contact shadows on the floor under people standing, walking, seated
	// or lying on the floor (not in bed): a motion detector sees them too.
	for _, k := range order {
		st := states[k]
		if st.fig.blanket || st.pose == poseSitEdge {
			continue
		}
		b := boxes[k]
		c.darkenEllipse(vec{(b.X0 + b.X1) / 2, b.Y1 - 0.01*st.fig.scale}, b.width()*0.6, 0.035*st.fig.scale, 0.55)
	}
	for _, k := range order {
		for _, p := range states[k].fig.parts(sc.actors[k].clothes) {
			c.fillCapsule(p.a, p.b, p.r, p.col)
		}
	}
	if lv := sc.cover.level(t); lv > 0 {
		sc.drawCover(c, lv)
	}
	if lv := sc.blur.level(t); lv > 0 {
		c.boxBlur(int(math.Round(lv * float64(c.w) / 40)))
	}
	if lv := sc.bump.level(t); lv > 0 {
		shake := 0.0
		if lv < 1 {
			shake = math.Sin(lv*3*math.Pi) * 0.5
		}
		c.warp(sc.bumpA*(lv+shake), sc.bumpDX*float64(c.w)*(lv+shake), sc.bumpDY*float64(c.h)*lv)
	}
	// Light and noise come last: the cover, blur and view shift are optical
	// and happen before the sensor.
	gain, infrared := sc.exposureAt(t)
	c.expose(gain, infrared, noise, sc.noise)
}

// drawOpenDoor paints the door swung open: the dim corridor behind and the
// door leaf seen edge-on at the hinge side.
func (sc *scene) drawOpenDoor(c *canvas) {
	d := sc.lay.door
	c.fillRect(d.X0, d.Y0, d.X1, d.Y1, rgb{70, 72, 78})
	c.fillRect(d.X0, d.Y1-0.03, d.X1, d.Y1, rgb{95, 92, 88}) // corridor floor
	c.fillRect(d.X0, d.Y0, d.X0+(d.X1-d.X0)*0.22, d.Y1, sc.palette.door.scale(0.75))
}

// drawTV paints the TV screen: dark when off; when flickering, the picture
// cuts to new content every fraction of a second and its brightness pumps.
func (sc *scene) drawTV(c *canvas, t float64) {
	r := sc.lay.tv
	if !sc.tv {
		c.fillRect(r.X0, r.Y0, r.X1, r.Y1, rgb{28, 30, 34})
		c.fillRect(r.X0+0.01, r.Y0+0.01, r.X0+0.03, r.Y1-0.02, rgb{45, 48, 54}) // reflection
		return
	}
	cut := uint64(math.Floor(t / 0.7))
	rng := rand.New(rand.NewPCG(uint64(sc.spec.Seed), cut))
	base := rgb{uint8(rng.IntN(200) + 30), uint8(rng.IntN(200) + 30), uint8(rng.IntN(200) + 30)}
	pump := 0.6 + 0.5*math.Abs(math.Sin(t*7.3+sc.palette.tvHue*6))
	c.fillRect(r.X0, r.Y0, r.X1, r.Y1, base.scale(pump))
	for range 3 {
		x0 := r.X0 + (r.X1-r.X0)*rng.Float64()*0.7
		y0 := r.Y0 + (r.Y1-r.Y0)*rng.Float64()*0.7
		col := rgb{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
		c.fillRect(x0, y0, x0+(r.X1-r.X0)*0.3, y0+(r.Y1-r.Y0)*0.3, col.scale(pump))
	}
}

// drawCurtain paints the curtain drawn half across the window; with sway
// its edge and folds move in a draught.
func (sc *scene) drawCurtain(c *canvas, t float64) {
	r := sc.lay.window
	a := sc.curtain
	cover := 0.55 + a*(0.3*math.Sin(2*math.Pi*t/3.1)+0.1*math.Sin(2*math.Pi*t/1.3))
	edge := r.X0 - 0.01 + (r.X1-r.X0+0.02)*cover
	bottom := r.Y1 + 0.03
	col := rgb{170, 110, 100}
	pts := []vec{c.px(Point{r.X0 - 0.015, r.Y0 - 0.015}), c.px(Point{edge, r.Y0 - 0.015}), c.px(Point{edge + a*0.03*math.Sin(t*2.2), bottom}), c.px(Point{r.X0 - 0.015, bottom})}
	phase := a * t * 3
	c.shadePolygon(pts, func(x, _ int) rgb {
		return col.scale(0.85 + 0.2*math.Sin(float64(x)*0.6+phase))
	})
}

// drawCover paints a hand or cloth over the lens sliding in from one side:
// out of focus and nearly uniform once complete.
func (sc *scene) drawCover(c *canvas, level float64) {
	edge := level * float64(c.w) * 1.05
	for y := range c.h {
		for x := range c.w {
			dist := float64(x)
			if sc.coverFromRight {
				dist = float64(c.w - 1 - x)
			}
			if dist > edge {
				continue
			}
			v := 1 + 0.08*math.Sin(float64(x)*0.03+float64(y)*0.02)
			c.set(x, y, sc.coverColor.scale(v))
		}
	}
}
