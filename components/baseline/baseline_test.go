package baseline

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	testName    = "baseline"
	auditKeyARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	opsTopicARN = "arn:aws:sns:us-east-1:123456789012:mediguard-operations"
)

// Type tokens of the children.
const (
	detectorType       = "aws:guardduty/detector:Detector"
	featureType        = "aws:guardduty/detectorFeature:DetectorFeature"
	hubAccountType     = "aws:securityhub/account:Account"
	standardType       = "aws:securityhub/standardsSubscription:StandardsSubscription"
	eventRuleType      = "aws:cloudwatch/eventRule:EventRule"
	eventTargetType    = "aws:cloudwatch/eventTarget:EventTarget"
	recorderType       = "aws:cfg/recorder:Recorder"
	recorderStatusType = "aws:cfg/recorderStatus:RecorderStatus"
	channelType        = "aws:cfg/deliveryChannel:DeliveryChannel"
	packType           = "aws:cfg/conformancePack:ConformancePack"
	roleType           = "aws:iam/role:Role"
	rolePolicyType     = "aws:iam/rolePolicy:RolePolicy"
	attachmentType     = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	accountPABType     = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	passwordPolicyType = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
)

func testArgs() *BaselineArgs {
	return &BaselineArgs{
		AuditKeyARN:          pulumi.String(auditKeyARN),
		FindingsTopicARN:     pulumi.String(opsTopicARN),
		ConfigBucketLockMode: phibucket.LockGovernance,
		ConfigBucketLockDays: 30,
		Tags:                 map[string]string{"environment": "dev"},
	}
}

func run(t *testing.T, args *BaselineArgs, runOpts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewBaseline(ctx, testName, args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, runOpts...)...)
	return r, err
}

func mustRun(t *testing.T, args *BaselineArgs, runOpts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args, runOpts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

// ownTypes drops the PhiBucket's children, which phibucket's tests cover.
func ownTypes(r *recorder.Recorder) map[string]int {
	counts := map[string]int{}
	for _, res := range r.Resources() {
		if res.Type == TypeToken || res.Type == phibucket.TypeToken || !strings.Contains(res.Parent, phibucket.TypeToken) {
			counts[res.Type]++
		}
	}
	return counts
}

func TestInventoryPerOptionSet(t *testing.T) {
	t.Parallel()
	guardDuty := map[string]int{detectorType: 1, featureType: 2, eventRuleType: 1, eventTargetType: 1}
	securityHub := map[string]int{hubAccountType: 1, standardType: 2, eventRuleType: 1, eventTargetType: 1}
	config := map[string]int{
		phibucket.TypeToken: 1, roleType: 1, attachmentType: 1, rolePolicyType: 1,
		recorderType: 1, channelType: 1, recorderStatusType: 1, packType: 1,
	}
	merge := func(parts ...map[string]int) map[string]int {
		out := map[string]int{TypeToken: 1}
		for _, p := range parts {
			for k, v := range p {
				out[k] += v
			}
		}
		return out
	}
	tests := []struct {
		name   string
		modify func(*BaselineArgs)
		want   map[string]int
	}{
		{"defaults", nil, merge(guardDuty, securityHub, config, map[string]int{accountPABType: 1})},
		{"runtime monitoring", func(a *BaselineArgs) { a.RuntimeMonitoring = true }, merge(guardDuty, securityHub, config, map[string]int{accountPABType: 1, featureType: 1})},
		{"password policy", func(a *BaselineArgs) { a.PasswordPolicy = true }, merge(guardDuty, securityHub, config, map[string]int{accountPABType: 1, passwordPolicyType: 1})},
		{"guardduty only", func(a *BaselineArgs) {
			a.DisableSecurityHub, a.DisableConfig, a.DisableAccountPublicAccessBlock = true, true, true
			a.AuditKeyARN, a.ConfigBucketLockMode, a.ConfigBucketLockDays = nil, "", 0
		}, merge(guardDuty)},
		{"config only", func(a *BaselineArgs) {
			a.DisableGuardDuty, a.DisableSecurityHub, a.DisableAccountPublicAccessBlock = true, true, true
			a.FindingsTopicARN = nil
		}, merge(config)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			if tc.modify != nil {
				tc.modify(args)
			}
			r := mustRun(t, args)
			if got := ownTypes(r); !maps.Equal(got, tc.want) {
				t.Errorf("inventory =\n%v\nwant\n%v", got, tc.want)
			}
			components := 0
			for _, res := range r.Resources() {
				if !res.Custom {
					components++
				}
			}
			// One call per component, plus the root stack's.
			if got := r.OutputsRegistered(); got != components+1 {
				t.Errorf("RegisterResourceOutputs called %d times for %d components", got, components)
			}
		})
	}
}

