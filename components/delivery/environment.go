package delivery

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// environment is the account, region and partition the pipeline is created in.
//
// They come from provider invokes scoped to the component (pulumi.Parent), not
// from Args: the roles' trust conditions and the ARNs in their policies must
// name exactly the account and region of the provider that creates them.
type environment struct {
	AccountID string
	Region    string
	Partition string
}

// lookupEnvironment asks the component's provider who and where it is.
func lookupEnvironment(ctx *pulumi.Context, component pulumi.Resource) (environment, error) {
	scope := pulumi.Parent(component)
	identity, err := aws.GetCallerIdentity(ctx, nil, scope)
	if err != nil {
		return environment{}, fmt.Errorf("look up caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, scope)
	if err != nil {
		return environment{}, fmt.Errorf("look up region: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, scope)
	if err != nil {
		return environment{}, fmt.Errorf("look up partition: %w", err)
	}
	return environment{AccountID: identity.AccountId, Region: region.Name, Partition: partition.Partition}, nil
}

// projectARN is the ARN of a CodeBuild project of this account and region;
// it is known before the project exists, so a role's trust can name it.
func (e environment) projectARN(project string) string {
	return fmt.Sprintf("arn:%s:codebuild:%s:%s:project/%s", e.Partition, e.Region, e.AccountID, project)
}
