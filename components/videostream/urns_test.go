package videostream

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden URN list in testdata")

// TestVideoStreamURNsAreStable compares every URN the component registers
// with a golden list: a URN change replaces the stream, which deletes its
// recorded video. Run `go test -run URNs -update` only after a deliberate
// change that ships pulumi.Aliases.
func TestVideoStreamURNsAreStable(t *testing.T) {
	t.Parallel()
	run := mustRunStream(t, validArgs())
	var urns []string
	for _, res := range run.rec.Resources() {
		urns = append(urns, res.URN)
	}
	slices.Sort(urns)
	got := strings.Join(urns, "\n") + "\n"
	path := filepath.Join("testdata", "urns.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden URNs (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("URNs differ from %s (renames replace the stream; rerun with -update only if intended):\ngot:\n%swant:\n%s", path, got, want)
	}
}
