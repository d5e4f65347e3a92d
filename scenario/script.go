package scenario

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// ambient is the room lighting a scene starts in.
type ambient int

const (
	ambientDay ambient = iota // room lights on, colour
	ambientDim                // night light only, colour, more sensor noise
	ambientIR                 // infrared night mode, grayscale
)

// lightKey is a lighting change at time t (instant, as switches are).
type lightKey struct {
	t    float64
	gain float64
	ir   bool
}

// effect is a camera effect that ramps in at from, is complete at full and
// goes away at off (off < 0: never).
type effect struct {
	from, full, off float64
}

// level is how far the effect is in at time t: 0 (none) to 1 (complete).
func (e effect) level(t float64) float64 {
	switch {
	case e.full <= 0 || t < e.from:
		return 0
	case e.off >= 0 && t >= e.off:
		return 0
	case t >= e.full:
		return 1
	default:
		return (t - e.from) / (e.full - e.from)
	}
}

func (e effect) complete(t float64) bool { return e.full > 0 && e.level(t) >= 1 }

// scene is a fully scripted scenario: who does what when, and what happens
// to the light and the camera. Rendering and ground truth both read it.
type scene struct {
	spec    Spec
	lay     *layout
	loc     *time.Location
	rng     *rand.Rand
	actors  []*actor // actors[0] is the patient
	risk    patientRisk
	lights  []lightKey
	tv      bool    // TV flickering
	curtain float64 // curtain sway amplitude (0 = still)
	// doorOpen lists the [from, to) times the door stands open.
	doorOpen [][2]float64
	cover    effect
	// coverColor is what covers the lens; coverFromRight is the side it
	// slides in from.
	coverColor     rgb
	coverFromRight bool
	blur           effect
	bump           effect
	bumpA          float64 // bump rotation (radians)
	bumpDX         float64 // bump shift, fraction of width
	bumpDY         float64 // bump shift, fraction of height
	noise          float64 // sensor noise standard deviation (levels)
	quality        int     // JPEG quality
	palette        palette
	tags           []string
}

type patientRisk struct {
	BedExit bool `yaml:"bed_exit_risk"`
	Fall    bool `yaml:"fall_risk"`
}

// inactivityAfter is the repositioning reminder configured in every
// generated room: short, so that inactivity scenarios stay short. Scenarios
// that keep the patient in bed move the patient well within it.
const inactivityAfter = 60 * time.Second

// seedFor mixes the spec seed with the kind and layout so that two specs
// sharing a seed still differ.
func seedFor(s Spec) (uint64, uint64) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", s.Kind, s.Layout)
	return uint64(s.Seed), h.Sum64()
}

// newScene scripts a normalised spec: the room, the people and their
// timelines, the light and the camera effects, all drawn from the seed.
func newScene(s Spec) (*scene, error) {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: time zone %q: %w", s.Name, s.TimeZone, err)
	}
	a, b := seedFor(s)
	rng := rand.New(rand.NewPCG(a, b))
	sc := &scene{
		spec: s, lay: layouts[s.Layout], loc: loc, rng: rng,
		risk:    patientRisk{BedExit: true, Fall: true},
		noise:   2.0,
		quality: 60 + rng.IntN(31),
		palette: newPalette(rng),
	}
	sc.actors = []*actor{newActor(rolePatient, rng)}
	sc.lights = []lightKey{{t: 0, gain: 0.95 + 0.1*rng.Float64()}}
	script, ok := scripts[s.Kind]
	if !ok {
		return nil, fmt.Errorf("scenario %s: no script for kind %q", s.Name, s.Kind)
	}
	script(sc)
	for _, a := range sc.actors {
		a.hold(sc.duration())
	}
	return sc, nil
}

func (sc *scene) duration() float64 { return sc.spec.Duration.Seconds() }
func (sc *scene) patient() *actor   { return sc.actors[0] }
func (sc *scene) uniform(lo, hi float64) float64 {
	return lo + (hi-lo)*sc.rng.Float64()
}
func (sc *scene) tag(t ...string) { sc.tags = append(sc.tags, t...) }

