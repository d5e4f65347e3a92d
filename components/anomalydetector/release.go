package anomalydetector

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codedeploy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/mediguard/mediguard/components/policydoc"
)

// LiveAlias is the alias every invoker calls. CodeDeploy moves it from the
// running version to a newly published one; nothing invokes $LATEST.
const LiveAlias = "live"

// ReleaseStrategy is how CodeDeploy shifts the live alias to a new version:
// the trafficRoutingConfig type of a Lambda deployment configuration.
type ReleaseStrategy string

// Release strategies. A canary sends Percentage of the traffic to the new
// version for IntervalMinutes, then the rest; a linear release adds Percentage
// every IntervalMinutes; all-at-once moves everything in one step, so the
// deployment ends before an alarm can stop it (the alarms still page).
const (
	ReleaseAllAtOnce ReleaseStrategy = "AllAtOnce"
	ReleaseCanary    ReleaseStrategy = "TimeBasedCanary"
	ReleaseLinear    ReleaseStrategy = "TimeBasedLinear"
)

// Defaults of ReleaseArgs: CodeDeploy's LambdaCanary10Percent10Minutes.
const (
	DefaultReleasePercentage      = 10
	DefaultReleaseIntervalMinutes = 10
)

// MinReleaseIntervalMinutes is the shortest step accepted: two alarm periods,
// so the rollback alarms evaluate at least one whole period of the new
// version's traffic before CodeDeploy shifts more (a 5-minute step could end
// before the first 5-minute datapoint of the errors alarm is complete).
const MinReleaseIntervalMinutes = 2 * alarmPeriodSeconds / 60

// maxReleaseIntervalMinutes is the longest step CodeDeploy accepts (two days).
const maxReleaseIntervalMinutes = 2880

// codeDeployLambdaPolicy is the AWS managed policy that lets CodeDeploy read
// and update Lambda aliases, read the rollback alarms and invoke
// CodeDeployHook_* validation functions.
const codeDeployLambdaPolicy = "policy/service-role/AWSCodeDeployRoleForLambda"

// Events that roll a deployment back: a failed deployment, and one stopped
// because a rollback alarm went into ALARM.
var rollbackEvents = []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}

// ReleaseArgs configures managed releases of the detector function. With a
// Strategy, the function is published as a version on every code or
// configuration change, invokers call the LiveAlias, and an AWS CodeDeploy
// deployment group moves the alias to the new version, rolling back on the
// function's error and latency alarms.
//
// The zero value (no Strategy) leaves releases unmanaged: invokers call the
// unqualified function, so a `pulumi up` changes the running code at once.
type ReleaseArgs struct {
	// Strategy is ReleaseAllAtOnce, ReleaseCanary or ReleaseLinear; empty
	// turns managed releases off.
	Strategy ReleaseStrategy
	// Percentage is the first step of a canary or each step of a linear
	// release (1..99); default 10. Ignored for all-at-once.
	Percentage int
	// IntervalMinutes is the wait between steps (MinReleaseIntervalMinutes..2880);
	// default 10. Ignored for all-at-once.
	IntervalMinutes int
	// LatencyAlarmMilliseconds raises the latency rollback alarm when the
	// p99 duration of invocations through the alias exceeds it; default half
	// the function timeout, so a slow version is rolled back before it times out.
	LatencyAlarmMilliseconds int
}

// enabled reports whether releases are managed.
func (r ReleaseArgs) enabled() bool { return r.Strategy != "" }

