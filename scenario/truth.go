package scenario

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/mediguard/mediguard/detection"
)

// Truth is the ground truth of one rendered scenario (truth.json).
type Truth struct {
	Name   string        `json:"name"`
	Kind   Kind          `json:"kind"`
	Seed   int64         `json:"seed"`
	Layout string        `json:"layout"`
	FPS    int           `json:"fps"`
	Width  int           `json:"width"`
	Height int           `json:"height"`
	Start  time.Time     `json:"start"`
	Frames int           `json:"frames"`
	Benign bool          `json:"benign"`
	Events []TruthEvent  `json:"events"`
	Tags   []string      `json:"tags"`
	Camera []byte        `json:"-"` // camera.yaml matching the layout
	Boxes  [][]PersonBox `json:"-"` // per frame, the people in view (for tests and debugging)
}

// TruthEvent is one episode a perfect engine raises: Start is the first
// frame at which the condition holds, End the first frame at which it no
// longer does (or the end of the video).
type TruthEvent struct {
	Type   detection.EventType `json:"type"`
	Reason string              `json:"reason"`
	Start  time.Time           `json:"start"`
	End    time.Time           `json:"end"`
}

// PersonBox is where one person is drawn in a frame, normalised (0..1).
type PersonBox struct {
	Patient        bool    // the patient (not a visitor or staff)
	X0, Y0, X1, Y1 float64 // bounding box
	Fallen         bool    // lying on the floor after a fall
}

// Foot is the bottom centre of the box: the point zones are tested against.
func (b PersonBox) Foot() Point { return Point{(b.X0 + b.X1) / 2, b.Y1} }

// CameraConfigYAML returns the camera.yaml that matches the rendered room.
func (t Truth) CameraConfigYAML() []byte { return slices.Clone(t.Camera) }

// FrameTime is the capture time of frame i (1-based): start + (i-1)/fps.
func FrameTime(start time.Time, fps, i int) time.Time {
	return start.Add(time.Duration(i-1) * time.Second / time.Duration(fps))
}

// episodeKey identifies a kind of episode: an event type and its reason.
type episodeKey struct {
	typ    detection.EventType
	reason string
}

// truthTracker turns per-frame conditions into episodes.
type truthTracker struct {
	sc       *scene
	open     map[episodeKey]time.Time
	events   []TruthEvent
	wasInBed bool
	prev     []actorState
	still    []figure  // per actor, the posture at its last counted movement
	moved    time.Time // last frame with motion in the bed zone
	bedZone  []Point
	zone     []Point
	bedBox   box
}

// newTruthTracker prepares the zone geometry the conditions are tested on.
func newTruthTracker(sc *scene) *truthTracker {
	tr := &truthTracker{sc: sc, open: map[episodeKey]time.Time{}, bedZone: sc.lay.bedZone(), zone: sc.lay.restrictedZone(), still: make([]figure, len(sc.actors))}
	w, h := float64(sc.spec.Width), float64(sc.spec.Height)
	tr.bedBox = box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range tr.bedZone {
		tr.bedBox.X0, tr.bedBox.Y0 = math.Min(tr.bedBox.X0, p.X*w), math.Min(tr.bedBox.Y0, p.Y*h)
		tr.bedBox.X1, tr.bedBox.Y1 = math.Max(tr.bedBox.X1, p.X*w), math.Max(tr.bedBox.Y1, p.Y*h)
	}
	return tr
}

// observe evaluates every condition on frame i (at video time t) and
// returns the people in view.
func (tr *truthTracker) observe(i int, ts time.Time, t float64, states []actorState) []PersonBox {
	sc := tr.sc
	w, h := sc.spec.Width, sc.spec.Height
	var active []episodeKey
	boxes := make([]PersonBox, 0, len(states))
	motion := i == 1
	schedule := scheduleActive(ts.In(sc.loc).Hour()*60 + ts.In(sc.loc).Minute())
	var patientFoot Point
	patientVisible := false
	for k, st := range states {
		if tr.prev != nil && tr.prev[k].visible != st.visible {
			motion = true
		}
		if !st.visible {
			continue
		}
		a := sc.actors[k]
		b := st.fig.box(a.clothes)
		foot := b.foot(w, h)
		pb := PersonBox{Patient: a.role == rolePatient, X0: b.X0 / float64(w), Y0: b.Y0 / float64(h), X1: b.X1 / float64(w), Y1: b.Y1 / float64(h), Fallen: st.pose == poseFallen}
		boxes = append(boxes, pb)
		// Movement is measured from the posture at the last counted
		// movement, so slow motion at a high frame rate adds up.
		if tr.prev == nil || !tr.prev[k].visible {
			tr.still[k] = st.fig
		} else if moved(tr.still[k], st.fig) {
			tr.still[k] = st.fig
			if overlaps(b, tr.bedBox) {
				motion = true
			}
		}
		if st.pose == poseFallen {
			active = append(active, episodeKey{detection.EventFall, ""})
		}
		if schedule && pointInPolygon(foot, tr.zone) {
			active = append(active, episodeKey{detection.EventZoneIntrusion, sc.lay.zoneName})
		}
		if a.role == rolePatient {
			patientFoot, patientVisible = foot, true
		}
	}
	if motion {
		tr.moved = ts
	}
	if patientVisible {
		inBed := pointInPolygon(patientFoot, tr.bedZone)
		if inBed {
			tr.wasInBed = true
		} else if tr.wasInBed && sc.risk.BedExit {
			active = append(active, episodeKey{detection.EventBedExit, ""})
		}
		if inBed && ts.Sub(tr.moved) >= inactivityAfter {
			active = append(active, episodeKey{detection.EventInactivity, zoneBed})
		}
	}
	if sc.cover.complete(t) {
		active = append(active, episodeKey{detection.EventCameraTamper, "covered"})
	}
	if sc.blur.complete(t) {
		active = append(active, episodeKey{detection.EventCameraTamper, "defocused"})
	}
	if sc.bump.complete(t) {
		active = append(active, episodeKey{detection.EventCameraTamper, "moved"})
	}
	tr.step(ts, active)
	tr.prev = states
	return boxes
}

// step opens episodes whose condition starts holding and closes those whose
// condition stopped.
func (tr *truthTracker) step(ts time.Time, active []episodeKey) {
	for _, k := range active {
		if _, ok := tr.open[k]; !ok {
			tr.open[k] = ts
		}
	}
	for k, start := range tr.open {
		if !slices.Contains(active, k) {
			tr.events = append(tr.events, TruthEvent{Type: k.typ, Reason: k.reason, Start: start, End: ts})
			delete(tr.open, k)
		}
	}
}

// finish closes the episodes still open at the end of the video.
func (tr *truthTracker) finish(end time.Time) []TruthEvent {
	tr.step(end, nil)
	slices.SortFunc(tr.events, func(a, b TruthEvent) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Reason, b.Reason))
	})
	if tr.events == nil {
		return []TruthEvent{}
	}
	return tr.events
}

// moved reports whether any joint moved by a pixel or more: visible motion.
// The last frames of an eased movement can shift a limb by a fraction of a
// pixel, which no camera shows.
func moved(a, b figure) bool {
	for i := range a.j {
		d := a.j[i].sub(b.j[i])
		if d.X*d.X+d.Y*d.Y >= 1 {
			return true
		}
	}
	return a.blanket != b.blanket
}

func overlaps(a, b box) bool {
	return a.X0 < b.X1 && b.X0 < a.X1 && a.Y0 < b.Y1 && b.Y0 < a.Y1
}
