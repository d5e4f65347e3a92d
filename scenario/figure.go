package scenario

import (
	"math"
)

// joint indexes a point of the articulated figure.
type joint int

const (
	jHead joint = iota
	jNeck
	jShoulderL
	jShoulderR
	jHandL
	jHandR
	jHip
	jKneeL
	jKneeR
	jFootL
	jFootR
	jointCount
)

// Limb and head radii in body-height units (a standing figure is 1 tall).
const (
	radiusHead  = 0.068
	radiusTorso = 0.10
	radiusArm   = 0.036
	radiusLeg   = 0.048
	radiusCover = 0.12 // blanket over a patient in bed
)

// pose names a body posture; placement says where and how big.
type pose int

const (
	poseStand    pose = iota // upright, arms at the sides, seen from the front; rotated, lying in bed
	poseWalk                 // upright, legs and arms swinging (three-quarter view)
	poseSitChair             // seated on a chair, thighs level (side view)
	poseSitBed               // sitting up in bed, legs along the mattress; root at the hip
	poseSitEdge              // sitting on the bed edge facing the camera, feet dangling
	poseFallen               // lying on the floor after a fall, limbs sprawled
)

// bodyPoints is a posture in body-local units: origin at the root (the feet
// for upright and seated postures), y up, facing +x.
type bodyPoints [jointCount]vec

// localPose returns posture p: phase drives the walking gait, facing turns
// side-view postures, and fidget (0..1) with variant picks a small movement
// of a patient lying in bed.
func localPose(p pose, phase, facing float64, fidget float64, variant int) bodyPoints {
	f := facing
	var b bodyPoints
	switch p {
	case poseWalk:
		// Three-quarter view: the gait swings limbs along the direction of
		// travel while shoulders and hips keep their width.
		s := math.Sin(phase)
		liftL, liftR := 0.03*math.Max(0, math.Cos(phase)), 0.03*math.Max(0, -math.Cos(phase))
		b = bodyPoints{
			jHead: {0.01 * f, 0.905}, jNeck: {0, 0.80},
			jShoulderL: {-0.09, 0.79}, jShoulderR: {0.09, 0.79},
			jHandL: {-0.12 - 0.07*s, 0.51}, jHandR: {0.12 - 0.07*s, 0.51},
			jHip:   {0, 0.50},
			jKneeL: {-0.04 + 0.06*s, 0.27 + liftL}, jKneeR: {0.04 - 0.06*s, 0.27 + liftR},
			jFootL: {-0.05 + 0.11*s, 0.03 + liftL}, jFootR: {0.05 - 0.11*s, 0.03 + liftR},
		}
	case poseSitChair:
		b = bodyPoints{
			jHead: {-0.01 * f, 0.70}, jNeck: {-0.02 * f, 0.60},
			jShoulderL: {-0.02 * f, 0.59}, jShoulderR: {-0.01 * f, 0.59},
			jHandL: {0.16 * f, 0.34}, jHandR: {0.18 * f, 0.33},
			jHip:   {0, 0.28},
			jKneeL: {0.22 * f, 0.30}, jKneeR: {0.23 * f, 0.29},
			jFootL: {0.24 * f, 0.03}, jFootR: {0.26 * f, 0.03},
		}
	case poseSitBed:
		b = bodyPoints{
			jHead: {-0.02 * f, 0.41}, jNeck: {-0.03 * f, 0.31},
			jShoulderL: {-0.03 * f, 0.30}, jShoulderR: {-0.02 * f, 0.30},
			jHandL: {0.12 * f, 0.07}, jHandR: {0.14 * f, 0.06},
			jHip:   {0, 0},
			jKneeL: {0.24 * f, 0.04 + 0.12*fidget}, jKneeR: {0.25 * f, 0.03},
			jFootL: {0.46 * f, 0}, jFootR: {0.47 * f, -0.01},
		}
	case poseSitEdge:
		b = bodyPoints{
			jHead: {0, 0.62}, jNeck: {0, 0.52},
			jShoulderL: {-0.11, 0.51}, jShoulderR: {0.11, 0.51},
			jHandL: {-0.13, 0.24}, jHandR: {0.13, 0.24},
			jHip:   {0, 0.22},
			jKneeL: {-0.06, 0.19}, jKneeR: {0.06, 0.19},
			jFootL: {-0.07, 0.0}, jFootR: {0.07, 0.0},
		}
	case poseFallen:
		b = bodyPoints{
			jHead: {0.02, 0.905}, jNeck: {0, 0.80},
			jShoulderL: {-0.08, 0.79}, jShoulderR: {0.08, 0.79},
			jHandL: {-0.22, 0.86}, jHandR: {0.16, 0.60},
			jHip:   {0, 0.50},
			jKneeL: {-0.08, 0.28}, jKneeR: {0.10, 0.30},
			jFootL: {-0.12, 0.05}, jFootR: {0.14, 0.06},
		}
	default: // poseStand, also lying in bed (rotated by the placement)
		b = bodyPoints{
			jHead: {0, 0.905}, jNeck: {0, 0.80},
			jShoulderL: {-0.11, 0.79}, jShoulderR: {0.11, 0.79},
			jHandL: {-0.14, 0.50}, jHandR: {0.14, 0.50},
			jHip:   {0, 0.50},
			jKneeL: {-0.05, 0.27}, jKneeR: {0.05, 0.27},
			jFootL: {-0.06, 0.03}, jFootR: {0.06, 0.03},
		}
		// Small movements of a patient in bed: a hand to the chest, a knee
		// drawn up, or the head and shoulders shifting.
		switch variant % 3 {
		case 0:
			b[jHandR] = b[jHandR].lerp(vec{0.02, 0.70}, fidget)
		case 1:
			b[jKneeL] = b[jKneeL].lerp(vec{-0.16, 0.34}, fidget)
			b[jFootL] = b[jFootL].lerp(vec{-0.04, 0.12}, fidget)
		case 2:
			for _, j := range []joint{jHead, jNeck, jShoulderL, jShoulderR} {
				b[j] = b[j].add(vec{-0.07 * fidget, -0.02 * fidget})
			}
			b[jHandL] = b[jHandL].lerp(vec{-0.2, 0.78}, fidget)
		}
	}
	return b
}

