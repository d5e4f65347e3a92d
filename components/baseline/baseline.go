package baseline

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:security:Baseline"

// GuardDuty features the baseline turns on. S3 data events watch access to the
// PHI buckets; Lambda network activity watches the detector function, the only
// compute the platform runs.
const (
	FeatureS3DataEvents      = "S3_DATA_EVENTS"
	FeatureLambdaNetworkLogs = "LAMBDA_NETWORK_LOGS"
	FeatureRuntimeMonitoring = "RUNTIME_MONITORING"
)

// runtimeAgentManagement are the automated agents Runtime Monitoring deploys.
var runtimeAgentManagement = []string{"EC2_AGENT_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT"}

// findingPublishingFrequency is how often GuardDuty re-publishes updates of
// an existing finding to EventBridge (new findings are published at once).
const findingPublishingFrequency = "FIFTEEN_MINUTES"

// Baseline is the account's security baseline: GuardDuty with the features
// that matter for a PHI platform, Security Hub with the AWS Foundational
// Security Best Practices and NIST 800-53 standards, findings routed to the
// operations topic, an AWS Config recorder with its history in an audit
// bucket and a HIPAA conformance pack, the account-wide S3 public access block
// and, optionally, the IAM password policy.
type Baseline struct {
	pulumi.ResourceState

	// GuardDutyDetectorID is empty when GuardDuty is disabled.
	GuardDutyDetectorID pulumi.StringOutput `pulumi:"guardDutyDetectorId"`
	// ConfigRecorderName, ConfigBucketName and ConformancePackName are empty
	// when Config is disabled.
	ConfigRecorderName  pulumi.StringOutput `pulumi:"configRecorderName"`
	ConfigBucketName    pulumi.StringOutput `pulumi:"configBucketName"`
	ConformancePackName pulumi.StringOutput `pulumi:"conformancePackName"`
}