// withDefaults validates r for a function with the given timeout and returns
// a defaulted copy and every problem found.
func (r ReleaseArgs) withDefaults(timeoutSeconds int) (ReleaseArgs, []error) {
	if !r.enabled() {
		return r, nil
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("Release.%s: "+format, append([]any{field}, args...)...))
	}
	switch r.Strategy {
	case ReleaseAllAtOnce:
		r.Percentage, r.IntervalMinutes = 0, 0
	case ReleaseCanary, ReleaseLinear:
		r.Percentage = cmp.Or(r.Percentage, DefaultReleasePercentage)
		r.IntervalMinutes = cmp.Or(r.IntervalMinutes, DefaultReleaseIntervalMinutes)
		if r.Percentage < 1 || r.Percentage > 99 {
			bad("Percentage", "%d is outside 1..99", r.Percentage)
		}
		if r.IntervalMinutes < MinReleaseIntervalMinutes || r.IntervalMinutes > maxReleaseIntervalMinutes {
			bad("IntervalMinutes", "%d is outside %d..%d (at least two alarm periods)", r.IntervalMinutes, MinReleaseIntervalMinutes, maxReleaseIntervalMinutes)
		}
	default:
		bad("Strategy", "%q must be %s, %s or %s", r.Strategy, ReleaseAllAtOnce, ReleaseCanary, ReleaseLinear)
	}
	r.LatencyAlarmMilliseconds = cmp.Or(r.LatencyAlarmMilliseconds, timeoutSeconds*1000/2)
	if timeoutMS := timeoutSeconds * 1000; r.LatencyAlarmMilliseconds < 1 || r.LatencyAlarmMilliseconds > timeoutMS {
		bad("LatencyAlarmMilliseconds", "%d is outside 1..%d (the function timeout)", r.LatencyAlarmMilliseconds, timeoutMS)
	}
	return r, errs
}

// trafficRouting is the deployment configuration's trafficRoutingConfig.
func (r ReleaseArgs) trafficRouting() codedeploy.DeploymentConfigTrafficRoutingConfigArgs {
	routing := codedeploy.DeploymentConfigTrafficRoutingConfigArgs{Type: pulumi.String(string(r.Strategy))}
	switch r.Strategy {
	case ReleaseCanary:
		routing.TimeBasedCanary = codedeploy.DeploymentConfigTrafficRoutingConfigTimeBasedCanaryArgs{
			Percentage: pulumi.Int(r.Percentage), Interval: pulumi.Int(r.IntervalMinutes),
		}
	case ReleaseLinear:
		routing.TimeBasedLinear = codedeploy.DeploymentConfigTrafficRoutingConfigTimeBasedLinearArgs{
			Percentage: pulumi.Int(r.Percentage), Interval: pulumi.Int(r.IntervalMinutes),
		}
	}
	return routing
}

// Release is what a managed release adds to the detector: the alias invokers
// call and the CodeDeploy application and deployment group that move it.
type Release struct {
	// LiveAliasARN is the qualified ARN of LiveAlias.
	LiveAliasARN pulumi.StringOutput
	// ApplicationName and DeploymentGroupName are what `aws deploy
	// create-deployment` takes.
	ApplicationName     pulumi.StringOutput
	DeploymentGroupName pulumi.StringOutput
	// AppSpec is the JSON AppSpec of the pending release: from the version the
	// alias serves to the version this update published (see ParseAppSpec).
	AppSpec pulumi.StringOutput
	// RollbackAlarmNames are the alarms that stop and roll back a deployment.
	RollbackAlarmNames pulumi.StringArrayOutput
}

// outputs are the component outputs of a managed release; none without one.
func (r *Release) outputs() pulumi.Map {
	if r == nil {
		return pulumi.Map{}
	}
	return pulumi.Map{
		"liveAliasArn":        r.LiveAliasARN,
		"applicationName":     r.ApplicationName,
		"deploymentGroupName": r.DeploymentGroupName,
		"appSpec":             r.AppSpec,
	}
}

// invocationTarget is what invokers (the SQS event source mapping and the
// offline-check schedule) call: the live alias when releases are managed,
// else the unqualified function.
type invocationTarget struct {
	ARN          pulumi.StringOutput
	FunctionName pulumi.StringOutput
	// Qualifier is the alias name for invoke permissions; nil when unqualified.
	Qualifier pulumi.StringPtrInput
}

