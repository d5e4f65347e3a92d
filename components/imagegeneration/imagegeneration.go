package imagegeneration

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
	"github.com/mediguard/mediguard/functions/kvsconfig/invocation"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Token is the component's type token.
const Token = "mediguard:video:ImageGeneration"

// LifecycleScope makes the provider invoke the function on create, update
// and delete of the invocation, with the action in the input's "tf" key.
const LifecycleScope = "CRUD"

// ImageGeneration is the deploy-time configuration of KVS image generation
// for a set of streams: the kvsconfig function, its invocation, and the
// producer grants KVS needs to write the images.
type ImageGeneration struct {
	pulumi.ResourceState

	FunctionARN  pulumi.StringOutput `pulumi:"functionArn"`
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	RoleARN      pulumi.StringOutput `pulumi:"roleArn"`
	// DestinationURI is where the images land (s3://<bucket>/<prefix without "/">).
	DestinationURI pulumi.StringOutput `pulumi:"destinationUri"`
	// Result is the function's answer to the last invocation: what it did to
	// each stream (ARNs only).
	Result pulumi.StringOutput `pulumi:"result"`
}

// NewImageGeneration validates args, then creates the function, its
// invocation and the producer grants as children of the component. Invalid
// args register nothing and name every problem.
func NewImageGeneration(ctx *pulumi.Context, name string, args *ImageGenerationArgs, opts ...pulumi.ResourceOption) (*ImageGeneration, error) {
	cfg, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &ImageGeneration{}
	if err := ctx.RegisterComponentResourceV2(Token, name, pulumi.Map{
		"functionName":       pulumi.String(cfg.FunctionName),
		"frameKeyPrefix":     pulumi.String(cfg.FrameKeyPrefix),
		"streams":            pulumi.Int(len(cfg.Streams)),
		"samplingIntervalMs": pulumi.Int(cfg.SamplingIntervalMillis),
		"imageSelectorType":  pulumi.String(cfg.ImageSelectorType),
		"widthPixels":        pulumi.Int(cfg.WidthPixels),
		"heightPixels":       pulumi.Int(cfg.HeightPixels),
		"jpegQuality":        pulumi.Int(cfg.JPEGQuality),
		"logRetentionDays":   pulumi.Int(cfg.LogRetentionDays),
	}, component, opts...); err != nil {
		return nil, fmt.Errorf("register imagegeneration %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: cfg, parent: pulumi.Parent(component)}
	if err := b.build(component); err != nil {
		return nil, fmt.Errorf("imagegeneration %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"functionArn":    component.FunctionARN,
		"functionName":   component.FunctionName,
		"roleArn":        component.RoleARN,
		"destinationUri": component.DestinationURI,
		"result":         component.Result,
	}); err != nil {
		return nil, fmt.Errorf("imagegeneration %q: register outputs: %w", name, err)
	}
	return component, nil
}

// builder creates the children of one component.
type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    config
	parent pulumi.ResourceOrInvokeOption
}

func (b builder) build(component *ImageGeneration) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	env, err := awsenv.Lookup(b.ctx, b.parent)
	if err != nil {
		return err
	}
	fn := vpcfunction.Builder{Ctx: ctx, Name: name, FunctionName: cfg.FunctionName, PHIKeyARN: cfg.PHIKeyARN, Tags: cfg.tags(), Parent: parent}
	role, err := fn.Role(env, "Execution role of the MediGuard KVS image generation function "+cfg.FunctionName)
	if err != nil {
		return err
	}
	logGroup, err := fn.LogGroup(cfg.LogRetentionDays)
	if err != nil {
		return err
	}
	// The function is only invoked synchronously by the deployment, which
	// sees its errors; the queue keeps any asynchronous invocation that fails.
	deadLetterQueue, err := fn.DeadLetterQueue()
	if err != nil {
		return err
	}

	streamARNs := make(pulumi.StringArray, len(cfg.Streams))
	for i, s := range cfg.Streams {
		streamARNs[i] = s.StreamARN
	}
	document := pulumi.All(streamARNs, logGroup.Arn, deadLetterQueue.Arn, cfg.PHIKeyARN, cfg.SubnetIDs).ApplyT(func(v []any) (string, error) {
		arns := functionARNs{
			StreamARNs:         v[0].([]string),
			LogGroupARN:        v[1].(string),
			DeadLetterQueueARN: v[2].(string),
			PHIKeyARN:          v[3].(string),
			SubnetIDs:          v[4].([]string),
		}
		for _, arn := range arns.StreamARNs {
			if err := checkStreamRegion(arn, env.Region); err != nil {
				return "", err
			}
		}
		return executionPolicy(env, arns).JSON()
	}).(pulumi.StringOutput)
	attachment, err := fn.ExecutionPolicy(role, "Least-privilege permissions of the MediGuard KVS image generation function "+cfg.FunctionName, document)
	if err != nil {
		return err
	}
	function, err := fn.Function(vpcfunction.Function{
		Description:         "MediGuard: applies Kinesis Video Streams image generation to the camera streams at deploy time",
		Code:                cfg.Code,
		MemorySizeMB:        functionMemoryMB,
		TimeoutSeconds:      functionTimeoutSeconds,
		ReservedConcurrency: functionConcurrency,
		SubnetIDs:           cfg.SubnetIDs,
		SecurityGroupIDs:    cfg.SecurityGroupIDs,
		Role:                role,
		LogGroup:            logGroup,
		DeadLetterQueue:     deadLetterQueue,
		Permissions:         attachment,
	})
	if err != nil {
		return err
	}

	grants, err := b.producerGrants(env)
	if err != nil {
		return err
	}

	destination := cfg.FramesBucketARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		bucket, err := bucketName(arn)
		if err != nil {
			return "", fmt.Errorf("FramesBucketARN: %w", err)
		}
		return invocation.DestinationURI(bucket, cfg.FrameKeyPrefix), nil
	}).(pulumi.StringOutput)
	input := pulumi.All(streamARNs, destination).ApplyT(func(v []any) (string, error) {
		req := invocation.Request{Image: cfg.image(v[1].(string), env.Region), Streams: v[0].([]string)}
		if err := req.Validate(); err != nil {
			return "", fmt.Errorf("invocation input: %w", err)
		}
		raw, err := json.Marshal(req)
		return string(raw), err
	}).(pulumi.StringOutput)
	// The invocation waits for the producer grants, so images can be written
	// as soon as generation starts; on destroy it goes first, while the
	// function and its permissions still exist to turn generation off.
	invoked, err := lambda.NewInvocation(ctx, name+"-apply", &lambda.InvocationArgs{
		FunctionName:   function.Name,
		Input:          input,
		LifecycleScope: pulumi.String(LifecycleScope),
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{attachment}, grants...)))
	if err != nil {
		return fmt.Errorf("create invocation: %w", err)
	}

	component.FunctionARN = function.Arn
	component.FunctionName = function.Name
	component.RoleARN = role.Arn
	component.DestinationURI = destination
	component.Result = invoked.Result
	return nil
}