// setAmbient starts the scene in the given lighting.
func (sc *scene) setAmbient(a ambient) {
	switch a {
	case ambientDim:
		sc.lights[0] = lightKey{t: 0, gain: 0.38 + 0.08*sc.rng.Float64()}
		sc.noise = 4.5
		sc.tag("night", "dim")
	case ambientIR:
		sc.lights[0] = lightKey{t: 0, gain: 1, ir: true}
		sc.noise = 3.5
		sc.tag("night", "ir")
	}
}

// randomAmbient picks day, dim or IR lighting for scripts whose events do
// not depend on the light.
func (sc *scene) randomAmbient() {
	sc.setAmbient(ambient(sc.rng.IntN(3)))
}

// Bed geometry shared by the in-bed scripts.

// lying is the patient lying on their back in bed, head on the pillow. The
// body is sized on the bed as drawn at the 4:3 design aspect, so wider
// frames (which stretch the room, not people) keep it on the mattress.
func (sc *scene) lying() placement {
	l, w, h := sc.lay, float64(sc.spec.Width), float64(sc.spec.Height)
	head, foot := l.bedAxis()
	dx, dy := (head.X-foot.X)*w, (head.Y-foot.Y)*h
	body := 0.84 * math.Hypot((head.X-foot.X)*h*4/3, dy) // pixels
	// The head (0.905 body heights above the feet) rests on the pillow
	// centre, 9 % of the bed length in from the head end.
	n := math.Hypot(dx, dy)
	pillow := vec{(head.X + (foot.X-head.X)*0.09) * w, (head.Y + (foot.Y-head.Y)*0.09) * h}
	feet := pillow.sub(vec{dx / n, dy / n}.mul(0.905 * body))
	return placement{pose: poseStand, at: Point{feet.X / w, feet.Y / h}, height: body / h, angle: math.Atan2(dx, -dy), facing: 1, blanket: true}
}

// sittingUp is the patient sitting up in bed, rotated about the hips.
func (sc *scene) sittingUp() placement {
	ly := sc.lying()
	hip := ly.figure(0, sc.spec.Width, sc.spec.Height).j[jHip]
	head, foot := sc.lay.bedAxis()
	return placement{
		pose: poseSitBed, at: Point{hip.X / float64(sc.spec.Width), hip.Y / float64(sc.spec.Height)},
		height: ly.height, facing: dirSign(foot.X - head.X), blanket: true,
	}
}

// sittingOnEdge is the patient sitting on the front edge of the mattress,
// feet dangling over the bed side.
func (sc *scene) sittingOnEdge() placement {
	up := sc.sittingUp()
	l := sc.lay
	fl, fr := l.bed[3], l.bed[2]
	edgeY := fl.Y + (fr.Y-fl.Y)*(up.at.X-fl.X)/(fr.X-fl.X)
	height := l.personHeight(edgeY+0.1) * sc.patient().scale
	return placement{pose: poseSitEdge, at: Point{up.at.X, edgeY - 0.005 + 0.22*height}, height: height, facing: 1}
}

// besideBed is a standing placement on the floor just in front of the bed.
func (sc *scene) besideBed(a *actor, x float64) placement {
	y := sc.lay.bedBottom() + 0.05
	return placement{pose: poseStand, at: Point{x, y}, height: sc.lay.personHeight(y) * a.scale, facing: 1}
}

// floorMinY is the nearest-to-the-wall floor line people walk on without
// touching the bed zone or the restricted zone.
func (sc *scene) floorMinY() float64 {
	return max(sc.lay.bedBottom(), sc.lay.zoneFloor) + 0.05
}

// floorPoint is a random walkable floor point.
func (sc *scene) floorPoint(xlo, xhi float64) Point {
	return Point{sc.uniform(xlo, xhi), sc.uniform(sc.floorMinY(), 0.92)}
}

// doorPoint is where a person stands in the doorway.
func (sc *scene) doorPoint() Point {
	d := sc.lay.door
	return Point{(d.X0 + d.X1) / 2, d.Y1 + 0.01}
}