// liveAlias creates LiveAlias on the function's first published version when
// releases are managed, and returns what invokers must call.
//
// Pulumi sets the alias only when it creates it: from then on CodeDeploy owns
// its version and routing (ignoreChanges), so a `pulumi up` publishes a new
// version without sending it any traffic, and the release procedure shifts
// traffic with the generated AppSpec.
func (b builder) liveAlias(function *lambda.Function) (*lambda.Alias, invocationTarget, error) {
	if !b.cfg.Release.enabled() {
		return nil, invocationTarget{ARN: function.Arn, FunctionName: function.Name}, nil
	}
	alias, err := lambda.NewAlias(b.ctx, b.name+"-live", &lambda.AliasArgs{
		Name:            pulumi.String(LiveAlias),
		Description:     pulumi.String("The version that serves traffic; moved by CodeDeploy"),
		FunctionName:    function.Name,
		FunctionVersion: function.Version,
	}, b.parent, pulumi.IgnoreChanges([]string{"functionVersion", "routingConfig"}))
	if err != nil {
		return nil, invocationTarget{}, fmt.Errorf("create alias %s: %w", LiveAlias, err)
	}
	return alias, invocationTarget{ARN: alias.Arn, FunctionName: alias.FunctionName, Qualifier: alias.Name}, nil
}

