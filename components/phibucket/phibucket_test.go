package phibucket

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Assertions shared by the component tests.
var (
	mustNamed   = recordertest.MustNamed
	input       = recordertest.Input
	wantInput   = recordertest.WantInput
	parsePolicy = recordertest.Policy
)

// Type tokens of the children.
const (
	bucketType       = "aws:s3/bucketV2:BucketV2"
	pabType          = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	ownershipType    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	sseType          = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	versioningType   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	objectLockType   = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	lifecycleType    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	loggingType      = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	policyType       = "aws:s3/bucketPolicy:BucketPolicy"
	notificationType = "aws:s3/bucketNotification:BucketNotification"
	replicationType  = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	roleType         = "aws:iam/role:Role"
	iamPolicyType    = "aws:iam/policy:Policy"
	attachmentType   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
)

const (
	keyARN        = "arn:aws:kms:us-east-1:123456789012:key/phi"
	replicaARN    = "arn:aws:s3:::video-replica"
	replicaKeyARN = "arn:aws:kms:us-west-2:123456789012:key/replica"
	bucketARN     = "arn:aws:s3:::video-bucket" // the recorder's ARN for the child "video-bucket"
	logBucketARN  = "arn:aws:s3:::video-access-logs"
)

func baseArgs() *PhiBucketArgs {
	return &PhiBucketArgs{
		Purpose:                 "video-frames",
		KMSKeyARN:               pulumi.String(keyARN),
		ObjectLockRetentionDays: 30,
		Tags:                    map[string]string{"env": "dev"},
	}
}

func run(t *testing.T, args *PhiBucketArgs, opts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "test", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewPhiBucket(ctx, "video", args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, opts...)...)
	return r, err
}

func mustRun(t *testing.T, args *PhiBucketArgs, opts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args, opts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func mustStatement(t *testing.T, doc policydoc.Document, sid string) policydoc.Statement {
	t.Helper()
	s, ok := doc.Statement(sid)
	if !ok {
		t.Fatalf("no statement %s", sid)
	}
	return s
}

// hardened is the inventory of the default option set: data bucket with Object
// Lock plus its log bucket.
var hardened = map[string]int{
	TypeToken: 1, bucketType: 2, pabType: 2, ownershipType: 2, sseType: 2, versioningType: 2,
	objectLockType: 1, lifecycleType: 2, loggingType: 1, policyType: 2,
}

func with(base map[string]int, changes map[string]int) map[string]int {
	out := maps.Clone(base)
	for k, v := range changes {
		if v == 0 {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestInventoryPerOptionSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*PhiBucketArgs)
		want   map[string]int
	}{
		{"defaults with object lock", func(*PhiBucketArgs) {}, hardened},
		{"without object lock", func(a *PhiBucketArgs) { a.DisableObjectLock, a.ObjectLockRetentionDays = true, 0 }, with(hardened, map[string]int{objectLockType: 0})},
		{"replication", func(a *PhiBucketArgs) {
			a.Replicate, a.ReplicaBucketARN, a.ReplicaKMSKeyARN = true, pulumi.String(replicaARN), pulumi.String(replicaKeyARN)
		}, with(hardened, map[string]int{replicationType: 1, roleType: 1, iamPolicyType: 1, attachmentType: 1})},
		{"EventBridge notifications", func(a *PhiBucketArgs) { a.EventBridgeNotifications = true }, with(hardened, map[string]int{notificationType: 1})},
		{"force destroy", func(a *PhiBucketArgs) { a.AllowForceDestroy = true }, hardened},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := baseArgs()
			tc.modify(args)
			r := mustRun(t, args)
			if got := r.TypeCounts(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("inventory = %v\nwant %v", got, tc.want)
			}
			component := mustNamed(t, r, TypeToken, "video")
			if component.Custom {
				t.Error("the component must be registered with Custom=false")
			}
			for _, res := range r.Resources() {
				if res.Type != TypeToken && res.Parent != component.URN {
					t.Errorf("%s %s: parent %q, want the component", res.Type, res.Name, res.Parent)
				}
				if res.Protect {
					t.Errorf("%s %s protected although Protect was not asked for", res.Type, res.Name)
				}
			}
			for _, name := range []string{"video-bucket", "video-access-logs"} {
				wantInput(t, mustNamed(t, r, bucketType, name), args.AllowForceDestroy, "forceDestroy")
			}
			if n := r.OutputsRegistered(); n != 2 {
				t.Errorf("RegisterResourceOutputs called %d times, want 2 (stack and component)", n)
			}
		})
	}
}

