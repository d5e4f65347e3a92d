package compliance

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/mediguard/mediguard/bootstrap/statebackend"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/platform"
)

// Variant is one configuration of a program whose services are checked: a
// stack of the platform, optionally with configuration the stack file does
// not set, so that every option the program offers is covered, or a stack of
// the bootstrap project that creates the state backend.
type Variant struct {
	// Name labels the variant in the checklist ("prod + delivery").
	Name  string
	Stack string
	// Configure edits the platform stack's raw configuration before the run.
	Configure func(raw map[string]string)
	// Bootstrap selects the bootstrap project (bootstrap/Pulumi.<stack>.yaml)
	// instead of the platform.
	Bootstrap bool
}

// ExampleDelivery is the delivery pipeline configuration the "prod +
// delivery" variant adds, so that the pipeline's services are checked even
// while no stack file owns the pipeline.
const ExampleDelivery = `{"connectionArn":"arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",` +
	`"repository":"st-example-hospital/mediguard",` +
	`"targets":[{"stack":"dev","previewRoleArn":"arn:aws:iam::111111111111:role/mediguard-dev-preview","deployRoleArn":"arn:aws:iam::111111111111:role/mediguard-dev-deploy","backendUrl":"s3://mediguard-dev-state-0a1b2c3?region=us-east-1&awssdk=v2"},` +
	`{"stack":"prod","previewRoleArn":"arn:aws:iam::222222222222:role/mediguard-prod-preview","deployRoleArn":"arn:aws:iam::222222222222:role/mediguard-prod-deploy","backendUrl":"s3://mediguard-prod-state-4d5e6f7?region=us-east-1&awssdk=v2","manualApproval":true}]}`

// Variants are the configurations the BAA checklist and its tests cover.
var Variants = []Variant{
	{Name: "dev", Stack: "dev"},
	{Name: "prod", Stack: "prod"},
	{Name: "prod + delivery", Stack: "prod", Configure: func(raw map[string]string) { raw["delivery"] = ExampleDelivery }},
	{Name: "prod + password policy", Stack: "prod", Configure: func(raw map[string]string) {
		raw["baseline"] = `{"guardDuty":true,"securityHub":true,"config":true,"publicAccessBlock":true,"passwordPolicy":true}`
	}},
	{Name: "bootstrap dev", Stack: "dev", Bootstrap: true},
	{Name: "bootstrap prod", Stack: "prod", Bootstrap: true},
}

// Usage is one service the program uses: in which variants and through
// which resource types.
type Usage struct {
	Service  Service
	Variants []string
	Types    []string
}

// placeholderArchive stands in for the Lambda deployment packages: which
// resources the program registers does not depend on the handlers' code, so
// the checks need not compile them.
func placeholderArchive(handler string) (pulumi.Archive, error) {
	return pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("placeholder for " + handler)}), nil
}

// ProgramUsage synthesises every variant from the project in dir and returns
// the services its AWS resources belong to, sorted by name. Resource types of
// services not on Eligible are errors, each naming the type and the variant.
func ProgramUsage(dir string) ([]Usage, error) {
	byService := map[string]*Usage{}
	var errs []error
	for _, v := range Variants {
		rec, err := v.synthesize(dir)
		if err != nil {
			return nil, fmt.Errorf("program usage, variant %s: %w", v.Name, err)
		}
		for _, token := range rec.Types() {
			if !IsAWSResource(token) {
				continue
			}
			service, err := ServiceOf(token)
			if err != nil {
				errs = append(errs, fmt.Errorf("variant %s: %w", v.Name, err))
				continue
			}
			u := byService[service.Name]
			if u == nil {
				u = &Usage{Service: service}
				byService[service.Name] = u
			}
			if !slices.Contains(u.Variants, v.Name) {
				u.Variants = append(u.Variants, v.Name)
			}
			if !slices.Contains(u.Types, token) {
				u.Types = append(u.Types, token)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]Usage, 0, len(byService))
	for _, name := range slices.Sorted(maps.Keys(byService)) {
		u := byService[name]
		slices.Sort(u.Types)
		out = append(out, *u)
	}
	return out, nil
}

// synthesize runs the variant's program offline and returns the recording.
func (v Variant) synthesize(dir string) (*recorder.Recorder, error) {
	if !v.Bootstrap {
		syn, err := platform.Synthesize(platform.SynthOptions{
			Dir: dir, Stack: v.Stack, Configure: v.Configure,
			Program: platform.Options{Archive: placeholderArchive},
		})
		if err != nil {
			return nil, err
		}
		return syn.Recorder, nil
	}
	path := filepath.Join(dir, "bootstrap", "Pulumi."+v.Stack+".yaml")
	config, err := stackConfig(path)
	if err != nil {
		return nil, err
	}
	rec := recorder.New("mediguard-bootstrap", v.Stack, config["aws:region"])
	if err := pulumi.RunErr(statebackend.Program, rec.RunOption(), func(info *pulumi.RunInfo) { info.Config = config }); err != nil {
		return nil, fmt.Errorf("synthesise %s: %w", path, err)
	}
	return rec, nil
}

// stackConfig reads a stack file's configuration as Pulumi hands it to a
// program: fully qualified keys, strings bare, other values as JSON.
func stackConfig(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	out := map[string]string{}
	for key, value := range file.Config {
		if s, ok := value.(string); ok {
			out[key] = s
			continue
		}
		encoded, err := json.Marshal(value)
		if err != nil {
			return nil, fmt.Errorf("%s: config %s: %w", path, key, err)
		}
		out[key] = string(encoded)
	}
	return out, nil
}
