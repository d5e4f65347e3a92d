package scenario

import (
	"image"
	"math"
	"math/rand/v2"
)

// rgb is an opaque colour; the renderer works on image.RGBA buffers with
// alpha fixed at 255.
type rgb struct{ R, G, B uint8 }

// scale darkens (f < 1) or lightens (f > 1) a colour, clamping to 0..255.
func (c rgb) scale(f float64) rgb {
	return rgb{clamp8(float64(c.R) * f), clamp8(float64(c.G) * f), clamp8(float64(c.B) * f)}
}

// clamp8 rounds v to the nearest byte value, clamped to 0..255.
func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	default:
		return uint8(v + 0.5)
	}
}

// vec is a point in pixel space (x right, y down).
type vec struct{ X, Y float64 }

func (a vec) add(b vec) vec             { return vec{a.X + b.X, a.Y + b.Y} }
func (a vec) sub(b vec) vec             { return vec{a.X - b.X, a.Y - b.Y} }
func (a vec) mul(f float64) vec         { return vec{a.X * f, a.Y * f} }
func (a vec) lerp(b vec, t float64) vec { return a.add(b.sub(a).mul(t)) }

// canvas wraps an RGBA buffer with the few drawing operations a room needs.
type canvas struct {
	img  *image.RGBA
	w, h int
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), w: w, h: h}
}

// px converts a normalised point (0..1, origin top-left) to pixels.
func (c *canvas) px(p Point) vec { return vec{p.X * float64(c.w), p.Y * float64(c.h)} }

func (c *canvas) set(x, y int, col rgb) {
	i := y*c.img.Stride + x*4
	p := c.img.Pix[i : i+4 : i+4]
	p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
}

// copyFrom overwrites c with the pixels of src (same size).
func (c *canvas) copyFrom(src *canvas) { copy(c.img.Pix, src.img.Pix) }

// fillPolygon fills a polygon given in pixels, sampling at pixel centres
// (even-odd rule).
func (c *canvas) fillPolygon(pts []vec, col rgb) {
	c.shadePolygon(pts, func(int, int) rgb { return col })
}

// shadePolygon fills a polygon with a colour computed per pixel.
func (c *canvas) shadePolygon(pts []vec, shade func(x, y int) rgb) {
	if len(pts) < 3 {
		return
	}
	minY, maxY := pts[0].Y, pts[0].Y
	for _, p := range pts[1:] {
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	y0, y1 := max(0, int(math.Floor(minY))), min(c.h-1, int(math.Ceil(maxY)))
	xs := make([]float64, 0, 8)
	for y := y0; y <= y1; y++ {
		fy := float64(y) + 0.5
		xs = xs[:0]
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a.Y <= fy && b.Y > fy) || (b.Y <= fy && a.Y > fy) {
				xs = append(xs, a.X+(fy-a.Y)/(b.Y-a.Y)*(b.X-a.X))
			}
		}
		sortFloats(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			xa := max(0, int(math.Ceil(xs[i]-0.5)))
			xb := min(c.w-1, int(math.Ceil(xs[i+1]-0.5))-1)
			for x := xa; x <= xb; x++ {
				c.set(x, y, shade(x, y))
			}
		}
	}
}

// sortFloats is an insertion sort: scanline crossing lists hold a handful of
// values and this keeps the hot loop free of allocations.
func sortFloats(a []float64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// fillRect fills an axis-aligned rectangle given in normalised coordinates.
func (c *canvas) fillRect(x0, y0, x1, y1 float64, col rgb) {
	c.fillPolygon([]vec{c.px(Point{x0, y0}), c.px(Point{x1, y0}), c.px(Point{x1, y1}), c.px(Point{x0, y1})}, col)
}

// fillCapsule fills the set of pixels within r of segment a-b, shaded darker
// towards the rim so limbs read as rounded.
func (c *canvas) fillCapsule(a, b vec, r float64, col rgb) {
	if r <= 0 {
		return
	}
	x0 := max(0, int(math.Floor(math.Min(a.X, b.X)-r)))
	x1 := min(c.w-1, int(math.Ceil(math.Max(a.X, b.X)+r)))
	y0 := max(0, int(math.Floor(math.Min(a.Y, b.Y)-r)))
	y1 := min(c.h-1, int(math.Ceil(math.Max(a.Y, b.Y)+r)))
	ab := b.sub(a)
	l2 := ab.X*ab.X + ab.Y*ab.Y
	r2 := r * r
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			p := vec{float64(x) + 0.5, float64(y) + 0.5}
			ap := p.sub(a)
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, (ap.X*ab.X+ap.Y*ab.Y)/l2))
			}
			d := ap.sub(ab.mul(t))
			d2 := d.X*d.X + d.Y*d.Y
			if d2 <= r2 {
				c.set(x, y, col.scale(1.08-0.3*d2/r2))
			}
		}
	}
}

// darkenEllipse multiplies the pixels inside an axis-aligned ellipse by a
// factor that fades from f at the centre to 1 at the rim: a soft contact
// shadow.
func (c *canvas) darkenEllipse(centre vec, rx, ry, f float64) {
	if rx <= 0 || ry <= 0 {
		return
	}
	x0, x1 := max(0, int(centre.X-rx)), min(c.w-1, int(centre.X+rx))
	y0, y1 := max(0, int(centre.Y-ry)), min(c.h-1, int(centre.Y+ry))
	for y := y0; y <= y1; y++ {
		dy := (float64(y) + 0.5 - centre.Y) / ry
		for x := x0; x <= x1; x++ {
			dx := (float64(x) + 0.5 - centre.X) / rx
			d := dx*dx + dy*dy
			if d >= 1 {
				continue
			}
			k := f + (1-f)*d
			i := y*c.img.Stride + x*4
			c.img.Pix[i] = clamp8(float64(c.img.Pix[i]) * k)
			c.img.Pix[i+1] = clamp8(float64(c.img.Pix[i+1]) * k)
			c.img.Pix[i+2] = clamp8(float64(c.img.Pix[i+2]) * k)
		}
	}
}

