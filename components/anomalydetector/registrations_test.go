package anomalydetector

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
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
// (URN, parent, protection, dependencies and inputs) and the role's trust and
// execution policies, for the default args and for one run with every
// optional feature, so a refactoring that changes the stack shows as a diff
// of testdata.
func TestRegistrationsMatchGolden(t *testing.T) {
	t.Parallel()
	everything := func() *AnomalyDetectorArgs {
		args := testArgs()
		args.FunctionName = "mediguard-detector"
		args.Release = ReleaseArgs{Strategy: ReleaseCanary}
		args.Protect = true
		args.Subscribers = []Subscriber{{Protocol: "email", Endpoint: pulumi.String("oncall@example.org")}}
		args.Cameras = []CameraDocument{{CameraID: "cam-101", StreamName: pulumi.String("camera-cam-101-stream"), Config: `{"camera_id":"cam-101"}`}}
		args.ExtraStatements = pulumi.ToOutput([]policydoc.Statement{{
			Sid: "ReadVideo", Effect: policydoc.Allow,
			Actions: []string{"kinesisvideo:GetMedia"}, Resources: []string{"arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera-cam-101-stream/1"},
		}})
		return args
	}
	tests := []struct {
		name string
		args *AnomalyDetectorArgs
	}{
		{"defaults", testArgs()},
		{"everything", everything()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, tt.args)
			golden.JSON(t, fmt.Sprintf("registrations-%s.golden.json", tt.name), registrations(t, r), *update)
			role := mustNamed(t, r, "aws:iam/role:Role", testName+"-role")
			golden.JSON(t, fmt.Sprintf("trust-policy-%s.json", tt.name), role.InputString("assumeRolePolicy"), *update)
			policy := mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy")
			golden.JSON(t, fmt.Sprintf("execution-policy-%s.json", tt.name), policy.InputString("policy"), *update)
		})
	}
}
