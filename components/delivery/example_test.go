package delivery_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/delivery"
	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/internal/recorder"
)

// A pipeline that tests every push to main and deploys one dev stack,
// synthesised offline: its CodeBuild projects and what each build runs.
func ExampleNewPipeline() {
	r := recorder.New("mediguard", "tooling", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		pipeline, err := delivery.NewPipeline(ctx, "delivery", &delivery.PipelineArgs{
			ConnectionARN: "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
			Repository:    "st-example-hospital/mediguard",
			Targets: []delivery.Target{{
				Stack:          "dev",
				PreviewRoleARN: "arn:aws:iam::111111111111:role/mediguard-dev-preview",
				DeployRoleARN:  "arn:aws:iam::111111111111:role/mediguard-dev-deploy",
				BackendURL:     "s3://mediguard-dev-state?region=us-east-1&awssdk=v2",
			}},
			ArtifactLockMode:      phibucket.LockGovernance,
			ArtifactRetentionDays: 30,
		})
		if err != nil {
			return err
		}
		ctx.Export("pipelineName", pipeline.PipelineName)
		return nil
	}, r.RunOption())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.ByType("aws:codebuild/project:Project") {
		source := p.Inputs.Mappable()["source"].(map[string]any)
		fmt.Println(p.Name, source["buildspec"])
	}
	// Unordered output:
	// delivery-test buildspecs/test.yml
	// delivery-preview-dev buildspecs/preview.yml
	// delivery-deploy-dev buildspecs/deploy.yml
}