func TestBucketsAreHardened(t *testing.T) {
	t.Parallel()
	r := mustRun(t, baseArgs())

	data := mustNamed(t, r, bucketType, "video-bucket")
	wantInput(t, data, true, "objectLockEnabled")
	wantInput(t, data, map[string]any{"data-classification": "PHI", "managed-by": "mediguard", "purpose": "video-frames", "env": "dev"}, "tags")
	logs := mustNamed(t, r, bucketType, "video-access-logs")
	if _, ok := logs.Inputs["objectLockEnabled"]; ok {
		t.Error("the log bucket must not enable Object Lock: access log delivery rejects default retention")
	}
	wantInput(t, logs, map[string]any{"data-classification": "logs", "managed-by": "mediguard", "purpose": "access-logs", "env": "dev"}, "tags")

	for _, prefix := range []string{"video", "video-access-logs"} {
		bucket := data
		if prefix != "video" {
			bucket = logs
		}
		pab := mustNamed(t, r, pabType, prefix+"-public-access-block")
		for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			wantInput(t, pab, true, flag)
		}
		for _, res := range []recorder.Resource{
			pab,
			mustNamed(t, r, ownershipType, prefix+"-ownership"),
			mustNamed(t, r, sseType, prefix+"-encryption"),
			mustNamed(t, r, versioningType, prefix+"-versioning"),
			mustNamed(t, r, lifecycleType, prefix+"-lifecycle"),
		} {
			if !res.DependsOn(bucket) {
				t.Errorf("%s does not refer to its bucket %s", res.Name, bucket.Name)
			}
		}
		wantInput(t, mustNamed(t, r, ownershipType, prefix+"-ownership"), "BucketOwnerEnforced", "rule", "objectOwnership")
		wantInput(t, mustNamed(t, r, versioningType, prefix+"-versioning"), "Enabled", "versioningConfiguration", "status")
	}

	sse := mustNamed(t, r, sseType, "video-encryption")
	wantInput(t, sse, "aws:kms", "rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm")
	wantInput(t, sse, keyARN, "rules", "0", "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
	wantInput(t, sse, true, "rules", "0", "bucketKeyEnabled")
	logSSE := mustNamed(t, r, sseType, "video-access-logs-encryption")
	wantInput(t, logSSE, "AES256", "rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm")

	lock := mustNamed(t, r, objectLockType, "video-object-lock")
	wantInput(t, lock, "GOVERNANCE", "rule", "defaultRetention", "mode")
	wantInput(t, lock, 30.0, "rule", "defaultRetention", "days")

	logging := mustNamed(t, r, loggingType, "video-access-logging")
	if !logging.DependsOn(data) || !logging.DependsOn(logs) {
		t.Error("access logging must connect the data bucket to the log bucket")
	}
	wantInput(t, logging, logs.ID, "targetBucket")
	wantInput(t, logging, AccessLogPrefix, "targetPrefix")
}

func TestLifecycleRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		modify     func(*PhiBucketArgs)
		resource   string
		expiration any // nil: no expiration of current versions
		noncurrent float64
		abort      float64
	}{
		{"data bucket defaults", func(*PhiBucketArgs) {}, "video-lifecycle", nil, 90, 7},
		{"lock retention longer than the noncurrent default", func(a *PhiBucketArgs) { a.ObjectLockRetentionDays = 365 }, "video-lifecycle", nil, 365, 7},
		{"explicit values", func(a *PhiBucketArgs) {
			a.ExpirationDays, a.NoncurrentVersionExpirationDays, a.AbortIncompleteMultipartUploadDays = 400, 45, 2
		}, "video-lifecycle", 400.0, 45, 2},
		{"log bucket keeps six years", func(*PhiBucketArgs) {}, "video-access-logs-lifecycle", 2192.0, 90, 7},
		{"log bucket retention", func(a *PhiBucketArgs) { a.AccessLogRetentionDays = 3653 }, "video-access-logs-lifecycle", 3653.0, 90, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := baseArgs()
			tc.modify(args)
			lc := mustNamed(t, mustRun(t, args), lifecycleType, tc.resource)
			if n := len(input(t, lc, "rules").ArrayValue()); n != 1 {
				t.Fatalf("%d lifecycle rules, want 1", n)
			}
			wantInput(t, lc, "Enabled", "rules", "0", "status")
			wantInput(t, lc, tc.noncurrent, "rules", "0", "noncurrentVersionExpiration", "noncurrentDays")
			wantInput(t, lc, tc.abort, "rules", "0", "abortIncompleteMultipartUpload", "daysAfterInitiation")
			_, hasExpiration := input(t, lc, "rules", "0").ObjectValue()["expiration"]
			if tc.expiration == nil {
				if hasExpiration {
					t.Error("current versions expire although no ExpirationDays was set")
				}
			} else {
				wantInput(t, lc, tc.expiration, "rules", "0", "expiration", "days")
			}
		})
	}
}

