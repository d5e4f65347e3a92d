package platform

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// testArchive stands in for the compiled handler so these tests never compile
// for arm64 (internal/lambdaarchive tests the real build).
func testArchive(handler string) (pulumi.Archive, error) {
	return pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("test " + handler)}), nil
}

func synth(t *testing.T, stack string, dryRun bool, configure func(map[string]string)) Synthesis {
	t.Helper()
	syn, err := Synthesize(SynthOptions{
		Dir: "..", Stack: stack, DryRun: dryRun,
		Program:   Options{Archive: testArchive},
		Configure: configure,
	})
	if err != nil {
		t.Fatalf("synthesise %s: %v", stack, err)
	}
	return syn
}

func TestProgramSynthesisesBothStacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		stack   string
		zones   int
		cameras int
	}{
		{"dev", 2, 2},
		{"prod", 3, 4},
	}
	for _, tt := range tests {
		for _, dryRun := range []bool{false, true} {
			name := tt.stack
			if dryRun {
				name += "/preview"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				syn := synth(t, tt.stack, dryRun, nil)
				rec := syn.Recorder
				counts := rec.TypeCounts()
				for token, want := range map[string]int{
					"mediguard:security:PhiKey":           2,
					"mediguard:network:SecureNetwork":     1,
					"mediguard:storage:PhiBucket":         4, // frames, evidence, audit, Config history
					"mediguard:video:VideoStream":         tt.cameras,
					"aws:kinesis/videoStream:VideoStream": tt.cameras,
					"mediguard:audit:AuditTrail":          1,
					"aws:cloudtrail/trail:Trail":          1,
					"mediguard:detection:AnomalyDetector": 1,
					"aws:ec2/subnet:Subnet":               tt.zones,
					"aws:lambda/function:Function":        2, // detector, kvsconfig
					"aws:kms/key:Key":                     2,
				} {
					if counts[token] != want {
						t.Errorf("%s: %d registered, want %d", token, counts[token], want)
					}
				}
				components := map[string]bool{}
				for _, r := range rec.Resources() {
					if !r.Custom {
						components[r.URN] = true
					}
				}
				// One call per component, plus the stack's own outputs (ctx.Export).
				if got := rec.OutputsRegistered(); got != len(components)+1 {
					t.Errorf("%d components but %d RegisterResourceOutputs calls", len(components), got)
				}
				// Everything but the components themselves is created inside a component.
				for _, r := range rec.Resources() {
					if r.Custom && !components[r.Parent] {
						t.Errorf("%s %s is not parented to a component", r.Type, r.Name)
					}
				}
			})
		}
	}
}

func TestProdProtectsStatefulResourcesAndDevDoesNot(t *testing.T) {
	t.Parallel()
	stateful := []string{
		"aws:kms/key:Key", "aws:s3/bucketV2:BucketV2", "aws:dynamodb/table:Table",
	}
	for _, tt := range []struct {
		stack   string
		protect bool
	}{{"dev", false}, {"prod", true}} {
		t.Run(tt.stack, func(t *testing.T) {
			t.Parallel()
			rec := synth(t, tt.stack, false, nil).Recorder
			for _, token := range stateful {
				resources := rec.ByType(token)
				if len(resources) == 0 {
					t.Fatalf("no %s registered", token)
				}
				for _, r := range resources {
					if r.Protect != tt.protect {
						t.Errorf("%s %s: protect = %v, want %v", token, r.Name, r.Protect, tt.protect)
					}
				}
			}
			// Dev buckets may be emptied by `pulumi destroy`; audit buckets never
			// are, in any stack: audit records outlive the stack that made them.
			for _, b := range rec.ByType("aws:s3/bucketV2:BucketV2") {
				forceDestroy := b.Inputs["forceDestroy"]
				got := forceDestroy.IsBool() && forceDestroy.BoolValue()
				want := !tt.protect && !strings.HasPrefix(b.Name, "audit")
				if got != want {
					t.Errorf("bucket %s: forceDestroy = %v in %s, want %v", b.Name, got, tt.stack, want)
				}
			}
		})
	}
}

func TestSynthesisIsDeterministic(t *testing.T) {
	t.Parallel()
	a := synth(t, "prod", false, nil).Recorder.Resources()
	b := synth(t, "prod", false, nil).Recorder.Resources()
	if len(a) != len(b) {
		t.Fatalf("%d vs %d resources", len(a), len(b))
	}
	index := func(rs []recorder.Resource) map[string]recorder.Resource {
		m := map[string]recorder.Resource{}
		for _, r := range rs {
			m[r.URN] = r
		}
		return m
	}
	ib := index(b)
	for _, r := range a {
		other, ok := ib[r.URN]
		if !ok {
			t.Errorf("%s only in the first run", r.URN)
			continue
		}
		if !reflect.DeepEqual(r.Inputs, other.Inputs) {
			t.Errorf("%s: inputs differ between two runs of the same program", r.URN)
		}
	}
}

func TestWrongConfigurationRegistersNothingAndNamesTheKey(t *testing.T) {
	t.Parallel()
	_, err := Synthesize(SynthOptions{
		Dir: "..", Stack: "prod", Program: Options{Archive: testArchive},
		Configure: func(raw map[string]string) {
			raw["cameras"] = `[{"id":"cam-1","ward":"W1"}]`
			raw["objectLock"] = `{"mode":"GOVERNANCE","days":30}`
		},
	})
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"mediguard:cameras[0].room", "mediguard:objectLock.mode: prod requires COMPLIANCE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %q: %v", want, err)
		}
	}
}

func TestArchiveFailureStopsTheProgram(t *testing.T) {
	t.Parallel()
	boom := errors.New("compile failed")
	_, err := Synthesize(SynthOptions{
		Dir: "..", Stack: "dev",
		Program: Options{Archive: func(string) (pulumi.Archive, error) { return nil, boom }},
	})
	if !errors.Is(err, boom) && (err == nil || !strings.Contains(err.Error(), "compile failed")) {
		t.Errorf("got %v, want the archive error", err)
	}
}

func TestInventoryTreeFollowsParents(t *testing.T) {
	t.Parallel()
	syn := synth(t, "dev", false, nil)
	inv := NewInventory("mediguard", "dev", syn.Recorder.Resources())
	total := 0
	var walk func([]*Node)
	walk = func(nodes []*Node) {
		for _, n := range nodes {
			total++
			walk(n.Children)
		}
	}
	walk(inv.Tree)
	if total != len(syn.Recorder.Resources()) {
		t.Errorf("tree holds %d nodes, recording %d", total, len(syn.Recorder.Resources()))
	}
	if inv.Resources+inv.Components != total {
		t.Errorf("counts %d+%d do not add up to %d", inv.Resources, inv.Components, total)
	}
	var text strings.Builder
	if err := inv.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "mediguard:network:SecureNetwork") {
		t.Errorf("text inventory lacks the network component:\n%s", text.String())
	}
}

func TestInventoryTextIsStableAcrossRuns(t *testing.T) {
	t.Parallel()
	render := func() string {
		syn := synth(t, "prod", false, nil)
		var b strings.Builder
		if err := NewInventory("mediguard", "prod", syn.Recorder.Resources()).WriteText(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	first := render()
	for i := 0; i < 3; i++ {
		if again := render(); again != first {
			t.Fatal("two synth runs of the same program print different inventories")
		}
	}
}
