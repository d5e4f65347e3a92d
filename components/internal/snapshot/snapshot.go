// Package snapshot renders what a Pulumi program registered under the
// recorder as stable JSON, for the golden files that pin a component's stack:
// a refactoring that changes any URN, parent, protection, dependency or input
// shows as a diff of the file instead of as a replacement at deploy time.
package snapshot

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/internal/recorder"
)

// registration is what the engine receives for one resource.
type registration struct {
	URN                  string              `json:"urn"`
	Parent               string              `json:"parent"`
	Protect              bool                `json:"protect,omitempty"`
	Dependencies         []string            `json:"dependencies,omitempty"`
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
	Inputs               map[string]any      `json:"inputs"`
}

// Registrations renders every registration r recorded, ordered by URN (the
// engine registers concurrently, so the recorded order varies between runs),
// with dependencies sorted and empty property dependencies left out.
func Registrations(t testing.TB, r *recorder.Recorder) string {
	t.Helper()
	var out []registration
	for _, res := range r.Resources() {
		propertyDeps := map[string][]string{}
		for property, urns := range res.PropertyDependencies {
			if len(urns) > 0 {
				propertyDeps[property] = slices.Sorted(slices.Values(urns))
			}
		}
		out = append(out, registration{
			URN:                  res.URN,
			Parent:               res.Parent,
			Protect:              res.Protect,
			Dependencies:         slices.Sorted(slices.Values(res.Dependencies)),
			PropertyDependencies: propertyDeps,
			Inputs:               res.Inputs.Mappable(),
		})
	}
	slices.SortFunc(out, func(a, b registration) int { return strings.Compare(a.URN, b.URN) })
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("render %d registrations: %v", len(out), err)
	}
	return string(raw)
}
