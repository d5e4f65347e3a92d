package phibucket

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// environment is the account and region the buckets are created in.
//
// They come from provider invokes scoped to the component (pulumi.Parent), not
// from Args: the bucket policies must name exactly the account (and the
// replication role the region) of the provider that creates the buckets, and an
// invoke through the same provider cannot drift from it the way a hand-copied
// Args value can (for example when the caller passes a provider for a replica
// region).
type environment struct {
	AccountID string
	Region    string
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
	return environment{AccountID: identity.AccountId, Region: region.Name}, nil
}
