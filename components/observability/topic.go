package observability

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// TopicTypeToken is the OperationsTopic component's Pulumi type.
const TopicTypeToken = "mediguard:observability:OperationsTopic"

// Statement IDs of the operations topic policy.
const (
	SidAllowCloudWatchAlarms = "AllowCloudWatchAlarmsOfThisAccount"
	SidAllowEventBridgeRules = "AllowEventBridgeRulesOfThisAccount"
	SidDenyInsecureTransport = "DenyInsecureTransport"
)

// SubscriberProtocols are the SNS protocols on-call engineers may subscribe with.
var SubscriberProtocols = []string{"email", "https", "lambda", "sms", "sqs"}

// Subscriber is one on-call subscription to the operations topic.
type Subscriber struct {
	Protocol string
	// Endpoint may be a secret output; it is never logged.
	Endpoint pulumi.StringInput
}

// OperationsTopicArgs configures the operations topic.
type OperationsTopicArgs struct {
	// KMSKeyARN encrypts the topic (the audit key); required. Its key policy
	// must admit CloudWatch alarms and EventBridge.
	KMSKeyARN pulumi.StringInput
	// Subscribers are the on-call engineers' subscriptions.
	Subscribers []Subscriber
	// Tags are merged into the topic's tags.
	Tags map[string]string
}

// OperationsTopic is the SNS topic that platform alarms and security findings
// notify. It carries platform health and security signals, never clinical
// alerts: on-call engineers do not receive patient events and nurses do not
// receive paging noise.
type OperationsTopic struct {
	pulumi.ResourceState

	TopicARN  pulumi.StringOutput `pulumi:"topicArn"`
	TopicName pulumi.StringOutput `pulumi:"topicName"`
}

// NewOperationsTopic validates args, then creates the encrypted topic, its
// policy and the subscriptions as children of the component. It exists before
// the components whose alarms and rules notify it; Observability, created
// after them, watches them. Invalid args register nothing.
func NewOperationsTopic(ctx *pulumi.Context, name string, args *OperationsTopicArgs, opts ...pulumi.ResourceOption) (*OperationsTopic, error) {
	c, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &OperationsTopic{}
	if err := ctx.RegisterComponentResourceV2(TopicTypeToken, name, pulumi.Map{
		"subscribers": pulumi.Int(len(c.Subscribers)),
	}, component, opts...); err != nil {
		return nil, fmt.Errorf("register operations topic %q: %w", name, err)
	}
	parent := pulumi.Parent(component)
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("operations topic %q: %w", name, err)
	}
	topic, err := sns.NewTopic(ctx, name+"-topic", &sns.TopicArgs{
		KmsMasterKeyId: c.KMSKeyARN,
		Tags:           tagMap(c.Tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("operations topic %q: create topic: %w", name, err)
	}
	if _, err := sns.NewTopicPolicy(ctx, name+"-policy", &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: topic.Arn.ApplyT(func(arn string) (string, error) {
			return topicPolicy(env, arn).JSON()
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, fmt.Errorf("operations topic %q: create topic policy: %w", name, err)
	}
	for i, s := range c.Subscribers {
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-sub-%d", name, i), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String(s.Protocol),
			Endpoint: s.Endpoint,
		}, parent); err != nil {
			return nil, fmt.Errorf("operations topic %q: create subscription %d (%s): %w", name, i, s.Protocol, err)
		}
	}
	component.TopicARN = topic.Arn
	component.TopicName = topic.Name
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"topicArn":  topic.Arn,
		"topicName": topic.Name,
	}); err != nil {
		return nil, fmt.Errorf("operations topic %q: register outputs: %w", name, err)
	}
	return component, nil
}

// withDefaults validates args and returns a copy, reporting every problem.
func (a *OperationsTopicArgs) withDefaults(name string) (OperationsTopicArgs, error) {
	if a == nil {
		return OperationsTopicArgs{}, fmt.Errorf("operations topic %q: args are required (KMSKeyARN at least)", name)
	}
	out := *a
	out.Subscribers = slices.Clone(a.Subscribers)
	out.Tags = maps.Clone(a.Tags)
	var errs []error
	if name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	if out.KMSKeyARN == nil {
		errs = append(errs, errors.New("KMSKeyARN is required"))
	}
	for i, s := range out.Subscribers {
		if !slices.Contains(SubscriberProtocols, s.Protocol) {
			errs = append(errs, fmt.Errorf("Subscribers[%d].Protocol %q must be one of %s", i, s.Protocol, strings.Join(SubscriberProtocols, ", ")))
		}
		if s.Endpoint == nil {
			errs = append(errs, fmt.Errorf("Subscribers[%d].Endpoint is required", i))
		}
	}
	errs = append(errs, checkTags(out.Tags)...)
	if len(errs) > 0 {
		return OperationsTopicArgs{}, fmt.Errorf("operations topic %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// topicPolicy lets CloudWatch alarms and EventBridge rules of this account and
// region publish, and denies publishing or subscribing over plain HTTP.
func topicPolicy(env awsenv.Environment, topicARN string) policydoc.Document {
	source := func(service, resource string) policydoc.Conditions {
		return policydoc.Conditions{
			"StringEquals": {"aws:SourceAccount": {env.AccountID}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:%s:%s:%s:%s", env.Partition, service, env.Region, env.AccountID, resource)}},
		}
	}
	return policydoc.New(
		policydoc.Statement{
			Sid: SidAllowCloudWatchAlarms, Effect: policydoc.Allow,
			Principal:  &policydoc.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
			Actions:    []string{"sns:Publish"},
			Resources:  []string{topicARN},
			Conditions: source("cloudwatch", "alarm:*"),
		},
		policydoc.Statement{
			Sid: SidAllowEventBridgeRules, Effect: policydoc.Allow,
			Principal:  &policydoc.Principal{Service: []string{"events.amazonaws.com"}},
			Actions:    []string{"sns:Publish"},
			Resources:  []string{topicARN},
			Conditions: source("events", "rule/*"),
		},
		policydoc.Statement{
			Sid: SidDenyInsecureTransport, Effect: policydoc.Deny,
			Principal:  &policydoc.Principal{Any: true},
			Actions:    []string{"sns:Publish", "sns:Subscribe"},
			Resources:  []string{topicARN},
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	)
}

// Tag keys the components set; callers cannot override them. Operations
// signals are audit records: that is the topic's classification.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
)

// checkTags rejects reserved and malformed tags.
func checkTags(tags map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		switch {
		case k == TagDataClassification || k == TagManagedBy:
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		case k == "" || strings.HasPrefix(strings.ToLower(k), "aws:") || len(k) > 128 || len(tags[k]) > 256:
			errs = append(errs, fmt.Errorf("Tags[%q]: must be 1-128 characters not starting with aws: and its value at most 256", k))
		}
	}
	return errs
}

// tagMap returns the caller's tags plus the component's mandatory ones.
func tagMap(tags map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range tags {
		out[k] = pulumi.String(v)
	}
	out[TagDataClassification] = pulumi.String("audit")
	out[TagManagedBy] = pulumi.String("mediguard")
	return out
}
