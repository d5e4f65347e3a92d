package phikey

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	keyType   = "aws:kms/key:Key"
	aliasType = "aws:kms/alias:Alias"
)

// run creates one PhiKey named "video" under a fresh recorder.
func run(t *testing.T, region string, args *PhiKeyArgs, opts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "test", region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewPhiKey(ctx, "video", args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, opts...)...)
	return r, err
}

func mustRun(t *testing.T, region string, args *PhiKeyArgs, opts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, region, args, opts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func recordedKeyPolicy(t *testing.T, r *recorder.Recorder) policydoc.Document {
	t.Helper()
	text := mustNamed(t, r, keyType, "video-key").InputString("policy")
	doc, err := policydoc.Parse(text)
	if err != nil {
		t.Fatalf("key policy: %v", err)
	}
	return doc
}

func phiArgs() *PhiKeyArgs {
	return &PhiKeyArgs{
		Purpose:     PurposePHI,
		ViaServices: []Service{ServiceS3, ServiceKinesisVideo, ServiceLambda},
		Tags:        map[string]string{"env": "dev"},
	}
}

func auditArgs() *PhiKeyArgs {
	return &PhiKeyArgs{
		Purpose:           PurposeAudit,
		ViaServices:       []Service{ServiceS3},
		ServicePrincipals: []ServicePrincipal{PrincipalCloudTrail, PrincipalCloudWatchLogs},
	}
}

func TestInventoryAndParents(t *testing.T) {
	t.Parallel()
	r := mustRun(t, "", phiArgs())

	want := map[string]int{TypeToken: 1, keyType: 1, aliasType: 1}
	if got := r.TypeCounts(); !reflect.DeepEqual(got, want) {
		t.Errorf("inventory = %v, want %v", got, want)
	}
	component := mustNamed(t, r, TypeToken, "video")
	if component.Custom {
		t.Error("the component must be registered as a component (Custom=false)")
	}
	for _, res := range r.Resources() {
		if res.Type != TypeToken && res.Parent != component.URN {
			t.Errorf("%s %s: parent %q, want the component %q", res.Type, res.Name, res.Parent, component.URN)
		}
	}
	// The stack registers its outputs too, so a finished component makes it two.
	if n := r.OutputsRegistered(); n != 2 {
		t.Errorf("RegisterResourceOutputs called %d times, want 2 (stack and component)", n)
	}
}

func TestKeySettings(t *testing.T) {
	t.Parallel()
	r := mustRun(t, "", phiArgs())
	key := mustNamed(t, r, keyType, "video-key")

	if v := key.Inputs["enableKeyRotation"]; !v.IsBool() || !v.BoolValue() {
		t.Errorf("enableKeyRotation = %v, want true", v)
	}
	if v := key.Inputs["deletionWindowInDays"]; !v.IsNumber() || v.NumberValue() != 30 {
		t.Errorf("deletionWindowInDays = %v, want 30", v)
	}
	if got := key.InputString("customerMasterKeySpec"); got != "SYMMETRIC_DEFAULT" {
		t.Errorf("customerMasterKeySpec = %q, want SYMMETRIC_DEFAULT", got)
	}
	if v := key.Inputs["bypassPolicyLockoutSafetyCheck"]; !v.IsBool() || v.BoolValue() {
		t.Errorf("bypassPolicyLockoutSafetyCheck = %v, want an explicit false", v)
	}
	if v := key.Inputs["isEnabled"]; !v.IsBool() || !v.BoolValue() {
		t.Errorf("isEnabled = %v, want true", v)
	}
	if key.Protect {
		t.Error("key protected although Protect was not asked for")
	}
	tags := key.Inputs["tags"].ObjectValue()
	for k, want := range map[string]string{"data-classification": "PHI", "managed-by": "mediguard", "env": "dev"} {
		if got := tags[resource.PropertyKey(k)].StringValue(); got != want {
			t.Errorf("tag %s = %q, want %q", k, got, want)
		}
	}

	alias := mustNamed(t, r, aliasType, "video-alias")
	if got := alias.InputString("name"); got != "alias/mediguard/video" {
		t.Errorf("alias name = %q, want the default alias/mediguard/video", got)
	}
	if !alias.DependsOn(key) {
		t.Error("the alias must target the key (dependency missing)")
	}
}

func TestProtectIsForwardedToTheKeyOnly(t *testing.T) {
	t.Parallel()
	args := phiArgs()
	args.Protect = true
	r := mustRun(t, "", args)
	if !mustNamed(t, r, keyType, "video-key").Protect {
		t.Error("Protect=true must protect the key")
	}
	if mustNamed(t, r, aliasType, "video-alias").Protect {
		t.Error("the alias is stateless and must not be protected")
	}
}

func TestKeyPolicyPHI(t *testing.T) {
	t.Parallel()
	doc := recordedKeyPolicy(t, mustRun(t, "eu-west-1", phiArgs()))

	sids := make([]string, 0, len(doc.Statements))
	for _, s := range doc.Statements {
		sids = append(sids, s.Sid)
		if s.Effect != policydoc.Allow {
			t.Errorf("%s: effect %s, want Allow", s.Sid, s.Effect)
		}
		if s.Principal == nil || s.Principal.Any {
			t.Errorf("%s: principal must be named, got %+v", s.Sid, s.Principal)
		}
	}
	if want := []string{SidKeyAdministration, SidUseThroughAWSServices, SidGrantsForAWSResources}; !slices.Equal(sids, want) {
		t.Fatalf("statements = %v, want %v", sids, want)
	}

	root := "arn:aws:iam::" + recorder.Account + ":root"
	admin, _ := doc.Statement(SidKeyAdministration)
	if !slices.Equal(admin.Principal.AWS, []string{root}) {
		t.Errorf("admin principal = %v, want the account root", admin.Principal.AWS)
	}
	for _, a := range admin.Actions {
		if strings.Contains(a, "*") || slices.Contains([]string{"kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:ReEncryptFrom"}, a) ||
			strings.HasPrefix(a, "kms:GenerateDataKey") {
			t.Errorf("admin statement grants data or wildcard action %s", a)
		}
	}
	if !slices.Contains(admin.Actions, "kms:PutKeyPolicy") || !slices.Contains(admin.Actions, "kms:ScheduleKeyDeletion") {
		t.Errorf("admin statement lacks key administration actions: %v", admin.Actions)
	}

	use, _ := doc.Statement(SidUseThroughAWSServices)
	if !slices.Equal(use.Principal.AWS, []string{root}) {
		t.Errorf("usage principal = %v, want the account root", use.Principal.AWS)
	}
	if want := []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}; !slices.Equal(use.Actions, want) {
		t.Errorf("usage actions = %v, want %v", use.Actions, want)
	}
	wantVia := []string{"kinesisvideo.eu-west-1.amazonaws.com", "lambda.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"}
	wantConditions := policydoc.Conditions{"StringEquals": {
		"kms:CallerAccount": {recorder.Account},
		"kms:ViaService":    wantVia,
	}}
	if !reflect.DeepEqual(use.Conditions, wantConditions) {
		t.Errorf("usage conditions = %v, want %v", use.Conditions, wantConditions)
	}

	grants, _ := doc.Statement(SidGrantsForAWSResources)
	if want := []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}; !slices.Equal(grants.Actions, want) {
		t.Errorf("grant actions = %v, want %v", grants.Actions, want)
	}
	if got := grants.Conditions["Bool"]["kms:GrantIsForAWSResource"]; !slices.Equal(got, []string{"true"}) {
		t.Errorf("grants must be limited to AWS resources, got %v", grants.Conditions)
	}
	if !slices.Equal(grants.Conditions["StringEquals"]["kms:ViaService"], wantVia) {
		t.Errorf("grant ViaService = %v, want %v", grants.Conditions["StringEquals"]["kms:ViaService"], wantVia)
	}
}

