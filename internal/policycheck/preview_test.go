package policycheck

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/mediguard/mediguard/internal/recorder"
)

// firstPreview returns the resources as a first `pulumi preview` sends them: every value an
// input takes from another resource of the stack (that resource's ID, or a string such as a
// policy document embedding its ID or ARN) is unknown, since nothing exists yet. Pulumi's mocks
// resolve outputs at once, so the recorded inputs are known; this puts the unknowns back, at
// the nesting level where the Go SDK leaves them.
func firstPreview(resources []recorder.Resource) []recorder.Resource {
	byURN := map[string]recorder.Resource{}
	for _, r := range resources {
		byURN[r.URN] = r
	}
	out := make([]recorder.Resource, len(resources))
	for i, r := range resources {
		r.Inputs = r.Inputs.Copy()
		for key, urns := range r.PropertyDependencies {
			var deps []recorder.Resource
			for _, u := range urns {
				if d, ok := byURN[u]; ok && d.Custom {
					deps = append(deps, d)
				}
			}
			k := resource.PropertyKey(key)
			if v, ok := r.Inputs[k]; ok && len(deps) > 0 {
				r.Inputs[k] = unknownWhereDerived(v, deps)
			}
		}
		out[i] = r
	}
	return out
}

// unknownWhereDerived replaces the strings of v that come from one of deps with unknowns.
func unknownWhereDerived(v resource.PropertyValue, deps []recorder.Resource) resource.PropertyValue {
	switch {
	case v.IsString():
		s := v.StringValue()
		for _, d := range deps {
			if (d.ID != "" && strings.Contains(s, d.ID)) || (strings.Contains(s, "arn:") && strings.Contains(s, d.Name)) {
				return resource.MakeComputed(resource.NewStringProperty(""))
			}
		}
		return v
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = unknownWhereDerived(e, deps)
		}
		return resource.NewArrayProperty(arr)
	case v.IsObject():
		obj := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			obj[k] = unknownWhereDerived(e, deps)
		}
		return resource.NewObjectProperty(obj)
	case v.IsSecret():
		return resource.MakeSecret(unknownWhereDerived(v.SecretValue().Element, deps))
	default:
		return v
	}
}

// TestFirstPreviewIsNotBlockedAndDefersWhatItCannotSee: on a first preview the compliant
// program passes every mandatory policy, and the documents that embed ARNs of resources not
// yet created are reported as deferred by the advisory policy, not silently passed.
func TestFirstPreviewIsNotBlockedAndDefersWhatItCannotSee(t *testing.T) {
	pack := startPack(t)
	for _, stack := range []string{"dev", "prod"} {
		s := synth(t, stack, true)
		s.Resources = firstPreview(s.Resources)
		unknown := 0
		for _, r := range s.Resources {
			for _, v := range r.Inputs {
				if v.ContainsUnknowns() {
					unknown++
				}
			}
		}
		if unknown < 50 {
			t.Fatalf("%s: only %d inputs are unknown; the first-preview simulation is not doing its job", stack, unknown)
		}
		res := check(t, pack, s)
		deferred := 0
		for _, v := range res.Violations {
			if v.Level == "mandatory" {
				t.Errorf("%s first preview: [mandatory] %s on %s: %s", stack, v.Policy, v.Name, strings.Split(v.Message, " Remediation:")[0])
			}
			if v.Policy == "preview-unverifiable-inputs" {
				deferred++
			}
		}
		if deferred == 0 {
			t.Errorf("%s first preview: no input was reported as deferred to pulumi up", stack)
		}
		t.Logf("%s first preview: %d unknown inputs, %d deferred checks reported", stack, unknown, deferred)
	}
}
