package evaluation

import (
	"bytes"
	"testing"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/scenario"
)

// Regression floors from issue 4.
const (
	minRecall          = 0.95
	minPrecision       = 0.95
	maxP95Fast         = 5.0  // seconds: tamper, restricted zone, bed exit
	maxP95Fall         = 15.0 // seconds
	maxAlarmsPerCamDay = 1.0
)

// regressionSpecs picks from the standard catalogue the first two scenarios
// of every event kind and the first of every benign kind: every rule and
// every false-alarm trap, at about two thirds of the catalogue's cost.
func regressionSpecs() []scenario.Spec {
	taken := map[scenario.Kind]int{}
	var specs []scenario.Spec
	for _, s := range scenario.Catalog() {
		limit := 2
		if s.Kind.Benign() {
			limit = 1
		}
		if taken[s.Kind] < limit {
			taken[s.Kind]++
			specs = append(specs, s)
		}
	}
	return specs
}

// TestRegressionFloors renders the regression scenarios in memory, runs the
// engine over them and over the real vtest clip (benign), and holds every
// event type to the floors. The measured table is logged (go test -v).
func TestRegressionFloors(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and evaluates about 20 minutes of video")
	}
	clips, err := CatalogClips(regressionSpecs())
	if err != nil {
		t.Fatal(err)
	}
	real, err := FolderClip(vtestDir, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(append(clips, real), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Logf("regression evaluation:\n%s", table.String())

	covered := map[detection.EventType]bool{}
	for _, m := range rep.Types {
		if m.Episodes == 0 && m.FalsePositives == 0 {
			continue
		}
		covered[m.Type] = m.Episodes > 0
		if m.Recall < minRecall {
			t.Errorf("%s recall %.3f below %.2f", m.Type, m.Recall, minRecall)
		}
		if m.Precision < minPrecision {
			t.Errorf("%s precision %.3f below %.2f", m.Type, m.Precision, minPrecision)
		}
		limit := maxP95Fast
		switch m.Type {
		case detection.EventFall:
			limit = maxP95Fall
		case detection.EventInactivity:
			continue // a reminder after hours of stillness has no latency floor
		}
		if m.LatencyP95 > limit {
			t.Errorf("%s p95 latency %.1f s above %.0f s", m.Type, m.LatencyP95, limit)
		}
	}
	for _, typ := range ReportedTypes {
		if !covered[typ] {
			t.Errorf("the regression set has no %s episode: the floors would prove nothing for it", typ)
		}
	}
	if rep.BenignHours == 0 {
		t.Fatal("no benign footage evaluated")
	}
	if perDay := rep.AlarmsPerHour * 24; perDay > maxAlarmsPerCamDay {
		t.Errorf("%.1f false alarms per camera-day on benign footage, floor %.0f", perDay, maxAlarmsPerCamDay)
	}
}
