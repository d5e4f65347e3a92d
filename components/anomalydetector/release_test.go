package anomalydetector

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
)

// aliasARN is the alias ARN the recorder makes (it names unknown types'
// ARNs after the resource's name input).
var aliasARN = fmt.Sprintf("arn:aws:lambda:%s:%s:%s", region, account, LiveAlias)

// releaseArgs returns testArgs with managed releases of the given strategy.
func releaseArgs(strategy ReleaseStrategy) *AnomalyDetectorArgs {
	args := testArgs()
	args.Release = ReleaseArgs{Strategy: strategy}
	return args
}

func TestReleaseInventory(t *testing.T) {
	t.Parallel()
	// What a managed release adds: the alias, the latency alarm, the CodeDeploy
	// application, configuration and group, and CodeDeploy's service role.
	releaseTypes := map[string]int{
		"aws:lambda/alias:Alias":                            1,
		"aws:cloudwatch/metricAlarm:MetricAlarm":            baseTypeList["aws:cloudwatch/metricAlarm:MetricAlarm"] + 1,
		"aws:codedeploy/application:Application":            1,
		"aws:codedeploy/deploymentConfig:DeploymentConfig":  1,
		"aws:codedeploy/deploymentGroup:DeploymentGroup":    1,
		"aws:iam/role:Role":                                 baseTypeList["aws:iam/role:Role"] + 1,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": baseTypeList["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] + 1,
	}
	for _, strategy := range []ReleaseStrategy{"", ReleaseAllAtOnce, ReleaseCanary, ReleaseLinear} {
		t.Run(string(strategy), func(t *testing.T) {
			t.Parallel()
			var component *AnomalyDetector
			r := recorder.New("mediguard", "dev", "")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				var err error
				component, err = NewAnomalyDetector(ctx, testName, releaseArgs(strategy))
				return err
			}, r.RunOption())
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			want := maps.Clone(baseTypeList)
			if strategy != "" {
				maps.Copy(want, releaseTypes)
			}
			if got := r.TypeCounts(); !maps.Equal(got, want) {
				t.Errorf("inventory =\n%v\nwant\n%v", got, want)
			}
			if managed := component.Release != nil; managed != (strategy != "") {
				t.Errorf("component.Release set = %v for strategy %q", managed, strategy)
			}
			function := inputs(mustNamed(t, r, "aws:lambda/function:Function", testName+"-function"))
			if got, want := function["publish"] == true, strategy != ""; got != want {
				t.Errorf("function publish = %v, want %v", function["publish"], want)
			}
		})
	}
}

func TestInvokersCallTheLiveAlias(t *testing.T) {
	t.Parallel()
	r := mustRun(t, releaseArgs(ReleaseCanary))
	function := mustNamed(t, r, "aws:lambda/function:Function", testName+"-function")
	alias := mustNamed(t, r, "aws:lambda/alias:Alias", testName+"-live")
	if got := inputs(alias)["name"]; got != LiveAlias {
		t.Errorf("alias name = %v, want %s", got, LiveAlias)
	}
	if deps := alias.PropertyDependencies["functionVersion"]; !slices.Contains(deps, function.URN) {
		t.Errorf("alias functionVersion does not come from the function's published version: deps %v", deps)
	}

	mapping := mustNamed(t, r, "aws:lambda/eventSourceMapping:EventSourceMapping", testName+"-frames-mapping")
	if got := mapping.InputString("functionName"); got != aliasARN {
		t.Errorf("SQS mapping functionName = %q, want the live alias %q", got, aliasARN)
	}
	if deps := mapping.PropertyDependencies["functionName"]; !slices.Equal(deps, []string{alias.URN}) {
		t.Errorf("SQS mapping functionName comes from %v, want only the alias", deps)
	}

	target := mustNamed(t, r, "aws:cloudwatch/eventTarget:EventTarget", testName+"-offline-check")
	if got := target.InputString("arn"); got != aliasARN {
		t.Errorf("offline check target = %q, want the live alias %q", got, aliasARN)
	}
	permission := mustNamed(t, r, "aws:lambda/permission:Permission", testName+"-offline-check")
	if got := permission.InputString("qualifier"); got != LiveAlias {
		t.Errorf("offline check permission qualifier = %q, want %s", got, LiveAlias)
	}
	// Nothing may invoke the unqualified function ($LATEST) by its ARN.
	for _, res := range r.Resources() {
		for key, value := range res.Inputs {
			if value.IsString() && value.StringValue() == functionARN {
				t.Errorf("%s %s input %s names the unqualified function", res.Type, res.Name, key)
			}
		}
	}
}