func TestOrdering(t *testing.T) {
	t.Parallel()
	args := baseArgs()
	args.Replicate, args.ReplicaBucketARN, args.ReplicaKMSKeyARN = true, pulumi.String(replicaARN), pulumi.String(replicaKeyARN)
	r := mustRun(t, args)

	tests := []struct{ resource, dependency recorder.Resource }{
		{mustNamed(t, r, policyType, "video-policy"), mustNamed(t, r, pabType, "video-public-access-block")},
		{mustNamed(t, r, policyType, "video-access-logs-policy"), mustNamed(t, r, pabType, "video-access-logs-public-access-block")},
		{mustNamed(t, r, objectLockType, "video-object-lock"), mustNamed(t, r, versioningType, "video-versioning")},
		{mustNamed(t, r, lifecycleType, "video-lifecycle"), mustNamed(t, r, versioningType, "video-versioning")},
		{mustNamed(t, r, lifecycleType, "video-access-logs-lifecycle"), mustNamed(t, r, versioningType, "video-access-logs-versioning")},
		{mustNamed(t, r, loggingType, "video-access-logging"), mustNamed(t, r, policyType, "video-access-logs-policy")},
		{mustNamed(t, r, replicationType, "video-replication"), mustNamed(t, r, versioningType, "video-versioning")},
		{mustNamed(t, r, replicationType, "video-replication"), mustNamed(t, r, attachmentType, "video-replication")},
	}
	for _, tc := range tests {
		if !tc.resource.DependsOn(tc.dependency) {
			t.Errorf("%s must be created after %s", tc.resource.Name, tc.dependency.Name)
		}
	}
}

