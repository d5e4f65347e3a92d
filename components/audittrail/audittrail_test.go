package audittrail

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Assertions shared by the component tests.
var (
	mustNamed   = recordertest.MustNamed
	wantInput   = recordertest.WantInput
	parsePolicy = recordertest.Policy
)

const (
	trailType        = "aws:cloudtrail/trail:Trail"
	logGroupType     = "aws:cloudwatch/logGroup:LogGroup"
	roleType         = "aws:iam/role:Role"
	iamPolicyType    = "aws:iam/policy:Policy"
	attachmentType   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	bucketType       = "aws:s3/bucketV2:BucketV2"
	bucketPolicyType = "aws:s3/bucketPolicy:BucketPolicy"
	objectLockType   = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"

	keyARN       = "arn:aws:kms:us-east-1:123456789012:key/audit"
	framesARN    = "arn:aws:s3:::frames"
	evidenceARN  = "arn:aws:s3:::evidence"
	trailARN     = "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit-test"               // default name "<name>-<stack>"
	logGroupARN  = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/audit-test" // the recorder's ARN for the named log group
	auditBucket  = "arn:aws:s3:::audit-logs-bucket"
	bucketPolicy = "audit-logs-policy"
)

func baseArgs() *AuditTrailArgs {
	return &AuditTrailArgs{
		KMSKeyARN:     pulumi.String(keyARN),
		PHIBucketARNs: []pulumi.StringInput{pulumi.String(framesARN), pulumi.String(evidenceARN)},
		Tags:          map[string]string{"env": "dev"},
	}
}

func run(t *testing.T, args *AuditTrailArgs, opts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "test", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewAuditTrail(ctx, "audit", args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, opts...)...)
	return r, err
}

func mustRun(t *testing.T, args *AuditTrailArgs, opts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args, opts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func TestInventoryAndParents(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())
	want := map[string]int{
		TypeToken: 1, trailType: 1, logGroupType: 1, roleType: 1, iamPolicyType: 1, attachmentType: 1,
		// The audit bucket: a PhiBucket with Object Lock and its log bucket.
		phibucket.TypeToken: 1, bucketType: 2, bucketPolicyType: 2, objectLockType: 1,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     2,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     2,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 2,
		"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               2,
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       2,
		"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     1,
	}
	if got := r.TypeCounts(); !reflect.DeepEqual(got, want) {
		t.Errorf("inventory = %v\nwant %v", got, want)
	}
	component := mustNamed(t, r, TypeToken, "audit")
	bucket := mustNamed(t, r, phibucket.TypeToken, "audit-logs")
	if component.Custom || bucket.Custom {
		t.Error("AuditTrail and its PhiBucket must be registered as components (Custom=false)")
	}
	for _, res := range r.Resources() {
		switch {
		case res.Type == TypeToken:
		case res.Parent == component.URN:
		case res.Parent == bucket.URN && bucket.Parent == component.URN:
			// the audit bucket's own children
		default:
			t.Errorf("%s %s: parent %q is neither the component nor its audit bucket", res.Type, res.Name, res.Parent)
		}
	}
	if n := r.OutputsRegistered(); n != 3 {
		t.Errorf("RegisterResourceOutputs called %d times, want 3 (stack, trail, bucket)", n)
	}
}

