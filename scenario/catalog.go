package scenario

import (
	"fmt"
	"slices"
	"time"
)

// catalogEntry is one row of the regression set before seeding.
type catalogEntry struct {
	kind     Kind
	layout   string
	seed     int64
	duration time.Duration
	// Optional overrides: a clock and zone to exercise schedules in other
	// time zones, and a larger frame size.
	timeZone      string
	localHour     int
	width, height int
}

// regression is the standard set: every event type several times on
// different layouts and seeds, and every false-alarm trap. It is kept to
// about half an hour of video at 5 fps, 320x240, so it evaluates in seconds.
var regression = []catalogEntry{
	{kind: KindFall, layout: "bed-left-far", seed: 7, duration: 55 * time.Second},
	{kind: KindFall, layout: "bed-right-near", seed: 11, duration: 55 * time.Second},
	{kind: KindFall, layout: "corner-skewed", seed: 23, duration: 58 * time.Second},
	{kind: KindFall, layout: "ward-wide", seed: 31, duration: 55 * time.Second, width: 640, height: 480},
	{kind: KindBedExit, layout: "bed-left-far", seed: 5, duration: 45 * time.Second},
	{kind: KindBedExit, layout: "bed-right-near", seed: 13, duration: 50 * time.Second},
	{kind: KindBedExit, layout: "corner-skewed", seed: 17, duration: 45 * time.Second},
	{kind: KindBedExitReturn, layout: "corner-skewed", seed: 21, duration: 60 * time.Second},
	{kind: KindBedExitFall, layout: "ward-wide", seed: 9, duration: 60 * time.Second},
	{kind: KindBedExitFall, layout: "bed-right-near", seed: 15, duration: 60 * time.Second},
	{kind: KindRestrictedNight, layout: "bed-left-far", seed: 3, duration: 50 * time.Second},
	{kind: KindRestrictedNight, layout: "bed-right-near", seed: 19, duration: 50 * time.Second, timeZone: "Europe/Berlin", localHour: 2},
	{kind: KindRestrictedNight, layout: "ward-wide", seed: 29, duration: 50 * time.Second},
	{kind: KindInactivity, layout: "bed-left-far", seed: 2, duration: 105 * time.Second},
	{kind: KindInactivity, layout: "corner-skewed", seed: 37, duration: 110 * time.Second},
	{kind: KindInactivity, layout: "ward-wide", seed: 41, duration: 105 * time.Second},
	{kind: KindTamperCovered, layout: "bed-right-near", seed: 43, duration: 40 * time.Second},
	{kind: KindTamperCovered, layout: "ward-wide", seed: 47, duration: 40 * time.Second},
	{kind: KindTamperCovered, layout: "corner-skewed", seed: 161, duration: 40 * time.Second},
	{kind: KindTamperDefocused, layout: "bed-left-far", seed: 53, duration: 40 * time.Second},
	{kind: KindTamperDefocused, layout: "corner-skewed", seed: 59, duration: 40 * time.Second},
	{kind: KindTamperMoved, layout: "bed-left-far", seed: 61, duration: 40 * time.Second},
	{kind: KindTamperMoved, layout: "bed-right-near", seed: 67, duration: 40 * time.Second},

	{kind: KindBedExitNotAtRisk, layout: "bed-left-far", seed: 71, duration: 45 * time.Second},
	{kind: KindBedExitNotAtRisk, layout: "ward-wide", seed: 73, duration: 45 * time.Second},
	{kind: KindRestrictedDaytime, layout: "bed-left-far", seed: 79, duration: 50 * time.Second},
	{kind: KindRestrictedDaytime, layout: "corner-skewed", seed: 83, duration: 50 * time.Second, timeZone: "Asia/Tokyo", localHour: 10},
	{kind: KindBedActivity, layout: "bed-right-near", seed: 89, duration: 50 * time.Second},
	{kind: KindBedActivity, layout: "corner-skewed", seed: 97, duration: 50 * time.Second},
	{kind: KindWalkAndSit, layout: "bed-left-far", seed: 101, duration: 50 * time.Second},
	{kind: KindWalkAndSit, layout: "bed-right-near", seed: 103, duration: 50 * time.Second},
	{kind: KindVisitor, layout: "bed-left-far", seed: 107, duration: 50 * time.Second},
	{kind: KindVisitor, layout: "ward-wide", seed: 109, duration: 50 * time.Second},
	{kind: KindStaffNight, layout: "bed-right-near", seed: 115, duration: 50 * time.Second},
	{kind: KindStaffNight, layout: "corner-skewed", seed: 127, duration: 50 * time.Second},
	{kind: KindLights, layout: "bed-left-far", seed: 131, duration: 45 * time.Second},
	{kind: KindLights, layout: "ward-wide", seed: 137, duration: 45 * time.Second},
	{kind: KindIRSwitch, layout: "bed-right-near", seed: 139, duration: 40 * time.Second},
	{kind: KindIRSwitch, layout: "corner-skewed", seed: 149, duration: 40 * time.Second},
	{kind: KindTVFlicker, layout: "bed-left-far", seed: 151, duration: 40 * time.Second},
	{kind: KindCurtain, layout: "bed-right-near", seed: 157, duration: 40 * time.Second},
}

// Catalog returns the standard regression set; it is the same on every call.
func Catalog() []Spec { return CatalogSeeds(1) }

// CatalogSeeds returns the regression set rendered with n seeds per entry
// (n >= 1): variant 1 is Catalog(), further variants shift every seed and
// move each entry to the next room layout, so rooms, positions, people,
// timing and noise differ while the situations repeat. Names are
// <kind>-<nn> for variant 1 and <kind>-<nn>-s<v> after it.
func CatalogSeeds(n int) []Spec {
	n = max(1, n)
	specs := make([]Spec, 0, n*len(regression))
	for v := 1; v <= n; v++ {
		count := map[Kind]int{}
		for _, e := range regression {
			count[e.kind]++
			name := fmt.Sprintf("%s-%02d", e.kind, count[e.kind])
			if v > 1 {
				name = fmt.Sprintf("%s-s%d", name, v)
			}
			s := Spec{
				Name: name, Kind: e.kind, Seed: e.seed + int64(v-1)*1000, Layout: rotateLayout(e.layout, v-1),
				FPS: DefaultFPS, Width: DefaultWidth, Height: DefaultHeight, Duration: e.duration, TimeZone: e.timeZone,
			}
			if e.width > 0 {
				s.Width, s.Height = e.width, e.height
			}
			if e.timeZone != "" {
				loc, err := time.LoadLocation(e.timeZone)
				if err != nil {
					// The table names only zones in the embedded database;
					// leaving Start zero lets Normalize report the zone.
					specs = append(specs, s)
					continue
				}
				s.Start = time.Date(2026, 3, 2, e.localHour, 30, 0, 0, loc).UTC()
			}
			specs = append(specs, s)
		}
	}
	return specs
}

// rotateLayout returns the layout k places after name in LayoutNames order.
func rotateLayout(name string, k int) string {
	names := LayoutNames()
	i := slices.Index(names, name)
	return names[(i+k)%len(names)]
}