func TestDataBucketPolicy(t *testing.T) {
	t.Parallel()
	cloudTrail := policydoc.Statement{
		Sid: "AllowCloudTrailAclCheck", Effect: policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
		Actions:    []string{"s3:GetBucketAcl"},
		Resources:  []string{BucketItself, "AWSLogs/123456789012/*"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"}}},
	}
	everything := []string{bucketARN, bucketARN + "/*"}
	objects := []string{bucketARN + "/*"}
	type statement struct {
		sid        string
		actions    []string
		resources  []string
		conditions policydoc.Conditions
	}
	transport := []statement{
		{SidDenyInsecureTransport, []string{"s3:*"}, everything, policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}}},
		{SidDenyOutdatedTLS, []string{"s3:*"}, everything, policydoc.Conditions{"NumericLessThan": {"s3:TlsVersion": {"1.2"}}}},
	}
	tests := []struct {
		name  string
		extra []policydoc.Statement
		sids  []string
		denys []statement
	}{
		{
			name: "no service statements",
			sids: []string{SidDenyInsecureTransport, SidDenyOutdatedTLS, SidDenyNonKMSEncryption, SidDenyWrongKMSKey},
			denys: append(slices.Clone(transport),
				statement{SidDenyNonKMSEncryption, []string{"s3:PutObject"}, objects, policydoc.Conditions{
					"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				}},
				statement{SidDenyWrongKMSKey, []string{"s3:PutObject"}, objects, policydoc.Conditions{
					"StringEquals":    {"s3:x-amz-server-side-encryption": {"aws:kms"}},
					"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}},
				}},
			),
		},
		{
			name:  "CloudTrail admitted and exempt from the encryption denies",
			extra: []policydoc.Statement{cloudTrail},
			sids:  []string{SidDenyInsecureTransport, SidDenyOutdatedTLS, SidDenyNonKMSEncryption, SidDenyWrongKMSKey, "AllowCloudTrailAclCheck"},
			denys: append(slices.Clone(transport),
				statement{SidDenyNonKMSEncryption, []string{"s3:PutObject"}, objects, policydoc.Conditions{
					"StringNotEqualsIfExists": {
						"s3:x-amz-server-side-encryption": {"aws:kms"},
						"aws:PrincipalServiceName":        {"cloudtrail.amazonaws.com"},
					},
				}},
				statement{SidDenyWrongKMSKey, []string{"s3:PutObject"}, objects, policydoc.Conditions{
					"StringEquals":            {"s3:x-amz-server-side-encryption": {"aws:kms"}},
					"StringNotEquals":         {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}},
					"StringNotEqualsIfExists": {"aws:PrincipalServiceName": {"cloudtrail.amazonaws.com"}},
				}},
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := baseArgs()
			args.ServiceStatements = tc.extra
			doc := parsePolicy(t, mustNamed(t, mustRun(t, args), policyType, "video-policy"), "policy")
			var sids []string
			for _, s := range doc.Statements {
				sids = append(sids, s.Sid)
			}
			if !slices.Equal(sids, tc.sids) {
				t.Fatalf("statements = %v, want %v", sids, tc.sids)
			}
			for _, want := range tc.denys {
				s := mustStatement(t, doc, want.sid)
				if s.Effect != policydoc.Deny || s.Principal == nil || !s.Principal.Any {
					t.Errorf("%s: must deny everyone, got %s %+v", want.sid, s.Effect, s.Principal)
				}
				if !slices.Equal(s.Actions, want.actions) || !slices.Equal(s.Resources, want.resources) || !reflect.DeepEqual(s.Conditions, want.conditions) {
					t.Errorf("%s = %v on %v if %v\nwant %v on %v if %v", want.sid, s.Actions, s.Resources, s.Conditions, want.actions, want.resources, want.conditions)
				}
			}
			if len(tc.extra) == 0 {
				return
			}
			extra := mustStatement(t, doc, "AllowCloudTrailAclCheck")
			if want := []string{bucketARN, bucketARN + "/AWSLogs/123456789012/*"}; !slices.Equal(extra.Resources, want) {
				t.Errorf("service statement resources = %v, want them resolved to %v", extra.Resources, want)
			}
			if extra.Effect != policydoc.Allow || !slices.Equal(extra.Principal.Service, []string{"cloudtrail.amazonaws.com"}) ||
				!reflect.DeepEqual(extra.Conditions, cloudTrail.Conditions) {
				t.Errorf("service statement changed: %+v", extra)
			}
		})
	}
}

func TestLogBucketPolicy(t *testing.T) {
	t.Parallel()
	doc := parsePolicy(t, mustNamed(t, mustRun(t, baseArgs()), policyType, "video-access-logs-policy"), "policy")
	if len(doc.Statements) != 3 {
		t.Fatalf("%d statements, want 3", len(doc.Statements))
	}
	for _, sid := range []string{SidDenyInsecureTransport, SidDenyOutdatedTLS} {
		s := mustStatement(t, doc, sid)
		if s.Effect != policydoc.Deny || !slices.Equal(s.Resources, []string{logBucketARN, logBucketARN + "/*"}) {
			t.Errorf("%s: %s on %v, want Deny on the log bucket", sid, s.Effect, s.Resources)
		}
	}
	s := mustStatement(t, doc, SidAllowServerAccessLogs)
	if s.Effect != policydoc.Allow || !slices.Equal(s.Principal.Service, []string{"logging.s3.amazonaws.com"}) || len(s.Principal.AWS) > 0 {
		t.Errorf("log delivery principal = %s %+v", s.Effect, s.Principal)
	}
	if !slices.Equal(s.Actions, []string{"s3:PutObject"}) || !slices.Equal(s.Resources, []string{logBucketARN + "/access-logs/*"}) {
		t.Errorf("log delivery = %v on %v", s.Actions, s.Resources)
	}
	want := policydoc.Conditions{
		"ArnLike":      {"aws:SourceArn": {bucketARN}},
		"StringEquals": {"aws:SourceAccount": {recorder.Account}},
	}
	if !reflect.DeepEqual(s.Conditions, want) {
		t.Errorf("log delivery conditions = %v, want %v", s.Conditions, want)
	}
}