func TestTrailSettings(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())
	trail := mustNamed(t, r, trailType, "audit-trail")
	for key, want := range map[string]any{
		"name":                       "audit-test",
		"isMultiRegionTrail":         true,
		"includeGlobalServiceEvents": true,
		"enableLogFileValidation":    true,
		"enableLogging":              true,
		"kmsKeyId":                   keyARN,
		"s3BucketName":               mustNamed(t, r, bucketType, "audit-logs-bucket").ID,
		"cloudWatchLogsGroupArn":     logGroupARN + ":*",
		"cloudWatchLogsRoleArn":      "arn:aws:iam::123456789012:role/audit-cloudwatch-delivery",
	} {
		wantInput(t, trail, want, key)
	}
	wantInput(t, trail, map[string]any{"data-classification": "audit", "managed-by": "mediguard", "purpose": "audit-trail", "env": "dev"}, "tags")

	wantSelectors := []any{
		map[string]any{"name": "management-events", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Management"}},
		}},
		map[string]any{"name": "phi-object-reads-and-writes", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
			map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			map[string]any{"field": "resources.ARN", "startsWiths": []any{framesARN + "/", evidenceARN + "/"}},
		}},
	}
	wantInput(t, trail, wantSelectors, "advancedEventSelectors")

	logGroup := mustNamed(t, r, logGroupType, "audit-log-group")
	wantInput(t, logGroup, "/aws/cloudtrail/audit-test", "name")
	wantInput(t, logGroup, 2192.0, "retentionInDays")
	wantInput(t, logGroup, keyARN, "kmsKeyId")
}

func TestOrdering(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())
	trail := mustNamed(t, r, trailType, "audit-trail")
	for _, dep := range []recorder.Resource{
		mustNamed(t, r, bucketPolicyType, bucketPolicy),
		mustNamed(t, r, attachmentType, "audit-cloudwatch-delivery"),
		mustNamed(t, r, logGroupType, "audit-log-group"),
		mustNamed(t, r, roleType, "audit-cloudwatch-delivery"),
	} {
		if !trail.DependsOn(dep) {
			t.Errorf("the trail must be created after %s %s", dep.Type, dep.Name)
		}
	}
}

func TestDataEventsFollowBucketsOfTheSameProgram(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "test", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		frames, err := phibucket.NewPhiBucket(ctx, "frames", &phibucket.PhiBucketArgs{
			Purpose: "video-frames", KMSKeyARN: pulumi.String(keyARN), ObjectLockRetentionDays: 30,
		})
		if err != nil {
			return err
		}
		args := baseArgs()
		args.PHIBucketARNs = []pulumi.StringInput{frames.BucketARN}
		_, err = NewAuditTrail(ctx, "audit", args)
		return err
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	trail := mustNamed(t, r, trailType, "audit-trail")
	// The policy pack proves coverage through this property dependency when ARNs are unknown.
	if !slices.Contains(trail.PropertyDependencies["advancedEventSelectors"], mustNamed(t, r, bucketType, "frames-bucket").URN) {
		t.Errorf("advancedEventSelectors do not depend on the PHI bucket: %v", trail.PropertyDependencies["advancedEventSelectors"])
	}
	wantInput(t, trail, []any{"arn:aws:s3:::frames-bucket/"}, "advancedEventSelectors", "1", "fieldSelectors", "2", "startsWiths")
}

func TestAuditBucketPolicyAdmitsOnlyThisTrail(t *testing.T) {
	t.Parallel()
	doc := parsePolicy(t, mustNamed(t, mustRun(t, baseArgs()), bucketPolicyType, bucketPolicy), "policy")
	tests := []struct {
		sid        string
		actions    []string
		resources  []string
		conditions policydoc.Conditions
	}{
		{SidCloudTrailAclCheck, []string{"s3:GetBucketAcl"}, []string{auditBucket},
			policydoc.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}}}},
		{SidCloudTrailWrite, []string{"s3:PutObject"}, []string{auditBucket + "/AWSLogs/" + recorder.Account + "/*"},
			policydoc.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}, "s3:x-amz-acl": {"bucket-owner-full-control"}}}},
	}
	for _, tc := range tests {
		s, ok := doc.Statement(tc.sid)
		if !ok {
			t.Errorf("no statement %s", tc.sid)
			continue
		}
		if s.Effect != policydoc.Allow || s.Principal == nil || !slices.Equal(s.Principal.Service, []string{"cloudtrail.amazonaws.com"}) || s.Principal.Any || len(s.Principal.AWS) > 0 {
			t.Errorf("%s: %s to %+v, want Allow to CloudTrail only", tc.sid, s.Effect, s.Principal)
		}
		if !slices.Equal(s.Actions, tc.actions) || !slices.Equal(s.Resources, tc.resources) || !reflect.DeepEqual(s.Conditions, tc.conditions) {
			t.Errorf("%s = %v on %v if %v\nwant %v on %v if %v", tc.sid, s.Actions, s.Resources, s.Conditions, tc.actions, tc.resources, tc.conditions)
		}
	}
	// The PhiBucket's own denies are still there.
	for _, sid := range []string{phibucket.SidDenyInsecureTransport, phibucket.SidDenyOutdatedTLS, phibucket.SidDenyNonKMSEncryption, phibucket.SidDenyWrongKMSKey} {
		if s, ok := doc.Statement(sid); !ok || s.Effect != policydoc.Deny {
			t.Errorf("audit bucket policy lacks the deny %s", sid)
		}
	}
}

