package detection

import "math"

// Background model: a running average of the analysis luma kept in 8.8 fixed
// point, so slow blending (a time constant of seconds to minutes) does not
// vanish in integer rounding. The blend rate depends on elapsed video time,
// not on the frame count, so 1 fps Lambda invocations and a 5 fps local
// stream age the model alike.
const (
	bgTau          = 4.0  // seconds: background pixels follow slow light drift
	fgTau          = 60.0 // seconds: foreground is absorbed slowly (ghosts fade, still people stay visible)
	calibrationTau = 0.4  // seconds: after a global light change the model re-learns quickly
	alphaOne       = 4096 // fixed-point unit of a blend rate
)

// blendRate converts a time constant into a per-frame fixed-point rate for a
// frame that arrives dt seconds after the previous one.
func blendRate(dt, tau float64) int32 {
	if dt <= 0 {
		dt = 0.2
	}
	a := 1 - math.Exp(-dt/tau)
	r := int32(a*alphaOne + 0.5)
	if r < 1 {
		r = 1
	}
	if r > alphaOne {
		r = alphaOne
	}
	return r
}

// foreground marks cells whose luma differs from the background by more than
// thr, ignoring masked cells, and returns the count of changed cells.
func foreground(cur []uint8, bg []uint16, masked []bool, thr int32, fg []uint8) int {
	n := 0
	for i, c := range cur {
		d := int32(c)<<8 - int32(bg[i])
		if d < 0 {
			d = -d
		}
		if d > thr<<8 && !masked[i] {
			fg[i] = 1
			n++
		} else {
			fg[i] = 0
		}
	}
	return n
}

// blendBackground moves the background towards cur at rate bgRate where the
// cell is background and fgRate where it is foreground.
func blendBackground(cur []uint8, bg []uint16, fg []uint8, bgRate, fgRate int32) {
	for i, c := range cur {
		r := bgRate
		if fg[i] != 0 {
			r = fgRate
		}
		v := int32(bg[i])
		v += ((int32(c)<<8 - v) * r) / alphaOne
		bg[i] = uint16(v)
	}
}

// resetBackground copies cur into the background.
func resetBackground(cur []uint8, bg []uint16) {
	for i, c := range cur {
		bg[i] = uint16(c) << 8
	}
}

// box is an axis-aligned rectangle in analysis cells, X1 and Y1 exclusive.
type box struct{ X0, Y0, X1, Y1 int }

func (b box) w() int { return b.X1 - b.X0 }
func (b box) h() int { return b.Y1 - b.Y0 }

// near reports whether b and o overlap once both are grown by gap cells.
func (b box) near(o box, gap int) bool {
	return b.X0-gap < o.X1 && o.X0-gap < b.X1 && b.Y0-gap < o.Y1 && o.Y0-gap < b.Y1
}

func (b box) union(o box) box {
	return box{min(b.X0, o.X0), min(b.Y0, o.Y0), max(b.X1, o.X1), max(b.Y1, o.Y1)}
}

// blob is a connected group of foreground cells.
type blob struct {
	Box  box
	Area int // foreground cells
}

// blobFinder labels connected foreground regions; its buffers are reused
// from frame to frame.
type blobFinder struct {
	labels []int32
	stack  []int32
	blobs  []blob
}

// ghostEdgeRatio: a foreground region whose outline is sharper in the
// background than in the current frame is a ghost (something that was in the
// background and left, such as a patient who got out of bed), not an object.
const ghostEdgeRatio = 0.7

// find returns the blobs of fg (w x h) whose area lies in [minArea, maxArea]
// after merging fragments that lie within mergeGap cells of each other (a
// person often splits into head, torso and legs against a busy background).
// Ghost regions are removed from fg and copied from cur into bg at once.
func (bf *blobFinder) find(fg []uint8, cur []uint8, bg []uint16, w, h, minArea, maxArea, mergeGap int) []blob {
	n := w * h
	if cap(bf.labels) < n {
		bf.labels = make([]int32, n)
	}
	labels := bf.labels[:n]
	clear(labels)
	bf.blobs = bf.blobs[:0]
	// Fragments below this size are sensor noise, not parts of a person.
	const minFragment = 3
	var next int32
	for start := 0; start < n; start++ {
		if fg[start] == 0 || labels[start] != 0 {
			continue
		}
		next++
		labels[start] = next
		bf.stack = append(bf.stack[:0], int32(start))
		b := blob{Box: box{w, h, 0, 0}}
		var edgeCur, edgeBg int
		for len(bf.stack) > 0 {
			i := int(bf.stack[len(bf.stack)-1])
			bf.stack = bf.stack[:len(bf.stack)-1]
			x, y := i%w, i/w
			b.Area++
			if x > 0 && y > 0 && x < w-1 && y < h-1 && (fg[i-1] == 0 || fg[i+1] == 0 || fg[i-w] == 0 || fg[i+w] == 0) {
				edgeCur += centralGradient(int(cur[i-1]), int(cur[i+1]), int(cur[i-w]), int(cur[i+w]))
				edgeBg += centralGradient(int(bg[i-1]>>8), int(bg[i+1]>>8), int(bg[i-w]>>8), int(bg[i+w]>>8))
			}
			b.Box.X0, b.Box.X1 = min(b.Box.X0, x), max(b.Box.X1, x+1)
			b.Box.Y0, b.Box.Y1 = min(b.Box.Y0, y), max(b.Box.Y1, y+1)
			// 8-connectivity.
			for dy := -1; dy <= 1; dy++ {
				ny := y + dy
				if ny < 0 || ny >= h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					nx := x + dx
					if nx < 0 || nx >= w {
						continue
					}
					j := ny*w + nx
					if fg[j] != 0 && labels[j] == 0 {
						labels[j] = next
						bf.stack = append(bf.stack, int32(j))
					}
				}
			}
		}
		if float64(edgeCur) < ghostEdgeRatio*float64(edgeBg) {
			// A ghost: the background learns the current view there now.
			for i := b.Box.Y0 * w; i < b.Box.Y1*w; i++ {
				if labels[i] == next {
					fg[i] = 0
					bg[i] = uint16(cur[i]) << 8
				}
			}
			continue
		}
		if b.Area >= minFragment {
			bf.blobs = append(bf.blobs, b)
		}
	}
	// Merge fragments that are close; repeat until stable (few blobs, so the
	// quadratic pass is cheap).
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(bf.blobs) && !merged; i++ {
			for j := i + 1; j < len(bf.blobs); j++ {
				if bf.blobs[i].Box.near(bf.blobs[j].Box, mergeGap) {
					bf.blobs[i].Box = bf.blobs[i].Box.union(bf.blobs[j].Box)
					bf.blobs[i].Area += bf.blobs[j].Area
					bf.blobs = append(bf.blobs[:j], bf.blobs[j+1:]...)
					merged = true
					break
				}
			}
		}
	}
	out := bf.blobs[:0]
	for _, b := range bf.blobs {
		if b.Area >= minArea && b.Area <= maxArea {
			out = append(out, b)
		}
	}
	return out
}

// centralGradient is the L1 gradient magnitude from the four neighbours.
func centralGradient(left, right, up, down int) int {
	gx, gy := right-left, down-up
	if gx < 0 {
		gx = -gx
	}
	if gy < 0 {
		gy = -gy
	}
	return gx + gy
}
