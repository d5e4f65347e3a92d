package phikey

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// environment is the account, region and partition the key is created in.
//
// They come from provider invokes scoped to the component (pulumi.Parent), not
// from Args: the key policy must name exactly the account and region of the
// provider that creates the key, and an invoke through the same provider cannot
// drift from it the way a hand-copied Args value can (for example when the caller
// passes a provider for a replica region).
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

// rootARN is the account principal: naming it in a key policy delegates the
// statement to the account's IAM policies.
func (e environment) rootARN() string {
	return fmt.Sprintf("arn:%s:iam::%s:root", e.Partition, e.AccountID)
}
