package baseline

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// environment is the account, region and partition the baseline is created in.
//
// They come from provider invokes scoped to the component (pulumi.Parent), not
// from Args: the standards ARNs, the Config role's trust and the delivery
// permissions must name exactly the account and region of the provider that
// creates them.
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

// Security Hub standards the baseline subscribes to, as the path after
// "arn:<partition>:securityhub:<region>::".
const (
	StandardFoundationalBestPractices = "standards/aws-foundational-security-best-practices/v/1.0.0"
	StandardNIST80053                 = "standards/nist-800-53/v/5.0.0"
)

// standardARN is the ARN of a regional Security Hub standard.
func (e environment) standardARN(standard string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s::%s", e.Partition, e.Region, standard)
}

// configRolePolicyARN is the AWS managed policy that lets AWS Config read the
// configuration of every supported resource type.
func (e environment) configRolePolicyARN() string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", e.Partition)
}