func TestKeyPolicyAudit(t *testing.T) {
	t.Parallel()
	doc := recordedKeyPolicy(t, mustRun(t, "", auditArgs()))
	trails := "arn:aws:cloudtrail:us-east-1:" + recorder.Account + ":trail/*"

	tests := []struct {
		sid        string
		service    string
		actions    []string
		conditions policydoc.Conditions
	}{
		{
			sid: SidCloudTrailEncryptLogs, service: "cloudtrail.amazonaws.com",
			actions: []string{"kms:GenerateDataKey*"},
			conditions: policydoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {recorder.Account}},
				"ArnLike": {
					"aws:SourceArn": {trails},
					"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:*:" + recorder.Account + ":trail/*"},
				},
			},
		},
		{
			sid: SidCloudTrailDescribeKey, service: "cloudtrail.amazonaws.com",
			actions: []string{"kms:DescribeKey"},
			conditions: policydoc.Conditions{
				"StringEquals": {"aws:SourceAccount": {recorder.Account}},
				"ArnLike":      {"aws:SourceArn": {trails}},
			},
		},
		{
			sid: SidCloudWatchLogsEncryptLogs, service: "logs.us-east-1.amazonaws.com",
			actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			conditions: policydoc.Conditions{"ArnLike": {
				"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:us-east-1:" + recorder.Account + ":log-group:*"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.sid, func(t *testing.T) {
			t.Parallel()
			s, ok := doc.Statement(tc.sid)
			if !ok {
				t.Fatalf("no statement %s", tc.sid)
			}
			if s.Effect != policydoc.Allow || s.Principal == nil || !slices.Equal(s.Principal.Service, []string{tc.service}) || len(s.Principal.AWS) > 0 {
				t.Errorf("principal = %+v, want only service %s", s.Principal, tc.service)
			}
			if !slices.Equal(s.Actions, tc.actions) {
				t.Errorf("actions = %v, want %v", s.Actions, tc.actions)
			}
			if !slices.Equal(s.Resources, []string{"*"}) {
				t.Errorf("resources = %v, want [*] (the key itself)", s.Resources)
			}
			if !reflect.DeepEqual(s.Conditions, tc.conditions) {
				t.Errorf("conditions = %v, want %v", s.Conditions, tc.conditions)
			}
		})
	}
}