func TestChildrenAreParentedToTheComponent(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.PasswordPolicy, args.RuntimeMonitoring = true, true
	r := mustRun(t, args)
	component := mustNamed(t, r, TypeToken, testName)
	bucket := mustNamed(t, r, phibucket.TypeToken, configBucketName(testName))
	for _, res := range r.Resources() {
		switch {
		case res.URN == component.URN:
		case res.Parent == bucket.URN:
		case res.Parent != component.URN:
			t.Errorf("%s %s parent = %q, want the component", res.Type, res.Name, res.Parent)
		case !strings.HasPrefix(res.Name, testName+"-"):
			t.Errorf("%s %s: name is not derived from the component name", res.Type, res.Name)
		}
	}
}

func TestGuardDutyDetectorAndFeatures(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.RuntimeMonitoring = true
	r := mustRun(t, args)
	detector := mustNamed(t, r, detectorType, testName+"-guardduty")
	in := detector.Inputs.Mappable()
	if in["enable"] != true || in["findingPublishingFrequency"] != "FIFTEEN_MINUTES" {
		t.Errorf("detector inputs = %v", in)
	}
	if tags, _ := in["tags"].(map[string]any); tags["data-classification"] != "audit" || tags["environment"] != "dev" {
		t.Errorf("detector tags = %v", in["tags"])
	}
	var names []string
	for _, f := range r.ByType(featureType) {
		fin := f.Inputs.Mappable()
		names = append(names, fin["name"].(string))
		if fin["status"] != "ENABLED" || !f.DependsOn(detector) {
			t.Errorf("feature %s: status %v, depends on detector %v", f.Name, fin["status"], f.DependsOn(detector))
		}
		if fin["name"] == FeatureRuntimeMonitoring {
			var agents []string
			for _, c := range fin["additionalConfigurations"].([]any) {
				agents = append(agents, c.(map[string]any)["name"].(string))
			}
			if !reflect.DeepEqual(agents, runtimeAgentManagement) {
				t.Errorf("runtime monitoring agents = %v", agents)
			}
		}
	}
	slices.Sort(names)
	if want := []string{FeatureLambdaNetworkLogs, FeatureRuntimeMonitoring, FeatureS3DataEvents}; !reflect.DeepEqual(names, want) {
		t.Errorf("features = %v, want %v", names, want)
	}
}

func TestSecurityHubStandardsUseThePartitionAndRegion(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "dev", "eu-west-2")
	if err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewBaseline(ctx, testName, testArgs())
		return err
	}, r.RunOption()); err != nil {
		t.Fatal(err)
	}
	account := mustNamed(t, r, hubAccountType, testName+"-securityhub")
	in := account.Inputs.Mappable()
	if in["enableDefaultStandards"] != false || in["controlFindingGenerator"] != "SECURITY_CONTROL" {
		t.Errorf("Security Hub account inputs = %v", in)
	}
	var arns []string
	for _, s := range r.ByType(standardType) {
		arns = append(arns, s.InputString("standardsArn"))
		if !s.DependsOn(account) {
			t.Errorf("%s does not wait for the Security Hub account", s.Name)
		}
	}
	want := []string{
		"arn:aws:securityhub:eu-west-2::standards/aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:securityhub:eu-west-2::standards/nist-800-53/v/5.0.0",
	}
	if !reflect.DeepEqual(arns, want) {
		t.Errorf("standards = %v, want %v", arns, want)
	}
}

func TestFindingsRulesTargetTheTopic(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	for _, tc := range []struct {
		rule, source, after string
		afterType           string
	}{
		{testName + "-guardduty-findings", "aws.guardduty", testName + "-guardduty", detectorType},
		{testName + "-securityhub-findings", "aws.securityhub", testName + "-securityhub", hubAccountType},
	} {
		rule := mustNamed(t, r, eventRuleType, tc.rule)
		if !strings.Contains(rule.InputString("eventPattern"), `"source":["`+tc.source+`"]`) {
			t.Errorf("%s pattern = %s", tc.rule, rule.InputString("eventPattern"))
		}
		if !rule.DependsOn(mustNamed(t, r, tc.afterType, tc.after)) {
			t.Errorf("%s does not wait for %s", tc.rule, tc.after)
		}
		target := mustNamed(t, r, eventTargetType, tc.rule)
		if target.InputString("arn") != opsTopicARN || !target.DependsOn(rule) {
			t.Errorf("%s target arn = %q, depends on rule %v", tc.rule, target.InputString("arn"), target.DependsOn(rule))
		}
	}
}