// release creates the latency alarm and the CodeDeploy service role,
// application, deployment configuration and deployment group that move the
// live alias, rolling back when the function's error alarm or the alias's
// latency alarm fires. It returns nil when releases are not managed.
func (b builder) release(env environment, function *lambda.Function, alias *lambda.Alias, errorsAlarm *cloudwatch.MetricAlarm) (*Release, error) {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	if alias == nil {
		return nil, nil
	}
	if errorsAlarm == nil {
		return nil, errors.New("release: the function has no errors alarm to roll back on")
	}
	tags := cfg.tags()
	actions := pulumi.Array{cfg.AlarmTopicARN}
	latency, err := cloudwatch.NewMetricAlarm(ctx, name+"-latency", &cloudwatch.MetricAlarmArgs{
		AlarmDescription: pulumi.String(fmt.Sprintf("p99 duration of the detector's live alias exceeded %d ms; a release in progress rolls back.", cfg.Release.LatencyAlarmMilliseconds)),
		Namespace:        pulumi.String("AWS/Lambda"),
		MetricName:       pulumi.String("Duration"),
		Dimensions: pulumi.StringMap{
			"FunctionName": function.Name,
			"Resource":     pulumi.Sprintf("%s:%s", function.Name, LiveAlias),
		},
		ExtendedStatistic:       pulumi.String("p99"),
		Period:                  pulumi.Int(alarmPeriodSeconds),
		EvaluationPeriods:       pulumi.Int(alarmEvaluationPeriods),
		ComparisonOperator:      pulumi.String(alarmComparison),
		Threshold:               pulumi.Float64(float64(cfg.Release.LatencyAlarmMilliseconds)),
		TreatMissingData:        pulumi.String(alarmMissingData),
		ActionsEnabled:          pulumi.Bool(true),
		AlarmActions:            actions,
		OkActions:               actions,
		InsufficientDataActions: actions,
		Tags:                    tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create alarm latency: %w", err)
	}

	trust, err := codeDeployTrustPolicy(env).JSON()
	if err != nil {
		return nil, fmt.Errorf("CodeDeploy trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, name+"-codedeploy-role", &iam.RoleArgs{
		Description:      pulumi.String("CodeDeploy service role that shifts the live alias of " + cfg.FunctionName),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create CodeDeploy role: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, name+"-codedeploy-policy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(fmt.Sprintf("arn:%s:iam::aws:%s", env.Partition, codeDeployLambdaPolicy)),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("attach CodeDeploy policy: %w", err)
	}

	application, err := codedeploy.NewApplication(ctx, name+"-release", &codedeploy.ApplicationArgs{
		Name:            pulumi.String(cfg.FunctionName),
		ComputePlatform: pulumi.String("Lambda"),
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create CodeDeploy application %s: %w", cfg.FunctionName, err)
	}
	deploymentConfig, err := codedeploy.NewDeploymentConfig(ctx, name+"-release", &codedeploy.DeploymentConfigArgs{
		DeploymentConfigName: pulumi.String(cfg.deploymentConfigName()),
		ComputePlatform:      pulumi.String("Lambda"),
		TrafficRoutingConfig: cfg.Release.trafficRouting(),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create CodeDeploy deployment config %s: %w", cfg.deploymentConfigName(), err)
	}
	alarmNames := pulumi.StringArray{errorsAlarm.Name, latency.Name}
	group, err := codedeploy.NewDeploymentGroup(ctx, name+"-release", &codedeploy.DeploymentGroupArgs{
		AppName:              application.Name,
		DeploymentGroupName:  pulumi.String(LiveAlias),
		ServiceRoleArn:       role.Arn,
		DeploymentConfigName: deploymentConfig.DeploymentConfigName,
		DeploymentStyle: codedeploy.DeploymentGroupDeploymentStyleArgs{
			DeploymentType:   pulumi.String("BLUE_GREEN"),
			DeploymentOption: pulumi.String("WITH_TRAFFIC_CONTROL"),
		},
		AlarmConfiguration: codedeploy.DeploymentGroupAlarmConfigurationArgs{
			Enabled: pulumi.Bool(true),
			Alarms:  alarmNames,
			// A deployment whose alarms cannot be read must not proceed.
			IgnorePollAlarmFailure: pulumi.Bool(false),
		},
		AutoRollbackConfiguration: codedeploy.DeploymentGroupAutoRollbackConfigurationArgs{
			Enabled: pulumi.Bool(true),
			Events:  pulumi.ToStringArray(rollbackEvents),
		},
		Tags: tags,
		// CodeDeploy checks that it may assume the role when the group is saved.
	}, parent, pulumi.DependsOn([]pulumi.Resource{attachment}))
	if err != nil {
		return nil, fmt.Errorf("create CodeDeploy deployment group: %w", err)
	}

	appSpec := pulumi.All(function.Name, alias.FunctionVersion, function.Version).ApplyT(func(v []any) (string, error) {
		spec := NewAppSpec(v[0].(string), LiveAlias, v[1].(string), v[2].(string))
		text, err := json.Marshal(spec)
		if err != nil {
			return "", fmt.Errorf("encode AppSpec of %s: %w", v[0], err)
		}
		return string(text), nil
	}).(pulumi.StringOutput)
	return &Release{
		LiveAliasARN:        alias.Arn,
		ApplicationName:     application.Name,
		DeploymentGroupName: group.DeploymentGroupName,
		AppSpec:             appSpec,
		RollbackAlarmNames:  alarmNames.ToStringArrayOutput(),
	}, nil
}

// deploymentConfigName names the deployment configuration after the function
// and strategy: configuration names are unique per account and region.
func (c config) deploymentConfigName() string {
	switch c.Release.Strategy {
	case ReleaseCanary, ReleaseLinear:
		return fmt.Sprintf("%s-%s-%dpct-%dmin", c.FunctionName, c.Release.Strategy, c.Release.Percentage, c.Release.IntervalMinutes)
	}
	return fmt.Sprintf("%s-%s", c.FunctionName, c.Release.Strategy)
}

// codeDeployTrustPolicy lets only CodeDeploy, acting for this account, assume
// the service role.
func codeDeployTrustPolicy(env environment) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"codedeploy.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
	})
}

// AppSpecVersion is the only AppSpec file version CodeDeploy accepts.
const AppSpecVersion = "0.0"

// appSpecFunctionType is the AppSpec resource type of a Lambda function.
const appSpecFunctionType = "AWS::Lambda::Function"

// AppSpec is a CodeDeploy AppSpec for the Lambda compute platform: which
// alias of which function moves from CurrentVersion to TargetVersion. The
// program generates it (the component's AppSpec output); `mediguard appspec`
// writes it as the appspec.yml a deployment takes.
type AppSpec struct {
	Version   appSpecVersion                  `json:"version" yaml:"version"`
	Resources []map[string]AppSpecLambdaAlias `json:"Resources" yaml:"Resources"`
}

// AppSpecLambdaAlias is one AppSpec resource: a function whose alias moves.
type AppSpecLambdaAlias struct {
	Type       string                 `json:"Type" yaml:"Type"`
	Properties AppSpecAliasProperties `json:"Properties" yaml:"Properties"`
}

// AppSpecAliasProperties are the function, its alias and the two versions.
type AppSpecAliasProperties struct {
	Name           string `json:"Name" yaml:"Name"`
	Alias          string `json:"Alias" yaml:"Alias"`
	CurrentVersion string `json:"CurrentVersion" yaml:"CurrentVersion"`
	TargetVersion  string `json:"TargetVersion" yaml:"TargetVersion"`
}

// appSpecVersion encodes AppSpecVersion as the number 0.0, as CodeDeploy's
// examples write it, in JSON and YAML alike.
type appSpecVersion struct{}

// MarshalJSON writes 0.0.
func (appSpecVersion) MarshalJSON() ([]byte, error) { return []byte(AppSpecVersion), nil }

// UnmarshalJSON accepts 0.0 (number or string) only.
func (*appSpecVersion) UnmarshalJSON(data []byte) error {
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("AppSpec version %s: %w", data, err)
	}
	if f, err := n.Float64(); err != nil || f != 0 {
		return fmt.Errorf("AppSpec version %s: want %s", data, AppSpecVersion)
	}
	return nil
}

