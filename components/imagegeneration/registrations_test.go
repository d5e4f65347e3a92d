package imagegeneration

import (
	"flag"
	"testing"

	"github.com/mediguard/mediguard/components/internal/snapshot"
	"github.com/mediguard/mediguard/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden registration lists and policy documents in testdata")

// TestRegistrationsMatchGolden pins every resource the component registers
// (URN, parent, protection, dependencies and inputs) and the execution
// role's trust and execution policies, so a refactoring that changes the
// stack shows as a diff of testdata.
func TestRegistrationsMatchGolden(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	golden.JSON(t, "registrations.golden.json", snapshot.Registrations(t, r), *update)
	role := mustNamed(t, r, tRole, testName+"-role")
	golden.JSON(t, "trust-policy.json", role.InputString("assumeRolePolicy"), *update)
	policy := mustNamed(t, r, tPolicy, testName+"-policy")
	golden.JSON(t, "execution-policy.json", policy.InputString("policy"), *update)
}
