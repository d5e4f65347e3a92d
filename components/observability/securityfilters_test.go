package observability

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/mediguard/mediguard/components/observability/logpattern"
)

// parsedFilters parses every security filter's pattern.
func parsedFilters(t *testing.T) map[string]*logpattern.Pattern {
	t.Helper()
	out := map[string]*logpattern.Pattern{}
	for _, f := range SecurityFilters() {
		p, err := logpattern.Parse(f.Pattern)
		if err != nil {
			t.Fatalf("filter %s: %v", f.ID, err)
		}
		out[f.ID] = p
	}
	return out
}

// TestEachFilterMatchesItsSampleEventOnly runs every filter over a sample
// CloudTrail event of the kind it claims to count (testdata/cloudtrail/match)
// and over the samples of every other filter: each sample must be counted by
// its own filter and by no other.
func TestEachFilterMatchesItsSampleEventOnly(t *testing.T) {
	t.Parallel()
	patterns := parsedFilters(t)
	for _, f := range SecurityFilters() {
		event, err := os.ReadFile(filepath.Join("testdata", "cloudtrail", "match", f.ID+".json"))
		if err != nil {
			t.Errorf("filter %s has no sample event: %v", f.ID, err)
			continue
		}
		for id, p := range patterns {
			if got, want := p.Match(event), id == f.ID; got != want {
				t.Errorf("filter %s on the %s sample: matched %v, want %v", id, f.ID, got, want)
			}
		}
	}
}

// TestNoFilterMatchesBenignEvents runs every filter over everyday events and
// near misses (a sign-in with MFA, an SSO sign-in, the root user's service
// events, denied log deliveries and HeadBucket probes, reads of the watched
// settings): none may page anyone.
func TestNoFilterMatchesBenignEvents(t *testing.T) {
	t.Parallel()
	patterns := parsedFilters(t)
	files, err := filepath.Glob(filepath.Join("testdata", "cloudtrail", "benign", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no benign samples: %v", err)
	}
	for _, file := range files {
		event, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for id, p := range patterns {
			if p.Match(event) {
				t.Errorf("filter %s matches the benign event %s", id, filepath.Base(file))
			}
		}
	}
}

func TestSecurityFilterTable(t *testing.T) {
	t.Parallel()
	filters := SecurityFilters()
	if len(filters) != 14 {
		t.Errorf("%d filters, want the 14 of CloudWatch.1-14", len(filters))
	}
	ids, metrics, controls := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range filters {
		if ids[f.ID] || metrics[f.Metric] || controls[f.Control] {
			t.Errorf("filter %s repeats an id, metric or control", f.ID)
		}
		ids[f.ID], metrics[f.Metric], controls[f.Control] = true, true, true
		if f.Summary == "" || !regexp.MustCompile(`^[A-Za-z0-9]+$`).MatchString(f.Metric) {
			t.Errorf("filter %s: summary %q metric %q", f.ID, f.Summary, f.Metric)
		}
	}
	for i := 1; i <= 14; i++ {
		if c := "CloudWatch." + strconv.Itoa(i); !controls[c] {
			t.Errorf("no filter for %s", c)
		}
	}
}

// TestPolicyPackFindsEveryEventClass mirrors the policy pack's
// security-event-metric-alarms check, which looks for a filter pattern per
// event class by name.
func TestPolicyPackFindsEveryEventClass(t *testing.T) {
	t.Parallel()
	for _, class := range []string{`ConsoleLogin`, `Root`, `NetworkAcl`, `InternetGateway|CustomerGateway`, `RouteTable|CreateRoute`, `CreateVpc|DeleteVpc|ModifyVpcAttribute`} {
		re := regexp.MustCompile(class)
		found := false
		for _, f := range SecurityFilters() {
			found = found || re.MatchString(f.Pattern)
		}
		if !found {
			t.Errorf("no filter pattern matches the policy pack's /%s/", class)
		}
	}
}
