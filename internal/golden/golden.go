// Package golden compares what a test renders with a file under testdata/, so
// every change to what AWS would receive (a policy document) shows in review as
// a diff of that file. Tests pass update=true (their -update flag) to rewrite it.
package golden

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// JSON normalises text (indented, keys sorted) and compares it with
// testdata/file, or rewrites the file when update is set.
func JSON(t testing.TB, file, text string, update bool) {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s: rendered document is not JSON: %v", file, err)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", file)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered document; review, then rerun with -update:\n%s", path, got)
	}
}