// MarshalYAML writes 0.0 as a YAML float.
func (appSpecVersion) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: AppSpecVersion}, nil
}

// NewAppSpec returns the AppSpec that moves alias of function from version
// current to version target.
func NewAppSpec(function, alias, current, target string) AppSpec {
	return AppSpec{Resources: []map[string]AppSpecLambdaAlias{{
		function: {Type: appSpecFunctionType, Properties: AppSpecAliasProperties{
			Name: function, Alias: alias, CurrentVersion: current, TargetVersion: target,
		}},
	}}}
}

// ParseAppSpec decodes and checks a JSON AppSpec such as the component's
// AppSpec output: one Lambda function whose alias moves between two
// published (numeric) versions.
func ParseAppSpec(data []byte) (AppSpec, error) {
	var spec AppSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return AppSpec{}, fmt.Errorf("decode AppSpec: %w", err)
	}
	if len(spec.Resources) != 1 || len(spec.Resources[0]) != 1 {
		return AppSpec{}, fmt.Errorf("decode AppSpec: want exactly one function resource, got %d entries", len(spec.Resources))
	}
	for key, res := range spec.Resources[0] {
		p := res.Properties
		var errs []error
		if res.Type != appSpecFunctionType {
			errs = append(errs, fmt.Errorf("Type %q is not %s", res.Type, appSpecFunctionType))
		}
		if p.Name == "" || p.Name != key {
			errs = append(errs, fmt.Errorf("Name %q must be set and match the resource key %q", p.Name, key))
		}
		if p.Alias == "" {
			errs = append(errs, errors.New("Alias is empty"))
		}
		for _, v := range []struct{ field, value string }{{"CurrentVersion", p.CurrentVersion}, {"TargetVersion", p.TargetVersion}} {
			if n, err := strconv.Atoi(v.value); err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s %q is not a published version number", v.field, v.value))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return AppSpec{}, fmt.Errorf("check AppSpec of %s: %w", key, err)
		}
	}
	return spec, nil
}

// Function returns the function, alias and versions of the AppSpec's
// resource (NewAppSpec and ParseAppSpec give exactly one).
func (s AppSpec) Function() AppSpecAliasProperties {
	for _, resources := range s.Resources {
		for _, res := range resources {
			return res.Properties
		}
	}
	return AppSpecAliasProperties{}
}

// Pending reports whether the AppSpec moves the alias to another version:
// false right after the first deployment and after a release completed.
func (s AppSpec) Pending() bool {
	f := s.Function()
	return f.CurrentVersion != f.TargetVersion
}

// Revision renders the AppSpec as the revision `aws deploy create-deployment
// --revision file://...` takes: the appspec.yml text inline, with its SHA-256
// so CodeDeploy can check it arrived intact.
func (s AppSpec) Revision() ([]byte, error) {
	content, err := s.YAML()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	revision := map[string]any{
		"revisionType": "AppSpecContent",
		"appSpecContent": map[string]string{
			"content": string(content),
			"sha256":  hex.EncodeToString(sum[:]),
		},
	}
	out, err := json.MarshalIndent(revision, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode AppSpec revision: %w", err)
	}
	return append(out, '\n'), nil
}

// YAML renders the AppSpec as an appspec.yml file.
func (s AppSpec) YAML() ([]byte, error) {
	out, err := yaml.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode AppSpec as YAML: %w", err)
	}
	return out, nil
}
