package audittrail

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// environment is the account, region and partition the trail is created in.
//
// They come from provider invokes scoped to the component (pulumi.Parent), not
// from Args: the trail's ARN, which the bucket policy and the delivery role's
// trust policy must name before the trail exists, is built from the account,
// region and partition of the provider that creates the trail, and an invoke
// through the same provider cannot drift from it the way a hand-copied Args
// value can.
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

// trailARN is the ARN a trail named name gets in this environment.
func (e environment) trailARN(name string) string {
	return fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", e.Partition, e.Region, e.AccountID, name)
}
