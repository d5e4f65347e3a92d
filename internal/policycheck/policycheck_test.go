package policycheck

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/platform"
)

const repoRoot = "../.."

var packDir = filepath.Join(repoRoot, "policypack")

// testArchive stands in for the compiled Lambda handlers so the test never compiles them.
func testArchive(handler string) (pulumi.Archive, error) {
	return pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("test " + handler)}), nil
}

var (
	sharedOnce sync.Once
	sharedPack *Pack
	sharedErr  error
)

// startPack builds and starts the pack once for the whole test binary.
func startPack(t *testing.T) *Pack {
	t.Helper()
	sharedOnce.Do(func() {
		ctx := context.Background()
		if err := Build(ctx, packDir); err != nil {
			sharedErr = err
			return
		}
		sharedPack, sharedErr = Start(ctx, packDir)
	})
	if errors.Is(sharedErr, ErrPackNotInstalled) {
		t.Skipf("%v", sharedErr)
	}
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedPack
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPack != nil {
		_ = sharedPack.Close()
	}
	os.Exit(code)
}

func synth(t *testing.T, stack string, dryRun bool) Stack {
	t.Helper()
	syn, err := platform.Synthesize(platform.SynthOptions{Dir: repoRoot, Stack: stack, DryRun: dryRun, Program: platform.Options{Archive: testArchive}})
	if err != nil {
		t.Fatal(err)
	}
	return Stack{Project: syn.StackFile.Project, Name: stack, Region: syn.StackFile.Region, Resources: syn.Recorder.Resources()}
}

