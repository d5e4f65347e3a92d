package compliance

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/platform"
)

// Variant is one configuration of the program whose services are checked: a
// stack, optionally with configuration the stack file does not set, so that
// every option the program offers is covered.
type Variant struct {
	// Name labels the variant in the checklist ("prod + delivery").
	Name  string
	Stack string
	// Configure edits the stack's raw configuration before the run.
	Configure func(raw map[string]string)
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
		syn, err := platform.Synthesize(platform.SynthOptions{
			Dir: dir, Stack: v.Stack, Configure: v.Configure,
			Program: platform.Options{Archive: placeholderArchive},
		})
		if err != nil {
			return nil, fmt.Errorf("program usage, variant %s: %w", v.Name, err)
		}
		for _, token := range syn.Recorder.Types() {
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
