package anomalydetector

import (
	"flag"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/internal/snapshot"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden registration lists and policy documents in testdata")

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
			golden.JSON(t, fmt.Sprintf("registrations-%s.golden.json", tt.name), snapshot.Registrations(t, r), *update)
			role := mustNamed(t, r, "aws:iam/role:Role", testName+"-role")
			golden.JSON(t, fmt.Sprintf("trust-policy-%s.json", tt.name), role.InputString("assumeRolePolicy"), *update)
			policy := mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy")
			golden.JSON(t, fmt.Sprintf("execution-policy-%s.json", tt.name), policy.InputString("policy"), *update)
		})
	}
}