// enter brings a person into the room through the door at time t: the
// door opens a second before and closes behind them.
func (sc *scene) enter(a *actor, t float64) {
	door := sc.doorPoint()
	if len(a.keys) == 0 {
		a.to(0, placement{hidden: true}, easeLinear) // outside until t
	}
	a.to(t, placement{pose: poseStand, at: door, height: sc.lay.personHeight(door.Y) * a.scale, facing: 1}, easeLinear)
	sc.doorOpen = append(sc.doorOpen, [2]float64{t - 1, t + 1.5})
}

// leave walks a person out through the door, which opens as they reach it.
func (sc *scene) leave(a *actor) {
	t := a.walkTo(sc.lay, sc.doorPoint(), sc.spec.Width, sc.spec.Height)
	a.to(t+0.2, placement{hidden: true}, easeLinear)
	sc.doorOpen = append(sc.doorOpen, [2]float64{t - 1, t + 1.2})
}

// doorOpenAt reports whether the door stands open at time t.
func (sc *scene) doorOpenAt(t float64) bool {
	for _, iv := range sc.doorOpen {
		if t >= iv[0] && t < iv[1] {
			return true
		}
	}
	return false
}

// bedRest keeps the patient in bed from t0 to t1, moving every so often
// (a hand, a knee, the head) with gaps between minGap and maxGap seconds.
func (sc *scene) bedRest(t0, t1, minGap, maxGap float64) {
	p := sc.patient()
	ly := sc.lying()
	if len(p.keys) == 0 {
		p.to(t0, ly, easeLinear)
	}
	t := t0 + sc.uniform(1, minGap)
	for t+3.5 < t1 {
		v := sc.rng.IntN(3)
		hold := sc.uniform(0.4, 1.5)
		still := ly
		still.variant = v
		moved := still
		moved.fidget = 1
		p.to(t, still, easeLinear)
		p.to(t+0.8, moved, easeSmooth)
		p.to(t+0.8+hold, moved, easeLinear)
		p.to(t+1.6+hold, still, easeSmooth)
		t += 1.6 + hold + sc.uniform(minGap, maxGap)
	}
	p.to(t1, ly, easeLinear)
}

// bedExit scripts the patient getting out of bed at time t and walking to
// dst; it returns the time the patient arrives.
func (sc *scene) bedExit(t float64, dst Point) float64 {
	p := sc.patient()
	w, h := sc.spec.Width, sc.spec.Height
	up, edge := sc.sittingUp(), sc.sittingOnEdge()
	p.to(t, sc.lying(), easeLinear)
	t += sc.uniform(1.5, 2.5)
	p.to(t, up, easeSmooth)
	t += sc.uniform(1, 3)
	p.hold(t)
	t += sc.uniform(1.2, 2)
	p.to(t, edge, easeSmooth)
	t += sc.uniform(2, 4)
	p.hold(t)
	t += sc.uniform(0.6, 1.0)
	p.to(t, sc.besideBed(p, edge.at.X), easeSmooth)
	t += sc.uniform(0.8, 1.5)
	p.hold(t)
	return p.walkTo(sc.lay, dst, w, h)
}

// scripts holds the choreography of each kind.
var scripts = map[Kind]func(*scene){
	KindFall:              scriptFall,
	KindBedExit:           func(sc *scene) { scriptBedExit(sc, true) },
	KindBedExitFall:       scriptBedExitFall,
	KindBedExitReturn:     scriptBedExitReturn,
	KindBedExitNotAtRisk:  func(sc *scene) { scriptBedExit(sc, false) },
	KindRestrictedNight:   scriptRestricted,
	KindRestrictedDaytime: scriptRestricted,
	KindInactivity:        scriptInactivity,
	KindTamperCovered:     scriptCovered,
	KindTamperDefocused:   scriptDefocused,
	KindTamperMoved:       scriptMoved,
	KindBedActivity:       scriptBedActivity,
	KindWalkAndSit:        scriptWalkAndSit,
	KindVisitor:           scriptVisitor,
	KindStaffNight:        scriptStaffNight,
	KindLights:            scriptLights,
	KindIRSwitch:          scriptIRSwitch,
	KindTVFlicker:         func(sc *scene) { sc.tv = true; sc.tag("tv-flicker"); sc.bedRest(0, sc.duration(), 6, 20) },
	KindCurtain: func(sc *scene) {
		sc.curtain = sc.uniform(0.5, 1)
		sc.tag("curtain")
		sc.bedRest(0, sc.duration(), 6, 20)
	},
}

