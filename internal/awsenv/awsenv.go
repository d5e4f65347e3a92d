// Package awsenv tells a component which AWS account, region and partition its
// resources are created in.
//
// Components ask their own provider through invokes scoped to the component
// (pulumi.Parent) instead of taking these values as Args: policies must name
// exactly the account and region of the provider that creates the resources,
// and an invoke through the same provider cannot drift from it the way a
// hand-copied value can (for example when a caller passes a provider for a
// replica region). The invokes are answered at preview too, so the policy pack
// can read the policies before anything exists.
package awsenv

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Environment is where a component's provider creates resources.
type Environment struct {
	AccountID string
	Region    string
	Partition string
	// DNSSuffix is the partition's domain ("amazonaws.com", "amazonaws.com.cn").
	DNSSuffix string
}

// Lookup asks the provider selected by scope (normally
// pulumi.Parent(component)) who and where it is.
func Lookup(ctx *pulumi.Context, scope pulumi.InvokeOption) (Environment, error) {
	identity, err := aws.GetCallerIdentity(ctx, nil, scope)
	if err != nil {
		return Environment{}, fmt.Errorf("look up caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, scope)
	if err != nil {
		return Environment{}, fmt.Errorf("look up region: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, scope)
	if err != nil {
		return Environment{}, fmt.Errorf("look up partition: %w", err)
	}
	return Environment{
		AccountID: identity.AccountId,
		Region:    region.Name,
		Partition: partition.Partition,
		DNSSuffix: partition.DnsSuffix,
	}, nil
}

// RootARN is the account principal: naming it in a resource policy delegates
// the statement to the account's IAM policies.
func (e Environment) RootARN() string {
	return fmt.Sprintf("arn:%s:iam::%s:root", e.Partition, e.AccountID)
}

// ARN builds a regional ARN of this account: arn:<partition>:<service>:<region>:<account>:<resource>.
func (e Environment) ARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, e.Region, e.AccountID, resource)
}

// ServiceHost is a service's regional endpoint host, the value kms:ViaService
// conditions compare with (kinesisvideo.us-east-1.amazonaws.com).
func (e Environment) ServiceHost(service string) string {
	return service + "." + e.Region + "." + e.DNSSuffix
}