// NewBaseline validates args, then creates the enabled parts of the baseline as
// children of the component. Invalid args register nothing.
func NewBaseline(ctx *pulumi.Context, name string, args *BaselineArgs, opts ...pulumi.ResourceOption) (*Baseline, error) {
	c, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &Baseline{}
	inputs := pulumi.Map{
		"guardDuty":                pulumi.Bool(!c.DisableGuardDuty),
		"runtimeMonitoring":        pulumi.Bool(c.RuntimeMonitoring),
		"securityHub":              pulumi.Bool(!c.DisableSecurityHub),
		"config":                   pulumi.Bool(!c.DisableConfig),
		"accountPublicAccessBlock": pulumi.Bool(!c.DisableAccountPublicAccessBlock),
		"passwordPolicy":           pulumi.Bool(c.PasswordPolicy),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register baseline %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("baseline %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: c, env: env, parent: pulumi.Parent(component), tags: c.tags()}
	if err := b.build(component); err != nil {
		return nil, fmt.Errorf("baseline %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"guardDutyDetectorId": component.GuardDutyDetectorID,
		"configRecorderName":  component.ConfigRecorderName,
		"configBucketName":    component.ConfigBucketName,
		"conformancePackName": component.ConformancePackName,
	}); err != nil {
		return nil, fmt.Errorf("baseline %q: register outputs: %w", name, err)
	}
	return component, nil
}

// builder creates the children of one Baseline.
type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    BaselineArgs
	env    awsenv.Environment
	parent pulumi.ResourceOption
	tags   pulumi.StringMap
}

// build creates every enabled part and sets the component's output fields.
func (b builder) build(component *Baseline) error {
	none := pulumi.String("").ToStringOutput()
	component.GuardDutyDetectorID = none
	component.ConfigRecorderName = none
	component.ConfigBucketName = none
	component.ConformancePackName = none

	if !b.cfg.DisableGuardDuty {
		detectorID, err := b.guardDuty()
		if err != nil {
			return err
		}
		component.GuardDutyDetectorID = detectorID
	}
	if !b.cfg.DisableSecurityHub {
		if err := b.securityHub(); err != nil {
			return err
		}
	}
	if !b.cfg.DisableConfig {
		if err := b.config(component); err != nil {
			return err
		}
	}
	if !b.cfg.DisableAccountPublicAccessBlock {
		if _, err := s3.NewAccountPublicAccessBlock(b.ctx, b.name+"-s3-public-access-block", &s3.AccountPublicAccessBlockArgs{
			BlockPublicAcls:       pulumi.Bool(true),
			BlockPublicPolicy:     pulumi.Bool(true),
			IgnorePublicAcls:      pulumi.Bool(true),
			RestrictPublicBuckets: pulumi.Bool(true),
		}, b.parent); err != nil {
			return fmt.Errorf("create account public access block: %w", err)
		}
	}
	if b.cfg.PasswordPolicy {
		if _, err := iam.NewAccountPasswordPolicy(b.ctx, b.name+"-password-policy", &iam.AccountPasswordPolicyArgs{
			MinimumPasswordLength:      pulumi.Int(PasswordMinimumLength),
			PasswordReusePrevention:    pulumi.Int(PasswordReusePrevention),
			MaxPasswordAge:             pulumi.Int(PasswordMaxAgeDays),
			RequireLowercaseCharacters: pulumi.Bool(true),
			RequireUppercaseCharacters: pulumi.Bool(true),
			RequireNumbers:             pulumi.Bool(true),
			RequireSymbols:             pulumi.Bool(true),
			AllowUsersToChangePassword: pulumi.Bool(true),
		}, b.parent); err != nil {
			return fmt.Errorf("create IAM account password policy: %w", err)
		}
	}
	return nil
}

// detectorFeature is a GuardDuty feature to enable, with the automated agents
// it manages.
type detectorFeature struct {
	suffix, name string
	agents       []string
}

// guardDuty creates the detector, its features and the rule that pages on
// high-severity findings.
func (b builder) guardDuty() (pulumi.StringOutput, error) {
	detector, err := guardduty.NewDetector(b.ctx, b.name+"-guardduty", &guardduty.DetectorArgs{
		Enable:                     pulumi.Bool(true),
		FindingPublishingFrequency: pulumi.String(findingPublishingFrequency),
		Tags:                       b.tags,
	}, b.parent, pulumi.Protect(b.cfg.Protect))
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create GuardDuty detector: %w", err)
	}
	features := []detectorFeature{
		{"s3-data-events", FeatureS3DataEvents, nil},
		{"lambda-network-logs", FeatureLambdaNetworkLogs, nil},
	}
	if b.cfg.RuntimeMonitoring {
		features = append(features, detectorFeature{"runtime-monitoring", FeatureRuntimeMonitoring, runtimeAgentManagement})
	}
	for _, f := range features {
		var additional guardduty.DetectorFeatureAdditionalConfigurationArray
		for _, agent := range f.agents {
			additional = append(additional, guardduty.DetectorFeatureAdditionalConfigurationArgs{
				Name: pulumi.String(agent), Status: pulumi.String("ENABLED"),
			})
		}
		if _, err := guardduty.NewDetectorFeature(b.ctx, b.name+"-guardduty-"+f.suffix, &guardduty.DetectorFeatureArgs{
			DetectorId:               detector.ID().ToStringOutput(),
			Name:                     pulumi.String(f.name),
			Status:                   pulumi.String("ENABLED"),
			AdditionalConfigurations: additional,
		}, b.parent); err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("create GuardDuty feature %s: %w", f.name, err)
		}
	}
	if err := b.findingsRule("guardduty-findings", "High and critical GuardDuty findings to the operations topic", guardDutyPattern(), detector); err != nil {
		return pulumi.StringOutput{}, err
	}
	return detector.ID().ToStringOutput(), nil
}

