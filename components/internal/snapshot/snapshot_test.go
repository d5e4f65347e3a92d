package snapshot

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// record registers a component with children a (protected), b and c (which
// depends on a), registering a and b in the order given.
func record(t *testing.T, bFirst bool) *recorder.Recorder {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		holder := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("test:index:Holder", "holder", holder); err != nil {
			return err
		}
		a := &pulumi.CustomResourceState{}
		registerA := func() error {
			return ctx.RegisterResource("test:index:Thing", "a", pulumi.Map{"size": pulumi.Int(1)}, a, pulumi.Parent(holder), pulumi.Protect(true))
		}
		registerB := func() error {
			return ctx.RegisterResource("test:index:Thing", "b", pulumi.Map{"name": pulumi.String("b")}, &pulumi.CustomResourceState{}, pulumi.Parent(holder))
		}
		order := []func() error{registerA, registerB}
		if bFirst {
			order = []func() error{registerB, registerA}
		}
		for _, register := range order {
			if err := register(); err != nil {
				return err
			}
		}
		return ctx.RegisterResource("test:index:Thing", "c", pulumi.Map{}, &pulumi.CustomResourceState{}, pulumi.Parent(holder), pulumi.DependsOn([]pulumi.Resource{a}))
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func TestRegistrations(t *testing.T) {
	t.Parallel()
	text := Registrations(t, record(t, false))
	var got []registration
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, text)
	}
	if len(got) != 4 {
		t.Fatalf("rendered %d registrations, want 4:\n%s", len(got), text)
	}
	a, b, c, holder := got[0], got[1], got[2], got[3]
	const thing = "urn:pulumi:dev::mediguard::test:index:Holder$test:index:Thing::"
	if a.URN != thing+"a" || b.URN != thing+"b" || c.URN != thing+"c" || b.Parent != holder.URN {
		t.Errorf("not ordered by URN, or parents lost:\n%s", text)
	}
	if !a.Protect || b.Protect {
		t.Errorf("protect a=%v b=%v, want true, false", a.Protect, b.Protect)
	}
	if len(c.Dependencies) != 1 || c.Dependencies[0] != a.URN {
		t.Errorf("c dependencies = %v, want [%s]", c.Dependencies, a.URN)
	}
	if a.Inputs["size"] != float64(1) || b.Inputs["name"] != "b" {
		t.Errorf("inputs a=%v b=%v", a.Inputs, b.Inputs)
	}
}

func TestRegistrationsDoNotDependOnRegistrationOrder(t *testing.T) {
	t.Parallel()
	if forward, reversed := Registrations(t, record(t, false)), Registrations(t, record(t, true)); forward != reversed {
		t.Errorf("the same stack registered in another order renders differently:\n%s\n%s", forward, reversed)
	}
}
