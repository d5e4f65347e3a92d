package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestCamsimRejectsBadFlagsBeforeStreaming(t *testing.T) {
	// No AWS configuration of the machine may leak in.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no stream", []string{"--scenario", "fall-01"}, `"stream" not set`},
		{"no video", []string{"--stream", "s"}, "source scenario"},
		{"two videos", []string{"--stream", "s", "--source", "a.mp4", "--scenario", "fall-01"}, "none of the others can be"},
		{"unknown scenario", []string{"--stream", "s", "--scenario", "fall-99"}, `"fall-99" is not a catalog scenario`},
		{"missing file", []string{"--stream", "s", "--source", filepath.Join(t.TempDir(), "patient-room.mp4")}, "video file cannot be read"},
		{"fragment too long", []string{"--stream", "s", "--scenario", "fall-01", "--fragment-seconds", "11"}, "--fragment-seconds 11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newCamsimCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "patient-room") {
				t.Errorf("error repeats the file path: %v", err)
			}
		})
	}
}