func TestDeploymentConfigPerStrategy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		release ReleaseArgs
		name    string
		routing map[string]any
	}{
		{
			release: ReleaseArgs{Strategy: ReleaseAllAtOnce},
			name:    testName + "-AllAtOnce",
			routing: map[string]any{"type": "AllAtOnce"},
		},
		{
			release: ReleaseArgs{Strategy: ReleaseCanary},
			name:    testName + "-TimeBasedCanary-10pct-10min",
			routing: map[string]any{"type": "TimeBasedCanary", "timeBasedCanary": map[string]any{"percentage": 10.0, "interval": 10.0}},
		},
		{
			release: ReleaseArgs{Strategy: ReleaseLinear, Percentage: 25, IntervalMinutes: 15},
			name:    testName + "-TimeBasedLinear-25pct-15min",
			routing: map[string]any{"type": "TimeBasedLinear", "timeBasedLinear": map[string]any{"percentage": 25.0, "interval": 15.0}},
		},
	}
	for _, tc := range tests {
		t.Run(string(tc.release.Strategy), func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.Release = tc.release
			r := mustRun(t, args)
			config := inputs(mustNamed(t, r, "aws:codedeploy/deploymentConfig:DeploymentConfig", testName+"-release"))
			if config["computePlatform"] != "Lambda" {
				t.Errorf("computePlatform = %v, want Lambda", config["computePlatform"])
			}
			if config["deploymentConfigName"] != tc.name {
				t.Errorf("deploymentConfigName = %v, want %s", config["deploymentConfigName"], tc.name)
			}
			if got := config["trafficRoutingConfig"]; !reflect.DeepEqual(got, tc.routing) {
				t.Errorf("trafficRoutingConfig = %v, want %v", got, tc.routing)
			}
			group := inputs(mustNamed(t, r, "aws:codedeploy/deploymentGroup:DeploymentGroup", testName+"-release"))
			if group["deploymentConfigName"] != tc.name {
				t.Errorf("deployment group uses config %v, want %s", group["deploymentConfigName"], tc.name)
			}
			application := inputs(mustNamed(t, r, "aws:codedeploy/application:Application", testName+"-release"))
			if application["computePlatform"] != "Lambda" {
				t.Errorf("application computePlatform = %v, want Lambda", application["computePlatform"])
			}
		})
	}
}