// scriptFall: the patient walks, stops or keeps walking, and falls towards
// the middle of the room; the body rotates from tall to wide in 0.5-1 s,
// the centroid drops, and the patient stays down until the end.
func scriptFall(sc *scene) {
	sc.randomAmbient()
	p := sc.patient()
	w, h := sc.spec.Width, sc.spec.Height
	start := sc.floorPoint(0.15, 0.85)
	p.to(0, placement{pose: poseStand, at: start, height: sc.lay.personHeight(start.Y) * p.scale, facing: 1}, easeLinear)
	p.hold(sc.uniform(1, 3))
	fallAt := sc.uniform(8, math.Min(15, sc.duration()-32))
	for p.lastTime() < fallAt-4 {
		dst := sc.floorPoint(0.2, 0.8)
		p.walkTo(sc.lay, dst, w, h)
	}
	sc.fall()
}

// fall stops the patient and drops them: the body rotates about the feet
// towards the middle of the room (so it stays in view) in 0.5-1 s,
// accelerating like a falling body, and lies on the floor until the end.
func (sc *scene) fall() {
	p := sc.patient()
	t := p.stand()
	if sc.rng.IntN(2) == 0 {
		t += sc.uniform(0.5, 2) // a moment of dizziness before the fall
		p.hold(t)
	}
	feet := p.last().at
	dir := dirSign(0.5 - feet.X)
	fallen := placement{pose: poseFallen, at: Point{feet.X, feet.Y + 0.01}, height: p.last().height, angle: dir * math.Pi / 2, facing: dir}
	p.to(t+sc.uniform(0.5, 1.0), fallen, easeAccel)
}

// scriptBedExitFall: an at-risk patient gets out of bed, takes a few steps
// and falls: a bed exit followed by a fall.
func scriptBedExitFall(sc *scene) {
	exitAt := sc.uniform(5, 9)
	sc.bedRest(0, exitAt, 3, 6)
	edge := sc.sittingOnEdge()
	dst := Point{min(0.8, max(0.2, edge.at.X+sc.uniform(-0.15, 0.15))), sc.uniform(sc.floorMinY()+0.02, 0.9)}
	sc.bedExit(exitAt, dst)
	sc.fall()
}

// scriptBedExit: the patient rests, then gets out of bed and walks towards
// the chair; atRisk sets the bed_exit_risk flag that makes it an event.
func scriptBedExit(sc *scene, atRisk bool) {
	sc.risk.BedExit = atRisk
	if sc.rng.IntN(3) == 0 {
		sc.setAmbient(ambientDim)
	}
	exitAt := sc.uniform(6, 12)
	sc.bedRest(0, exitAt, 3, 6)
	dst := Point{sc.lay.chair.X + sc.uniform(-0.1, 0.1), sc.uniform(sc.floorMinY()+0.03, 0.92)}
	sc.bedExit(exitAt, dst)
	sc.patient().stand()
}

// scriptBedExitReturn: an at-risk patient gets out of bed, walks to the
// window or the chair, comes back and lies down again: the bed-exit episode
// ends when the feet are back in the bed zone.
func scriptBedExitReturn(sc *scene) {
	p := sc.patient()
	w, h := sc.spec.Width, sc.spec.Height
	exitAt := sc.uniform(5, 9)
	sc.bedRest(0, exitAt, 3, 6)
	dst := sc.floorPoint(0.2, 0.8)
	sc.bedExit(exitAt, dst)
	p.hold(p.stand() + sc.uniform(3, 8))
	edge := sc.sittingOnEdge()
	p.walkTo(sc.lay, sc.besideBed(p, edge.at.X).at, w, h)
	t := p.stand() + sc.uniform(0.5, 1)
	p.hold(t)
	t += sc.uniform(0.8, 1.2)
	p.to(t, edge, easeSmooth)
	t += sc.uniform(1, 2)
	p.hold(t)
	t += sc.uniform(1.2, 2)
	p.to(t, sc.sittingUp(), easeSmooth)
	t += sc.uniform(1.5, 2.5)
	p.to(t, sc.lying(), easeSmooth)
	sc.bedRest(t, sc.duration(), 3, 6)
	sc.tag("back-to-bed")
}

