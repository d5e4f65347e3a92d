// Package scenario renders synthetic patient-room video with exact ground
// truth, so the detection engine can be measured offline: no footage of real
// patients exists for falls, bed exits or camera tampering, and none may be
// used. Everything is pure Go (image, image/jpeg) and deterministic per seed.
//
// A Spec names a Kind (what happens in the room), a room Layout, a seed and
// the video format. Render draws the frames and returns the Truth: every
// episode a perfect engine raises, the camera configuration matching the
// drawn room, and tags naming the false-alarm traps present. WriteSet writes
// a set of scenarios in the on-disk layout the evaluator reads.
package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"time"
	_ "time/tzdata" // schedules are evaluated in the camera time zone on any host
)

// Kind names a scripted situation. Event kinds produce at least one ground
// truth episode; benign kinds produce none and measure false alarms.
type Kind string

// Event kinds.
const (
	KindFall              Kind = "fall"                  // a walking patient falls and stays down
	KindBedExit           Kind = "bed-exit"              // an at-risk patient sits up, stands and walks away
	KindBedExitFall       Kind = "bed-exit-fall"         // an at-risk patient gets out of bed and falls a few steps on
	KindBedExitReturn     Kind = "bed-exit-return"       // an at-risk patient gets out of bed, walks about and goes back to bed
	KindRestrictedNight   Kind = "restricted-zone-night" // the patient enters a restricted zone while its schedule is active
	KindInactivity        Kind = "inactivity"            // the patient lies still in bed past inactivity.after
	KindTamperCovered     Kind = "tamper-covered"        // a hand or cloth covers the lens
	KindTamperDefocused   Kind = "tamper-defocused"      // the lens is knocked out of focus
	KindTamperMoved       Kind = "tamper-moved"          // the camera is bumped and stays pointed elsewhere
	KindBedExitNotAtRisk  Kind = "bed-exit-not-at-risk"  // benign: a patient without bed-exit risk leaves the bed
	KindRestrictedDaytime Kind = "restricted-zone-day"   // benign: the zone is entered outside its schedule
	KindBedActivity       Kind = "bed-activity"          // benign: the patient moves, rolls and sits up in bed
	KindWalkAndSit        Kind = "walk-and-sit"          // benign: the patient walks and sits down in the chair
	KindVisitor           Kind = "visitor"               // benign: a visitor walks in and sits in the chair
	KindStaffNight        Kind = "staff-night"           // benign: a nurse checks the patient at night
	KindLights            Kind = "lights"                // benign: the room lights go off and on again
	KindIRSwitch          Kind = "ir-switch"             // benign: the camera switches to infrared (grayscale)
	KindTVFlicker         Kind = "tv-flicker"            // benign: a flickering TV inside a mask
	KindCurtain           Kind = "curtain"               // benign: a curtain moving in a draught inside a mask
)

// kindInfo is what the generator knows about a Kind before rendering it.
type kindInfo struct {
	benign      bool
	minDuration time.Duration // shorter videos cannot hold the script
	night       bool          // the default start time is after hours
	describe    string
}

var kinds = map[Kind]kindInfo{
	KindFall:              {minDuration: 45 * time.Second, describe: "a walking patient falls (0.5-1 s), then lies still on the floor"},
	KindBedExit:           {minDuration: 40 * time.Second, describe: "an at-risk patient sits up, sits on the edge, stands and walks away from the bed"},
	KindBedExitFall:       {minDuration: 55 * time.Second, describe: "an at-risk patient gets out of bed, takes a few steps and falls"},
	KindBedExitReturn:     {minDuration: 55 * time.Second, describe: "an at-risk patient gets out of bed, walks about, and lies down in bed again"},
	KindRestrictedNight:   {minDuration: 40 * time.Second, night: true, describe: "the patient walks into the restricted zone while its schedule is active"},
	KindInactivity:        {minDuration: 100 * time.Second, describe: "the patient lies still in bed longer than inactivity.after, then moves"},
	KindTamperCovered:     {minDuration: 30 * time.Second, describe: "a hand covers the lens, later uncovers it"},
	KindTamperDefocused:   {minDuration: 30 * time.Second, describe: "the lens goes strongly out of focus and stays so"},
	KindTamperMoved:       {minDuration: 30 * time.Second, describe: "the camera is bumped: the view shifts and rotates and stays so"},
	KindBedExitNotAtRisk:  {benign: true, minDuration: 40 * time.Second, describe: "a patient without bed-exit risk leaves the bed"},
	KindRestrictedDaytime: {benign: true, minDuration: 40 * time.Second, describe: "the restricted zone is entered outside its schedule"},
	KindBedActivity:       {benign: true, minDuration: 40 * time.Second, describe: "the patient rolls, moves arms and sits up in bed without leaving it"},
	KindWalkAndSit:        {benign: true, minDuration: 40 * time.Second, describe: "the patient walks about and sits down in the chair"},
	KindVisitor:           {benign: true, minDuration: 40 * time.Second, describe: "a visitor walks in and sits in the chair beside the bed"},
	KindStaffNight:        {benign: true, minDuration: 40 * time.Second, night: true, describe: "a nurse walks in at night, checks the patient and leaves"},
	KindLights:            {benign: true, minDuration: 30 * time.Second, describe: "the room lights go off and come back on"},
	KindIRSwitch:          {benign: true, minDuration: 30 * time.Second, night: true, describe: "the camera switches from colour to infrared grayscale"},
	KindTVFlicker:         {benign: true, minDuration: 30 * time.Second, describe: "the TV flickers inside its mask"},
	KindCurtain:           {benign: true, minDuration: 30 * time.Second, describe: "the curtain moves inside its mask"},
}

