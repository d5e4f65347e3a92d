package detection

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Rule constants that are properties of the method rather than per-camera
// tuning.
const (
	fallTall       = 1.15 // height/width of an upright person
	fallWide       = 0.9  // height/width of a person on the floor
	fallDrop       = 0.2  // centre drop, as a fraction of the upright height
	fallLength     = 0.5  // a body on the floor is at least this fraction of its upright height long
	fallSpread     = 1    // cells: a body on the floor reaches further than this beyond a side of its upright box
	fallWindow     = 3 * int64(time.Second)
	bedLyingAspect = 1.3                            // lying or sitting in bed, not standing beside it
	uprightAspect  = 1.0                            // standing or walking, possibly merged with the bed's ghost
	bedMargin      = 0.02                           // feet this close to a bed zone's outline are not yet out of bed
	bedReturn      = 1 * int64(time.Second)         // back in bed this long ends the out-of-bed state
	bedRearm       = 5 * int64(time.Second)         // lying in bed this long makes a track the patient
	bedBornConfirm = 1500 * int64(time.Millisecond) // the same for a track that appeared in the bed
	// inactivityMargin is added to inactivity.after before the reminder
	// fires: the last movements before stillness can be too small for the
	// camera to resolve, so observed stillness starts slightly early.
	inactivityMargin = 2 * int64(time.Second)
	splitMemory      = 2 * int64(time.Second) // how far back a split from the patient's track is recognised
	splitGap         = 4                      // cells between a new blob and the patient's recent box
	ruleRelease      = 3 * int64(time.Second) // condition must be gone this long to end an episode
	tamperRelease    = 2 * int64(time.Second)
	movedCorr        = 0.72 // thumbnail correlation below which the view may have moved
	refFollowCorr    = 0.85 // correlation above which the reference view follows slow drift
	coveredStd       = 5.0  // grey levels: a lens covered by a hand, cloth or tape
	coveredBand      = 0.92 // fraction of the view within one 32-level band
	defocusRatio     = 0.45 // sharpness below this fraction of the baseline is defocus
	sharpWarmup      = 10   // frames before the sharpness baseline is trusted
)

// Tamper reasons, the fixed vocabulary of camera_tamper events.
const (
	ReasonCovered   = "covered"
	ReasonDefocused = "defocused"
	ReasonMoved     = "moved"
)

var tamperReasons = [3]string{ReasonCovered, ReasonDefocused, ReasonMoved}

// episode is the state machine every rule shares: an episode opens (and
// fires once) when its condition has held long enough, stays open while the
// condition keeps holding, closes after the condition has been gone for the
// release time, and may not fire again until the cooldown after it closed
// has passed (a recurrence inside the cooldown silently reopens it).
type episode struct {
	Active        bool
	LastTrue      int64
	CooldownUntil int64
}

// update advances the episode; it reports true exactly when a new episode
// opens. holding: the condition holds now; ready: it has held long enough.
func (e *episode) update(now int64, holding, ready bool, release, cooldown int64) bool {
	if e.Active {
		if holding {
			e.LastTrue = now
		} else if now-e.LastTrue >= release {
			e.Active = false
			e.CooldownUntil = e.LastTrue + cooldown
		}
		return false
	}
	if !ready {
		return false
	}
	e.Active, e.LastTrue = true, now
	return now >= e.CooldownUntil
}