// scriptRestricted: the patient walks into the restricted zone, stays a few
// seconds and walks out. Whether that is an intrusion depends on the clock.
func scriptRestricted(sc *scene) {
	if sc.spec.Kind == KindRestrictedNight {
		sc.randomAmbient()
	}
	sc.risk.BedExit = false
	p := sc.patient()
	w, h := sc.spec.Width, sc.spec.Height
	l := sc.lay
	cx := (l.cabinet.X0 + l.cabinet.X1) / 2
	start := sc.floorPoint(0.3, 0.7)
	p.to(0, placement{pose: poseStand, at: start, height: l.personHeight(start.Y) * p.scale, facing: 1}, easeLinear)
	p.hold(sc.uniform(2, 6))
	approach := Point{cx + sc.uniform(-0.03, 0.03), sc.floorMinY() + sc.uniform(0, 0.04)}
	p.walkTo(l, approach, w, h)
	inside := Point{cx + sc.uniform(-0.02, 0.02), l.zoneFloor - sc.uniform(0.03, 0.06)}
	p.walkTo(l, inside, w, h)
	t := p.stand()
	p.hold(t + sc.uniform(6, 12))
	p.walkTo(l, approach, w, h)
	p.walkTo(l, sc.floorPoint(0.3, 0.7), w, h)
	p.stand()
}

// scriptInactivity: the patient moves once early on, then lies still past
// inactivity.after, then moves again.
func scriptInactivity(sc *scene) {
	p := sc.patient()
	ly := sc.lying()
	p.to(0, ly, easeLinear)
	t := sc.uniform(2, 6)
	moved := ly
	moved.variant, moved.fidget = sc.rng.IntN(3), 1
	p.to(t, ly, easeLinear)
	p.to(t+0.8, moved, easeSmooth)
	p.to(t+sc.uniform(1.5, 2.5), moved, easeLinear) // and stays in the new position
	wake := sc.uniform(t+inactivityAfter.Seconds()+12, sc.duration()-6)
	p.to(wake, moved, easeLinear)
	p.to(wake+1.2, ly, easeSmooth)
	sc.bedRest(p.lastTime(), sc.duration(), 3, 6)
}

// tamperBackdrop is the ordinary activity seen before the camera is
// tampered with: the patient resting in bed or walking about.
func tamperBackdrop(sc *scene) {
	if sc.rng.IntN(2) == 0 {
		sc.bedRest(0, sc.duration(), 5, 15)
		return
	}
	sc.risk.BedExit = false
	p := sc.patient()
	start := sc.floorPoint(0.2, 0.8)
	p.to(0, placement{pose: poseStand, at: start, height: sc.lay.personHeight(start.Y) * p.scale, facing: 1}, easeLinear)
	for p.lastTime() < sc.duration()-5 {
		p.walkTo(sc.lay, sc.floorPoint(0.2, 0.8), sc.spec.Width, sc.spec.Height)
		p.hold(p.stand() + sc.uniform(1, 4))
	}
}

// scriptCovered: a hand or towel covers the lens, mostly removed later.
func scriptCovered(sc *scene) {
	tamperBackdrop(sc)
	t := sc.uniform(6, 12)
	off := -1.0
	if sc.rng.IntN(3) > 0 {
		off = t + sc.uniform(8, math.Max(9, sc.duration()-t-6))
	}
	sc.cover = effect{from: t, full: t + 0.4, off: off}
	// A hand over the lens is dark; a towel or paper lit by the room is
	// bright; either way the frame goes nearly uniform.
	covers := []rgb{{34, 27, 24}, {96, 70, 58}, {205, 203, 196}}
	sc.coverColor = covers[sc.rng.IntN(len(covers))]
	sc.coverFromRight = sc.rng.IntN(2) == 0
	sc.tag("covered")
}