// Kinds lists every known kind in a stable order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Benign reports whether scenarios of kind k have no ground-truth events.
func (k Kind) Benign() bool { return kinds[k].benign }

// Description says in one line what happens in scenarios of kind k.
func (k Kind) Description() string { return kinds[k].describe }

// Spec describes one scenario to render. FPS, Width and Height are required
// (NewSpec fills the defaults); the zero values of Duration, Layout, Start
// and TimeZone take the documented defaults (see Normalize).
type Spec struct {
	Name     string        // directory name and truth name: [a-z0-9-]{1,64}
	Kind     Kind          // what happens
	Seed     int64         // drives positions, sizes, colours, timing, noise
	Layout   string        // room layout name, see Layouts
	FPS      int           // frames per second, 1..30
	Width    int           // pixels, 64..1920; Width/Height 1.2..1.9
	Height   int           // pixels, 48..1080
	Duration time.Duration // video length (default: the kind's minimum)
	Start    time.Time     // capture time of frame 1 (default: a fixed day, at night for night kinds)
	TimeZone string        // IANA zone of the camera (default America/New_York)
}

// NewSpec returns a spec of the given kind with the default format: 5 fps,
// 320x240, the kind's minimum duration, the first layout.
func NewSpec(name string, kind Kind, seed int64) Spec {
	return Spec{Name: name, Kind: kind, Seed: seed, FPS: DefaultFPS, Width: DefaultWidth, Height: DefaultHeight}
}

// Defaults of NewSpec and Normalize.
const (
	DefaultFPS      = 5
	DefaultWidth    = 320
	DefaultHeight   = 240
	DefaultTimeZone = "America/New_York"
	maxFrames       = 20000
	minAspect       = 1.2 // width / height
	maxAspect       = 1.9
)

var nameRE = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// Normalize returns the spec with defaults filled in, or an error naming the
// first field that is out of range.
func (s Spec) Normalize() (Spec, error) {
	if !nameRE.MatchString(s.Name) {
		return s, fmt.Errorf("scenario spec %q: name must match [a-z0-9-]{1,64}", s.Name)
	}
	info, ok := kinds[s.Kind]
	if !ok {
		return s, fmt.Errorf("scenario spec %s: unknown kind %q (known: %v)", s.Name, s.Kind, Kinds())
	}
	if s.Layout == "" {
		s.Layout = LayoutNames()[0]
	}
	if _, ok := layouts[s.Layout]; !ok {
		return s, fmt.Errorf("scenario spec %s: unknown layout %q (known: %v)", s.Name, s.Layout, LayoutNames())
	}
	if s.FPS < 1 || s.FPS > 30 {
		return s, fmt.Errorf("scenario spec %s: fps %d out of range 1..30", s.Name, s.FPS)
	}
	if s.Width < 64 || s.Width > 1920 || s.Height < 48 || s.Height > 1080 {
		return s, fmt.Errorf("scenario spec %s: size %dx%d out of range 64x48..1920x1080", s.Name, s.Width, s.Height)
	}
	// Rooms are laid out in normalised coordinates for camera-like aspect
	// ratios; far outside them people no longer fit the furniture.
	if aspect := float64(s.Width) / float64(s.Height); aspect < minAspect || aspect > maxAspect {
		return s, fmt.Errorf("scenario spec %s: size %dx%d has aspect ratio %.2f, want %.1f..%.1f (4:3 to 16:9)", s.Name, s.Width, s.Height, aspect, minAspect, maxAspect)
	}
	if s.Duration == 0 {
		s.Duration = info.minDuration
	}
	if s.Duration < info.minDuration {
		return s, fmt.Errorf("scenario spec %s: duration %s shorter than the %s minimum of kind %s", s.Name, s.Duration, info.minDuration, s.Kind)
	}
	if frames := s.Frames(); frames > maxFrames {
		return s, fmt.Errorf("scenario spec %s: %d frames exceed the limit of %d", s.Name, frames, maxFrames)
	}
	if s.TimeZone == "" {
		s.TimeZone = DefaultTimeZone
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return s, fmt.Errorf("scenario spec %s: time zone %q: %w", s.Name, s.TimeZone, err)
	}
	if s.Start.IsZero() {
		hour := 14 // daytime
		if info.night {
			hour = 23
		}
		s.Start = time.Date(2026, 3, 2, hour, 0, 0, 0, loc).UTC()
	}
	return s, nil
}

// Frames is the number of frames the spec renders.
func (s Spec) Frames() int {
	return int(s.Duration.Seconds() * float64(s.FPS))
}