// EpisodeID derives the identifier of an episode from the camera, the event
// type, the reason and the episode start, so a replay of the same footage
// yields the same identifiers (which makes alerting idempotent).
func EpisodeID(cameraID string, t EventType, reason string, start time.Time) string {
	h := sha256.New()
	for _, part := range []string{cameraID, string(t), reason, strconv.FormatInt(start.UnixNano(), 10)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// newEvent builds a de-identified event.
func (d *Detector) newEvent(t EventType, reason string, sev Severity, conf float64, start, now int64, ref string) *Event {
	st := time.Unix(0, start).UTC()
	return &Event{
		EpisodeID:  EpisodeID(d.cfg.CameraID, t, reason, st),
		CameraID:   d.cfg.CameraID,
		Ward:       d.cfg.Ward,
		Room:       d.cfg.Room,
		Type:       t,
		Reason:     reason,
		Severity:   sev,
		Confidence: clamp(conf, 0.05, 0.99),
		StartedAt:  st,
		DetectedAt: time.Unix(0, now).UTC(),
		FrameRef:   ref,
	}
}

// OfflineEvent builds the camera_offline event for a camera whose last frame
// arrived at lastFrame and that is still silent at now. The caller owns the
// clock of frame arrival and decides when cfg.OfflineAfter has passed; the
// episode starts at lastFrame + OfflineAfter, so repeated checks during one
// outage produce the same episode id.
func OfflineEvent(cfg CameraConfig, lastFrame time.Time, now time.Time, ref string) Event {
	after := cfg.OfflineAfter.Std()
	if after <= 0 {
		after = DefaultOfflineAfter
	}
	start := lastFrame.Add(after).UTC()
	return Event{
		EpisodeID:  EpisodeID(cfg.CameraID, EventCameraOffline, "", start),
		CameraID:   cfg.CameraID,
		Ward:       cfg.Ward,
		Room:       cfg.Room,
		Type:       EventCameraOffline,
		Severity:   SeverityMedium,
		Confidence: 0.99,
		StartedAt:  start,
		DetectedAt: now.UTC(),
		FrameRef:   ref,
	}
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }

// inZones reports whether the normalised point lies in any of the zones.
func (d *Detector) inZones(zones []int, x, y float64) bool {
	for _, zi := range zones {
		if d.cfg.Zones[zi].Polygon.contains(x, y) {
			return true
		}
	}
	return false
}

// nearZones reports whether the normalised point lies within margin of the
// outline of any of the zones.
func (d *Detector) nearZones(zones []int, x, y, margin float64) bool {
	for _, zi := range zones {
		if d.cfg.Zones[zi].Polygon.distance(x, y) < margin {
			return true
		}
	}
	return false
}

// checkTamper evaluates the covered, defocused and moved conditions, raises
// their events and reports whether the view is currently unusable for
// motion analysis.
func (d *Detector) checkTamper(h frameHealth, f Frame, now int64, emit func(*Event)) bool {
	st := &d.st
	th := d.th
	// A blurred view still correlates with the reference (its coarse
	// layout survives); a lens covered by a hand or cloth loses the edges
	// and the layout together.
	corr := correlation(d.thumb, st.Ref)
	blurred := st.SharpFrames >= sharpWarmup && h.Sharpness < defocusRatio*st.SharpBase
	covered := h.Std < coveredStd || h.Dominant > coveredBand || (blurred && corr < movedCorr)
	defocused := !covered && blurred
	moved := !covered && !defocused && corr < movedCorr
	conds := [3]bool{covered, defocused, moved}
	confidence := [3]float64{
		1 - h.Std/(4*coveredStd),
		1 - h.Sharpness/max(st.SharpBase, 1e-9),
		1 - corr,
	}
	for i, c := range conds {
		if !c {
			st.TamperSince[i] = 0
		} else if st.TamperSince[i] == 0 {
			st.TamperSince[i] = now
		}
		after := int64(th.TamperAfter)
		if i == 2 {
			after = int64(th.MovedAfter)
		}
		ready := c && now-st.TamperSince[i] >= after
		if st.Tamper[i].update(now, c, ready, tamperRelease, int64(th.Cooldown)) {
			emit(d.newEvent(EventCameraTamper, tamperReasons[i], SeverityHigh, 0.5+0.5*confidence[i], st.TamperSince[i], now, f.Ref))
		}
	}
	if moved && st.Tamper[2].Active {
		// The new view is the room from now on: adopt it as the reference
		// and re-learn the background.
		copy(st.Ref, d.thumb)
		st.TamperSince[2] = 0
		return true
	}
	if !covered && !defocused && !moved && !st.Calibrating {
		if st.SharpFrames < sharpWarmup {
			st.SharpBase = (st.SharpBase*float64(st.SharpFrames) + h.Sharpness) / float64(st.SharpFrames+1)
			st.SharpFrames++
		} else {
			st.SharpBase += (h.Sharpness - st.SharpBase) * 0.01
		}
		if corr > refFollowCorr {
			for i, v := range d.thumb {
				st.Ref[i] = uint8((int(st.Ref[i])*15 + int(v) + 8) / 16)
			}
		}
	}
	return covered || defocused
}

// ruleFall looks for a track that went from upright to lying with its centre
// dropping, and then stayed low and still for FallStill.
func (d *Detector) ruleFall(f Frame, now int64) *Event {
	st := &d.st
	holding, ready := false, false
	var start int64
	var cand *track
	for i := range st.Tracks {
		t := &st.Tracks[i]
		s := t.last()
		cx, cy := d.foot(t)
		// A person on the floor has their feet on the floor, outside the
		// bed; a fragment of a patient moving in bed (a head against the
		// headboard) does not.
		onFloor := d.onFloor(cx, cy) && !d.inZones(d.bedZones, cx, cy)
		switch {
		case t.FallStart != 0 && (s.aspect() >= fallTall || !onFloor):
			t.FallStart = 0 // got up, or lay down in bed
		case t.FallStart == 0 && t.LastSeen == now && onFloor && s.aspect() <= fallWide:
			t.FallStart = fallImpact(t, now)
		}
		if t.FallStart == 0 {
			continue
		}
		holding = true
		if t.LastSeen == now && now-max(t.FallStart, t.StillSince) >= int64(d.th.FallStill) && (cand == nil || t.FallStart < start) {
			ready, start, cand = true, t.FallStart, t
		}
	}
	if !st.Fall.update(now, holding, ready, ruleRelease, int64(d.th.Cooldown)) {
		return nil
	}
	s := cand.last()
	if !d.confirm(f, EventFall, start, now, cand.Box) {
		return nil
	}
	return d.newEvent(EventFall, "", SeverityCritical, 1.2-0.5*float64(s.aspect()), start, now, f.Ref)
}

// fallImpact returns the time of the fall's impact if the track's recent
// history shows an upright posture followed by a centre drop into a shape
// long enough to be the same body lying down (a leftover fragment is not),
// or 0. A body that falls ends up reaching sideways beyond the box it stood
// in; a shape that stays within it is what remains when part of a blob
// leaves (feet left behind, the ghost of someone who stood still while the
// background was re-learnt, once they walk away), not a fall.
func fallImpact(t *track, now int64) int64 {
	s := t.last()
	for j := len(t.Hist) - 2; j >= 0; j-- {
		p := t.Hist[j]
		if now-p.T > fallWindow {
			break
		}
		if p.aspect() >= fallTall && s.CY-p.CY >= fallDrop*p.H && s.W >= fallLength*p.H && !s.within(p, fallSpread) {
			for k := j + 1; k < len(t.Hist); k++ {
				if t.Hist[k].aspect() < 1 {
					return t.Hist[k].T
				}
			}
			return now
		}
	}
	return 0
}

// trackBorn links a new track to the track it split from, if any, and
// starts the patient's confirmation. A split is recognised against the recent boxes of the
// other tracks, not just their latest ones: when the patient stands up or
// falls beside the ghost of their lying body, the old track often stays on
// the ghost and the patient reappears as a new blob next to where the merged
// blob was a moment ago. The new track inherits the parent's history (so a
// fall that began upright in the parent is still seen) and its bed origin.
// A track that starts lying or sitting in the bed becomes the patient after
// a short dwell; someone walking across the bed zone is upright and does not
// qualify.
func (d *Detector) trackBorn(t *track, now int64) {
	var parent *track
	var seen int64
	for i := range d.st.Tracks {
		p := &d.st.Tracks[i]
		if p.ID == t.ID {
			continue
		}
		for _, s := range p.Hist {
			if now-s.T <= splitMemory && s.T > seen && s.box().near(t.Box, splitGap) {
				parent, seen = p, s.T
			}
		}
	}
	if parent != nil {
		own := t.Hist[0]
		keep := parent.Hist[max(0, len(parent.Hist)-(histLen-1)):]
		t.Hist = append(append(t.Hist[:0], keep...), own)
		t.BedOrigin = parent.BedOrigin
		t.OutOfBedSince = parent.OutOfBedSince
	}
	fx, fy := d.foot(t)
	if d.inZones(d.bedZones, fx, fy) && t.last().aspect() < bedLyingAspect {
		// Lying or sitting in bed from birth: the patient once confirmed
		// by bedBornConfirm of dwelling there (see ruleBedExit), so a
		// fragment of someone passing in front of the bed does not count.
		t.BedDwellSince = now
	}
}

// ruleBedExit raises bed_exit when the patient's track has been outside
// every bed zone for BedExitAfter. Only for patients flagged at risk.
func (d *Detector) ruleBedExit(f Frame, now int64) *Event {
	if !d.cfg.Patient.BedExitRisk || len(d.bedZones) == 0 {
		return nil
	}
	st := &d.st
	holding, ready := false, false
	var start int64
	var cand *track
	for i := range st.Tracks {
		t := &st.Tracks[i]
		if t.LastSeen == now {
			s := t.last()
			cx, cy := d.foot(t)
			in := d.inZones(d.bedZones, cx, cy)
			if in && s.aspect() < bedLyingAspect {
				if t.BedDwellSince == 0 {
					t.BedDwellSince = now
				}
				dwell := bedRearm
				if t.BedDwellSince == t.FirstSeen {
					dwell = bedBornConfirm
				}
				if now-t.BedDwellSince >= dwell {
					t.BedOrigin = true
				}
			} else {
				t.BedDwellSince = 0
			}
			// Out of bed: at least as tall as wide, with the feet on the
			// floor clearly outside every bed zone. Fragments of a patient
			// moving in bed (a head above the pillow, an arm over the edge)
			// fail one of the three. Leaving the out-of-bed state needs
			// bedReturn of being back (hysteresis): feet hidden for a
			// moment by the bed's side panel do not restart the clock.
			switch {
			case !t.BedOrigin:
			case in || !d.onFloor(cx, cy) || d.nearZones(d.bedZones, cx, cy, bedMargin):
				if t.OutOfBedSince != 0 && t.InBedSince == 0 {
					t.InBedSince = now
				}
				if t.InBedSince != 0 && now-t.InBedSince >= bedReturn {
					t.OutOfBedSince, t.InBedSince = 0, 0
				}
			case s.aspect() >= uprightAspect:
				t.InBedSince = 0
				if t.OutOfBedSince == 0 {
					t.OutOfBedSince = now
				}
			}
		}
		if !t.BedOrigin || t.OutOfBedSince == 0 {
			continue
		}
		holding = true
		if t.LastSeen == now && t.InBedSince == 0 && now-t.OutOfBedSince >= int64(d.th.BedExitAfter) && (cand == nil || t.OutOfBedSince < start) {
			ready, start, cand = true, t.OutOfBedSince, t
		}
	}
	if !st.BedExit.update(now, holding, ready, ruleRelease, int64(d.th.Cooldown)) {
		return nil
	}
	if !d.confirm(f, EventBedExit, start, now, cand.Box) {
		return nil
	}
	return d.newEvent(EventBedExit, "", SeverityHigh, 0.9, start, now, f.Ref)
}

// ruleZones raises restricted_zone when a track has been inside a restricted
// zone for ZoneInertia while the zone's schedule is active.
func (d *Detector) ruleZones(f Frame, now int64, emit func(*Event)) {
	st := &d.st
	ts := time.Unix(0, now)
	for _, zi := range d.restricted {
		z := &d.cfg.Zones[zi]
		active := z.Schedule == nil || z.Schedule.Active(ts, d.cfg.Location())
		holding, ready := false, false
		var start int64
		for i := range st.Tracks {
			t := &st.Tracks[i]
			if t.LastSeen == now {
				cx, cy := d.foot(t)
				if active && z.Polygon.contains(cx, cy) {
					if t.ZoneSince[zi] == 0 {
						t.ZoneSince[zi] = now
					}
				} else {
					t.ZoneSince[zi] = 0
				}
			}
			if t.ZoneSince[zi] == 0 {
				continue
			}
			holding = true
			if now-t.ZoneSince[zi] >= int64(d.th.ZoneInertia) && (!ready || t.ZoneSince[zi] < start) {
				ready, start = true, t.ZoneSince[zi]
			}
		}
		if st.Zones[zi].update(now, holding, ready, ruleRelease, int64(d.th.Cooldown)) {
			emit(d.newEvent(EventZoneIntrusion, z.Name, SeverityHigh, 0.9, start, now, f.Ref))
		}
	}
}

// ruleInactivity raises the repositioning reminder when no activity has been
// seen in the inactivity zone (or the room) for the configured time.
func (d *Detector) ruleInactivity(f Frame, now int64) *Event {
	in := d.cfg.Inactivity
	if in == nil {
		return nil
	}
	st := &d.st
	after := int64(in.After)
	holding := now-st.LastActivity >= after+inactivityMargin
	if !st.Inactivity.update(now, holding, holding, 0, 0) {
		return nil
	}
	reason := in.Zone
	if reason == "" {
		reason = "room"
	}
	return d.newEvent(EventInactivity, reason, SeverityMedium, 0.9, st.LastActivity+after, now, f.Ref)
}

// confirm consults the confirmer, if any, about a candidate.
func (d *Detector) confirm(f Frame, t EventType, start, now int64, b box) bool {
	if d.confirmer == nil {
		return true
	}
	ok, err := d.confirmer.Confirm(f, Candidate{Type: t, StartedAt: time.Unix(0, start).UTC(),
		DetectedAt: time.Unix(0, now).UTC(), Region: d.normBox(b)})
	if err != nil {
		d.st.Stats.ConfirmerErrors++
		return true
	}
	return ok
}