// placement puts a posture into the image.
type placement struct {
	pose    pose
	at      Point   // root position, normalised
	height  float64 // figure height (standing equivalent) as a fraction of image height
	angle   float64 // clockwise rotation in radians; +pi/2 lays the head to the right
	facing  float64 // +1 faces right, -1 left
	fidget  float64 // 0..1 amount of the in-bed movement
	variant int     // which in-bed movement
	blanket bool    // a blanket covers hips to feet
	hidden  bool    // out of the room
}

// figure is a posed person in pixel space.
type figure struct {
	j       [jointCount]vec
	scale   float64 // pixels per body-height unit
	blanket bool
}

// figure poses the placement in a w x h image.
func (p placement) figure(phase float64, w, h int) figure {
	return blendPlacements(p, p, 0, phase, w, h)
}

// blendPlacements poses a figure part way (u in 0..1) from placement a to b:
// postures blend in body space while root, size and rotation interpolate, so
// a fall rotates the body about the feet and sitting up rotates it about the
// hips rather than squashing it.
func blendPlacements(a, b placement, u, phase float64, w, h int) figure {
	la := localPose(a.pose, phase, a.facing, a.fidget, a.variant)
	lb := localPose(b.pose, phase, b.facing, b.fidget, b.variant)
	s := (a.height + (b.height-a.height)*u) * float64(h)
	sin, cos := math.Sincos(a.angle + (b.angle-a.angle)*u)
	o := vec{(a.at.X + (b.at.X-a.at.X)*u) * float64(w), (a.at.Y + (b.at.Y-a.at.Y)*u) * float64(h)}
	var fg figure
	for i := range la {
		l := la[i].lerp(lb[i], u)
		fg.j[i] = vec{o.X + s*(l.X*cos+l.Y*sin), o.Y - s*(-l.X*sin+l.Y*cos)}
	}
	fg.scale = s
	fg.blanket = a.blanket && (b.blanket || u == 0)
	return fg
}

// capsule is one drawn part of a figure.
type capsule struct {
	a, b vec
	r    float64
	col  rgb
}

// clothing colours of one person.
type clothing struct {
	skin, hair, top, bottom, blanket rgb
}

// parts lists the capsules of the figure in drawing order (back to front).
func (f figure) parts(c clothing) []capsule {
	s := f.scale
	j := f.j
	up := j[jHead].sub(j[jNeck])
	if n := math.Hypot(up.X, up.Y); n > 0 {
		up = up.mul(1 / n)
	}
	parts := []capsule{
		{j[jShoulderL], j[jHandL], radiusArm * s, c.top.scale(0.85)},
		{j[jHip], j[jKneeL], radiusLeg * s, c.bottom},
		{j[jKneeL], j[jFootL], radiusLeg * 0.9 * s, c.bottom.scale(0.92)},
		{j[jHip], j[jKneeR], radiusLeg * s, c.bottom},
		{j[jKneeR], j[jFootR], radiusLeg * 0.9 * s, c.bottom.scale(0.92)},
		{j[jNeck].lerp(j[jHip], 0.1), j[jHip], radiusTorso * s, c.top},
	}
	if f.blanket {
		chest := j[jHip].lerp(j[jNeck], 0.45)
		feet := j[jFootL].lerp(j[jFootR], 0.5)
		parts = append(parts, capsule{chest, feet.add(feet.sub(chest).mul(0.06)), radiusCover * s, c.blanket})
	}
	parts = append(parts,
		capsule{j[jShoulderR], j[jHandR], radiusArm * s, c.top.scale(0.95)},
		capsule{j[jHead].add(up.mul(0.018 * s)), j[jHead].add(up.mul(0.018 * s)), radiusHead * 1.05 * s, c.hair},
		capsule{j[jHead].sub(up.mul(0.01 * s)), j[jHead].sub(up.mul(0.01 * s)), radiusHead * 0.92 * s, c.skin},
	)
	return parts
}

// box is a figure's bounding box in pixels: what an ideal person detector
// would report.
type box struct{ X0, Y0, X1, Y1 float64 }

func (f figure) box(c clothing) box {
	bx := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range f.parts(c) {
		for _, e := range []vec{p.a, p.b} {
			bx.X0, bx.Y0 = math.Min(bx.X0, e.X-p.r), math.Min(bx.Y0, e.Y-p.r)
			bx.X1, bx.Y1 = math.Max(bx.X1, e.X+p.r), math.Max(bx.Y1, e.Y+p.r)
		}
	}
	return bx
}

// foot is the bottom centre of the box, normalised: the point zones are
// tested against (as Frigate does for objects).
func (b box) foot(w, h int) Point {
	return Point{(b.X0 + b.X1) / 2 / float64(w), b.Y1 / float64(h)}
}

func (b box) width() float64  { return b.X1 - b.X0 }
func (b box) height() float64 { return b.Y1 - b.Y0 }