func TestDeploymentGroupRollsBackOnTheDetectorAlarms(t *testing.T) {
	t.Parallel()
	r := mustRun(t, releaseArgs(ReleaseCanary))
	groupRes := mustNamed(t, r, "aws:codedeploy/deploymentGroup:DeploymentGroup", testName+"-release")
	group := inputs(groupRes)

	wantStyle := map[string]any{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
	if got := group["deploymentStyle"]; !reflect.DeepEqual(got, wantStyle) {
		t.Errorf("deploymentStyle = %v, want %v", got, wantStyle)
	}
	wantRollback := map[string]any{"enabled": true, "events": []any{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}}
	if got := group["autoRollbackConfiguration"]; !reflect.DeepEqual(got, wantRollback) {
		t.Errorf("autoRollbackConfiguration = %v, want %v", got, wantRollback)
	}
	if group["deploymentGroupName"] != LiveAlias {
		t.Errorf("deploymentGroupName = %v, want %s", group["deploymentGroupName"], LiveAlias)
	}

	// The rollback alarms are the function's errors alarm and the alias's
	// latency alarm, named by their resources (the recorder names an
	// auto-named resource after its Pulumi name).
	errorsAlarm := mustNamed(t, r, "aws:cloudwatch/metricAlarm:MetricAlarm", testName+"-errors")
	latencyAlarm := mustNamed(t, r, "aws:cloudwatch/metricAlarm:MetricAlarm", testName+"-latency")
	wantAlarms := map[string]any{
		"enabled":                true,
		"alarms":                 []any{errorsAlarm.Name, latencyAlarm.Name},
		"ignorePollAlarmFailure": false,
	}
	if got := group["alarmConfiguration"]; !reflect.DeepEqual(got, wantAlarms) {
		t.Errorf("alarmConfiguration = %v, want %v", got, wantAlarms)
	}
	for _, alarm := range []recorder.Resource{errorsAlarm, latencyAlarm} {
		if !groupRes.DependsOn(alarm) {
			t.Errorf("deployment group does not depend on alarm %s", alarm.Name)
		}
	}

	latency := inputs(latencyAlarm)
	wantDimensions := map[string]any{"FunctionName": testName, "Resource": testName + ":" + LiveAlias}
	if !reflect.DeepEqual(latency["dimensions"], wantDimensions) {
		t.Errorf("latency alarm dimensions = %v, want %v", latency["dimensions"], wantDimensions)
	}
	for key, want := range map[string]any{
		"namespace": "AWS/Lambda", "metricName": "Duration", "extendedStatistic": "p99",
		"threshold": float64(DefaultTimeoutSeconds * 1000 / 2), "comparisonOperator": "GreaterThanThreshold",
	} {
		if latency[key] != want {
			t.Errorf("latency alarm %s = %v, want %v", key, latency[key], want)
		}
	}
	if actions := latency["alarmActions"]; !reflect.DeepEqual(actions, []any{opsTopicARN}) {
		t.Errorf("latency alarm actions = %v, want the operations topic", actions)
	}
}

func TestCodeDeployServiceRole(t *testing.T) {
	t.Parallel()
	r := mustRun(t, releaseArgs(ReleaseAllAtOnce))
	role := mustNamed(t, r, "aws:iam/role:Role", testName+"-codedeploy-role")
	trust := policyInput(t, role, "assumeRolePolicy")
	want := policydoc.New(policydoc.Statement{
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"codedeploy.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {account}}},
	})
	if !reflect.DeepEqual(trust, want) {
		t.Errorf("CodeDeploy trust policy =\n%+v\nwant\n%+v", trust, want)
	}
	attachment := mustNamed(t, r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", testName+"-codedeploy-policy")
	if got, want := attachment.InputString("policyArn"), "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda"; got != want {
		t.Errorf("CodeDeploy policy = %q, want %q", got, want)
	}
	if !attachment.DependsOn(role) {
		t.Error("the policy attachment does not depend on the CodeDeploy role")
	}
	group := mustNamed(t, r, "aws:codedeploy/deploymentGroup:DeploymentGroup", testName+"-release")
	if !group.DependsOn(attachment) {
		t.Error("the deployment group is saved before CodeDeploy's role has its policy")
	}
	if got, want := group.InputString("serviceRoleArn"), fmt.Sprintf("arn:aws:iam::%s:role/%s-codedeploy-role", account, testName); got != want {
		t.Errorf("serviceRoleArn = %q, want %q", got, want)
	}
}

func TestReleaseArgsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		release ReleaseArgs
		want    []string
	}{
		{"unknown strategy", ReleaseArgs{Strategy: "BlueGreen"}, []string{`Release.Strategy: "BlueGreen" must be`}},
		{"percentage too high", ReleaseArgs{Strategy: ReleaseCanary, Percentage: 100}, []string{"Release.Percentage: 100 is outside 1..99"}},
		{"negative interval", ReleaseArgs{Strategy: ReleaseLinear, IntervalMinutes: -1}, []string{"Release.IntervalMinutes: -1 is outside 10..2880"}},
		{"step shorter than two alarm periods", ReleaseArgs{Strategy: ReleaseCanary, IntervalMinutes: 5}, []string{"Release.IntervalMinutes: 5 is outside 10..2880"}},
		{"latency beyond timeout", ReleaseArgs{Strategy: ReleaseAllAtOnce, LatencyAlarmMilliseconds: 31000}, []string{"Release.LatencyAlarmMilliseconds: 31000 is outside 1..30000"}},
		{
			"every problem at once",
			ReleaseArgs{Strategy: ReleaseCanary, Percentage: -5, IntervalMinutes: 3000, LatencyAlarmMilliseconds: -1},
			[]string{"Release.Percentage", "Release.IntervalMinutes", "Release.LatencyAlarmMilliseconds"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.Release = tc.release
			r, err := run(t, args)
			if err == nil {
				t.Fatal("invalid release args accepted")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if got := r.Resources(); len(got) != 0 {
				t.Errorf("invalid args registered %d resources", len(got))
			}
			if args.Release != tc.release {
				t.Errorf("caller's Release args modified: %+v", args.Release)
			}
		})
	}
}

func TestAppSpecRendersTheCodeDeployFormat(t *testing.T) {
	t.Parallel()
	spec := NewAppSpec("mediguard-detector", LiveAlias, "7", "8")
	text, err := spec.YAML()
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "appspec.golden.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != string(golden) {
		t.Errorf("appspec.yml =\n%s\nwant\n%s", text, golden)
	}

	encoded, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(encoded), `{"version":0.0,`) {
		t.Errorf("JSON AppSpec %s does not start with version 0.0", encoded)
	}
	parsed, err := ParseAppSpec(encoded)
	if err != nil {
		t.Fatalf("ParseAppSpec(%s): %v", encoded, err)
	}
	want := AppSpecAliasProperties{Name: "mediguard-detector", Alias: LiveAlias, CurrentVersion: "7", TargetVersion: "8"}
	if got := parsed.Function(); got != want {
		t.Errorf("round trip = %+v, want %+v", got, want)
	}
	if !parsed.Pending() {
		t.Error("a move from 7 to 8 is not pending")
	}
	if NewAppSpec("f", LiveAlias, "8", "8").Pending() {
		t.Error("an AppSpec from 8 to 8 is pending")
	}
}

