package vpcfunction

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// Builder creates the shared children of one component's function. Every
// child is named after the component (<Name>-role, <Name>-logs, <Name>-dlq,
// <Name>-policy, <Name>-policy-attachment, <Name>-function) and parented to
// it. The caller decides the order, so its own children can sit in between.
type Builder struct {
	Ctx *pulumi.Context
	// Name is the component's name, the prefix of every child's name.
	Name string
	// FunctionName names the function and its log group /aws/lambda/<FunctionName>.
	FunctionName string
	// PHIKeyARN encrypts the log group and the dead-letter queue.
	PHIKeyARN pulumi.StringInput
	// Tags are set on every child that takes tags.
	Tags pulumi.StringMap
	// Parent is pulumi.Parent(component).
	Parent pulumi.ResourceOrInvokeOption
}

// Role creates the execution role with TrustPolicy.
func (b Builder) Role(env awsenv.Environment, description string) (*iam.Role, error) {
	trust, err := TrustPolicy(env).JSON()
	if err != nil {
		return nil, fmt.Errorf("trust policy: %w", err)
	}
	role, err := iam.NewRole(b.Ctx, b.Name+"-role", &iam.RoleArgs{
		Description:      pulumi.String(description),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.Tags,
	}, b.Parent)
	if err != nil {
		return nil, fmt.Errorf("create role: %w", err)
	}
	return role, nil
}

// LogGroup creates the function's log group, encrypted with the PHI key and
// kept retentionDays. Pass it to Function, which waits for it.
func (b Builder) LogGroup(retentionDays int) (*cloudwatch.LogGroup, error) {
	name := LogGroupName(b.FunctionName)
	logGroup, err := cloudwatch.NewLogGroup(b.Ctx, b.Name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		KmsKeyId:        b.PHIKeyARN,
		RetentionInDays: pulumi.Int(retentionDays),
		Tags:            b.Tags,
	}, b.Parent)
	if err != nil {
		return nil, fmt.Errorf("create log group %s: %w", name, err)
	}
	return logGroup, nil
}

// DeadLetterQueue creates the queue encrypted with the PHI key that keeps
// what failed for DeadLetterQueueRetentionSeconds. opts are added to the
// parent (for example pulumi.Protect).
func (b Builder) DeadLetterQueue(opts ...pulumi.ResourceOption) (*sqs.Queue, error) {
	queue, err := sqs.NewQueue(b.Ctx, b.Name+"-dlq", &sqs.QueueArgs{
		KmsMasterKeyId:          b.PHIKeyARN,
		MessageRetentionSeconds: pulumi.Int(DeadLetterQueueRetentionSeconds),
		Tags:                    b.Tags,
	}, append([]pulumi.ResourceOption{b.Parent}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("create dead-letter queue: %w", err)
	}
	return queue, nil
}

// ExecutionPolicy creates document as a managed policy (the policy pack
// refuses inline policies) and attaches it to role. Pass the attachment to
// Function, which waits for it.
func (b Builder) ExecutionPolicy(role *iam.Role, description string, document pulumi.StringOutput) (*iam.RolePolicyAttachment, error) {
	policy, err := iam.NewPolicy(b.Ctx, b.Name+"-policy", &iam.PolicyArgs{
		Description: pulumi.String(description),
		Policy:      document,
		Tags:        b.Tags,
	}, b.Parent)
	if err != nil {
		return nil, fmt.Errorf("create execution policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(b.Ctx, b.Name+"-policy-attachment", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, b.Parent)
	if err != nil {
		return nil, fmt.Errorf("attach execution policy: %w", err)
	}
	return attachment, nil
}

// Function is what the components' functions differ in, and the shared
// children Function uses.
type Function struct {
	Description string
	// Code is a zip holding the Go handler as "bootstrap".
	Code                pulumi.Archive
	MemorySizeMB        int
	TimeoutSeconds      int
	ReservedConcurrency int
	SubnetIDs           pulumi.StringArrayInput
	SecurityGroupIDs    pulumi.StringArrayInput

	// Publish, EnvironmentKeyARN (the key that encrypts the environment)
	// and Environment are left unset when nil.
	Publish           pulumi.BoolInput
	EnvironmentKeyARN pulumi.StringInput
	Environment       pulumi.StringMap

	Role            *iam.Role
	LogGroup        *cloudwatch.LogGroup
	DeadLetterQueue *sqs.Queue
	// Permissions is the execution policy attachment.
	Permissions *iam.RolePolicyAttachment
}

// Function creates the function: provided.al2023 on arm64 in the given
// subnets, with active tracing, the dead-letter queue and JSON logs (INFO for
// the application, WARN for the platform) to its own log group.
func (b Builder) Function(f Function) (*lambda.Function, error) {
	args := &lambda.FunctionArgs{
		Name:                         pulumi.String(b.FunctionName),
		Description:                  pulumi.String(f.Description),
		Role:                         f.Role.Arn,
		Runtime:                      pulumi.String("provided.al2023"),
		Architectures:                pulumi.StringArray{pulumi.String("arm64")},
		Handler:                      pulumi.String("bootstrap"),
		Code:                         f.Code,
		Publish:                      f.Publish,
		MemorySize:                   pulumi.Int(f.MemorySizeMB),
		Timeout:                      pulumi.Int(f.TimeoutSeconds),
		ReservedConcurrentExecutions: pulumi.Int(f.ReservedConcurrency),
		KmsKeyArn:                    f.EnvironmentKeyARN,
		VpcConfig: lambda.FunctionVpcConfigArgs{
			SubnetIds:        f.SubnetIDs,
			SecurityGroupIds: f.SecurityGroupIDs,
		},
		TracingConfig:    lambda.FunctionTracingConfigArgs{Mode: pulumi.String("Active")},
		DeadLetterConfig: lambda.FunctionDeadLetterConfigArgs{TargetArn: f.DeadLetterQueue.Arn},
		LoggingConfig: lambda.FunctionLoggingConfigArgs{
			LogFormat:           pulumi.String("JSON"),
			LogGroup:            f.LogGroup.Name,
			ApplicationLogLevel: pulumi.String("INFO"),
			SystemLogLevel:      pulumi.String("WARN"),
		},
		Tags: b.Tags,
	}
	if f.Environment != nil {
		args.Environment = lambda.FunctionEnvironmentArgs{Variables: f.Environment}
	}
	// The log group must exist first (else Lambda creates an unencrypted one
	// without retention), and Lambda checks the role's VPC and dead-letter
	// permissions when the function is created.
	function, err := lambda.NewFunction(b.Ctx, b.Name+"-function", args,
		b.Parent, pulumi.DependsOn([]pulumi.Resource{f.LogGroup, f.Permissions}))
	if err != nil {
		return nil, fmt.Errorf("create function %s: %w", b.FunctionName, err)
	}
	return function, nil
}