// check configures the pack with the stack's policy config, as `mediguard check` does, and
// analyses the resources.
func check(t *testing.T, pack *Pack, s Stack) Result {
	t.Helper()
	ctx := context.Background()
	config, err := LoadConfig(StackConfigPath(packDir, s.Name))
	if err != nil {
		t.Fatal(err)
	}
	if err := pack.Configure(ctx, config); err != nil {
		t.Fatal(err)
	}
	res, err := pack.Check(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestStacksHaveNoMandatoryViolations(t *testing.T) {
	pack := startPack(t)
	for _, stack := range []string{"dev", "prod"} {
		for _, preview := range []bool{false, true} {
			res := check(t, pack, synth(t, stack, preview))
			for _, v := range res.Mandatory() {
				t.Errorf("%s (preview=%v): [%s] %s on %s: %s", stack, preview, v.Level, v.Policy, v.Name, strings.Split(v.Message, " Remediation:")[0])
			}
		}
	}
}

// edit returns a copy of resources with fn applied to the resource of type typ named name.
func edit(t *testing.T, resources []recorder.Resource, typ, name string, fn func(inputs resource.PropertyMap, r *recorder.Resource)) []recorder.Resource {
	t.Helper()
	out := append([]recorder.Resource(nil), resources...)
	for i := range out {
		if out[i].Type == typ && out[i].Name == name {
			out[i].Inputs = out[i].Inputs.Copy()
			deps := map[string][]string{}
			for k, v := range out[i].PropertyDependencies {
				deps[k] = append([]string(nil), v...)
			}
			out[i].PropertyDependencies = deps
			fn(out[i].Inputs, &out[i])
			return out
		}
	}
	t.Fatalf("the program registered no %s named %s", typ, name)
	return nil
}

// without returns a copy of resources without those of type typ.
func without(resources []recorder.Resource, typ string) []recorder.Resource {
	var out []recorder.Resource
	for _, r := range resources {
		if r.Type != typ {
			out = append(out, r)
		}
	}
	return out
}

func urnOf(t *testing.T, resources []recorder.Resource, typ, name string) string {
	t.Helper()
	for _, r := range resources {
		if r.Type == typ && r.Name == name {
			return r.URN
		}
	}
	t.Fatalf("the program registered no %s named %s", typ, name)
	return ""
}

const (
	bucketType     = "aws:s3/bucketV2:BucketV2"
	sseType        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	versioningType = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	logGroupType   = "aws:cloudwatch/logGroup:LogGroup"
	trailType      = "aws:cloudtrail/trail:Trail"
	functionType   = "aws:lambda/function:Function"
)

func openPolicy(actions string) resource.PropertyValue {
	return resource.NewStringProperty(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"` + actions + `","Resource":"*"}]}`)
}

// TestBrokenVariantsAreBlocked breaks the real prod program one way at a time and expects the
// named mandatory policy to block it, with the inputs as recorded and as a first preview sends
// them (values from other resources unknown). The platform's own config validation refuses every
// non-compliant setting it knows (a COMPLIANCE lock in prod, six-year logs, 24h of video), so
// the variants edit what the program registered before it is sent to the pack.
func TestBrokenVariantsAreBlocked(t *testing.T) {
	pack := startPack(t)
	prod := synth(t, "prod", false)
	base := prod.Resources

	variants := []struct {
		name      string
		resources func(t *testing.T) []recorder.Resource
		policy    string
		resource  string // name of the resource the violation is about
	}{
		{name: "flow logs off", resources: func(t *testing.T) []recorder.Resource { return without(base, "aws:ec2/flowLog:FlowLog") }, policy: "vpc-flow-logs-enabled", resource: "network-vpc"},
		{name: "bucket without SSE", resources: func(t *testing.T) []recorder.Resource { return without(base, sseType) }, policy: "s3-sse-kms-cmk", resource: "frames-bucket"},
		{name: "SSE attached to a different bucket", resources: func(t *testing.T) []recorder.Resource {
			other := urnOf(t, base, bucketType, "evidence-bucket")
			return edit(t, base, sseType, "frames-encryption", func(_ resource.PropertyMap, r *recorder.Resource) { r.PropertyDependencies["bucket"] = []string{other} })
		}, policy: "s3-sse-kms-cmk", resource: "frames-bucket"},
		{name: "public bucket policy", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:s3/bucketPolicy:BucketPolicy", "frames-policy", func(in resource.PropertyMap, _ *recorder.Resource) { in["policy"] = openPolicy("s3:GetObject") })
		}, policy: "s3-no-public-read-write", resource: "frames-policy"},
		{name: "security group open to the world", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["ingress"] = resource.NewPropertyValue([]any{map[string]any{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": []any{"0.0.0.0/0"}}})
			})
		}, policy: "sg-no-public-ssh", resource: "network-endpoints"},
		{name: "trail without log file validation", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, trailType, "audit-trail", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["enableLogFileValidation"] = resource.NewBoolProperty(false)
			})
		}, policy: "cloudtrail-log-file-validation", resource: "audit-trail"},
		{name: "trail without PHI data events", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, trailType, "audit-trail", func(in resource.PropertyMap, r *recorder.Resource) {
				delete(in, "advancedEventSelectors")
				delete(in, "eventSelectors")
				delete(r.PropertyDependencies, "advancedEventSelectors")
			})
		}, policy: "cloudtrail-s3-data-events", resource: "frames-bucket"},
		{name: "log group without KMS", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, logGroupType, "detector-logs", func(in resource.PropertyMap, _ *recorder.Resource) { delete(in, "kmsKeyId") })
		}, policy: "log-group-kms-encrypted", resource: "detector-logs"},
		{name: "log group kept one month", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, logGroupType, "detector-logs", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["retentionInDays"] = resource.NewNumberProperty(30)
			})
		}, policy: "log-group-retention", resource: "detector-logs"},
		{name: "Lambda outside the VPC", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, functionType, "detector-function", func(in resource.PropertyMap, _ *recorder.Resource) { delete(in, "vpcConfig") })
		}, policy: "lambda-in-vpc", resource: "detector-function"},
		{name: "wildcard IAM action", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:iam/policy:Policy", "detector-policy", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["policy"] = resource.NewStringProperty(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
			})
		}, policy: "iam-no-admin-statements", resource: "detector-policy"},
		{name: "video stream on the AWS-managed key", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:kinesis/videoStream:VideoStream", "camera-cam-w3-301-stream", func(in resource.PropertyMap, _ *recorder.Resource) { delete(in, "kmsKeyId") })
		}, policy: "kvs-cmk-encryption", resource: "camera-cam-w3-301-stream"},
		{name: "key rotation off", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:kms/key:Key", "phi-key", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["enableKeyRotation"] = resource.NewBoolProperty(false)
			})
		}, policy: "kms-key-rotation-enabled", resource: "phi-key"},
		{name: "KMS key not protected", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:kms/key:Key", "phi-key", func(_ resource.PropertyMap, r *recorder.Resource) { r.Protect = false })
		}, policy: "kms-key-not-pending-deletion", resource: "phi-key"},
		{name: "versioning suspended", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, versioningType, "frames-versioning", func(in resource.PropertyMap, _ *recorder.Resource) {
				in["versioningConfiguration"] = resource.NewObjectProperty(resource.PropertyMap{"status": resource.NewStringProperty("Suspended")})
			})
		}, policy: "s3-versioning-enabled", resource: "frames-bucket"},
		{name: "work queue without DLQ", resources: func(t *testing.T) []recorder.Resource {
			return edit(t, base, "aws:sqs/queue:Queue", "detector-frames", func(in resource.PropertyMap, r *recorder.Resource) {
				delete(in, "redrivePolicy")
				delete(r.PropertyDependencies, "redrivePolicy")
			})
		}, policy: "sqs-dlq-configured", resource: "detector-frames"},
	}
	for _, v := range variants {
		for _, preview := range []bool{false, true} {
			name := v.name
			if preview {
				name += " (first preview)"
			}
			t.Run(name, func(t *testing.T) {
				s := prod
				s.Resources = v.resources(t)
				if preview {
					s.Resources = firstPreview(s.Resources)
				}
				res := check(t, pack, s)
				var found []string
				for _, m := range res.Mandatory() {
					if m.Policy == v.policy && m.Name == v.resource {
						return
					}
					found = append(found, m.Policy+" on "+m.Name)
				}
				t.Errorf("no mandatory %s violation on %s; mandatory findings: %v", v.policy, v.resource, found)
			})
		}
	}
}

// TestRegionOutsideTheAllowedListIsBlocked deploys the real program's resources with a provider
// in a region the pack does not allow.
func TestRegionOutsideTheAllowedListIsBlocked(t *testing.T) {
	pack := startPack(t)
	s := synth(t, "prod", false)
	s.Region = "eu-central-1"
	res := check(t, pack, s)
	blocked := 0
	for _, v := range res.Mandatory() {
		if v.Policy == "allowed-regions" {
			blocked++
		}
	}
	if blocked == 0 {
		t.Fatal("no allowed-regions violation for a stack in eu-central-1")
	}
}

// TestDevExemptionsAreWhatLetsDevPass: without its policy config the dev stack's GOVERNANCE-
// locked audit buckets are blocked; the exemptions in policypack/config/dev.json (sent with
// Configure, as --policy-pack-config is) are what let it through.
func TestDevExemptionsAreWhatLetsDevPass(t *testing.T) {
	pack := startPack(t)
	ctx := context.Background()
	if err := pack.Configure(ctx, nil); err != nil {
		t.Fatal(err)
	}
	res, err := pack.Check(ctx, synth(t, "dev", false))
	if err != nil {
		t.Fatal(err)
	}
	var locked []string
	for _, v := range res.Mandatory() {
		if v.Policy != "s3-object-lock-compliance-audit" {
			t.Errorf("unexpected mandatory %s on %s", v.Policy, v.Name)
			continue
		}
		locked = append(locked, v.Name)
	}
	if len(locked) == 0 {
		t.Fatal("dev without its policy config: no s3-object-lock-compliance-audit finding")
	}
	config, err := LoadConfig(StackConfigPath(packDir, "dev"))
	if err != nil {
		t.Fatal(err)
	}
	exempt := map[string]bool{}
	for _, e := range config["s3-object-lock-compliance-audit"]["exemptions"].([]any) {
		exempt[e.(map[string]any)["resource"].(string)] = true
	}
	for _, name := range locked {
		if !exempt[name] {
			t.Errorf("%s is blocked without config but dev.json does not exempt it", name)
		}
	}
}
