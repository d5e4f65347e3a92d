package scenario

import (
	"math"
	"math/rand/v2"
)

// role says who a person in the room is. Only the patient carries risk flags;
// zones and falls are judged for anyone, as a camera cannot tell people apart.
type role int

const (
	rolePatient role = iota
	roleVisitor
	roleStaff
)

// easing shapes the motion between two keys.
type easing int

const (
	easeLinear easing = iota // constant speed (walking)
	easeSmooth               // slow in, slow out (deliberate movements)
	easeAccel                // accelerating (a body falling under gravity)
)

func (e easing) apply(u float64) float64 {
	switch e {
	case easeSmooth:
		return u * u * (3 - 2*u)
	case easeAccel:
		return u * u
	default:
		return u
	}
}

// key is a placement the person reaches at time t (seconds from the first
// frame), approached with the given easing.
type key struct {
	t    float64
	p    placement
	ease easing
}

// actor is one person with a scripted timeline of placements.
type actor struct {
	role    role
	clothes clothing
	scale   float64 // body size relative to an average adult
	stepHz  float64 // walking cadence
	keys    []key
}

// actorState is an actor at one instant.
type actorState struct {
	visible bool
	fig     figure
	pose    pose // the posture of the last key reached
}

// to appends a key; keys must be added in time order.
func (a *actor) to(t float64, p placement, e easing) {
	a.keys = append(a.keys, key{t: t, p: p, ease: e})
}

// last is the most recent placement, or a hidden one before any key.
func (a *actor) last() placement {
	if len(a.keys) == 0 {
		return placement{hidden: true}
	}
	return a.keys[len(a.keys)-1].p
}

func (a *actor) lastTime() float64 {
	if len(a.keys) == 0 {
		return 0
	}
	return a.keys[len(a.keys)-1].t
}

// hold keeps the current placement until t.
func (a *actor) hold(t float64) {
	if t > a.lastTime() {
		a.to(t, a.last(), easeLinear)
	}
}

// state evaluates the timeline at time t.
func (a *actor) state(t float64, w, h int) actorState {
	if len(a.keys) == 0 || t < a.keys[0].t {
		return actorState{}
	}
	phase := 2 * math.Pi * a.stepHz * t
	i := 0
	for i+1 < len(a.keys) && a.keys[i+1].t <= t {
		i++
	}
	cur := a.keys[i]
	if i+1 == len(a.keys) {
		return actorState{visible: !cur.p.hidden, fig: cur.p.figure(phase, w, h), pose: cur.p.pose}
	}
	next := a.keys[i+1]
	if cur.p.hidden {
		return actorState{}
	}
	if next.p.hidden {
		return actorState{visible: true, fig: cur.p.figure(phase, w, h), pose: cur.p.pose}
	}
	u := next.ease.apply((t - cur.t) / (next.t - cur.t))
	return actorState{visible: true, fig: blendPlacements(cur.p, next.p, u, phase, w, h), pose: cur.p.pose}
}

// walkTo appends a walk from the current placement to floor point dst and
// returns the arrival time. Speed is about 0.55 body heights per second, so
// near people cross the image faster than far ones, as in real video.
func (a *actor) walkTo(l *layout, dst Point, w, h int) float64 {
	from := a.last()
	t0 := a.lastTime()
	start := placement{pose: poseWalk, at: from.at, height: l.personHeight(from.at.Y) * a.scale, facing: dirSign(dst.X - from.at.X)}
	end := placement{pose: poseWalk, at: dst, height: l.personHeight(dst.Y) * a.scale, facing: start.facing}
	dx, dy := (dst.X-from.at.X)*float64(w), (dst.Y-from.at.Y)*float64(h)
	bodyPx := (start.height + end.height) / 2 * float64(h)
	dur := math.Max(0.4, math.Hypot(dx, dy)/(0.55*bodyPx))
	// Ease into the gait over a few frames from a standing or seated posture.
	if from.pose != poseWalk {
		a.to(t0+0.4, start, easeSmooth)
		t0 += 0.4
	}
	a.to(t0+dur, end, easeLinear)
	return t0 + dur
}

// stand brings a walking actor to a standstill over 0.4 s.
func (a *actor) stand() float64 {
	p := a.last()
	p.pose = poseStand
	t := a.lastTime() + 0.4
	a.to(t, p, easeSmooth)
	return t
}

func dirSign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// Clothing palettes; a seed picks one of each.
var (
	skins    = []rgb{{241, 194, 160}, {224, 172, 130}, {198, 134, 86}, {141, 85, 50}, {95, 60, 38}}
	hairs    = []rgb{{40, 30, 24}, {95, 70, 45}, {180, 170, 160}, {220, 215, 205}, {120, 60, 30}}
	gowns    = []rgb{{150, 190, 220}, {170, 205, 190}, {205, 200, 230}, {190, 215, 235}}
	scrubs   = []rgb{{40, 70, 130}, {30, 120, 130}, {70, 130, 90}, {110, 60, 120}}
	streets  = []rgb{{180, 40, 40}, {50, 50, 55}, {200, 170, 60}, {90, 110, 160}, {120, 90, 70}, {230, 230, 225}}
	blankets = []rgb{{235, 235, 228}, {200, 215, 235}, {225, 210, 180}, {190, 220, 200}}
)

func pick(rng *rand.Rand, p []rgb) rgb { return p[rng.IntN(len(p))] }

// newActor dresses a person for their role: gowns for patients, scrubs
// for staff, street clothes for visitors.
func newActor(r role, rng *rand.Rand) *actor {
	c := clothing{skin: pick(rng, skins), hair: pick(rng, hairs), blanket: pick(rng, blankets)}
	switch r {
	case rolePatient:
		c.top = pick(rng, gowns)
		c.bottom = c.top.scale(0.92)
	case roleStaff:
		c.top = pick(rng, scrubs)
		c.bottom = c.top
	default:
		c.top, c.bottom = pick(rng, streets), pick(rng, streets).scale(0.7)
	}
	return &actor{role: r, clothes: c, scale: 0.9 + 0.14*rng.Float64(), stepHz: 0.8 + 0.25*rng.Float64()}
}
