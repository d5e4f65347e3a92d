// Package detection is the MediGuard video analysis engine: it turns a
// camera's JPEG frames into de-identified events (falls, bed exits,
// restricted-zone intrusions, inactivity, camera tamper). It is pure Go and
// shared by the Lambda handler and the local watch loop.
//
// Pipeline per frame: guarded decode -> luma at analysis resolution ->
// health/tamper measures -> background subtraction with lighting
// calibration and masks -> blobs -> tracks -> zones -> rule state machines.
// Frame timestamps drive all timing, and the whole per-camera state is small
// and serialisable (MarshalState / RestoreDetector) so a stateless function
// can carry it between invocations.
package detection

import (
	"fmt"
	"image"
	"time"

	"github.com/mediguard/mediguard/detection/imageguard"
)

// Frame is one camera image handed to the engine.
type Frame struct {
	CameraID  string
	Ref       string    // frame reference carried into events (file name, S3 key); never pixels
	Timestamp time.Time // capture time; drives ALL timing (never the wall clock)
	JPEG      []byte
}

// Candidate is what a rule is about to raise, offered to a Confirmer.
type Candidate struct {
	Type       EventType
	StartedAt  time.Time
	DetectedAt time.Time
	// Region is the person's bounding box in normalised coordinates
	// (clockwise from the top-left corner).
	Region Polygon
}

// Confirmer is the seam where a person or pose model can confirm a fall or
// bed-exit candidate before it becomes an event. The classical pipeline is
// complete without one. Confirm sees the frame that fired; returning false
// suppresses the episode. An error does not suppress it: for patient safety
// the classical decision stands and the error is counted in Stats.
type Confirmer interface {
	Confirm(f Frame, c Candidate) (bool, error)
}

// Stats counts what the detector did with its input.
type Stats struct {
	Frames          uint64 // frames analysed
	Duplicates      uint64 // dropped: same timestamp as the previous frame
	OutOfOrder      uint64 // dropped: older than the previous frame
	Calibrations    uint64 // global light changes absorbed
	ConfirmerErrors uint64 // confirmer failures (classical decision kept)
}

// Detector analyses the frames of one camera. It is not safe for concurrent
// use; run one per camera.
type Detector struct {
	cfg       CameraConfig
	th        Thresholds
	limits    imageguard.Limits
	confirmer Confirmer

	// Per-camera geometry at the current analysis resolution.
	masked       []bool // analysis cells ignored for motion
	thumbMask    []bool // thumbnail cells counted for activity
	unmasked     int
	bedZones     []int // indexes into cfg.Zones
	floorZones   []int
	restricted   []int
	activityZone int // index into cfg.Zones, -1 = whole room

	st state
	bg []uint16

	// Scratch buffers reused across frames.
	luma           lumaGrid
	sums           []uint32
	fg             []uint8
	thumb          []uint8
	blobs          blobFinder
	scratchUsed    []bool
	scratchMatched []bool
}

// NewDetector returns a detector for a validated configuration (from
// ParseCameraConfig or LoadCameraConfig).
func NewDetector(cfg CameraConfig) (*Detector, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("new detector: camera config: %w", err)
	}
	d := &Detector{cfg: cfg, th: cfg.Thresholds, limits: imageguard.DefaultLimits(), activityZone: -1,
		thumb: make([]uint8, thumbW*thumbH)}
	for i, z := range cfg.Zones {
		switch z.Kind {
		case ZoneBed:
			d.bedZones = append(d.bedZones, i)
		case ZoneRestricted:
			d.restricted = append(d.restricted, i)
		case ZoneFloor:
			d.floorZones = append(d.floorZones, i)
		}
		if cfg.Inactivity != nil && cfg.Inactivity.Zone == z.Name {
			d.activityZone = i
		}
	}
	d.st.Zones = make([]episode, len(cfg.Zones))
	d.thumbMask = d.activityCells()
	return d, nil
}

// SetConfirmer installs a second-stage confirmer for fall and bed-exit
// candidates; nil removes it.
func (d *Detector) SetConfirmer(c Confirmer) { d.confirmer = c }

// SetLimits replaces the decode limits (imageguard.DefaultLimits by default).
func (d *Detector) SetLimits(l imageguard.Limits) { d.limits = l }

// Stats reports counters since the detector's state began.
func (d *Detector) Stats() Stats { return d.st.Stats }