// scriptDefocused: the lens goes strongly out of focus for good.
func scriptDefocused(sc *scene) {
	tamperBackdrop(sc)
	t := sc.uniform(6, 12)
	sc.blur = effect{from: t, full: t + 0.6, off: -1}
	sc.tag("defocused")
}

// scriptMoved: the camera is bumped; the view rotates and shifts for good.
func scriptMoved(sc *scene) {
	tamperBackdrop(sc)
	t := sc.uniform(6, 12)
	sc.bump = effect{from: t, full: t + 0.4, off: -1}
	sign := float64(1 - 2*sc.rng.IntN(2))
	sc.bumpA = sign * sc.uniform(3, 8) * math.Pi / 180
	sc.bumpDX = -sign * sc.uniform(0.08, 0.16)
	sc.bumpDY = sc.uniform(-0.1, 0.1)
	sc.tag("moved")
}

// scriptBedActivity: the patient fidgets, rolls, sits up for a while and
// lies back down, never leaving the bed.
func scriptBedActivity(sc *scene) {
	sc.randomAmbient()
	p := sc.patient()
	d := sc.duration()
	sitAt := sc.uniform(8, d/2)
	sc.bedRest(0, sitAt, 3, 8)
	t := sitAt + sc.uniform(1.5, 2.5)
	p.to(t, sc.sittingUp(), easeSmooth)
	t += sc.uniform(4, 9)
	p.hold(t)
	t += sc.uniform(1.5, 2.5)
	p.to(t, sc.lying(), easeSmooth)
	sc.bedRest(t, d, 3, 8)
	sc.tag("bed-movement")
}

// scriptWalkAndSit: the patient walks about and sits down quickly in the
// chair (a height drop that is not a fall), then gets up again.
func scriptWalkAndSit(sc *scene) {
	sc.risk.BedExit = false
	p := sc.patient()
	l := sc.lay
	w, h := sc.spec.Width, sc.spec.Height
	start := sc.floorPoint(0.2, 0.8)
	p.to(0, placement{pose: poseStand, at: start, height: l.personHeight(start.Y) * p.scale, facing: 1}, easeLinear)
	p.hold(sc.uniform(1, 3))
	p.walkTo(l, sc.floorPoint(0.2, 0.8), w, h)
	p.walkTo(l, Point{l.chair.X - l.chairDir*0.03, l.chair.Y + 0.01}, w, h)
	t := p.stand()
	sit := placement{pose: poseSitChair, at: Point{l.chair.X + l.chairDir*0.04, l.chair.Y}, height: l.personHeight(l.chair.Y) * p.scale, facing: l.chairDir}
	p.to(t+sc.uniform(0.6, 1.0), sit, easeSmooth)
	p.hold(p.lastTime() + sc.uniform(8, 14))
	up := sit
	up.pose = poseStand
	p.to(p.lastTime()+1.2, up, easeSmooth)
	p.walkTo(l, sc.floorPoint(0.2, 0.8), w, h)
	p.stand()
	sc.tag("sit-down")
}

// scriptVisitor: a visitor walks in through the door and sits in the chair
// while the patient rests in bed.
func scriptVisitor(sc *scene) {
	sc.bedRest(0, sc.duration(), 4, 14)
	v := newActor(roleVisitor, sc.rng)
	sc.actors = append(sc.actors, v)
	l := sc.lay
	w, h := sc.spec.Width, sc.spec.Height
	sc.enter(v, sc.uniform(2, 8))
	door := sc.doorPoint()
	v.walkTo(l, Point{door.X, sc.floorMinY() + 0.02}, w, h)
	v.walkTo(l, Point{l.chair.X - l.chairDir*0.03, l.chair.Y + 0.01}, w, h)
	t := v.stand()
	sit := placement{pose: poseSitChair, at: Point{l.chair.X + l.chairDir*0.04, l.chair.Y}, height: l.personHeight(l.chair.Y) * v.scale, facing: l.chairDir}
	v.to(t+sc.uniform(0.8, 1.4), sit, easeSmooth)
	sc.tag("visitor")
}

