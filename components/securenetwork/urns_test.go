package securenetwork

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden URN lists in testdata")

// TestSecureNetworkURNsAreStable compares every URN the network registers with
// a golden list. A URN change (a renamed child, a new parent, a new type
// token) makes `pulumi up` delete and recreate the resource, which for a VPC
// means every function's ENI; it must be a deliberate change, made with
// aliases, and reviewed here. Run `go test -run URNs -update` after one.
func TestSecureNetworkURNsAreStable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden string
		edit   func(*SecureNetworkArgs)
	}{
		{"urns-two-zones.golden", func(*SecureNetworkArgs) {}},
		{"urns-three-zones-nat.golden", func(a *SecureNetworkArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}
			a.AllowInternetEgressViaNAT = true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			args := validArgs()
			tt.edit(args)
			run := mustRunNetwork(t, args)
			var urns []string
			for _, res := range run.rec.Resources() {
				urns = append(urns, res.URN)
			}
			slices.Sort(urns)
			got := strings.Join(urns, "\n") + "\n"
			path := filepath.Join("testdata", tt.golden)
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
				t.Errorf("URNs differ from %s (renames replace resources; rerun with -update only if intended):\n%s", path, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range wantLines {
		if !slices.Contains(gotLines, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range gotLines {
		if !slices.Contains(wantLines, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
