package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runAppSpec runs `mediguard appspec args...` with stdin and returns stdout and stderr.
func runAppSpec(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newAppSpecCmd()
	var out, errOut bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// stackOutput is a detectorAppSpec output as `pulumi stack output` prints it.
func stackOutput(current, target string) string {
	return `{"version":0.0,"Resources":[{"mediguard-detector":{"Type":"AWS::Lambda::Function","Properties":` +
		`{"Name":"mediguard-detector","Alias":"live","CurrentVersion":"` + current + `","TargetVersion":"` + target + `"}}}]}` + "\n"
}

func TestAppSpecWritesAPendingRelease(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "appspec.yml")
	_, stderr, err := runAppSpec(t, stackOutput("7", "8"), "--out", path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version: 0.0\n", "Type: AWS::Lambda::Function", "Alias: live", `CurrentVersion: "7"`, `TargetVersion: "8"`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("appspec.yml lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(stderr, "from version 7 to 8") {
		t.Errorf("stderr = %q, want the versions", stderr)
	}

	quoted, err := json.Marshal(stackOutput("7", "8"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runAppSpec(t, string(quoted), "--format", "json")
	if err != nil || !strings.Contains(stdout, `"TargetVersion": "8"`) {
		t.Errorf("--format json output = %s (%v)", stdout, err)
	}
	stdout, _, err = runAppSpec(t, stackOutput("7", "8"), "--format", "revision")
	var revision struct {
		RevisionType   string            `json:"revisionType"`
		AppSpecContent map[string]string `json:"appSpecContent"`
	}
	if err != nil || json.Unmarshal([]byte(stdout), &revision) != nil ||
		revision.RevisionType != "AppSpecContent" || revision.AppSpecContent["content"] != string(text) {
		t.Errorf("--format revision output = %s (%v), want the appspec.yml above as AppSpecContent", stdout, err)
	}
	if _, _, err := runAppSpec(t, stackOutput("7", "8"), "--format", "toml"); err == nil {
		t.Error("--format toml accepted")
	}
}

func TestAppSpecWritesNothingWhenNoReleaseIsPending(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "appspec.yml")
	_, stderr, err := runAppSpec(t, stackOutput("8", "8"), "--out", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("appspec.yml written with no release pending (stat: %v)", err)
	}
	if !strings.Contains(stderr, "no release pending") {
		t.Errorf("stderr = %q, want no release pending", stderr)
	}
}

func TestAppSpecRefusesABadOutput(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "appspec.yml")
	for _, input := range []string{"", "not json", stackOutput("7", "$LATEST")} {
		if _, _, err := runAppSpec(t, input, "--out", path); err == nil {
			t.Errorf("input %q accepted", input)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("appspec.yml written from a bad output (stat: %v)", err)
	}
}