func TestConfigRecorderDeliveryAndOrdering(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	rec := mustNamed(t, r, recorderType, testName+"-config-recorder")
	group := rec.Inputs.Mappable()["recordingGroup"].(map[string]any)
	if group["allSupported"] != true || group["includeGlobalResourceTypes"] != true {
		t.Errorf("recording group = %v", group)
	}
	role := mustNamed(t, r, roleType, testName+"-config-role")
	attachment := mustNamed(t, r, attachmentType, testName+"-config-role-aws-config")
	if got := attachment.InputString("policyArn"); got != "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" {
		t.Errorf("managed policy = %q", got)
	}
	if !rec.DependsOn(role) || !rec.DependsOn(attachment) {
		t.Error("recorder does not wait for its role and AWS_ConfigRole")
	}
	channel := mustNamed(t, r, channelType, testName+"-config-delivery")
	bucket := mustNamed(t, r, phibucket.TypeToken, configBucketName(testName))
	delivery := mustNamed(t, r, rolePolicyType, testName+"-config-role-delivery")
	if channel.InputString("s3KmsKeyArn") != auditKeyARN {
		t.Errorf("delivery channel key = %q", channel.InputString("s3KmsKeyArn"))
	}
	// DependsOn a component waits for its children: the bucket policy among them.
	bucketPolicy := mustNamed(t, r, "aws:s3/bucketPolicy:BucketPolicy", configBucketName(testName)+"-policy")
	for _, dep := range []recorder.Resource{rec, bucketPolicy, delivery} {
		if !channel.DependsOn(dep) {
			t.Errorf("delivery channel does not wait for %s", dep.Name)
		}
	}
	status := mustNamed(t, r, recorderStatusType, testName+"-config-recorder-status")
	if status.Inputs.Mappable()["isEnabled"] != true || !status.DependsOn(channel) || !status.DependsOn(rec) {
		t.Errorf("recorder status: enabled %v, after channel %v, names recorder %v",
			status.Inputs.Mappable()["isEnabled"], status.DependsOn(channel), status.DependsOn(rec))
	}
	pack := mustNamed(t, r, packType, testName+"-hipaa")
	if !pack.DependsOn(status) {
		t.Error("conformance pack is created before recording starts")
	}
	if pack.InputString("templateBody") == "" {
		t.Error("conformance pack has no template body")
	}
	b := bucket.Inputs.Mappable()
	if b["classification"] != "audit" || b["objectLockMode"] != "GOVERNANCE" || b["objectLockRetentionDays"] != float64(30) {
		t.Errorf("Config bucket inputs = %v", b)
	}
}

func TestConfigRolePolicies(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	role := mustNamed(t, r, roleType, testName+"-config-role")
	trust, err := policydoc.Parse(role.InputString("assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	wantTrust := policydoc.Statement{
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"config.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {recorder.Account}}},
	}
	if len(trust.Statements) != 1 || !reflect.DeepEqual(trust.Statements[0], wantTrust) {
		t.Errorf("trust policy = %+v", trust.Statements)
	}

	delivery := mustNamed(t, r, rolePolicyType, testName+"-config-role-delivery")
	doc, err := policydoc.Parse(delivery.InputString("policy"))
	if err != nil {
		t.Fatal(err)
	}
	bucketARN := "arn:aws:s3:::" + configBucketName(testName) + "-bucket"
	want := configDeliveryPolicy(awsenv.Environment{AccountID: recorder.Account, Region: recorder.Region, Partition: "aws"}, bucketARN, auditKeyARN)
	if len(doc.Statements) != len(want.Statements) {
		t.Fatalf("delivery policy has %d statements, want %d", len(doc.Statements), len(want.Statements))
	}
	for _, w := range want.Statements {
		got, ok := doc.Statement(w.Sid)
		if !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("statement %s = %+v, want %+v", w.Sid, got, w)
		}
	}
}

func TestConfigDeliveryPolicyIsLimitedToTheBucketAndKey(t *testing.T) {
	t.Parallel()
	env := awsenv.Environment{AccountID: "111122223333", Region: "us-west-2", Partition: "aws-us-gov"}
	bucket, key := "arn:aws-us-gov:s3:::history", "arn:aws-us-gov:kms:us-west-2:111122223333:key/k"
	doc := configDeliveryPolicy(env, bucket, key)
	tests := []struct {
		sid        string
		actions    []string
		resources  []string
		conditions policydoc.Conditions
	}{
		{SidReadBucketACL, []string{"s3:GetBucketAcl"}, []string{bucket}, nil},
		{SidWriteHistory, []string{"s3:PutObject", "s3:PutObjectAcl"}, []string{bucket + "/AWSLogs/111122223333/Config/*"},
			policydoc.Conditions{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}}},
		{SidEncryptWithAuditKey, []string{"kms:Decrypt", "kms:GenerateDataKey"}, []string{key}, policydoc.Conditions{
			"StringEquals": {"kms:ViaService": {"s3.us-west-2.amazonaws.com"}},
			"StringLike":   {"kms:EncryptionContext:aws:s3:arn": {bucket, bucket + "/*"}},
		}},
	}
	for _, tc := range tests {
		s, ok := doc.Statement(tc.sid)
		if !ok {
			t.Errorf("no statement %s", tc.sid)
			continue
		}
		if s.Effect != policydoc.Allow || !reflect.DeepEqual(s.Actions, tc.actions) || !reflect.DeepEqual(s.Resources, tc.resources) || !reflect.DeepEqual(s.Conditions, tc.conditions) {
			t.Errorf("%s = %+v", tc.sid, s)
		}
	}
}