func TestPublisherServicePrincipals(t *testing.T) {
	t.Parallel()
	args := &PhiKeyArgs{
		Purpose:           PurposePHI,
		ServicePrincipals: []ServicePrincipal{PrincipalS3Notifications, PrincipalEventBridge, PrincipalCloudWatchAlarms, PrincipalSNS},
		AdminPrincipalARNs: []string{
			"arn:aws:iam::" + recorder.Account + ":role/KeyAdmins",
			"arn:aws:iam::" + recorder.Account + ":role/Deployer",
		},
	}
	doc := recordedKeyPolicy(t, mustRun(t, "", args))

	if _, ok := doc.Statement(SidUseThroughAWSServices); ok {
		t.Error("no ViaServices were asked for, so no account principal may use the key")
	}
	admin, _ := doc.Statement(SidKeyAdministration)
	if !slices.Equal(admin.Principal.AWS, args.AdminPrincipalARNs) {
		t.Errorf("admins = %v, want %v", admin.Principal.AWS, args.AdminPrincipalARNs)
	}
	for sid, service := range map[string]string{
		"S3NotificationsToEncryptedTargets": "s3.amazonaws.com",
		"EventBridgeToEncryptedTargets":     "events.amazonaws.com",
		"CloudWatchAlarmsToEncryptedTopics": "cloudwatch.amazonaws.com",
		"SNSToEncryptedQueues":              "sns.amazonaws.com",
	} {
		s, ok := doc.Statement(sid)
		if !ok {
			t.Errorf("no statement %s", sid)
			continue
		}
		if !slices.Equal(s.Principal.Service, []string{service}) {
			t.Errorf("%s: service = %v, want %s", sid, s.Principal.Service, service)
		}
		if !slices.Equal(s.Actions, []string{"kms:Decrypt", "kms:GenerateDataKey*"}) {
			t.Errorf("%s: actions = %v", sid, s.Actions)
		}
		if got := s.Conditions["StringEquals"]["aws:SourceAccount"]; !slices.Equal(got, []string{recorder.Account}) {
			t.Errorf("%s: aws:SourceAccount = %v, want this account", sid, got)
		}
	}
}

func TestDryRunWithUnknownOutputs(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "test", "")
	var key *PhiKey
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		key, err = NewPhiKey(ctx, "video", auditArgs())
		return err
	}, r.RunOption(), func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	if key == nil {
		t.Fatal("no component returned")
	}
	want := map[string]int{TypeToken: 1, keyType: 1, aliasType: 1}
	if got := r.TypeCounts(); !reflect.DeepEqual(got, want) {
		t.Errorf("preview inventory = %v, want %v", got, want)
	}
	recordedKeyPolicy(t, r) // the key policy is plain, so it is known even in preview
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args *PhiKeyArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{
			name: "every problem at once",
			args: &PhiKeyArgs{
				Purpose:            "secret",
				AliasName:          "alias/aws/s3",
				AdminPrincipalARNs: []string{"*", "arn:aws:iam::123:role/x"},
				ViaServices:        []Service{"ftp", ServiceS3, ServiceS3},
				ServicePrincipals:  []ServicePrincipal{"ec2"},
				Tags:               map[string]string{"managed-by": "someone"},
			},
			want: []string{
				`Purpose "secret"`, "alias/aws/ prefix is reserved", `"*" is not an IAM`, `"arn:aws:iam::123:role/x" is not an IAM`,
				`ViaServices: unknown value "ftp"`, `ViaServices: "s3" listed twice`, `ServicePrincipals: unknown value "ec2"`,
				`Tags: "managed-by" is set by the component`,
			},
		},
		{
			name: "missing purpose, nobody can use it, bad alias",
			args: &PhiKeyArgs{AliasName: "video key"},
			want: []string{"Purpose is required", `AliasName "video key"`, "nobody could use the key"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := run(t, "", tc.args)
			if err == nil {
				t.Fatal("invalid args accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if got := r.Resources(); len(got) != 0 {
				t.Errorf("invalid args registered %d resources: %v", len(got), r.TypeCounts())
			}
		})
	}
}

func TestCallerArgsNotMutated(t *testing.T) {
	t.Parallel()
	args := &PhiKeyArgs{
		Purpose:     PurposeAudit,
		ViaServices: []Service{ServiceS3},
		Tags:        map[string]string{"env": "prod"},
	}
	before := *args
	before.ViaServices = slices.Clone(args.ViaServices)
	before.Tags = map[string]string{"env": "prod"}
	mustRun(t, "", args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args mutated:\n got %+v\nwant %+v", *args, before)
	}
}
