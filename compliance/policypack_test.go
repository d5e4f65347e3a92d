package compliance

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/internal/policycheck"
	"github.com/mediguard/mediguard/platform"
)

// TestVariantsPassThePolicyPack runs the HIPAA policy pack over every variant
// the BAA gate covers, with the stack's policy config, as `pulumi preview
// --policy-pack` would in the delivery pipeline: the options no stack file
// turns on yet (the pipeline itself) must pass it too.
func TestVariantsPassThePolicyPack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	packDir := filepath.Join(repoRoot, "policypack")
	if err := policycheck.Build(ctx, packDir); err != nil {
		if errors.Is(err, policycheck.ErrPackNotInstalled) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	pack, err := policycheck.Start(ctx, packDir)
	if errors.Is(err, policycheck.ErrPackNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer pack.Close()
	for _, v := range Variants {
		if v.Bootstrap {
			// The bootstrap project's state bucket is checked by its own
			// tests; the pack's stack configs are the platform's.
			continue
		}
		for _, preview := range []bool{false, true} {
			syn, err := platform.Synthesize(platform.SynthOptions{
				Dir: repoRoot, Stack: v.Stack, Configure: v.Configure, DryRun: preview,
				Program: platform.Options{Archive: placeholderArchive},
			})
			if err != nil {
				t.Fatal(err)
			}
			config, err := policycheck.LoadConfig(policycheck.StackConfigPath(packDir, v.Stack))
			if err != nil {
				t.Fatal(err)
			}
			if err := pack.Configure(ctx, config); err != nil {
				t.Fatal(err)
			}
			res, err := pack.Check(ctx, policycheck.Stack{
				Project: syn.StackFile.Project, Name: v.Stack, Region: syn.StackFile.Region, Resources: syn.Recorder.Resources(),
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Mandatory() {
				t.Errorf("%s (preview=%v): %s on %s %s: %s", v.Name, preview, m.Policy, m.Type, m.Name, strings.Split(m.Message, " Remediation:")[0])
			}
		}
	}
}