func TestDeliveryRole(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())
	role := mustNamed(t, r, roleType, "audit-cloudwatch-delivery")
	trust := parsePolicy(t, role, "assumeRolePolicy")
	if len(trust.Statements) != 1 {
		t.Fatalf("trust policy has %d statements, want 1", len(trust.Statements))
	}
	ts := trust.Statements[0]
	if ts.Effect != policydoc.Allow || !slices.Equal(ts.Principal.Service, []string{"cloudtrail.amazonaws.com"}) || len(ts.Principal.AWS) > 0 || ts.Principal.Any {
		t.Errorf("trust principal = %+v, want CloudTrail only", ts.Principal)
	}
	if !slices.Equal(ts.Actions, []string{"sts:AssumeRole"}) {
		t.Errorf("trust actions = %v", ts.Actions)
	}
	wantTrust := policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {recorder.Account}, "aws:SourceArn": {trailARN}}}
	if !reflect.DeepEqual(ts.Conditions, wantTrust) {
		t.Errorf("trust conditions = %v, want %v", ts.Conditions, wantTrust)
	}

	perms := parsePolicy(t, mustNamed(t, r, iamPolicyType, "audit-cloudwatch-delivery"), "policy")
	if len(perms.Statements) != 1 {
		t.Fatalf("delivery policy has %d statements, want 1", len(perms.Statements))
	}
	ps := perms.Statements[0]
	if ps.Effect != policydoc.Allow || ps.Principal != nil || len(ps.Conditions) > 0 {
		t.Errorf("delivery statement = %+v", ps)
	}
	if !slices.Equal(ps.Actions, []string{"logs:CreateLogStream", "logs:PutLogEvents"}) {
		t.Errorf("delivery actions = %v", ps.Actions)
	}
	if !slices.Equal(ps.Resources, []string{logGroupARN + ":log-stream:*"}) {
		t.Errorf("delivery resources = %v, want the streams of the one log group", ps.Resources)
	}
	attachment := mustNamed(t, r, attachmentType, "audit-cloudwatch-delivery")
	if !attachment.DependsOn(role) || !attachment.DependsOn(mustNamed(t, r, iamPolicyType, "audit-cloudwatch-delivery")) {
		t.Error("the attachment must join the delivery role and policy")
	}
}

func TestRetentionAndLockOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		modify       func(*AuditTrailArgs)
		lockMode     string
		lockDays     float64
		logRetention float64
		protected    bool
	}{
		{"defaults: six years, COMPLIANCE", func(*AuditTrailArgs) {}, "COMPLIANCE", 2192, 2192, false},
		{"longer retention, GOVERNANCE, protected", func(a *AuditTrailArgs) {
			a.LogRetentionDays, a.BucketRetentionDays, a.BucketLockMode, a.Protect = 3653, 2557, phibucket.LockGovernance, true
		}, "GOVERNANCE", 2557, 3653, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := baseArgs()
			tc.modify(args)
			r := mustRun(t, args)
			lock := mustNamed(t, r, objectLockType, "audit-logs-object-lock")
			wantInput(t, lock, tc.lockMode, "rule", "defaultRetention", "mode")
			wantInput(t, lock, tc.lockDays, "rule", "defaultRetention", "days")
			logGroup := mustNamed(t, r, logGroupType, "audit-log-group")
			wantInput(t, logGroup, tc.logRetention, "retentionInDays")
			wantInput(t, mustNamed(t, r, bucketType, "audit-logs-bucket"), "audit", "tags", "data-classification")
			for _, res := range r.Resources() {
				stateful := res.Type == bucketType || res.Type == logGroupType
				if res.Protect != (tc.protected && stateful) {
					t.Errorf("%s %s: protect = %v", res.Type, res.Name, res.Protect)
				}
			}
		})
	}
}