// producerGrants attaches to each stream's producer role the policy that
// lets KVS write that stream's images with the producer's credentials.
func (b builder) producerGrants(env environment) ([]pulumi.Resource, error) {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	var grants []pulumi.Resource
	for i, s := range cfg.Streams {
		grantName := fmt.Sprintf("%s-producer-%d", name, i)
		document := pulumi.All(s.StreamARN, cfg.FramesBucketARN, cfg.PHIKeyARN).ApplyT(func(v []any) (string, error) {
			stream, err := streamName(v[0].(string))
			if err != nil {
				return "", fmt.Errorf("Streams[%d]: %w", i, err)
			}
			if _, err := bucketName(v[1].(string)); err != nil {
				return "", fmt.Errorf("FramesBucketARN: %w", err)
			}
			return producerImagePolicy(env, v[1].(string), cfg.FrameKeyPrefix, stream, v[2].(string)).JSON()
		}).(pulumi.StringOutput)
		policy, err := iam.NewPolicy(ctx, grantName, &iam.PolicyArgs{
			Description: pulumi.String("Lets Kinesis Video Streams write this stream's generated images with the producer's credentials"),
			Policy:      document,
			Tags:        cfg.tags(),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create producer image policy %d: %w", i, err)
		}
		role := s.ProducerRoleARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
			n, err := roleName(arn)
			if err != nil {
				return "", fmt.Errorf("Streams[%d].ProducerRoleARN: %w", i, err)
			}
			return n, nil
		}).(pulumi.StringOutput)
		attachment, err := iam.NewRolePolicyAttachment(ctx, grantName, &iam.RolePolicyAttachmentArgs{
			Role:      role,
			PolicyArn: policy.Arn,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("attach producer image policy %d: %w", i, err)
		}
		grants = append(grants, attachment)
	}
	return grants, nil
}
