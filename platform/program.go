package platform

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/lambdaarchive"
)

// Options are the parts of the program that differ between a deployment and a
// test: how the Lambda deployment packages are obtained.
type Options struct {
	// Archive returns the deployment package of the Go Lambda handler in
	// functions/<handler>. Deployments build it deterministically; tests inject
	// a small archive so they never compile.
	Archive func(handler string) (pulumi.Archive, error)
}

// LoadStackConfig reads and validates the stack configuration from the Pulumi
// context. Errors name the config key to fix.
func LoadStackConfig(ctx *pulumi.Context) (StackConfig, error) {
	region, _ := ctx.GetConfig("aws:region")
	raw := map[string]string{}
	for key := range configKeys {
		if v, ok := ctx.GetConfig(ConfigNamespace + ":" + key); ok {
			raw[key] = v
		}
	}
	return ParseStackConfig(region, raw)
}

// Program returns the Pulumi program that builds the platform for the stack.
func Program(opts Options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if opts.Archive == nil {
			return errors.New("platform: no Lambda archive source configured")
		}
		cfg, err := LoadStackConfig(ctx)
		if err != nil {
			return err
		}
		p, err := compose(ctx, cfg, opts)
		if err != nil {
			return fmt.Errorf("compose %s platform: %w", cfg.Environment, err)
		}
		p.export(ctx)
		return nil
	}
}

// BuildArchives returns an Archive source that compiles functions/<handler>
// of the module in moduleDir into a deterministic zip under moduleDir/.build/lambda.
// The same source always gives byte-identical archives, so a preview shows no
// spurious code change.
func BuildArchives(moduleDir string) func(handler string) (pulumi.Archive, error) {
	return func(handler string) (pulumi.Archive, error) {
		zipPath, err := lambdaarchive.Build(context.Background(), moduleDir, "./functions/"+handler,
			filepath.Join(moduleDir, ".build", "lambda"))
		if err != nil {
			return nil, err
		}
		return lambdaarchive.Archive(zipPath), nil
	}
}
