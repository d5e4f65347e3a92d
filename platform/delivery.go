package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/delivery"
	"github.com/mediguard/mediguard/components/phibucket"
)

// deliveryName is the name of the pipeline component (and its CodePipeline).
const deliveryName = "mediguard-delivery"

// DeliveryConfig is the delivery pipeline a stack may own (mediguard:delivery).
// One stack of the tooling account owns it; the pipeline then previews and
// deploys every target stack, itself included.
type DeliveryConfig struct {
	// ConnectionARN is the CodeConnections connection to the repository host,
	// created and authorised once in the console.
	ConnectionARN string `json:"connectionArn"`
	// Repository is "owner/name" on that host.
	Repository string `json:"repository"`
	// Branch whose pushes start the pipeline (default main).
	Branch string `json:"branch"`
	// Targets are the stacks to deploy, in order.
	Targets []DeliveryTarget `json:"targets"`
}

// DeliveryTarget is one stack the pipeline deploys.
type DeliveryTarget struct {
	Stack          string `json:"stack"`
	PreviewRoleARN string `json:"previewRoleArn"`
	DeployRoleARN  string `json:"deployRoleArn"`
	// BackendURL is the bootstrap's loginUrl of the target's environment.
	BackendURL     string `json:"backendUrl"`
	ManualApproval bool   `json:"manualApproval"`
}

// pipelineArgs maps the stack configuration onto the component's args: the
// artifacts are kept, and locked, like the stack's other audit records.
func (c StackConfig) pipelineArgs() *delivery.PipelineArgs {
	d := c.Delivery
	targets := make([]delivery.Target, len(d.Targets))
	for i, t := range d.Targets {
		targets[i] = delivery.Target{Stack: t.Stack, PreviewRoleARN: t.PreviewRoleARN, DeployRoleARN: t.DeployRoleARN, BackendURL: t.BackendURL, ManualApproval: t.ManualApproval}
	}
	return &delivery.PipelineArgs{
		ConnectionARN:         d.ConnectionARN,
		Repository:            d.Repository,
		Branch:                d.Branch,
		Targets:               targets,
		ArtifactLockMode:      phibucket.LockMode(c.ObjectLock.Mode),
		ArtifactRetentionDays: c.ObjectLock.Days,
		LogRetentionDays:      c.Retention.AuditLogDays,
		AllowForceDestroy:     c.Destroyable,
		Tags:                  stackTags(c),
		Protect:               c.Protect,
	}
}

// validateDelivery reports the problems of mediguard:delivery, if it is set,
// naming the config key.
func (c StackConfig) validateDelivery() error {
	if c.Delivery == nil {
		return nil
	}
	if err := c.pipelineArgs().Validate(deliveryName); err != nil {
		return fmt.Errorf("config %s:delivery: %w", ConfigNamespace, err)
	}
	return nil
}

// composeDelivery creates the delivery pipeline when the stack owns it.
// Waiting approvals and failed executions are told to the operations topic,
// whose policy admits EventBridge rules of the account.
func composeDelivery(ctx *pulumi.Context, cfg StackConfig, d *deployment) error {
	if cfg.Delivery == nil {
		return nil
	}
	args := cfg.pipelineArgs()
	args.NotificationTopicARN = d.operations.TopicARN
	var err error
	d.delivery, err = delivery.NewPipeline(ctx, deliveryName, args)
	return err
}

// exportDelivery publishes the pipeline's names and the build roles the
// target accounts' preview and deploy roles must trust.
func (d *deployment) exportDelivery(ctx *pulumi.Context) {
	if d.delivery == nil {
		return
	}
	ctx.Export("pipelineName", d.delivery.PipelineName)
	ctx.Export("pipelineArtifactBucket", d.delivery.ArtifactBucketName)
	ctx.Export("pipelineBuildRoleArns", d.delivery.BuildRoleARNs)
}