func TestReplicationRoleAndRule(t *testing.T) {
	t.Parallel()
	args := baseArgs()
	args.Replicate, args.ReplicaBucketARN, args.ReplicaKMSKeyARN = true, pulumi.String(replicaARN), pulumi.String(replicaKeyARN)
	r := mustRun(t, args)

	role := mustNamed(t, r, roleType, "video-replication")
	trust := parsePolicy(t, role, "assumeRolePolicy")
	if len(trust.Statements) != 1 {
		t.Fatalf("trust policy has %d statements, want 1", len(trust.Statements))
	}
	ts := trust.Statements[0]
	if !slices.Equal(ts.Principal.Service, []string{"s3.amazonaws.com"}) || len(ts.Principal.AWS) > 0 || !slices.Equal(ts.Actions, []string{"sts:AssumeRole"}) {
		t.Errorf("trust = %+v %v, want only S3 to assume the role", ts.Principal, ts.Actions)
	}
	wantTrust := policydoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {recorder.Account}},
		"ArnLike":      {"aws:SourceArn": {bucketARN}},
	}
	if !reflect.DeepEqual(ts.Conditions, wantTrust) {
		t.Errorf("trust conditions = %v, want %v", ts.Conditions, wantTrust)
	}

	perms := parsePolicy(t, mustNamed(t, r, iamPolicyType, "video-replication"), "policy")
	tests := []struct {
		sid        string
		actions    []string
		resources  []string
		conditions policydoc.Conditions
	}{
		{SidReadReplicationConfiguration, []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, []string{bucketARN}, nil},
		{SidReadSourceVersions, []string{
			"s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectVersionAcl",
			"s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging",
		}, []string{bucketARN + "/*"}, nil},
		{SidWriteReplicas, []string{"s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"}, []string{replicaARN + "/*"}, nil},
		{SidDecryptSource, []string{"kms:Decrypt"}, []string{keyARN}, policydoc.Conditions{
			"StringEquals": {"kms:ViaService": {"s3.us-east-1.amazonaws.com"}},
			"StringLike":   {"kms:EncryptionContext:aws:s3:arn": {bucketARN, bucketARN + "/*"}},
		}},
		{SidEncryptReplicas, []string{"kms:Encrypt", "kms:GenerateDataKey"}, []string{replicaKeyARN}, policydoc.Conditions{
			"StringLike": {"kms:EncryptionContext:aws:s3:arn": {replicaARN, replicaARN + "/*"}},
		}},
	}
	if len(perms.Statements) != len(tests) {
		t.Errorf("replication policy has %d statements, want %d", len(perms.Statements), len(tests))
	}
	for _, tc := range tests {
		s := mustStatement(t, perms, tc.sid)
		if s.Effect != policydoc.Allow || s.Principal != nil {
			t.Errorf("%s: %s with principal %+v, want an identity-policy Allow", tc.sid, s.Effect, s.Principal)
		}
		if !slices.Equal(s.Actions, tc.actions) || !slices.Equal(s.Resources, tc.resources) || !reflect.DeepEqual(s.Conditions, tc.conditions) {
			t.Errorf("%s = %v on %v if %v\nwant %v on %v if %v", tc.sid, s.Actions, s.Resources, s.Conditions, tc.actions, tc.resources, tc.conditions)
		}
	}

	attachment := mustNamed(t, r, attachmentType, "video-replication")
	if !attachment.DependsOn(role) || !attachment.DependsOn(mustNamed(t, r, iamPolicyType, "video-replication")) {
		t.Error("the attachment must join the replication role and policy")
	}
	rc := mustNamed(t, r, replicationType, "video-replication")
	if !rc.DependsOn(role) {
		t.Error("the replication configuration must use the replication role")
	}
	wantInput(t, rc, "Enabled", "rules", "0", "status")
	wantInput(t, rc, replicaARN, "rules", "0", "destination", "bucket")
	wantInput(t, rc, replicaKeyARN, "rules", "0", "destination", "encryptionConfiguration", "replicaKmsKeyId")
	wantInput(t, rc, "Enabled", "rules", "0", "sourceSelectionCriteria", "sseKmsEncryptedObjects", "status")
	wantInput(t, rc, "Disabled", "rules", "0", "deleteMarkerReplication", "status")
}

func TestEventBridgeAndProtect(t *testing.T) {
	t.Parallel()
	args := baseArgs()
	args.EventBridgeNotifications, args.Protect = true, true
	r := mustRun(t, args)
	wantInput(t, mustNamed(t, r, notificationType, "video-notifications"), true, "eventbridge")
	for _, res := range r.Resources() {
		wantProtected := res.Type == bucketType
		if res.Protect != wantProtected {
			t.Errorf("%s %s: protect = %v, want %v (only the stateful buckets)", res.Type, res.Name, res.Protect, wantProtected)
		}
	}
}

