package detection

import (
	"bytes"
	"testing"
	"time"
)

// walk interpolates a figure's feet from (x0, y) to (x1, y) over frames a..b.
func walkX(i, a, b int, x0, x1 float64) float64 {
	switch {
	case i <= a:
		return x0
	case i >= b:
		return x1
	}
	return x0 + (x1-x0)*float64(i-a)/float64(b-a)
}

func fallScript(i int) scene {
	switch {
	case i < 30:
		return scene{People: []rectN{person(walkX(i, 0, 30, 0.5, 0.65), 0.85)}}
	case i < 32: // falling: crouched
		return scene{People: []rectN{{0.6, 0.72, 0.72, 0.88}}}
	default:
		return scene{People: []rectN{lying(0.66, 0.9)}}
	}
}

func bedExitScript(i int) scene {
	switch {
	case i < 15:
		return scene{People: []rectN{lying(0.25, 0.68)}}
	case i < 25: // sits up in bed
		return scene{People: []rectN{{0.15, 0.5, 0.38, 0.68}}}
	default: // stands up at the bedside and walks away
		return scene{People: []rectN{person(walkX(i, 25, 55, 0.3, 0.7), 0.8)}}
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	notAtRisk := bytes.Replace([]byte(testConfig), []byte("bed_exit_risk: true"), []byte("bed_exit_risk: false"), 1)
	shortInactivity := bytes.Replace([]byte(testConfig), []byte("after: 20s"), []byte("after: 5s"), 1)
	tests := []struct {
		name   string
		config string
		start  time.Time
		frames int
		script script
		want   map[EventType]int
		reason string // expected reason of the first event, if any
	}{
		{"fall", testConfig, nightStart, 60, fallScript, map[EventType]int{EventFall: 1}, ""},
		{"bed exit of an at-risk patient", testConfig, nightStart, 70, bedExitScript, map[EventType]int{EventBedExit: 1}, ""},
		{"bed exit of a patient not at risk", string(notAtRisk), nightStart, 70, bedExitScript, map[EventType]int{}, ""},
		{"restricted zone at night", testConfig, nightStart, 50, func(i int) scene {
			return scene{People: []rectN{person(walkX(i, 0, 25, 0.55, 0.9), 0.9)}}
		}, map[EventType]int{EventZoneIntrusion: 1}, "supply-room"},
		{"restricted zone by day is allowed", testConfig, dayStart, 50, func(i int) scene {
			return scene{People: []rectN{person(walkX(i, 0, 25, 0.55, 0.9), 0.9)}}
		}, map[EventType]int{}, ""},
		{"inactivity in bed", string(shortInactivity), nightStart, 45, func(i int) scene {
			if i > 40 {
				return scene{People: []rectN{{0.15, 0.5, 0.38, 0.68}}}
			}
			return scene{People: []rectN{lying(0.25, 0.68)}}
		}, map[EventType]int{EventInactivity: 1}, "bed"},
		{"camera covered", testConfig, nightStart, 35, func(i int) scene {
			return scene{Covered: i >= 10}
		}, map[EventType]int{EventCameraTamper: 1}, ReasonCovered},
		{"camera defocused", testConfig, nightStart, 40, func(i int) scene {
			if i >= 15 {
				return scene{Blur: 4}
			}
			return scene{}
		}, map[EventType]int{EventCameraTamper: 1}, ReasonDefocused},
		{"camera moved", testConfig, nightStart, 40, func(i int) scene {
			if i >= 10 {
				return scene{ShiftX: 0.15}
			}
			return scene{}
		}, map[EventType]int{EventCameraTamper: 1}, ReasonMoved},
		// False-alarm traps.
		{"lights off and on", testConfig, nightStart, 60, func(i int) scene {
			if i >= 15 && i < 40 {
				return scene{Gain: 0.35, People: []rectN{lying(0.25, 0.68)}}
			}
			return scene{People: []rectN{lying(0.25, 0.68)}}
		}, map[EventType]int{}, ""},
		{"infrared switch to grayscale", testConfig, nightStart, 50, func(i int) scene {
			if i >= 15 {
				return scene{Gray: true, Gain: 1.3}
			}
			return scene{}
		}, map[EventType]int{}, ""},
		{"infrared on and off without a global light change", testConfig, nightStart, 60, func(i int) scene {
			// Only the corners, away from the illuminator, change much
			// when the camera switches mode.
			if i >= 15 && i < 35 {
				return scene{Gray: true, Falloff: 0.45}
			}
			return scene{}
		}, map[EventType]int{}, ""},
		{"flickering TV inside a mask", testConfig, nightStart, 50, func(i int) scene {
			return scene{Flicker: &rectN{0.05, 0.05, 0.2, 0.25}}
		}, map[EventType]int{}, ""},
		{"curtain moving inside a mask", testConfig, nightStart, 50, func(i int) scene {
			x := 0.02 + 0.1*float64(i%10)/10
			return scene{People: []rectN{{x, 0.02, x + 0.08, 0.28}}}
		}, map[EventType]int{}, ""},
		{"staff walking past at night", testConfig, nightStart, 60, func(i int) scene {
			return scene{People: []rectN{person(walkX(i, 0, 50, 0.1, 0.72), 0.97)}}
		}, map[EventType]int{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newTestDetector(t, tc.config)
			events := feed(t, d, clipFrames(t, tc.start, tc.frames, tc.script))
			got := countTypes(events)
			if len(got) != len(tc.want) {
				t.Fatalf("events by type = %v, want %v", got, tc.want)
			}
			for typ, n := range tc.want {
				if got[typ] != n {
					t.Fatalf("events by type = %v, want %v", got, tc.want)
				}
			}
			if len(events) > 0 && events[0].Reason != tc.reason {
				t.Errorf("reason = %q, want %q", events[0].Reason, tc.reason)
			}
			for _, e := range events {
				if e.CameraID != "cam-301" || e.Ward != "W3" || e.Room != "301" || e.EpisodeID == "" || e.FrameRef == "" {
					t.Errorf("event lacks identity fields: %+v", e)
				}
				if e.DetectedAt.Before(e.StartedAt) {
					t.Errorf("event detected before it started: %+v", e)
				}
			}
		})
	}
}
