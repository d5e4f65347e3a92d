package detection

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseCameraConfig(t *testing.T) {
	t.Parallel()
	cfg, err := ParseCameraConfig([]byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CameraID != "cam-301" || cfg.Ward != "W3" || cfg.Room != "301" || len(cfg.Zones) != 2 || len(cfg.Masks) != 1 {
		t.Errorf("parsed %+v", cfg)
	}
	if got := cfg.Zones[0].Polygon[1]; got != (Point{0.45, 0.45}) {
		t.Errorf("zones[0].polygon[1] = %v", got)
	}
	if cfg.Inactivity.After.Std() != 20*time.Second || cfg.OfflineAfter.Std() != DefaultOfflineAfter {
		t.Errorf("durations: inactivity %v offline %v", cfg.Inactivity.After.Std(), cfg.OfflineAfter.Std())
	}
	if cfg.Thresholds != DefaultThresholds() {
		t.Errorf("thresholds = %+v, want defaults", cfg.Thresholds)
	}
	if cfg.Location().String() != "America/New_York" {
		t.Errorf("location = %v", cfg.Location())
	}
}

func TestParseCameraConfigJSON(t *testing.T) {
	t.Parallel()
	cfg, err := ParseCameraConfig([]byte(`{"camera_id": "cam-7", "zones": [{"name": "bed", "kind": "bed",
		"polygon": [[0.1,0.1],[0.5,0.1],[0.5,0.5]]}], "offline_after": "90s", "thresholds": {"motion_diff": 30}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CameraID != "cam-7" || cfg.OfflineAfter.Std() != 90*time.Second || cfg.Thresholds.MotionDiff != 30 ||
		cfg.Thresholds.MinBlobArea != DefaultThresholds().MinBlobArea {
		t.Errorf("parsed %+v", cfg)
	}
}

func TestParseCameraConfigErrors(t *testing.T) {
	t.Parallel()
	const zone = "  - {name: bed, kind: bed, polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]]}\n"
	tests := []struct {
		name, doc, want string
	}{
		{"empty", "", "empty document"},
		{"not YAML", "camera_id: [unclosed", "parse camera config"},
		{"missing camera id", "ward: W3\n", "camera_id:"},
		{"bad camera id", "camera_id: Cam_1\n", "camera_id:"},
		{"unknown field", "camera_id: cam-1\npatient_name: x\n", "field patient_name not found"},
		{"unknown patient field", "camera_id: cam-1\npatient: {note: x}\n", "field note not found"},
		{"bad time zone", "camera_id: cam-1\ntime_zone: Mars/Olympus\n", "time_zone:"},
		{"too few points", "camera_id: cam-1\nzones:\n" + zone + "  - {name: door, kind: door, polygon: [[0.1,0.1],[0.2,0.2]]}\n", "zones[1].polygon: needs at least 3 points"},
		{"point outside frame", "camera_id: cam-1\nzones:\n  - {name: bed, kind: bed, polygon: [[0.1,0.1],[1.5,0.1],[0.5,0.5]]}\n", "zones[0].polygon: point 1"},
		{"point not a pair", "camera_id: cam-1\nmasks:\n  - [[0.1,0.1,0.3],[0.5,0.1],[0.5,0.5]]\n", "a point is written [x, y]"},
		{"degenerate polygon", "camera_id: cam-1\nmasks:\n  - [[0.1,0.1],[0.2,0.2],[0.3,0.3]]\n", "masks[0]: has no area"},
		{"unknown kind", "camera_id: cam-1\nzones:\n  - {name: bed, kind: sofa, polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]]}\n", "zones[0].kind:"},
		{"duplicate zone", "camera_id: cam-1\nzones:\n" + zone + zone, "zones[1].name:"},
		{"bad day", "camera_id: cam-1\nzones:\n  - {name: z, kind: restricted, polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]], schedule: {days: [funday], from: \"21:00\", to: \"07:00\"}}\n", "zones[0].schedule.days[0]:"},
		{"bad clock", "camera_id: cam-1\nzones:\n  - {name: z, kind: restricted, polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]], schedule: {days: [mon], from: \"25:00\", to: \"07:00\"}}\n", "zones[0].schedule.from:"},
		{"schedule on a bed", "camera_id: cam-1\nzones:\n  - {name: z, kind: bed, polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]], schedule: {days: [mon], from: \"21:00\", to: \"07:00\"}}\n", "zones[0].schedule:"},
		{"bad duration", "camera_id: cam-1\noffline_after: soon\n", "not a duration"},
		{"inactivity without time", "camera_id: cam-1\ninactivity: {zone: bed}\n", "inactivity.after:"},
		{"inactivity unknown zone", "camera_id: cam-1\ninactivity: {after: 2h, zone: sofa}\n", "inactivity.zone:"},
		{"threshold out of range", "camera_id: cam-1\nthresholds: {motion_diff: 300}\n", "thresholds.motion_diff:"},
		{"negative threshold duration", "camera_id: cam-1\nthresholds: {cooldown: -1s}\n", "thresholds.cooldown:"},
		{"blob bounds reversed", "camera_id: cam-1\nthresholds: {min_blob_area: 0.6, max_blob_area: 0.5}\n", "thresholds.min_blob_area:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCameraConfig([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadCameraConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.yaml")
	if err := os.WriteFile(path, []byte(testConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCameraConfig(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCameraConfig(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file error = %v", err)
	}
}

func TestScheduleActive(t *testing.T) {
	t.Parallel()
	cfg, err := ParseCameraConfig([]byte(testConfig)) // supply-room: every day 21:00-07:00 New York
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Zones[1].Schedule
	ny := cfg.Location()
	tests := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 3, 2, 20, 59, 0, 0, ny), false},
		{time.Date(2026, 3, 2, 21, 0, 0, 0, ny), true},
		{time.Date(2026, 3, 3, 2, 0, 0, 0, ny), true},
		{time.Date(2026, 3, 3, 6, 59, 0, 0, ny), true},
		{time.Date(2026, 3, 3, 7, 0, 0, 0, ny), false},
		{time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), false}, // 07:00 in New York
	}
	for _, tc := range tests {
		if got := s.Active(tc.at, ny); got != tc.want {
			t.Errorf("Active(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
	weekdaysOnly := Schedule{Days: []string{"mon"}, From: "22:00", To: "06:00"}
	if err := weekdaysOnly.resolve(); err != nil {
		t.Fatal(err)
	}
	// Tuesday 03:00 belongs to Monday's window; Wednesday 03:00 to Tuesday's (inactive).
	if !weekdaysOnly.Active(time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC), time.UTC) ||
		weekdaysOnly.Active(time.Date(2026, 3, 4, 3, 0, 0, 0, time.UTC), time.UTC) {
		t.Error("overnight window not attributed to the day it starts")
	}
}

// FuzzParseCameraConfig checks the parser never panics and that whatever it
// accepts can build a detector. Seeds live in testdata/fuzz.
func FuzzParseCameraConfig(f *testing.F) {
	f.Add([]byte(testConfig))
	f.Add([]byte(`{"camera_id":"cam-1","masks":[[[0,0],[1,0],[1,1]]]}`))
	f.Add([]byte("camera_id: cam-1\nzones: [{name: a, kind: bed, polygon: [[0,0],[1,0]]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseCameraConfig(data)
		if err != nil {
			return
		}
		if _, err := NewDetector(cfg); err != nil {
			t.Fatalf("accepted config does not build a detector: %v", err)
		}
	})
}