// Config returns the camera configuration the detector runs with.
func (d *Detector) Config() CameraConfig { return d.cfg }

// Process analyses one frame and returns the events it completes (usually
// none). A frame that is not newer than the previous one is dropped and
// counted, without error. A frame the decode guard refuses returns an error
// and leaves the detector state exactly as it was.
func (d *Detector) Process(f Frame) ([]Event, error) {
	now := f.Timestamp.UnixNano()
	if d.st.Stats.Frames > 0 {
		switch {
		case now == d.st.LastTS:
			d.st.Stats.Duplicates++
			return nil, nil
		case now < d.st.LastTS:
			d.st.Stats.OutOfOrder++
			return nil, nil
		}
	}
	img, err := imageguard.Decode(f.JPEG, d.limits)
	if err != nil {
		return nil, fmt.Errorf("decode frame %s: %w", f.Ref, err)
	}
	return d.analyse(img, f, now), nil
}

// analyse runs the pipeline on a decoded frame.
func (d *Detector) analyse(img image.Image, f Frame, now int64) []Event {
	st := &d.st
	dt := 0.0
	if st.Stats.Frames > 0 {
		dt = float64(now-st.LastTS) / 1e9
	}
	extractLuma(img, &d.luma, &d.sums)
	mono := monochrome(chromaLevel(img), st.Monochrome)
	first := st.Stats.Frames == 0 || d.luma.W != st.W || d.luma.H != st.H
	modeSwitch := !first && mono != st.Monochrome
	st.Monochrome = mono
	if first {
		d.startView(now)
	} else if len(d.masked) != d.luma.W*d.luma.H {
		d.prepareGeometry()
	}
	st.Stats.Frames++
	st.LastTS = now
	thumbnail(&d.luma, d.thumb)
	health := measureHealth(&d.luma)

	var events []Event
	emit := func(e *Event) {
		if e != nil {
			events = append(events, *e)
		}
	}
	tampered := d.checkTamper(health, f, now, emit)

	// Background subtraction and the global light-change calibration.
	n := len(d.luma.Pix)
	if cap(d.fg) < n {
		d.fg = make([]uint8, n)
	}
	fg := d.fg[:n]
	changed := foreground(d.luma.Pix, d.bg, d.masked, int32(d.th.MotionDiff), fg)
	frac := float64(changed) / float64(max(1, d.unmasked))
	switch {
	case tampered:
		// The view is not the room: keep following it quickly so the
		// background is ready when the camera is restored.
		blendBackground(d.luma.Pix, d.bg, fg, blendRate(dt, calibrationTau), blendRate(dt, calibrationTau))
		st.Tracks = st.Tracks[:0]
		st.Calibrating = true
		st.CalibSince = now
	case st.Calibrating:
		blendBackground(d.luma.Pix, d.bg, fg, blendRate(dt, calibrationTau), blendRate(dt, calibrationTau))
		if frac < calibrationDone || now-st.CalibSince > calibrationMax {
			if frac >= calibrationDone {
				resetBackground(d.luma.Pix, d.bg)
			}
			st.Calibrating = false
		}
	case frac > d.th.LightChange || modeSwitch:
		// A global light change, or the camera switching between colour
		// and infrared: the illuminator lights the room differently, so
		// the background is re-learnt and the tracks (with their zone and
		// rule timers) start afresh, even where little of the view
		// changed (the corners the illuminator leaves dark).
		st.Calibrating = true
		st.CalibSince = now
		st.Stats.Calibrations++
		st.Tracks = st.Tracks[:0]
		blendBackground(d.luma.Pix, d.bg, fg, blendRate(dt, calibrationTau), blendRate(dt, calibrationTau))
	default:
		blobs := d.blobs.find(fg, d.luma.Pix, d.bg, d.luma.W, d.luma.H,
			int(d.th.MinBlobArea*float64(n)), int(d.th.MaxBlobArea*float64(n)), 3)
		d.associate(blobs, now, d.trackBorn)
		blendBackground(d.luma.Pix, d.bg, fg, blendRate(dt, bgTau), blendRate(dt, fgTau))
		d.updateActivity(now)
		emit(d.ruleFall(f, now))
		emit(d.ruleBedExit(f, now))
		d.ruleZones(f, now, emit)
	}
	copy(st.Prev, d.thumb)
	if tampered || st.Calibrating {
		// Light changes and tamper hide the patient: the inactivity clock
		// restarts rather than counting time nobody could observe.
		st.LastActivity = now
	}
	emit(d.ruleInactivity(f, now))
	return events
}

