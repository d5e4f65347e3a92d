package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// SynthOptions selects what an offline run synthesises.
type SynthOptions struct {
	// Dir holds Pulumi.yaml and the Pulumi.<stack>.yaml files.
	Dir string
	// Stack is the stack name (dev, prod).
	Stack string
	// DryRun runs as a preview does: outputs of resources are unknown.
	DryRun bool
	// Program configures the program (the Lambda archives to deploy).
	Program Options
	// Configure, when set, edits the raw stack configuration before the run
	// (tests use it to try wrong or unusual configurations).
	Configure func(raw map[string]string)
}

// Synthesis is the result of an offline run.
type Synthesis struct {
	Config    StackConfig
	Recorder  *recorder.Recorder
	StackFile StackFile
}

// Synthesize runs the real program for a stack under Pulumi's mocks, with the
// stack's configuration read from its Pulumi.<stack>.yaml, and returns every
// resource the program registered. It needs no AWS account and no Pulumi CLI.
func Synthesize(opts SynthOptions) (Synthesis, error) {
	sf, err := ReadStackFile(opts.Dir, opts.Stack)
	if err != nil {
		return Synthesis{}, err
	}
	if opts.Configure != nil {
		opts.Configure(sf.Raw)
	}
	// Validate the whole file first: offline we can also report unknown keys,
	// which the program itself cannot enumerate from a Pulumi context.
	cfg, err := ParseStackConfig(sf.Region, sf.Raw)
	if err != nil {
		return Synthesis{}, fmt.Errorf("stack %s: %w", opts.Stack, err)
	}
	rec := recorder.New(sf.Project, opts.Stack, sf.Region)
	setRunInfo := func(info *pulumi.RunInfo) {
		info.Config = sf.Config()
		info.ConfigSecretKeys = sf.SecretKeys
		info.DryRun = opts.DryRun
	}
	if err := pulumi.RunErr(Program(opts.Program), rec.RunOption(), setRunInfo); err != nil {
		return Synthesis{}, fmt.Errorf("synthesise stack %s: %w", opts.Stack, err)
	}
	return Synthesis{Config: cfg, Recorder: rec, StackFile: sf}, nil
}
