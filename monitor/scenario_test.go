package monitor_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/monitor"
	"github.com/mediguard/mediguard/monitor/source"
	"github.com/mediguard/mediguard/scenario"
)

// TestWatchRenderedScenarios is the README's path: render catalog scenarios
// to disk, then watch each directory as `mediguard watch --camera DIR` does,
// and get exactly the episodes the ground truth lists.
func TestWatchRenderedScenarios(t *testing.T) {
	t.Parallel()
	want := map[string]string{"fall-01": "jpeg", "tamper-covered-01": "mjpeg", "walk-and-sit-01": "jpeg"}
	for name, format := range want {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var spec scenario.Spec
			for _, s := range scenario.Catalog() {
				if s.Name == name {
					spec = s
				}
			}
			if spec.Name == "" {
				t.Fatalf("catalog has no %s", name)
			}
			out := t.TempDir()
			if err := scenario.WriteSet(out, []scenario.Spec{spec}, format); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(out, name)
			cam, err := monitor.ParseCameraFlag(dir)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := detection.LoadCameraConfig(cam.Config)
			if err != nil {
				t.Fatal(err)
			}
			src, err := source.Open(cam.Source, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := monitor.Watch(context.Background(), []monitor.Camera{{Config: cfg, Source: src}}, monitor.Options{})
			if err != nil {
				t.Fatal(err)
			}

			raw, err := os.ReadFile(filepath.Join(dir, "truth.json"))
			if err != nil {
				t.Fatal(err)
			}
			var truth struct {
				Frames int `json:"frames"`
				Events []struct {
					Type detection.EventType `json:"type"`
				} `json:"events"`
			}
			if err := json.Unmarshal(raw, &truth); err != nil {
				t.Fatal(err)
			}
			wantEvents := map[detection.EventType]int{}
			for _, e := range truth.Events {
				wantEvents[e.Type]++
			}
			got := sum.Cameras[0]
			if got.Frames != truth.Frames || got.BadFrames != 0 {
				t.Fatalf("analysed %d frames (%d bad), truth has %d", got.Frames, got.BadFrames, truth.Frames)
			}
			if len(got.Events) != len(wantEvents) {
				t.Fatalf("events %v, truth %v", got.Events, wantEvents)
			}
			for typ, n := range wantEvents {
				if got.Events[typ] != n {
					t.Fatalf("events %v, truth %v", got.Events, wantEvents)
				}
			}
		})
	}
}
