package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runScenario runs `mediguard scenario args...` and returns its output.
func runScenario(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newScenarioCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestScenarioListShowsCatalogAndKinds(t *testing.T) {
	out, err := runScenario(t, "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fall-01", "bed-exit-01", "tv-flicker-01", "320x240@5"} {
		if !strings.Contains(out, want) {
			t.Errorf("scenario list lacks %q", want)
		}
	}
	out, err = runScenario(t, "list", "--seeds", "2")
	if err != nil || !strings.Contains(out, "fall-01-s2") {
		t.Errorf("scenario list --seeds 2 lacks the second variant (%v)", err)
	}
	out, err = runScenario(t, "list", "--kinds")
	if err != nil || !strings.Contains(out, "restricted-zone-day") || !strings.Contains(out, "corner-skewed") {
		t.Errorf("scenario list --kinds lacks kinds or layouts (%v):\n%s", err, out)
	}
}

func TestScenarioRenderWritesTheSet(t *testing.T) {
	dir := t.TempDir()
	if _, err := runScenario(t, "render", "--out", dir, "--kind", "tamper-covered", "--name", "cover-test",
		"--fps", "1", "--width", "96", "--height", "72", "--seed", "3", "--format", "mjpeg"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "cover-test", "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Name          string
		FPS           int
		Width, Height int
		Seed          int64
		Events        []struct{ Type, Reason string }
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	if truth.Name != "cover-test" || truth.FPS != 1 || truth.Width != 96 || truth.Height != 72 || truth.Seed != 3 {
		t.Errorf("flags not applied: %+v", truth)
	}
	if len(truth.Events) != 1 || truth.Events[0].Reason != "covered" {
		t.Errorf("events %+v, want one covered tamper", truth.Events)
	}
	for _, f := range []string{"camera.yaml", "stream.mjpeg"} {
		if _, err := os.Stat(filepath.Join(dir, "cover-test", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

func TestScenarioRenderRejectsBadRequests(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"render", "--all"}, "--out is required"},
		{[]string{"render", "--out", dir}, "choose --all, --name or --kind"},
		{[]string{"render", "--out", dir, "--name", "no-such"}, `no catalog scenario named "no-such"`},
		{[]string{"render", "--out", dir, "--kind", "fall", "--all"}, "do not combine"},
		{[]string{"render", "--out", dir, "--kind", "party"}, `unknown kind "party"`},
		{[]string{"render", "--out", dir, "--name", "fall-01", "--fps", "0"}, "fps 0"},
		{[]string{"render", "--out", dir, "--name", "fall-01", "--format", "avi"}, "unknown format"},
		{[]string{"render", "--out", dir, "--all", "--seeds", "0"}, "--seeds must be at least 1"},
	}
	for _, tc := range tests {
		_, err := runScenario(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("scenario %v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed renders left %d entries in the output directory", len(entries))
	}
}
