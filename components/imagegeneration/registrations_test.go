package imagegeneration

import (
	"encoding/json"
	"flag"
	"slices"
	"testing"

	"github.com/mediguard/mediguard/internal/golden"
	"github.com/mediguard/mediguard/internal/recorder"
)

var update = flag.Bool("update", false, "rewrite the golden registration lists and policy documents in testdata")

// registration is what the engine receives for one resource; a change to any
// field is a change to the deployed stack (a new URN replaces the resource).
type registration struct {
	URN                  string              `json:"urn"`
	Parent               string              `json:"parent"`
	Protect              bool                `json:"protect,omitempty"`
	Dependencies         []string            `json:"dependencies,omitempty"`
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
	Inputs               map[string]any      `json:"inputs"`
}

// registrations renders every registration of r, ordered by URN, as JSON.
func registrations(t *testing.T, r *recorder.Recorder) string {
	t.Helper()
	var out []registration
	for _, res := range r.Resources() {
		deps := slices.Sorted(slices.Values(res.Dependencies))
		propertyDeps := map[string][]string{}
		for k, v := range res.PropertyDependencies {
			if len(v) > 0 {
				propertyDeps[k] = slices.Sorted(slices.Values(v))
			}
		}
		out = append(out, registration{
			URN: res.URN, Parent: res.Parent, Protect: res.Protect,
			Dependencies: deps, PropertyDependencies: propertyDeps, Inputs: res.Inputs.Mappable(),
		})
	}
	slices.SortFunc(out, func(a, b registration) int {
		if a.URN < b.URN {
			return -1
		}
		if a.URN > b.URN {
			return 1
		}
		return 0
	})
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("render registrations: %v", err)
	}
	return string(raw)
}

// TestRegistrationsMatchGolden pins every resource the component registers
// (URN, parent, protection, dependencies and inputs) and the execution
// role's trust and execution policies, so a refactoring that changes the
// stack shows as a diff of testdata.
func TestRegistrationsMatchGolden(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	golden.JSON(t, "registrations.golden.json", registrations(t, r), *update)
	role := mustNamed(t, r, tRole, testName+"-role")
	golden.JSON(t, "trust-policy.json", role.InputString("assumeRolePolicy"), *update)
	policy := mustNamed(t, r, tPolicy, testName+"-policy")
	golden.JSON(t, "execution-policy.json", policy.InputString("policy"), *update)
}