func TestDryRunWithUnknownInputs(t *testing.T) {
	t.Parallel()
	unknown := func() pulumi.StringOutput {
		return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	}
	args := baseArgs()
	args.KMSKeyARN = unknown()
	args.PHIBucketARNs = []pulumi.StringInput{unknown()}
	r, err := run(t, args, func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	trail := mustNamed(t, r, trailType, "audit-trail")
	if v, ok := trail.Inputs["kmsKeyId"]; ok && v.IsString() {
		t.Errorf("kmsKeyId = %v, want unknown in preview", v)
	}
	wantInput(t, trail, true, "isMultiRegionTrail")
	// The trust policy needs no other resource's output: it is known in preview.
	parsePolicy(t, mustNamed(t, r, roleType, "audit-cloudwatch-delivery"), "assumeRolePolicy")
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		component string
		args      *AuditTrailArgs
		want      []string
	}{
		{"nil args", "audit", nil, []string{"args are required"}},
		{
			name: "every problem at once", component: "Audit",
			args: &AuditTrailArgs{
				PHIBucketARNs:       []pulumi.StringInput{nil},
				TrailName:           "-bad name-",
				LogRetentionDays:    365,
				BucketLockMode:      "LEGAL",
				BucketRetentionDays: 30,
				Tags:                map[string]string{"data-classification": "PHI"},
			},
			want: []string{
				"PHIBucketARNs[0] is nil", `TrailName "-bad name-"`, "LogRetentionDays 365", "BucketRetentionDays 30",
				`Tags: "data-classification"`, "KMSKeyARN is required", `ObjectLockMode "LEGAL"`, `name "Audit-logs"`,
			},
		},
		{"no PHI buckets", "audit", &AuditTrailArgs{KMSKeyARN: pulumi.String(keyARN)}, []string{"PHIBucketARNs is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := recorder.New("mediguard", "test", "")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := NewAuditTrail(ctx, tc.component, tc.args)
				return err
			}, r.RunOption())
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
	args := baseArgs()
	before := *args
	before.PHIBucketARNs = slices.Clone(args.PHIBucketARNs)
	before.Tags = maps.Clone(args.Tags)
	mustRun(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args mutated:\n got %+v\nwant %+v", *args, before)
	}
}

func TestTrailARNFollowsTheProvider(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "prod", "eu-central-1")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewAuditTrail(ctx, "audit", baseArgs())
		return err
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	want := "arn:aws:cloudtrail:eu-central-1:" + recorder.Account + ":trail/audit-prod"
	trust := parsePolicy(t, mustNamed(t, r, roleType, "audit-cloudwatch-delivery"), "assumeRolePolicy")
	if got := trust.Statements[0].Conditions["StringEquals"]["aws:SourceArn"]; !slices.Equal(got, []string{want}) {
		t.Errorf("trust aws:SourceArn = %v, want %s (account and region from the provider, name from the stack)", got, want)
	}
	write, ok := parsePolicy(t, mustNamed(t, r, bucketPolicyType, bucketPolicy), "policy").Statement(SidCloudTrailWrite)
	if !ok || !slices.Equal(write.Conditions["StringEquals"]["aws:SourceArn"], []string{want}) {
		t.Errorf("bucket policy write statement = %+v, want aws:SourceArn %s", write, want)
	}
}
