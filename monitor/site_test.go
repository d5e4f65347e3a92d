package monitor

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadSite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "site.yaml")
	text := `cameras:
  - config: cams/cam-301.yaml
    source: frames:footage/301?fps=5
  - config: /etc/mediguard/cam-302.yaml
    source: https://cam-302.ward3.example/video
`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cams, err := LoadSite(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []CameraSpec{
		{Config: filepath.Join(dir, "cams/cam-301.yaml"), Source: "frames:" + filepath.Join(dir, "footage/301") + "?fps=5"},
		{Config: "/etc/mediguard/cam-302.yaml", Source: "https://cam-302.ward3.example/video"},
	}
	if len(cams) != 2 || cams[0] != want[0] || cams[1] != want[1] {
		t.Fatalf("LoadSite = %+v, want %+v", cams, want)
	}

	for name, bad := range map[string]string{
		"unknown key":    "cameras:\n  - config: a.yaml\n    source: frames:x\n    patient: someone\n",
		"missing source": "cameras:\n  - config: a.yaml\n",
		"no cameras":     "cameras: []\n",
		"not yaml":       "cameras: [",
	} {
		p := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadSite(p); err == nil {
			t.Fatalf("%s: LoadSite accepted it", name)
		}
	}
}

func TestParseCameraFlag(t *testing.T) {
	t.Parallel()
	scenario := t.TempDir()
	if err := os.WriteFile(filepath.Join(scenario, "camera.yaml"), []byte("camera_id: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		value string
		want  CameraSpec
		ok    bool
	}{
		{"cam.yaml=frames:dir?fps=5&start=2026-03-02T02:00:00Z", CameraSpec{"cam.yaml", "frames:dir?fps=5&start=2026-03-02T02:00:00Z"}, true},
		{"cam.yaml=http://cam/video", CameraSpec{"cam.yaml", "http://cam/video"}, true},
		{scenario, CameraSpec{filepath.Join(scenario, "camera.yaml"), "scenario:" + scenario}, true},
		{"=frames:dir", CameraSpec{}, false},
		{filepath.Join(scenario, "missing"), CameraSpec{}, false},
	}
	for _, tc := range cases {
		got, err := ParseCameraFlag(tc.value)
		if (err == nil) != tc.ok || got != tc.want {
			t.Fatalf("ParseCameraFlag(%q) = %+v, %v", tc.value, got, err)
		}
	}
}