// scriptStaffNight: a nurse walks in at night, stands beside the bed for a
// check or walks across the room, and leaves, never entering the
// restricted zone.
func scriptStaffNight(sc *scene) {
	sc.setAmbient(ambient(1 + sc.rng.IntN(2)))
	sc.bedRest(0, sc.duration(), 4, 14)
	n := newActor(roleStaff, sc.rng)
	sc.actors = append(sc.actors, n)
	l := sc.lay
	w, h := sc.spec.Width, sc.spec.Height
	door := sc.doorPoint()
	sc.enter(n, sc.uniform(3, 8))
	n.walkTo(l, Point{door.X, sc.floorMinY() + 0.02}, w, h)
	if sc.rng.IntN(2) == 0 {
		// A round: check the patient from beside the bed.
		bed := sc.sittingUp().at.X
		n.walkTo(l, sc.besideBed(n, bed+sc.uniform(-0.05, 0.05)).at, w, h)
		sc.tag("bedside-check")
	} else {
		// Passing through: across the room and back.
		n.walkTo(l, sc.floorPoint(0.15, 0.85), w, h)
		sc.tag("walk-past")
	}
	t := n.stand()
	n.hold(t + sc.uniform(4, 10))
	n.walkTo(l, Point{door.X, sc.floorMinY() + 0.02}, w, h)
	sc.leave(n)
	sc.tag("staff")
}

// scriptLights: the room light goes off (a global brightness drop) and
// comes back on, possibly twice.
func scriptLights(sc *scene) {
	sc.bedRest(0, sc.duration(), 4, 14)
	t := sc.uniform(5, 10)
	on := sc.lights[0].gain
	for t+8 < sc.duration() {
		sc.lights = append(sc.lights, lightKey{t: t, gain: sc.uniform(0.25, 0.4)})
		t += sc.uniform(5, 12)
		sc.lights = append(sc.lights, lightKey{t: t, gain: on})
		t += sc.uniform(6, 14)
	}
	sc.noise = 3
	sc.tag("lights-off", "lights-on")
}

// scriptIRSwitch: the room darkens and the camera switches to infrared
// grayscale, and later back to colour when the light comes on.
func scriptIRSwitch(sc *scene) {
	sc.bedRest(0, sc.duration(), 4, 14)
	on := sc.lights[0].gain
	t := sc.uniform(4, 8)
	sc.lights = append(sc.lights, lightKey{t: t, gain: 0.3})
	t += sc.uniform(1, 3)
	sc.lights = append(sc.lights, lightKey{t: t, gain: 1, ir: true})
	if back := t + sc.uniform(10, 15); back+4 < sc.duration() {
		sc.lights = append(sc.lights, lightKey{t: back, gain: on})
	}
	sc.noise = 3.5
	sc.tag("lights-off", "ir")
}

// Auto exposure: cameras raise their gain in a dark room (up to
// maxExposureBoost) and adapt to a light change with time constant
// exposureTau, so a light switch is a jump followed by a drift back: a
// global change an engine must not take for motion.
const (
	maxExposureBoost = 1.35
	exposureTau      = 0.6 // seconds
)

// exposureTarget is the gain boost the camera settles at under light k.
func exposureTarget(k lightKey) float64 {
	if k.ir {
		return 1 // the IR illuminator lights the scene for the sensor
	}
	return min(maxExposureBoost, max(1, 0.75/k.gain))
}

// exposureAt returns the effective brightness gain (light times the camera's
// adapting boost) and whether the camera is in infrared mode at time t.
func (sc *scene) exposureAt(t float64) (float64, bool) {
	adapt := func(boost, target, dt float64) float64 {
		return target + (boost-target)*math.Exp(-dt/exposureTau)
	}
	cur := sc.lights[0]
	boost := exposureTarget(cur) // adapted before the first frame
	for _, k := range sc.lights[1:] {
		if k.t > t {
			break
		}
		boost = adapt(boost, exposureTarget(cur), k.t-cur.t)
		cur = k
	}
	return cur.gain * adapt(boost, exposureTarget(cur), t-cur.t), cur.ir
}
