package securenetwork

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsIdentity is where the network is deployed.
//
// It comes from the getCallerIdentity, getRegion and getPartition invokes,
// parented to the component, rather than from Args: they ask the same provider
// that creates the children, so the trust-policy conditions and endpoint
// service names cannot disagree with where the resources actually land, and
// the values are known at preview, so the policy pack can read the policies.
type awsIdentity struct {
	Account   string
	Region    string
	Partition string
	DNSSuffix string
}

// lookupIdentity asks the component's provider where it deploys.
func lookupIdentity(ctx *pulumi.Context, parent pulumi.Resource) (awsIdentity, error) {
	caller, err := aws.GetCallerIdentity(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return awsIdentity{}, fmt.Errorf("look up AWS account: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return awsIdentity{}, fmt.Errorf("look up AWS region: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return awsIdentity{}, fmt.Errorf("look up AWS partition: %w", err)
	}
	return awsIdentity{
		Account:   caller.AccountId,
		Region:    region.Name,
		Partition: partition.Partition,
		DNSSuffix: partition.DnsSuffix,
	}, nil
}

// serviceName is the VPC endpoint service name of an AWS service in this
// region: the partition's DNS suffix reversed, then region and service
// (com.amazonaws.us-east-1.kms, cn.com.amazonaws.cn-north-1.kms).
func (id awsIdentity) serviceName(service string) string {
	labels := strings.Split(id.DNSSuffix, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".") + "." + id.Region + "." + service
}
