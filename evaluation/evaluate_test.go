package evaluation

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/scenario"
)

var t0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func event(typ detection.EventType, reason string, detected float64) detection.Event {
	return detection.Event{Type: typ, Reason: reason, DetectedAt: at(detected), StartedAt: at(detected - 1)}
}

func TestScore(t *testing.T) {
	t.Parallel()
	fall := Episode{Type: detection.EventFall, Start: at(10), End: at(20)}
	zone := Episode{Type: detection.EventZoneIntrusion, Reason: "supply-room", Start: at(5), End: at(8)}
	tests := []struct {
		name            string
		truth           []Episode
		events          []detection.Event
		wantTP, wantFP  int
		wantMissed      int
		wantLatencySecs float64
	}{
		{"detected within the episode", []Episode{fall}, []detection.Event{event(detection.EventFall, "", 13)}, 1, 0, 0, 3},
		{"detected within the grace after the end", []Episode{fall}, []detection.Event{event(detection.EventFall, "", 24)}, 1, 0, 0, 14},
		{"too late", []Episode{fall}, []detection.Event{event(detection.EventFall, "", 26)}, 0, 1, 1, 0},
		{"before the episode started", []Episode{fall}, []detection.Event{event(detection.EventFall, "", 9.8)}, 0, 1, 1, 0},
		{"second event for one episode is a false positive", []Episode{fall}, []detection.Event{event(detection.EventFall, "", 13), event(detection.EventFall, "", 15)}, 1, 1, 0, 3},
		{"wrong type", []Episode{fall}, []detection.Event{event(detection.EventBedExit, "", 13)}, 0, 1, 1, 0},
		{"wrong reason", []Episode{zone}, []detection.Event{event(detection.EventZoneIntrusion, "med-cart", 6)}, 0, 1, 1, 0},
		{"right reason", []Episode{zone}, []detection.Event{event(detection.EventZoneIntrusion, "supply-room", 6)}, 1, 0, 0, 1},
		{"missed", []Episode{fall, zone}, nil, 0, 0, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ClipResult{Events: tc.events}
			r.score(Clip{Truth: tc.truth}, DefaultGrace)
			if len(r.matches) != tc.wantTP || len(r.FalsePositive) != tc.wantFP || len(r.Missed) != tc.wantMissed {
				t.Fatalf("matches %d, false positives %d, missed %d; want %d, %d, %d",
					len(r.matches), len(r.FalsePositive), len(r.Missed), tc.wantTP, tc.wantFP, tc.wantMissed)
			}
			if tc.wantTP > 0 && math.Abs(r.matches[0].Latency.Seconds()-tc.wantLatencySecs) > 1e-9 {
				t.Errorf("latency = %v, want %vs", r.matches[0].Latency, tc.wantLatencySecs)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	t.Parallel()
	fall := Episode{Type: detection.EventFall, Start: at(10), End: at(20)}
	clips := []Clip{
		{Name: "a", Truth: []Episode{fall}, Duration: time.Minute},
		{Name: "b", Truth: []Episode{fall}, Duration: time.Minute},
		{Name: "benign", Benign: true, Duration: 30 * time.Minute},
	}
	results := []ClipResult{
		{Name: "a", Seconds: 60, Events: []detection.Event{event(detection.EventFall, "", 12)}},
		{Name: "b", Seconds: 60},
		{Name: "benign", Benign: true, Seconds: 1800, Events: []detection.Event{event(detection.EventCameraTamper, "covered", 100)}},
	}
	for i := range results {
		results[i].score(clips[i], DefaultGrace)
	}
	rep := Report{Clips: 3, Results: results}
	rep.summarise(clips)
	byType := map[detection.EventType]TypeMetrics{}
	for _, m := range rep.Types {
		byType[m.Type] = m
	}
	if f := byType[detection.EventFall]; f.Episodes != 2 || f.TruePositives != 1 || f.Recall != 0.5 || f.Precision != 1 || f.LatencyMedian != 2 {
		t.Errorf("fall metrics = %+v", f)
	}
	if tm := byType[detection.EventCameraTamper]; tm.FalsePositives != 1 || tm.Precision != 0 || tm.BenignAlarms != 1 || tm.AlarmsPerHour != 2 {
		t.Errorf("tamper metrics = %+v", tm)
	}
	if rep.BenignAlarms != 1 || rep.AlarmsPerHour != 2 {
		t.Errorf("benign alarms %d, per hour %v; want 1 and 2", rep.BenignAlarms, rep.AlarmsPerHour)
	}
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fall", "0.500", "false alarm: benign camera_tamper covered", "missed: b fall"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	v := []float64{5, 1, 4, 2, 3}
	if p := percentile(v, 0.5); p != 3 {
		t.Errorf("median = %v", p)
	}
	if p := percentile(v, 0.95); p != 5 {
		t.Errorf("p95 = %v", p)
	}
	if p := percentile(nil, 0.95); p != 0 {
		t.Errorf("p95 of nothing = %v", p)
	}
}

func TestSplitMJPEG(t *testing.T) {
	t.Parallel()
	a := []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 0xFF, 0xD9}
	b := []byte{0xFF, 0xD8, 0xFF, 0xDB, 3, 0xFF, 0xD9}
	frames := splitMJPEG(append(append([]byte{}, a...), b...))
	if len(frames) != 2 || !bytes.Equal(frames[0], a) || !bytes.Equal(frames[1], b) {
		t.Errorf("split = %x", frames)
	}
}

func TestSourcesRejectBadInput(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	if _, err := FolderClip(empty, 5, nil); err == nil || !strings.Contains(err.Error(), "no JPEG frames") {
		t.Errorf("empty folder error = %v", err)
	}
	if _, err := FolderClip(empty, 0, nil); err == nil {
		t.Error("fps 0 accepted")
	}
	if _, err := DirClips(empty); err == nil || !strings.Contains(err.Error(), "no scenario directories") {
		t.Errorf("empty set error = %v", err)
	}
	bad := filepath.Join(t.TempDir(), "broken")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "truth.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := DirClips(filepath.Dir(bad)); err == nil || !strings.Contains(err.Error(), "truth.json") {
		t.Errorf("broken truth error = %v", err)
	}
	clip, err := FolderClip(vtestDir, 5, []byte("camera_id: Not Valid"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := RunClip(clip, DefaultGrace); err == nil || !strings.Contains(err.Error(), "camera_id") {
		t.Errorf("bad camera config error = %v", err)
	}
}

// TestDirClipsReadsAWrittenSet writes a small set in both formats and
// checks the directory reader sees the same truth and frames as the
// in-memory renderer.
func TestDirClipsReadsAWrittenSet(t *testing.T) {
	t.Parallel()
	spec := scenario.Spec{Name: "covered", Kind: scenario.KindTamperCovered, Seed: 3, FPS: 5, Width: 320, Height: 240}
	for _, format := range []string{scenario.FormatJPEG, scenario.FormatMJPEG} {
		dir := t.TempDir()
		if err := scenario.WriteSet(dir, []scenario.Spec{spec}, format); err != nil {
			t.Fatal(err)
		}
		clips, err := DirClips(dir)
		if err != nil {
			t.Fatal(err)
		}
		mem, err := CatalogClips([]scenario.Spec{spec})
		if err != nil {
			t.Fatal(err)
		}
		if len(clips) != 1 || len(clips[0].Truth) != len(mem[0].Truth) || clips[0].Duration != mem[0].Duration {
			t.Fatalf("%s: read %+v, want truth like %+v", format, clips, mem)
		}
		frames := 0
		err = clips[0].Frames(func(f detection.Frame) error {
			frames++
			if want := mem[0].Truth[0].Start; frames == 1 && f.Timestamp.After(want) {
				return errors.New("first frame after the first episode")
			}
			return nil
		})
		if err != nil || time.Duration(frames)*time.Second/5 != clips[0].Duration {
			t.Errorf("%s: %d frames, err %v; want %v of video", format, frames, err, clips[0].Duration)
		}
	}
}

var vtestDir = filepath.Join("..", "..", "shared", "data", "vtest")