func TestAppSpecRevision(t *testing.T) {
	t.Parallel()
	spec := NewAppSpec("mediguard-detector", LiveAlias, "7", "8")
	data, err := spec.Revision()
	if err != nil {
		t.Fatal(err)
	}
	var revision struct {
		RevisionType   string `json:"revisionType"`
		AppSpecContent struct {
			Content string `json:"content"`
			SHA256  string `json:"sha256"`
		} `json:"appSpecContent"`
	}
	if err := json.Unmarshal(data, &revision); err != nil {
		t.Fatalf("revision %s: %v", data, err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "appspec.golden.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(golden)
	if revision.RevisionType != "AppSpecContent" || revision.AppSpecContent.Content != string(golden) ||
		revision.AppSpecContent.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("revision = %+v, want the golden appspec.yml with its SHA-256", revision)
	}
}

func TestParseAppSpecRejectsBadSpecs(t *testing.T) {
	t.Parallel()
	resource := func(name, typ, alias, current, target string) string {
		return fmt.Sprintf(`{%q:{"Type":%q,"Properties":{"Name":%q,"Alias":%q,"CurrentVersion":%q,"TargetVersion":%q}}}`,
			name, typ, name, alias, current, target)
	}
	good := resource("fn", "AWS::Lambda::Function", "live", "1", "2")
	tests := []struct {
		name, text, want string
	}{
		{"not JSON", `version: 0.0`, "decode AppSpec"},
		{"wrong version", `{"version":1.0,"Resources":[` + good + `]}`, "want 0.0"},
		{"no resources", `{"version":0.0,"Resources":[]}`, "exactly one function"},
		{"two resources", `{"version":0.0,"Resources":[` + good + `,` + good + `]}`, "exactly one function"},
		{"not a function", `{"version":0.0,"Resources":[` + resource("fn", "AWS::ECS::Service", "live", "1", "2") + `]}`, "is not AWS::Lambda::Function"},
		{"$LATEST target", `{"version":0.0,"Resources":[` + resource("fn", "AWS::Lambda::Function", "live", "1", "$LATEST") + `]}`, `TargetVersion "$LATEST"`},
		{"empty current", `{"version":0.0,"Resources":[` + resource("fn", "AWS::Lambda::Function", "live", "", "2") + `]}`, `CurrentVersion ""`},
		{"no alias", `{"version":0.0,"Resources":[` + resource("fn", "AWS::Lambda::Function", "", "1", "2") + `]}`, "Alias is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAppSpec([]byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseAppSpec error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestReleasePreview previews a managed release: the version a first update
// publishes is unknown, so the alias's version is too, and every release
// child is still registered inside the component.
func TestReleasePreview(t *testing.T) {
	t.Parallel()
	r, err := run(t, releaseArgs(ReleaseCanary), func(i *pulumi.RunInfo) { i.DryRun = true })
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	alias := mustNamed(t, r, "aws:lambda/alias:Alias", testName+"-live")
	if v := alias.Inputs["functionVersion"]; !v.IsComputed() && !v.IsNull() {
		t.Errorf("alias functionVersion = %v in preview, want unknown until the version is published", v)
	}
	component := mustNamed(t, r, TypeToken, testName)
	for _, token := range []string{
		"aws:lambda/alias:Alias", "aws:codedeploy/application:Application",
		"aws:codedeploy/deploymentConfig:DeploymentConfig", "aws:codedeploy/deploymentGroup:DeploymentGroup",
	} {
		for _, res := range r.ByType(token) {
			if res.Parent != component.URN || !strings.HasPrefix(res.Name, testName+"-") {
				t.Errorf("%s %s is not a child of the component named after it", res.Type, res.Name)
			}
		}
	}
}

// versionedMocks answers like the recorder, with the versions AWS would
// report: the function's latest published version is 8 while the live alias,
// moved only by CodeDeploy, still serves 7.
type versionedMocks struct{ *recorder.Recorder }

func (m versionedMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := m.Recorder.NewResource(args)
	switch args.TypeToken {
	case "aws:lambda/function:Function":
		state["version"] = resource.NewStringProperty("8")
	case "aws:lambda/alias:Alias":
		state["functionVersion"] = resource.NewStringProperty("7")
	}
	return id, state, err
}

func TestAppSpecOutputMovesTheAliasToThePublishedVersion(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "dev", "")
	var (
		mu   sync.Mutex
		text string
	)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		component, err := NewAnomalyDetector(ctx, testName, releaseArgs(ReleaseCanary))
		if err != nil {
			return err
		}
		component.Release.AppSpec.ApplyT(func(v string) string {
			mu.Lock()
			defer mu.Unlock()
			text = v
			return v
		})
		return nil
	}, pulumi.WithMocks("mediguard", "dev", versionedMocks{r}))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	spec, err := ParseAppSpec([]byte(text))
	if err != nil {
		t.Fatalf("AppSpec output %q: %v", text, err)
	}
	want := AppSpecAliasProperties{Name: testName, Alias: LiveAlias, CurrentVersion: "7", TargetVersion: "8"}
	if got := spec.Function(); got != want {
		t.Errorf("AppSpec output moves %+v, want %+v", got, want)
	}
}

// ignoreChangesMocks records the ignoreChanges option of each registration.
type ignoreChangesMocks struct {
	*recorder.Recorder
	mu      sync.Mutex
	ignored map[string][]string
}

func (m *ignoreChangesMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.RegisterRPC != nil {
		m.mu.Lock()
		m.ignored[args.Name] = args.RegisterRPC.GetIgnoreChanges()
		m.mu.Unlock()
	}
	return m.Recorder.NewResource(args)
}

// TestCodeDeployOwnsTheAliasVersion checks that Pulumi never moves the alias
// after creating it: an update that did would shift all traffic at once,
// bypassing the canary and its rollback alarms.
func TestCodeDeployOwnsTheAliasVersion(t *testing.T) {
	t.Parallel()
	m := &ignoreChangesMocks{Recorder: recorder.New("mediguard", "dev", ""), ignored: map[string][]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewAnomalyDetector(ctx, testName, releaseArgs(ReleaseCanary))
		return err
	}, pulumi.WithMocks("mediguard", "dev", m))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	got := slices.Sorted(slices.Values(m.ignored[testName+"-live"]))
	if want := []string{"functionVersion", "routingConfig"}; !slices.Equal(got, want) {
		t.Errorf("alias ignoreChanges = %v, want %v", got, want)
	}
	if got := m.ignored[testName+"-function"]; len(got) != 0 {
		t.Errorf("function ignoreChanges = %v, want none: code changes must publish versions", got)
	}
}