// monochrome reports whether a frame with the given chroma level
// (chromaLevel) comes from a camera in a monochrome (infrared) mode. The
// two thresholds give hysteresis, so a dim colour scene near the lower one
// does not flip the mode (and re-learn the background) frame after frame.
func monochrome(chroma float64, wasMonochrome bool) bool {
	const (
		enterMono = 1.0 // grey levels of chroma: below this the frame has no colour
		leaveMono = 3.0 // above this colour is back
	)
	if wasMonochrome {
		return chroma < leaveMono
	}
	return chroma < enterMono
}

// Calibration ends once less than calibrationDone of the view differs from
// the re-learnt background, or after calibrationMax at the latest.
const (
	calibrationDone = 0.03
	calibrationMax  = 5 * int64(time.Second)
)

// startView (re)initialises the models from the current frame: on the first
// frame and whenever the frame size changes.
func (d *Detector) startView(now int64) {
	st := &d.st
	st.W, st.H = d.luma.W, d.luma.H
	d.bg = make([]uint16, st.W*st.H)
	resetBackground(d.luma.Pix, d.bg)
	st.Ref = make([]uint8, thumbW*thumbH)
	st.Prev = make([]uint8, thumbW*thumbH)
	thumbnail(&d.luma, st.Ref)
	copy(st.Prev, st.Ref)
	st.Tracks = st.Tracks[:0]
	st.Calibrating = false
	st.SharpBase, st.SharpFrames = 0, 0
	st.LastActivity = now
	d.prepareGeometry()
}

// prepareGeometry rasterises the masks at the analysis resolution.
func (d *Detector) prepareGeometry() {
	d.masked = rasterize(d.cfg.Masks, d.st.W, d.st.H)
	d.unmasked = 0
	for _, m := range d.masked {
		if !m {
			d.unmasked++
		}
	}
}

// activityCells marks the thumbnail cells that count for inactivity: the
// inactivity zone (or the whole view) minus the masks.
func (d *Detector) activityCells() []bool {
	cells := make([]bool, thumbW*thumbH)
	masked := rasterize(d.cfg.Masks, thumbW, thumbH)
	var zone []bool
	if d.activityZone >= 0 {
		zone = rasterize([]Polygon{d.cfg.Zones[d.activityZone].Polygon}, thumbW, thumbH)
	}
	for i := range cells {
		cells[i] = !masked[i] && (zone == nil || zone[i])
	}
	return cells
}

// updateActivity notes motion in the activity area: thumbnail cells whose
// luma changed since the previous frame.
func (d *Detector) updateActivity(now int64) {
	const cellChange = 3 // grey levels; a thumbnail cell averages ~25 analysis cells, so noise stays well below
	const minCells = 1
	moving := 0
	for i, c := range d.thumb {
		if d.thumbMask[i] && absDiff(c, d.st.Prev[i]) > cellChange {
			moving++
		}
	}
	if moving >= minCells {
		d.st.LastActivity = now
	}
}

// onFloor reports whether a foot point can be where someone stands: inside
// a floor zone, or anywhere when none is configured. A fragment such as the
// head of a patient sitting up in bed has its "foot" on the wall above the
// bed, which must not count as having left the bed.
func (d *Detector) onFloor(x, y float64) bool {
	return len(d.floorZones) == 0 || d.inZones(d.floorZones, x, y)
}

// normBox converts analysis cells to a normalised polygon.
func (d *Detector) normBox(b box) Polygon {
	w, h := float64(d.st.W), float64(d.st.H)
	x0, y0, x1, y1 := float64(b.X0)/w, float64(b.Y0)/h, float64(b.X1)/w, float64(b.Y1)/h
	return Polygon{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

// foot is the normalised bottom centre (the centre of the lowest row of
// cells) of a track's latest box: where a
// standing person touches the floor, the point zones are tested against
// (as Frigate does), so perspective does not put someone in a zone they are
// merely in front of.
func (d *Detector) foot(t *track) (float64, float64) {
	s := t.last()
	return float64(s.CX) / float64(d.st.W), float64(s.CY+s.H/2-0.5) / float64(d.st.H)
}
