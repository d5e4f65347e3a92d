// Package recordertest holds the assertions the component tests share over a
// recorder.Recorder: find a registered resource, read a nested input, compare
// it, and parse a policy document input.
package recordertest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
)

// MustNamed returns the registered resource of that type and name, or fails
// the test listing what was registered.
func MustNamed(t testing.TB, r *recorder.Recorder, token, name string) recorder.Resource {
	t.Helper()
	res, ok := r.Named(token, name)
	if !ok {
		t.Fatalf("no %s named %s; registered %v", token, name, r.TypeCounts())
	}
	return res
}

// Input walks nested objects and arrays of a resource's inputs, e.g.
// Input(t, trail, "advancedEventSelectors", "0", "name").
func Input(t testing.TB, res recorder.Resource, path ...string) resource.PropertyValue {
	t.Helper()
	v := resource.NewObjectProperty(res.Inputs)
	for _, step := range path {
		switch {
		case v.IsObject():
			next, ok := v.ObjectValue()[resource.PropertyKey(step)]
			if !ok {
				t.Fatalf("%s: no input %s", res.Name, strings.Join(path, "."))
			}
			v = next
		case v.IsArray():
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(v.ArrayValue()) {
				t.Fatalf("%s: no input %s", res.Name, strings.Join(path, "."))
			}
			v = v.ArrayValue()[i]
		default:
			t.Fatalf("%s: input %s runs into a scalar", res.Name, strings.Join(path, "."))
		}
	}
	return v
}

// WantInput compares the plain Go value of a nested input with want.
func WantInput(t testing.TB, res recorder.Resource, want any, path ...string) {
	t.Helper()
	if got := Input(t, res, path...).Mappable(); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %s = %#v, want %#v", res.Name, strings.Join(path, "."), got, want)
	}
}

// Policy parses the policy document held in a string input.
func Policy(t testing.TB, res recorder.Resource, key string) policydoc.Document {
	t.Helper()
	text := res.InputString(key)
	if text == "" {
		t.Fatalf("%s %s has no %s input", res.Type, res.Name, key)
	}
	doc, err := policydoc.Parse(text)
	if err != nil {
		t.Fatalf("%s %s %s: %v", res.Type, res.Name, key, err)
	}
	return doc
}