func TestAccountGuardrails(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.PasswordPolicy = true
	r := mustRun(t, args)
	pab := mustNamed(t, r, accountPABType, testName+"-s3-public-access-block").Inputs.Mappable()
	for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab[flag] != true {
			t.Errorf("account public access block %s = %v", flag, pab[flag])
		}
	}
	pw := mustNamed(t, r, passwordPolicyType, testName+"-password-policy").Inputs.Mappable()
	want := map[string]any{
		"minimumPasswordLength": float64(14), "passwordReusePrevention": float64(24), "maxPasswordAge": float64(90),
		"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
		"allowUsersToChangePassword": true,
	}
	if !reflect.DeepEqual(pw, want) {
		t.Errorf("password policy = %v, want %v", pw, want)
	}
}

func TestProtectCoversStatefulChildren(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Protect = true
	r := mustRun(t, args)
	if !mustNamed(t, r, detectorType, testName+"-guardduty").Protect {
		t.Error("GuardDuty detector is not protected")
	}
	for _, b := range r.ByType("aws:s3/bucketV2:BucketV2") {
		if !b.Protect {
			t.Errorf("bucket %s is not protected", b.Name)
		}
	}
}

func TestPreviewWithUnknownInputs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs(), func(info *pulumi.RunInfo) { info.DryRun = true })
	if len(r.ByType(packType)) != 1 || len(r.ByType(rolePolicyType)) != 1 {
		t.Errorf("preview registered %v", r.TypeCounts())
	}
}

func TestInvalidArgsRegisterNothingAndNameEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args *BaselineArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"config without key or lock", &BaselineArgs{FindingsTopicARN: pulumi.String(opsTopicARN), ConfigBucketLockMode: "FOREVER", Tags: map[string]string{"purpose": "x"}},
			[]string{"AuditKeyARN is required", `ConfigBucketLockMode "FOREVER"`, "ConfigBucketLockDays 0", `Tags: "purpose"`}},
		{"no topic", &BaselineArgs{DisableConfig: true}, []string{"FindingsTopicARN is required"}},
		{"history shorter than lock", func() *BaselineArgs { a := testArgs(); a.ConfigHistoryDays = 10; return a }(), []string{"ConfigHistoryDays 10 is shorter than ConfigBucketLockDays 30"}},
		{"contradictions", &BaselineArgs{
			DisableGuardDuty: true, DisableSecurityHub: true, DisableConfig: true, DisableAccountPublicAccessBlock: true,
			RuntimeMonitoring: true, FindingsTopicARN: pulumi.String(opsTopicARN), AuditKeyARN: pulumi.String(auditKeyARN),
		}, []string{"RuntimeMonitoring needs GuardDuty", "FindingsTopicARN is set but", "DisableConfig contradicts", "every part is disabled"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := run(t, tc.args)
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if n := len(r.Resources()); n != 0 {
				t.Errorf("%d resources registered: %v", n, r.TypeCounts())
			}
		})
	}
	t.Run("bad name", func(t *testing.T) {
		t.Parallel()
		r := recorder.New("mediguard", "dev", "")
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := NewBaseline(ctx, "Baseline_With_A_Name_Far_Too_Long_For_S3", testArgs())
			return err
		}, r.RunOption())
		if err == nil || !strings.Contains(err.Error(), "lowercase letters") || len(r.Resources()) != 0 {
			t.Errorf("err = %v, %d resources", err, len(r.Resources()))
		}
	})
}

func TestArgsAreNotModified(t *testing.T) {
	t.Parallel()
	args := testArgs()
	before := *args
	beforeTags := maps.Clone(args.Tags)
	mustRun(t, args)
	if args.ConfigHistoryDays != before.ConfigHistoryDays || !maps.Equal(args.Tags, beforeTags) {
		t.Errorf("args changed: %+v", args)
	}
}
