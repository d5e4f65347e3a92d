package statebackend

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed   = recordertest.MustNamed
	policyInput = recordertest.Policy
)

const (
	account  = recorder.Account
	region   = recorder.Region
	deployer = "arn:aws:iam::123456789012:role/mediguard-prod-deploy"
)

var (
	devConfig  = Config{Environment: "dev", NoncurrentVersionDays: DefaultNoncurrentVersionDays}
	prodConfig = Config{Environment: "prod", NoncurrentVersionDays: DefaultNoncurrentVersionDays, DeployerRoleARNs: []string{deployer}}
)

// outputs are the component outputs a run resolved.
type outputs struct {
	mu                        sync.Mutex
	loginURL, secretsProvider string
}

// run creates the backend under the recorder and returns the recording and
// the resolved login URL and secrets provider.
func run(t *testing.T, cfg Config) (*recorder.Recorder, *outputs) {
	t.Helper()
	r := recorder.New("mediguard-bootstrap", cfg.Environment, "")
	out := &outputs{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		backend, err := NewStateBackend(ctx, "pulumi", cfg)
		if err != nil {
			return err
		}
		backend.LoginURL.ApplyT(func(v string) string {
			out.mu.Lock()
			defer out.mu.Unlock()
			out.loginURL = v
			return v
		})
		backend.SecretsProvider.ApplyT(func(v string) string {
			out.mu.Lock()
			defer out.mu.Unlock()
			out.secretsProvider = v
			return v
		})
		return nil
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r, out
}

func TestInventory(t *testing.T) {
	t.Parallel()
	// Two keys (state, secrets) with aliases; the state bucket and its access
	// log bucket, each with its side resources; no object lock configuration.
	want := map[string]int{
		TypeToken:                                1,
		phikey.TypeToken:                         1,
		phibucket.TypeToken:                      1,
		"aws:kms/key:Key":                        2,
		"aws:kms/alias:Alias":                    2,
		"aws:s3/bucketV2:BucketV2":               2,
		"aws:s3/bucketLoggingV2:BucketLoggingV2": 1,
		"aws:s3/bucketPolicy:BucketPolicy":       2,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     2,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     2,
		"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               2,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 2,
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       2,
	}
	for _, cfg := range []Config{devConfig, prodConfig} {
		t.Run(cfg.Environment, func(t *testing.T) {
			t.Parallel()
			r, _ := run(t, cfg)
			if got := r.TypeCounts(); !maps.Equal(got, want) {
				t.Errorf("inventory =\n%v\nwant\n%v", got, want)
			}
			component := mustNamed(t, r, TypeToken, "pulumi")
			for _, res := range r.Resources() {
				if res.Type != TypeToken && !strings.HasPrefix(res.Name, "pulumi-") {
					t.Errorf("%s %s: name not derived from the component's", res.Type, res.Name)
				}
				if res.Parent == "" && res.Type != TypeToken {
					t.Errorf("%s %s is not inside the component", res.Type, res.Name)
				}
			}
			if key := mustNamed(t, r, "aws:kms/key:Key", "pulumi-secrets-key"); key.Parent != component.URN {
				t.Errorf("secrets key parent = %s, want the component", key.Parent)
			}
		})
	}
}

func TestProdProtectsTheBackend(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{devConfig, prodConfig} {
		t.Run(cfg.Environment, func(t *testing.T) {
			t.Parallel()
			r, _ := run(t, cfg)
			want := cfg.Environment == "prod"
			for _, res := range append(r.ByType("aws:kms/key:Key"), r.ByType("aws:s3/bucketV2:BucketV2")...) {
				if res.Protect != want {
					t.Errorf("%s %s protect = %v, want %v", res.Type, res.Name, res.Protect, want)
				}
			}
			for _, b := range r.ByType("aws:s3/bucketV2:BucketV2") {
				if v := b.Inputs["forceDestroy"]; v.IsBool() && v.BoolValue() {
					t.Errorf("bucket %s can be force-destroyed", b.Name)
				}
			}
		})
	}
}

func TestStateBucketIsHardenedWithoutObjectLock(t *testing.T) {
	t.Parallel()
	r, _ := run(t, prodConfig)
	bucket := mustNamed(t, r, "aws:s3/bucketV2:BucketV2", "pulumi-state-bucket")
	if v := bucket.Inputs["objectLockEnabled"]; !v.IsBool() || v.BoolValue() {
		t.Errorf("objectLockEnabled = %v, want false: Pulumi rewrites its checkpoints", v)
	}
	tags := bucket.Inputs.Mappable()["tags"].(map[string]any)
	if tags["data-classification"] != "audit" || tags["purpose"] != "pulumi-state" {
		t.Errorf("bucket tags = %v", tags)
	}
	stateKeyARN := fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, account, mustNamed(t, r, "aws:kms/key:Key", "pulumi-state-key").ID)

	versioning := mustNamed(t, r, "aws:s3/bucketVersioningV2:BucketVersioningV2", "pulumi-state-versioning").Inputs.Mappable()
	if got := versioning["versioningConfiguration"].(map[string]any)["status"]; got != "Enabled" {
		t.Errorf("versioning = %v, want Enabled", got)
	}
	encryption := mustNamed(t, r, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "pulumi-state-encryption").Inputs.Mappable()
	rule := encryption["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)
	if rule["sseAlgorithm"] != "aws:kms" || rule["kmsMasterKeyId"] != stateKeyARN {
		t.Errorf("default encryption = %v, want aws:kms with the state key %s", rule, stateKeyARN)
	}
	block := mustNamed(t, r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pulumi-state-public-access-block").Inputs.Mappable()
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if block[k] != true {
			t.Errorf("public access block %s = %v, want true", k, block[k])
		}
	}
	logging := mustNamed(t, r, "aws:s3/bucketLoggingV2:BucketLoggingV2", "pulumi-state-access-logging").Inputs.Mappable()
	if logging["targetPrefix"] != phibucket.AccessLogPrefix || !strings.Contains(fmt.Sprint(logging["targetBucket"]), "access-logs") {
		t.Errorf("access logging = %v, want the log bucket under %s", logging, phibucket.AccessLogPrefix)
	}
	lifecycle := mustNamed(t, r, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "pulumi-state-lifecycle")
	if text := fmt.Sprint(lifecycle.Inputs.Mappable()["rules"]); !strings.Contains(text, fmt.Sprintf("noncurrentDays:%d", DefaultNoncurrentVersionDays)) {
		t.Errorf("lifecycle rules %s do not expire noncurrent checkpoints after %d days", text, DefaultNoncurrentVersionDays)
	}

	// The bucket policy, statement by statement: TLS 1.2 only, and every
	// checkpoint encrypted with the state key (Pulumi sends no encryption
	// headers, so the bucket default applies).
	bucketARN := "arn:aws:s3:::pulumi-state-bucket"
	policy := policyInput(t, mustNamed(t, r, "aws:s3/bucketPolicy:BucketPolicy", "pulumi-state-policy"), "policy")
	everything := []string{bucketARN, bucketARN + "/*"}
	objects := []string{bucketARN + "/*"}
	want := policydoc.New(
		policydoc.Statement{
			Sid: phibucket.SidDenyInsecureTransport, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:*"}, Resources: everything,
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		policydoc.Statement{
			Sid: phibucket.SidDenyOutdatedTLS, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:*"}, Resources: everything,
			Conditions: policydoc.Conditions{"NumericLessThan": {"s3:TlsVersion": {"1.2"}}},
		},
		policydoc.Statement{
			Sid: phibucket.SidDenyNonKMSEncryption, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:PutObject"}, Resources: objects,
			Conditions: policydoc.Conditions{"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}},
		},
		policydoc.Statement{
			Sid: phibucket.SidDenyWrongKMSKey, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:PutObject"}, Resources: objects,
			Conditions: policydoc.Conditions{
				"StringEquals":    {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {stateKeyARN}},
			},
		},
	)
	if !reflect.DeepEqual(policy, want) {
		t.Errorf("state bucket policy =\n%+v\nwant\n%+v", policy, want)
	}
}

func TestStateKeyIsUsableOnlyThroughS3(t *testing.T) {
	t.Parallel()
	r, _ := run(t, devConfig)
	key := mustNamed(t, r, "aws:kms/key:Key", "pulumi-state-key")
	policy := policyInput(t, key, "policy")
	use, ok := policy.Statement(phikey.SidUseThroughAWSServices)
	if !ok {
		t.Fatalf("state key policy has no %s statement: %+v", phikey.SidUseThroughAWSServices, policy)
	}
	if via := use.Conditions["StringEquals"]["kms:ViaService"]; !slices.Equal(via, []string{"s3." + region + ".amazonaws.com"}) {
		t.Errorf("state key usable via %v, want S3 only", via)
	}
	alias := mustNamed(t, r, "aws:kms/alias:Alias", "pulumi-state-alias")
	if got := alias.InputString("name"); got != StateKeyAlias("dev") {
		t.Errorf("state key alias = %q, want %q", got, StateKeyAlias("dev"))
	}
}

func TestSecretsKeyPolicy(t *testing.T) {
	t.Parallel()
	root := "arn:aws:iam::" + account + ":root"
	for _, tc := range []struct {
		cfg   Config
		users []string
	}{
		{prodConfig, []string{deployer}},
		{devConfig, []string{root}},
	} {
		t.Run(tc.cfg.Environment, func(t *testing.T) {
			t.Parallel()
			r, _ := run(t, tc.cfg)
			key := mustNamed(t, r, "aws:kms/key:Key", "pulumi-secrets-key")
			inputs := key.Inputs.Mappable()
			for k, want := range map[string]any{
				"enableKeyRotation": true, "deletionWindowInDays": 30.0, "keyUsage": "ENCRYPT_DECRYPT",
				"customerMasterKeySpec": "SYMMETRIC_DEFAULT", "bypassPolicyLockoutSafetyCheck": false,
			} {
				if inputs[k] != want {
					t.Errorf("secrets key %s = %v, want %v", k, inputs[k], want)
				}
			}
			policy := policyInput(t, key, "policy")
			want := policydoc.New(
				policydoc.Statement{
					Sid: SidKeyAdministration, Effect: policydoc.Allow, Principal: &policydoc.Principal{AWS: []string{root}},
					Actions: secretsAdminActions, Resources: []string{"*"},
				},
				policydoc.Statement{
					Sid: SidPulumiSecrets, Effect: policydoc.Allow, Principal: &policydoc.Principal{AWS: tc.users},
					Actions: []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"}, Resources: []string{"*"},
					Conditions: policydoc.Conditions{"StringEquals": {"kms:CallerAccount": {account}}},
				},
				policydoc.Statement{
					Sid: SidDenyUseThroughServices, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
					Actions:    []string{"kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
					Resources:  []string{"*"},
					Conditions: policydoc.Conditions{"Null": {"kms:ViaService": {"false"}}},
				},
			)
			if !reflect.DeepEqual(policy, want) {
				t.Errorf("secrets key policy =\n%+v\nwant\n%+v", policy, want)
			}
			admin, _ := policy.Statement(SidKeyAdministration)
			for _, action := range admin.Actions {
				if slices.Contains([]string{"kms:Decrypt", "kms:Encrypt", "kms:CreateGrant", "kms:GenerateDataKey"}, action) {
					t.Errorf("administrators may %s", action)
				}
			}
		})
	}
}

func TestOutputsTellTheStacksWhereToLogIn(t *testing.T) {
	t.Parallel()
	r, out := run(t, prodConfig)
	alias := mustNamed(t, r, "aws:kms/alias:Alias", "pulumi-secrets-alias")
	if got := alias.InputString("name"); got != "alias/mediguard/prod/pulumi-secrets" {
		t.Errorf("secrets alias = %q", got)
	}
	bucket := mustNamed(t, r, "aws:s3/bucketV2:BucketV2", "pulumi-state-bucket")
	out.mu.Lock()
	defer out.mu.Unlock()
	if want := "s3://" + bucket.ID + "?region=us-east-1&awssdk=v2"; out.loginURL != want {
		t.Errorf("login URL = %q, want %q", out.loginURL, want)
	}
	if want := "awskms://alias/mediguard/prod/pulumi-secrets?region=us-east-1"; out.secretsProvider != want {
		t.Errorf("secrets provider = %q, want %q", out.secretsProvider, want)
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  map[string]string
		want Config
		errs []string
	}{
		{
			name: "dev defaults",
			raw:  map[string]string{"environment": "dev"},
			want: Config{Environment: "dev", NoncurrentVersionDays: DefaultNoncurrentVersionDays},
		},
		{
			name: "prod with deployers",
			raw:  map[string]string{"environment": "prod", "deployerRoleArns": `["` + deployer + `"]`, "noncurrentVersionDays": "30"},
			want: Config{Environment: "prod", DeployerRoleARNs: []string{deployer}, NoncurrentVersionDays: 30},
		},
		{
			name: "prod without deployers",
			raw:  map[string]string{"environment": "prod"},
			errs: []string{"deployerRoleArns: prod must name the roles"},
		},
		{
			name: "every problem named",
			raw: map[string]string{
				"environment": "staging", "deployerRoleArns": `["arn:aws:iam::123456789012:user/alice"]`,
				"noncurrentVersionDays": "0", "bucketName": "x",
			},
			errs: []string{
				"mediguard-bootstrap:bucketName: unknown key",
				`mediguard-bootstrap:environment: must be dev or prod, got "staging"`,
				"mediguard-bootstrap:deployerRoleArns[0]: \"arn:aws:iam::123456789012:user/alice\" is not an IAM role ARN",
				"mediguard-bootstrap:noncurrentVersionDays: must be at least 1",
			},
		},
		{
			name: "not a list",
			raw:  map[string]string{"environment": "dev", "deployerRoleArns": deployer},
			errs: []string{"deployerRoleArns: must be a list"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseConfig(tc.raw)
			if len(tc.errs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("config = %+v, want %+v", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %v", tc.raw)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestProgramRejectsABadStackBeforeRegistering(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard-bootstrap", "prod", "")
	err := pulumi.RunErr(Program, r.RunOption(), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{"aws:region": region, ConfigNamespace + ":environment": "prod"}
	})
	if err == nil || !strings.Contains(err.Error(), "deployerRoleArns") {
		t.Fatalf("run error = %v, want the missing deployer roles", err)
	}
	if n := len(r.Resources()); n != 0 {
		t.Errorf("a bad configuration registered %d resources", n)
	}
}

func TestInvalidConfigRegistersNothing(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard-bootstrap", "prod", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewStateBackend(ctx, "pulumi", Config{Environment: "prod"})
		return err
	}, r.RunOption())
	for _, want := range []string{"deployerRoleArns: prod must name", "noncurrentVersionDays: must be at least 1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want one naming %q", err, want)
		}
	}
	if n := len(r.Resources()); n != 0 {
		t.Errorf("an invalid configuration registered %d resources", n)
	}
}
