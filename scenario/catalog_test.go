package scenario

import (
	"sync"
	"testing"
	"time"

	"github.com/mediguard/mediguard/detection"
)

// catalogTruths computes the truth of every catalog scenario once (no
// pixels), shared by the tests that read it.
var catalogTruths = sync.OnceValues(func() ([]Truth, error) {
	var out []Truth
	for _, s := range Catalog() {
		tr, err := Render(s, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
})

func mustCatalogTruths(t *testing.T) []Truth {
	t.Helper()
	truths, err := catalogTruths()
	if err != nil {
		t.Fatal(err)
	}
	return truths
}

// variantTruths holds the truth of further seeded variants (other rooms,
// positions and timing), so the checks cover more than the fixed catalog.
var variantTruths = sync.OnceValues(func() ([]Truth, error) {
	var out []Truth
	for _, s := range CatalogSeeds(6)[len(regression):] {
		tr, err := Render(s, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
})

func mustVariantTruths(t *testing.T) []Truth {
	t.Helper()
	truths, err := variantTruths()
	if err != nil {
		t.Fatal(err)
	}
	return truths
}

// expectedEvents are the episodes each event kind is scripted to produce,
// in order of start.
var expectedEvents = map[Kind][]episodeKey{
	KindFall:            {{detection.EventFall, ""}},
	KindBedExit:         {{detection.EventBedExit, ""}},
	KindBedExitFall:     {{detection.EventBedExit, ""}, {detection.EventFall, ""}},
	KindBedExitReturn:   {{detection.EventBedExit, ""}},
	KindRestrictedNight: {{detection.EventZoneIntrusion, ""}}, // reason: the layout's zone name
	KindInactivity:      {{detection.EventInactivity, zoneBed}},
	KindTamperCovered:   {{detection.EventCameraTamper, "covered"}},
	KindTamperDefocused: {{detection.EventCameraTamper, "defocused"}},
	KindTamperMoved:     {{detection.EventCameraTamper, "moved"}},
}

func TestCatalogTruthMatchesKinds(t *testing.T) {
	t.Parallel()
	truths := mustCatalogTruths(t)
	if n := len(truths); n < 30 || n > 45 {
		t.Errorf("catalog has %d scenarios, want 30-45", n)
	}
	perType := map[detection.EventType]int{}
	trapTags := map[string]int{}
	names := map[string]bool{}
	for _, tr := range truths {
		if names[tr.Name] {
			t.Errorf("duplicate catalog name %s", tr.Name)
		}
		names[tr.Name] = true
		if tr.Benign != tr.Kind.Benign() {
			t.Errorf("%s: benign = %t for kind %s", tr.Name, tr.Benign, tr.Kind)
		}
		if tr.Benign {
			if len(tr.Events) != 0 {
				t.Errorf("%s: benign scenario has events %+v", tr.Name, tr.Events)
			}
			for _, tag := range tr.Tags {
				trapTags[tag]++
			}
			continue
		}
		want := expectedEvents[tr.Kind]
		if len(tr.Events) != len(want) {
			t.Errorf("%s: events %+v, want %v", tr.Name, tr.Events, want)
			continue
		}
		end := FrameTime(tr.Start, tr.FPS, tr.Frames+1)
		for i, e := range tr.Events {
			perType[e.Type]++
			if e.Type != want[i].typ || (want[i].reason != "" && e.Reason != want[i].reason) {
				t.Errorf("%s: event %d is %s/%s, want %s/%s", tr.Name, i, e.Type, e.Reason, want[i].typ, want[i].reason)
			}
			if e.Start.Before(tr.Start) || !e.End.After(e.Start) || e.End.After(end) {
				t.Errorf("%s: episode %s..%s outside the video %s..%s", tr.Name, e.Start, e.End, tr.Start, end)
			}
		}
	}
	for _, typ := range []detection.EventType{detection.EventFall, detection.EventBedExit, detection.EventZoneIntrusion, detection.EventInactivity, detection.EventCameraTamper} {
		if perType[typ] < 2 {
			t.Errorf("event type %s appears %d times in the catalog, want at least 2", typ, perType[typ])
		}
	}
	for _, trap := range []string{"lights-off", "ir", "tv-flicker", "curtain", "staff", "visitor", "bed-movement", "sit-down", "night", "bedside-check", "walk-past"} {
		if trapTags[trap] == 0 {
			t.Errorf("no benign catalog scenario has the %q trap", trap)
		}
	}
	for _, k := range Kinds() {
		found := false
		for _, tr := range truths {
			found = found || tr.Kind == k
		}
		if !found {
			t.Errorf("kind %s is not in the catalog", k)
		}
	}
}

func TestCatalogSeedsAddVariants(t *testing.T) {
	t.Parallel()
	one, three := Catalog(), CatalogSeeds(3)
	if len(three) != 3*len(one) {
		t.Fatalf("CatalogSeeds(3) has %d specs, want %d", len(three), 3*len(one))
	}
	seen := map[string]bool{}
	for i, s := range three {
		if seen[s.Name] {
			t.Fatalf("duplicate name %s", s.Name)
		}
		seen[s.Name] = true
		if i < len(one) && s != one[i] {
			t.Fatalf("variant 1 of CatalogSeeds differs from Catalog at %d", i)
		}
	}
}

func TestCatalogVariantsHaveTheTruthOfTheirKind(t *testing.T) {
	t.Parallel()
	for _, tr := range mustVariantTruths(t) {
		want := expectedEvents[tr.Kind]
		if len(tr.Events) != len(want) {
			t.Errorf("%s (%s): events %+v, want %v", tr.Name, tr.Layout, tr.Events, want)
			continue
		}
		for i, e := range tr.Events {
			if e.Type != want[i].typ {
				t.Errorf("%s (%s): event %d is %s, want %s", tr.Name, tr.Layout, i, e.Type, want[i].typ)
			}
			// Engines confirm over a few frames; an episode must last
			// long enough to be detectable.
			if d := e.End.Sub(e.Start); d < 5*time.Second {
				t.Errorf("%s (%s): %s episode lasts %s, want at least 5 s", tr.Name, tr.Layout, e.Type, d)
			}
		}
	}
}

// testZones is the part of camera.yaml the consistency tests read.
type testZones struct {
	TimeZone string `yaml:"time_zone"`
	Zones    []struct {
		Name    string      `yaml:"name"`
		Kind    string      `yaml:"kind"`
		Polygon [][]float64 `yaml:"polygon"`
	} `yaml:"zones"`
	Inactivity struct {
		After string `yaml:"after"`
	} `yaml:"inactivity"`
}

func TestCameraConfigIsReadByTheEngine(t *testing.T) {
	t.Parallel()
	for _, tr := range mustCatalogTruths(t) {
		cfg, err := detection.ParseCameraConfig(tr.CameraConfigYAML())
		if err != nil {
			t.Errorf("%s: engine rejects camera.yaml: %v\n%s", tr.Name, err, tr.CameraConfigYAML())
			continue
		}
		if cfg.Inactivity == nil || cfg.Inactivity.After.Std() != inactivityAfter || cfg.Inactivity.Zone != zoneBed {
			t.Errorf("%s: inactivity block %+v", tr.Name, cfg.Inactivity)
		}
		switch {
		case (tr.Kind == KindBedExit || tr.Kind == KindBedExitFall) && !cfg.Patient.BedExitRisk:
			t.Errorf("%s: bed-exit scenario without bed_exit_risk", tr.Name)
		case tr.Kind == KindBedExitNotAtRisk && cfg.Patient.BedExitRisk:
			t.Errorf("%s: not-at-risk scenario with bed_exit_risk", tr.Name)
		}
		// The engine's schedule and the truth agree on when the restricted
		// zone is off limits, in the camera's time zone.
		for _, z := range cfg.Zones {
			if z.Kind != detection.ZoneRestricted {
				continue
			}
			for i := 0; i < tr.Frames; i += tr.FPS * 10 {
				ts := FrameTime(tr.Start, tr.FPS, i+1)
				local := ts.In(cfg.Location())
				if got, want := z.Schedule.Active(ts, cfg.Location()), scheduleActive(local.Hour()*60+local.Minute()); got != want {
					t.Errorf("%s: at %s the engine says schedule active %t, the generator %t", tr.Name, ts, got, want)
				}
			}
		}
	}
}
