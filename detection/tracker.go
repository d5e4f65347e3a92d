package detection

import "math"

// Tracker limits: the state stays small and bounded however busy the room.
const (
	maxTracks   = 8
	histLen     = 20            // samples kept per track (4 s at 5 fps)
	trackLinger = 1500 * msNano // how long a track survives unseen
)

const msNano = int64(1e6)

// sample is one observation of a track, in analysis cells.
type sample struct {
	T      int64
	CX, CY float32
	W, H   float32
}

func (s sample) aspect() float32 { return s.H / max(s.W, 1) }

// within reports whether the sample's box spans no further left or right
// than o's, give or take tol cells.
func (s sample) within(o sample, tol float32) bool {
	return s.CX-s.W/2 >= o.CX-o.W/2-tol && s.CX+s.W/2 <= o.CX+o.W/2+tol
}

// box reconstructs the bounding box of the sample.
func (s sample) box() box {
	return box{int(s.CX - s.W/2), int(s.CY - s.H/2), int(s.CX + s.W/2 + 0.5), int(s.CY + s.H/2 + 0.5)}
}

// track follows one moving thing across frames. Fields are exported for the
// state encoding only.
type track struct {
	ID        uint32
	Box       box
	FirstSeen int64
	LastSeen  int64
	Hist      []sample

	// Bed-exit bookkeeping: BedOrigin marks the patient (born in the bed
	// zone, split from a bed-origin track, or lying in bed long enough).
	BedOrigin     bool
	BedDwellSince int64 // lying inside a bed zone since (0 = not)
	OutOfBedSince int64 // bed-origin track outside every bed zone since (0 = not)
	InBedSince    int64 // while out of bed: back inside a bed zone since (0 = not)

	ZoneSince []int64 // per configured zone: inside since (0 = outside)

	FallStart  int64 // impact time of a fall candidate (0 = none)
	StillSince int64 // centre has stayed within a small radius since
	StillCX    float32
	StillCY    float32
}

func (t *track) last() sample { return t.Hist[len(t.Hist)-1] }

// observe appends a sample for box b at time now.
func (t *track) observe(b box, now int64) {
	s := sample{T: now, CX: float32(b.X0+b.X1) / 2, CY: float32(b.Y0+b.Y1) / 2, W: float32(b.w()), H: float32(b.h())}
	if len(t.Hist) == histLen {
		copy(t.Hist, t.Hist[1:])
		t.Hist = t.Hist[:histLen-1]
	}
	t.Hist = append(t.Hist, s)
	t.Box = b
	t.LastSeen = now
	tol := max(2, 0.2*min(s.W, s.H))
	if t.StillSince == 0 || math.Hypot(float64(s.CX-t.StillCX), float64(s.CY-t.StillCY)) > float64(tol) {
		t.StillSince, t.StillCX, t.StillCY = now, s.CX, s.CY
	}
}

// associate matches blobs to tracks greedily by centre distance, updates
// matched tracks, starts tracks for unmatched blobs (born reports them) and
// drops tracks unseen for longer than trackLinger.
func (d *Detector) associate(blobs []blob, now int64, born func(t *track, now int64)) {
	st := &d.st
	used := d.scratchUsed[:0]
	for range blobs {
		used = append(used, false)
	}
	matched := d.scratchMatched[:0]
	for range st.Tracks {
		matched = append(matched, false)
	}
	for {
		bi, ti, best := -1, -1, math.MaxFloat64
		for i, b := range blobs {
			if used[i] {
				continue
			}
			bx, by := float64(b.Box.X0+b.Box.X1)/2, float64(b.Box.Y0+b.Box.Y1)/2
			for j := range st.Tracks {
				if matched[j] {
					continue
				}
				s := st.Tracks[j].last()
				dist := math.Hypot(bx-float64(s.CX), by-float64(s.CY))
				gate := math.Max(10, 0.75*float64(max(s.W, s.H)))
				if dist <= gate && dist < best {
					bi, ti, best = i, j, dist
				}
			}
		}
		if bi < 0 {
			break
		}
		used[bi], matched[ti] = true, true
		st.Tracks[ti].observe(blobs[bi].Box, now)
	}
	kept := st.Tracks[:0]
	for _, t := range st.Tracks {
		if now-t.LastSeen <= trackLinger {
			kept = append(kept, t)
		}
	}
	st.Tracks = kept
	for i, b := range blobs {
		if used[i] || len(st.Tracks) >= maxTracks {
			continue
		}
		st.NextTrack++
		t := track{ID: st.NextTrack, FirstSeen: now, ZoneSince: make([]int64, len(d.cfg.Zones))}
		t.observe(b.Box, now)
		st.Tracks = append(st.Tracks, t)
		born(&st.Tracks[len(st.Tracks)-1], now)
	}
	d.scratchUsed, d.scratchMatched = used, matched
}