// securityHub enables Security Hub without its default standards, subscribes
// to the two standards the platform is assessed against, and pages on high
// and critical findings. Consolidated control findings give one finding per
// control, however many standards include it.
func (b builder) securityHub() error {
	account, err := securityhub.NewAccount(b.ctx, b.name+"-securityhub", &securityhub.AccountArgs{
		EnableDefaultStandards:  pulumi.Bool(false),
		ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
		AutoEnableControls:      pulumi.Bool(true),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create Security Hub account: %w", err)
	}
	for _, s := range []struct{ suffix, standard string }{
		{"fsbp", StandardFoundationalBestPractices},
		{"nist-800-53", StandardNIST80053},
	} {
		if _, err := securityhub.NewStandardsSubscription(b.ctx, b.name+"-securityhub-"+s.suffix, &securityhub.StandardsSubscriptionArgs{
			StandardsArn: pulumi.String(standardARN(b.env, s.standard)),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{account})); err != nil {
			return fmt.Errorf("subscribe Security Hub to %s: %w", s.standard, err)
		}
	}
	return b.findingsRule("securityhub-findings", "New high and critical Security Hub findings (other than GuardDuty's) to the operations topic", securityHubPattern(), account)
}

// findingsRule creates an EventBridge rule for pattern and sends what it
// matches to the findings topic. The rule waits for the service that produces
// the findings.
func (b builder) findingsRule(suffix, description string, pattern eventPattern, source pulumi.Resource) error {
	body, err := pattern.render()
	if err != nil {
		return err
	}
	rule, err := cloudwatch.NewEventRule(b.ctx, b.name+"-"+suffix, &cloudwatch.EventRuleArgs{
		Description:  pulumi.String(description),
		EventPattern: pulumi.String(body),
		Tags:         b.tags,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{source}))
	if err != nil {
		return fmt.Errorf("create EventBridge rule %s: %w", suffix, err)
	}
	if _, err := cloudwatch.NewEventTarget(b.ctx, b.name+"-"+suffix, &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  b.cfg.FindingsTopicARN,
	}, b.parent); err != nil {
		return fmt.Errorf("create EventBridge target for %s: %w", suffix, err)
	}
	return nil
}

// config creates the Config history bucket, the recorder's role, the
// recorder, its delivery channel, starts the recorder once the channel exists
// (AWS refuses to start a recorder without one) and deploys the HIPAA
// conformance pack once recording has started.
func (b builder) config(component *Baseline) error {
	bucket, err := phibucket.NewPhiBucket(b.ctx, configBucketName(b.name), b.cfg.configBucketArgs(), b.parent)
	if err != nil {
		return fmt.Errorf("create Config history bucket: %w", err)
	}

	trust, err := configTrustPolicy(b.env).JSON()
	if err != nil {
		return fmt.Errorf("Config role trust policy: %w", err)
	}
	role, err := iam.NewRole(b.ctx, b.name+"-config-role", &iam.RoleArgs{
		Description:      pulumi.String("AWS Config recorder of the MediGuard baseline: reads resource configuration, writes history to the audit bucket"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create Config role: %w", err)
	}
	managed, err := iam.NewRolePolicyAttachment(b.ctx, b.name+"-config-role-aws-config", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(configRolePolicyARN(b.env)),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("attach AWS_ConfigRole: %w", err)
	}
	delivery, err := iam.NewRolePolicy(b.ctx, b.name+"-config-role-delivery", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.All(bucket.BucketARN, b.cfg.AuditKeyARN).ApplyT(func(v []any) (string, error) {
			return configDeliveryPolicy(b.env, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create Config delivery policy: %w", err)
	}

	recorder, err := cfg.NewRecorder(b.ctx, b.name+"-config-recorder", &cfg.RecorderArgs{
		Name:    pulumi.String(b.name),
		RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(true),
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{managed}))
	if err != nil {
		return fmt.Errorf("create Config recorder: %w", err)
	}
	channel, err := cfg.NewDeliveryChannel(b.ctx, b.name+"-config-delivery", &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(b.name),
		S3BucketName: bucket.BucketName,
		S3KmsKeyArn:  b.cfg.AuditKeyARN,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{recorder, delivery, bucket}))
	if err != nil {
		return fmt.Errorf("create Config delivery channel: %w", err)
	}
	status, err := cfg.NewRecorderStatus(b.ctx, b.name+"-config-recorder-status", &cfg.RecorderStatusArgs{
		Name:      recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{channel}))
	if err != nil {
		return fmt.Errorf("start Config recorder: %w", err)
	}

	body, err := RenderTemplate(HIPAARules(b.cfg.PasswordPolicy))
	if err != nil {
		return err
	}
	pack, err := cfg.NewConformancePack(b.ctx, b.name+"-hipaa", &cfg.ConformancePackArgs{
		Name:         pulumi.String(b.name + "-hipaa-security"),
		TemplateBody: pulumi.String(body),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{status}))
	if err != nil {
		return fmt.Errorf("create HIPAA conformance pack: %w", err)
	}

	component.ConfigRecorderName = recorder.Name
	component.ConfigBucketName = bucket.BucketName
	component.ConformancePackName = pack.Name
	return nil
}
