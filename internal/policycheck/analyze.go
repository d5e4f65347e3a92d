package policycheck

import (
	"context"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/mediguard/mediguard/internal/recorder"
)

// Stack is what gets analysed: the recorded resources of one stack and the region its default
// AWS provider is configured for.
type Stack struct {
	Project   string
	Name      string
	Region    string
	Resources []recorder.Resource
}

// Violation is one policy finding, as `pulumi preview --policy-pack` reports it.
type Violation struct {
	Pack        string
	PackVersion string
	Policy      string
	Description string
	// Level is "mandatory" or "advisory".
	Level   string
	Message string
	URN     string
	// Type and Name identify the resource the finding is about (empty for a stack-wide finding).
	Type string
	Name string
}

// Result is the verdict for one stack.
type Result struct {
	Stack      string
	Resources  int
	Violations []Violation
}

// Mandatory returns the findings that block a deployment.
func (r Result) Mandatory() []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Level == "mandatory" {
			out = append(out, v)
		}
	}
	return out
}

// marshalOptions are the engine's for analyzer requests: unknowns and secrets travel as such.
var marshalOptions = plugin.MarshalOptions{
	Label:            "policycheck",
	KeepUnknowns:     true,
	KeepSecrets:      true,
	SkipInternalKeys: true,
}

// providerFor is the default AWS provider every resource of the stack is created with, with
// the input the pack reads from it (the region). @pulumi/policy needs a provider with
// properties on every custom resource.
func providerFor(s Stack) (*pulumirpc.AnalyzerProviderResource, error) {
	props, err := plugin.MarshalProperties(resource.PropertyMap{"region": resource.NewStringProperty(s.Region)}, marshalOptions)
	if err != nil {
		return nil, fmt.Errorf("marshal provider properties: %w", err)
	}
	return &pulumirpc.AnalyzerProviderResource{
		Type:       "pulumi:providers:aws",
		Name:       "default",
		Urn:        fmt.Sprintf("urn:pulumi:%s::%s::pulumi:providers:aws::default", s.Name, s.Project),
		Properties: props,
	}, nil
}

func analyzerResource(r recorder.Resource, provider *pulumirpc.AnalyzerProviderResource) (*pulumirpc.AnalyzerResource, error) {
	props, err := plugin.MarshalProperties(r.Inputs, marshalOptions)
	if err != nil {
		return nil, fmt.Errorf("marshal properties of %s: %w", r.URN, err)
	}
	deps := map[string]*pulumirpc.AnalyzerPropertyDependencies{}
	keys := make([]string, 0, len(r.PropertyDependencies))
	for k := range r.PropertyDependencies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		deps[k] = &pulumirpc.AnalyzerPropertyDependencies{Urns: r.PropertyDependencies[k]}
	}
	res := &pulumirpc.AnalyzerResource{
		Type:                 r.Type,
		Properties:           props,
		Urn:                  r.URN,
		Name:                 r.Name,
		Options:              &pulumirpc.AnalyzerResourceOptions{Protect: r.Protect, Parent: r.Parent, CustomTimeouts: &pulumirpc.AnalyzerResourceOptions_CustomTimeouts{}},
		Parent:               r.Parent,
		Dependencies:         r.Dependencies,
		PropertyDependencies: deps,
	}
	if r.Custom {
		res.Provider = provider
	}
	return res, nil
}

// Check sends every resource of the stack to Analyze and the whole stack to AnalyzeStack, and
// returns the findings in a stable order (mandatory first, then by policy and resource).
func (p *Pack) Check(ctx context.Context, s Stack) (Result, error) {
	provider, err := providerFor(s)
	if err != nil {
		return Result{}, err
	}
	byURN := map[string]recorder.Resource{}
	stackReq := &pulumirpc.AnalyzeStackRequest{}
	var diags []*pulumirpc.AnalyzeDiagnostic
	for _, r := range s.Resources {
		byURN[r.URN] = r
		res, err := analyzerResource(r, provider)
		if err != nil {
			return Result{}, err
		}
		stackReq.Resources = append(stackReq.Resources, res)
		resp, err := p.client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
			Type:       res.Type,
			Properties: res.Properties,
			Urn:        res.Urn,
			Name:       res.Name,
			Options:    res.Options,
			Provider:   res.Provider,
		})
		if err != nil {
			return Result{}, p.wrap(fmt.Sprintf("analyze %s", r.URN), err)
		}
		for _, d := range resp.GetDiagnostics() {
			// A resource policy's finding is about the resource analysed.
			if d.GetUrn() == "" {
				d.Urn = r.URN
			}
			diags = append(diags, d)
		}
	}
	resp, err := p.client.AnalyzeStack(ctx, stackReq)
	if err != nil {
		return Result{}, p.wrap(fmt.Sprintf("analyze stack %s", s.Name), err)
	}
	diags = append(diags, resp.GetDiagnostics()...)

	result := Result{Stack: s.Name, Resources: len(s.Resources)}
	for _, d := range diags {
		v := Violation{
			Pack:        d.GetPolicyPackName(),
			PackVersion: d.GetPolicyPackVersion(),
			Policy:      d.GetPolicyName(),
			Description: d.GetDescription(),
			Level:       levelName(d.GetEnforcementLevel()),
			Message:     d.GetMessage(),
			URN:         d.GetUrn(),
		}
		if r, ok := byURN[d.GetUrn()]; ok {
			v.Type, v.Name = r.Type, r.Name
		}
		result.Violations = append(result.Violations, v)
	}
	sort.SliceStable(result.Violations, func(i, j int) bool {
		a, b := result.Violations[i], result.Violations[j]
		if a.Level != b.Level {
			return a.Level == "mandatory"
		}
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		return a.URN < b.URN
	})
	return result, nil
}

func levelName(l pulumirpc.EnforcementLevel) string {
	switch l {
	case pulumirpc.EnforcementLevel_MANDATORY, pulumirpc.EnforcementLevel_REMEDIATE:
		return "mandatory"
	case pulumirpc.EnforcementLevel_DISABLED:
		return "disabled"
	default:
		return "advisory"
	}
}
