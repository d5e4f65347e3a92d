package diagram

import (
	"slices"
	"strings"

	"github.com/mediguard/mediguard/internal/recorder"
)

// index looks recorded resources up by URN and follows the property
// dependencies Pulumi recorded: which resource each input came from. The
// diagrams are built from those links, not from IDs or ARNs, so they show
// what the program wired together whatever the values look like.
type index struct {
	resources []recorder.Resource
	byURN     map[string]recorder.Resource
}

// Pulumi registers resources concurrently, so their order differs between
// runs; the index sorts them by URN, and the diagrams come out the same for
// the same program.
func newIndex(resources []recorder.Resource) index {
	resources = slices.Clone(resources)
	slices.SortFunc(resources, func(a, b recorder.Resource) int { return strings.Compare(a.URN, b.URN) })
	ix := index{resources: resources, byURN: map[string]recorder.Resource{}}
	for _, r := range resources {
		ix.byURN[r.URN] = r
	}
	return ix
}

// ofType returns the resources of a type, sorted by URN.
func (ix index) ofType(token string) []recorder.Resource {
	var out []recorder.Resource
	for _, r := range ix.resources {
		if r.Type == token {
			out = append(out, r)
		}
	}
	return out
}

// deps returns the resources the input property of r came from, optionally
// only those of the given types, sorted by URN.
func (ix index) deps(r recorder.Resource, property string, types ...string) []recorder.Resource {
	var out []recorder.Resource
	for _, urn := range slices.Sorted(slices.Values(r.PropertyDependencies[property])) {
		d, ok := ix.byURN[urn]
		if !ok {
			continue
		}
		if len(types) > 0 && !slices.Contains(types, d.Type) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// component returns the name of the outermost MediGuard component that r
// belongs to, or "" for a resource created at the top of the stack.
func (ix index) component(r recorder.Resource) (token, name string) {
	for cur, ok := ix.byURN[r.Parent]; ok; cur, ok = ix.byURN[cur.Parent] {
		if strings.HasPrefix(cur.Type, "mediguard:") {
			token, name = cur.Type, cur.Name
		}
	}
	return token, name
}

// tag returns the value of a tag of r, or "".
func tag(r recorder.Resource, key string) string {
	tags, _ := r.Inputs.Mappable()["tags"].(map[string]any)
	v, _ := tags[key].(string)
	return v
}

// input returns a string input of r, or "".
func input(r recorder.Resource, key string) string {
	return r.InputString(key)
}
