package delivery

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eventPattern is the part of an EventBridge event pattern the pipeline's
// notification rules use.
type eventPattern struct {
	Source     []string       `json:"source"`
	DetailType []string       `json:"detail-type"`
	Resources  []string       `json:"resources"`
	Detail     map[string]any `json:"detail"`
}

// notification is one EventBridge rule of the pipeline.
type notification struct {
	suffix, description string
	pattern             func(pipelineARN string) eventPattern
}

// notifications are what a person must hear about: an approval waiting (the
// pipeline holds prod until someone acts) and an execution that failed (a
// test, a policy-pack violation or a deployment error). The events carry
// pipeline, stage and action names only.
var notifications = []notification{
	{"approval-needed", "A manual approval of the MediGuard delivery pipeline is waiting", approvalNeededPattern},
	{"failed", "A MediGuard delivery pipeline execution failed", executionFailedPattern},
}

// approvalNeededPattern matches a manual approval action that started.
func approvalNeededPattern(pipelineARN string) eventPattern {
	return eventPattern{
		Source:     []string{"aws.codepipeline"},
		DetailType: []string{"CodePipeline Action Execution State Change"},
		Resources:  []string{pipelineARN},
		Detail:     map[string]any{"state": []string{"STARTED"}, "type": map[string]any{"category": []string{"Approval"}}},
	}
}

// executionFailedPattern matches a pipeline execution that failed.
func executionFailedPattern(pipelineARN string) eventPattern {
	return eventPattern{
		Source:     []string{"aws.codepipeline"},
		DetailType: []string{"CodePipeline Pipeline Execution State Change"},
		Resources:  []string{pipelineARN},
		Detail:     map[string]any{"state": []string{"FAILED"}},
	}
}

// notify creates the notification rules of the pipeline and their targets,
// the notification topic. The topic's policy must let EventBridge rules of
// this account publish, and its key must admit EventBridge.
func (b builder) notify(pipeline *codepipeline.Pipeline) error {
	for _, n := range notifications {
		pattern := pipeline.Arn.ApplyT(func(arn string) (string, error) {
			body, err := json.Marshal(n.pattern(arn))
			if err != nil {
				return "", fmt.Errorf("render %s event pattern: %w", n.suffix, err)
			}
			return string(body), nil
		}).(pulumi.StringOutput)
		rule, err := cloudwatch.NewEventRule(b.ctx, b.name+"-"+n.suffix, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(n.description),
			EventPattern: pattern,
			Tags:         b.tags,
		}, b.parent)
		if err != nil {
			return fmt.Errorf("create EventBridge rule %s: %w", n.suffix, err)
		}
		if _, err := cloudwatch.NewEventTarget(b.ctx, b.name+"-"+n.suffix, &cloudwatch.EventTargetArgs{
			Rule: rule.Name,
			Arn:  b.cfg.NotificationTopicARN,
		}, b.parent); err != nil {
			return fmt.Errorf("create EventBridge target %s: %w", n.suffix, err)
		}
	}
	return nil
}