// boxBlur approximates a Gaussian blur of the given radius with three
// separable box passes (the defocused-lens effect).
func (c *canvas) boxBlur(radius int) {
	if radius < 1 {
		return
	}
	tmp := make([]uint8, len(c.img.Pix))
	for range 3 {
		blurPass(c.img.Pix, tmp, c.w, c.h, c.img.Stride, 4, radius)
		blurPass(tmp, c.img.Pix, c.h, c.w, 4, c.img.Stride, radius)
	}
}

// blurPass box-filters lines of n pixels: pixel i of line l is at
// l*lineStep + i*pixStep in both src and dst; edges repeat the end pixels.
func blurPass(src, dst []uint8, n, lines, lineStep, pixStep, radius int) {
	win := int32(2*radius + 1)
	for l := range lines {
		base := l * lineStep
		last := base + (n-1)*pixStep
		for ch := range 3 {
			first := int32(src[base+ch])
			end := int32(src[last+ch])
			sum := first * int32(radius+1)
			for i := 1; i <= radius; i++ {
				sum += int32(src[base+min(i, n-1)*pixStep+ch])
			}
			for i := range n {
				dst[base+i*pixStep+ch] = uint8((sum + win/2) / win)
				in, out := end, first
				if j := i + radius + 1; j < n {
					in = int32(src[base+j*pixStep+ch])
				}
				if j := i - radius; j > 0 {
					out = int32(src[base+j*pixStep+ch])
				}
				sum += in - out
			}
		}
		for i := range n {
			dst[base+i*pixStep+3] = 255
		}
	}
}

// warp redraws c as seen by a camera rotated by angle (radians) about the
// image centre and shifted by (dx, dy) pixels: the bumped-camera effect. The
// uncovered border mirrors the scene, as a real camera would show more room.
func (c *canvas) warp(angle, dx, dy float64) {
	src := make([]uint8, len(c.img.Pix))
	copy(src, c.img.Pix)
	cx, cy := float64(c.w)/2, float64(c.h)/2
	sin, cos := math.Sincos(-angle)
	for y := range c.h {
		for x := range c.w {
			// Inverse map: destination pixel -> source pixel.
			u, v := float64(x)+0.5-cx-dx, float64(y)+0.5-cy-dy
			sx := int(math.Floor(u*cos - v*sin + cx))
			sy := int(math.Floor(u*sin + v*cos + cy))
			sx, sy = mirror(sx, c.w), mirror(sy, c.h)
			si := sy*c.img.Stride + sx*4
			di := y*c.img.Stride + x*4
			copy(c.img.Pix[di:di+4], src[si:si+4])
		}
	}
}

func mirror(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}

// expose turns the scene radiance into sensor output in one pass: it
// scales every pixel by the light gain (with infrared: drops colour and
// stretches contrast, as IR night modes do) and adds zero-mean sensor noise
// with standard deviation sigma, the same on all channels. The noise is the
// sum of four uniform bytes (nearly Gaussian) mapped through a table, and
// the arithmetic is fixed-point: this pass runs on every pixel of every frame.
func (c *canvas) expose(gain float64, infrared bool, rng *rand.Rand, sigma float64) {
	// The sum of four uniform bytes has mean 510 and standard deviation ~147.8.
	var noise [1021]int32
	for i := range noise {
		noise[i] = int32(math.Round(float64(i-510) * sigma / 147.8))
	}
	g := int32(math.Round(gain * 256))
	// The IR illuminator sits next to the lens: the image centre is lit
	// best. The falloff (in 1/256) separates into row and column terms.
	var rowFall, colFall []int32
	if infrared {
		rowFall, colFall = make([]int32, c.h), make([]int32, c.w)
		for y := range c.h {
			d := (float64(y)+0.5)/float64(c.h) - 0.5
			rowFall[y] = int32(256 * 0.5 * d * d)
		}
		for x := range c.w {
			d := (float64(x)+0.5)/float64(c.w) - 0.5
			colFall[x] = int32(256 * 0.5 * d * d)
		}
	}
	pix := c.img.Pix
	for y := range c.h {
		row := y * c.img.Stride
		for x := range c.w {
			i := row + x*4
			u := rng.Uint64()
			n := noise[u&0xff+(u>>8)&0xff+(u>>16)&0xff+(u>>24)&0xff]
			r, gr, b := int32(pix[i]), int32(pix[i+1]), int32(pix[i+2])
			if infrared {
				// IR illuminators make fabrics and skin bright and the
				// scene flat; no colour survives.
				l := (77*r + 150*gr + 29*b) >> 8
				l = l * (256 - rowFall[y] - colFall[x]) >> 8
				v := clampInt((((l*g)>>8-110)*333)>>8 + 115 + n)
				pix[i], pix[i+1], pix[i+2] = v, v, v
				continue
			}
			pix[i] = clampInt((r*g)>>8 + n)
			pix[i+1] = clampInt((gr*g)>>8 + n)
			pix[i+2] = clampInt((b*g)>>8 + n)
		}
	}
}

func clampInt(v int32) uint8 {
	return uint8(min(255, max(0, v)))
}