func TestDryRunWithUnknownKey(t *testing.T) {
	t.Parallel()
	args := baseArgs()
	// A key created in the same preview has no ARN yet.
	args.KMSKeyARN = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	r, err := run(t, args, func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	if got := r.TypeCounts(); !reflect.DeepEqual(got, hardened) {
		t.Errorf("preview inventory = %v, want %v", got, hardened)
	}
	// The offline mock monitor decodes inputs without KeepUnknowns, so an
	// unknown value reaches the recorder as null (top level) or not at all
	// (nested): either way, never a rendered string.
	if v := mustNamed(t, r, policyType, "video-policy").Inputs["policy"]; !v.IsNull() && !v.IsComputed() {
		t.Errorf("bucket policy = %v, want unknown while the key ARN is unknown", v)
	}
	byDefault := input(t, mustNamed(t, r, sseType, "video-encryption"), "rules", "0", "applyServerSideEncryptionByDefault").ObjectValue()
	if v, ok := byDefault["kmsMasterKeyId"]; ok && v.IsString() {
		t.Errorf("kmsMasterKeyId = %v, want unknown", v)
	}
	parsePolicy(t, mustNamed(t, r, policyType, "video-access-logs-policy"), "policy") // does not depend on the key
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		resource string
		args     *PhiBucketArgs
		want     []string
	}{
		{"nil args and a bad name", "Video_Frames", nil, []string{`name "Video_Frames"`, "args are required"}},
		{
			name: "every problem at once", resource: "video",
			args: &PhiBucketArgs{
				Classification:                  "secret",
				Purpose:                         "Video Frames",
				ObjectLockMode:                  "LEGAL",
				ExpirationDays:                  -1,
				NoncurrentVersionExpirationDays: -2,
				Replicate:                       true,
				Tags:                            map[string]string{"purpose": "x"},
				ServiceStatements: []policydoc.Statement{
					{Sid: "Bad", Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true}, Actions: []string{"s3:*"}, Resources: []string{"arn:aws:s3:::x"}},
					{Sid: SidDenyWrongKMSKey, Effect: policydoc.Allow, Principal: &policydoc.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
						Actions: []string{"s3:PutObject"}, Resources: []string{"AWSLogs/*"}, Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {"1"}}}},
				},
			},
			want: []string{
				`Classification "secret"`, `Purpose "Video Frames"`, "KMSKeyARN is required", `ObjectLockMode "LEGAL"`,
				"ObjectLockRetentionDays 0", "ExpirationDays -1", "NoncurrentVersionExpirationDays -2",
				"Replicate needs ReplicaBucketARN", "Replicate needs ReplicaKMSKeyARN", `Tags: "purpose"`,
				`ServiceStatements[0] ("Bad"): effect must be Allow`, `ServiceStatements[0] ("Bad"): principal`,
				`ServiceStatements[0] ("Bad"): needs conditions`, `action "s3:*"`, `resource "arn:aws:s3:::x"`,
				`ServiceStatements[1] ("DenyWrongKMSKey"): needs a Sid of its own`,
			},
		},
		{
			name: "contradictions", resource: "video",
			args: &PhiBucketArgs{
				Purpose: "video-frames", KMSKeyARN: pulumi.String(keyARN),
				DisableObjectLock: true, ObjectLockMode: LockCompliance,
				ReplicaBucketARN: pulumi.String(replicaARN),
			},
			want: []string{"DisableObjectLock contradicts", "Replicate is false"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := recorder.New("mediguard", "test", "")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := NewPhiBucket(ctx, tc.resource, tc.args)
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
	args.ServiceStatements = []policydoc.Statement{{
		Sid: "AllowCloudTrailWrite", Effect: policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
		Actions:    []string{"s3:PutObject"},
		Resources:  []string{"AWSLogs/123456789012/*"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {"123456789012"}}},
	}}
	before := *args
	before.Tags = maps.Clone(args.Tags)
	before.ServiceStatements = []policydoc.Statement{args.ServiceStatements[0]}
	before.ServiceStatements[0].Resources = slices.Clone(args.ServiceStatements[0].Resources)
	mustRun(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args mutated:\n got %+v\nwant %+v", *args, before)
	}
}
