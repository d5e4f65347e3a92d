package vpcfunction

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	testName  = "holder"
	phiKeyARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// build runs every step of a Builder under a test component, with the
// optional function settings of withOptional.
func build(t *testing.T, protectQueue bool, withOptional func(*Function)) *recorder.Recorder {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		holder := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("test:index:Holder", testName, holder); err != nil {
			return err
		}
		parent := pulumi.Parent(holder)
		env, err := awsenv.Lookup(ctx, parent)
		if err != nil {
			return err
		}
		b := Builder{Ctx: ctx, Name: testName, FunctionName: "holder-fn", PHIKeyARN: pulumi.String(phiKeyARN), Tags: Tags(nil), Parent: parent}
		role, err := b.Role(env, "test role")
		if err != nil {
			return err
		}
		logGroup, err := b.LogGroup(DefaultLogRetentionDays)
		if err != nil {
			return err
		}
		dlq, err := b.DeadLetterQueue(pulumi.Protect(protectQueue))
		if err != nil {
			return err
		}
		attachment, err := b.ExecutionPolicy(role, "test policy", pulumi.String(`{"Version":"2012-10-17","Statement":[]}`).ToStringOutput())
		if err != nil {
			return err
		}
		f := Function{
			Description: "test function", Code: pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("test")}),
			MemorySizeMB: 128, TimeoutSeconds: 10, ReservedConcurrency: 1,
			SubnetIDs: pulumi.ToStringArray([]string{"subnet-1"}), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-1"}),
			Role: role, LogGroup: logGroup, DeadLetterQueue: dlq, Permissions: attachment,
		}
		withOptional(&f)
		_, err = b.Function(f)
		return err
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func TestBuilderChildren(t *testing.T) {
	t.Parallel()
	r := build(t, true, func(*Function) {})
	holder := mustNamed(t, r, "test:index:Holder", testName)
	for _, child := range []struct{ token, name string }{
		{"aws:iam/role:Role", "holder-role"},
		{"aws:cloudwatch/logGroup:LogGroup", "holder-logs"},
		{"aws:sqs/queue:Queue", "holder-dlq"},
		{"aws:iam/policy:Policy", "holder-policy"},
		{"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "holder-policy-attachment"},
		{"aws:lambda/function:Function", "holder-function"},
	} {
		if res := mustNamed(t, r, child.token, child.name); res.Parent != holder.URN {
			t.Errorf("%s %s parent = %q, want the component", child.token, child.name, res.Parent)
		}
	}
	if got := len(r.Resources()); got != 7 {
		t.Errorf("registered %d resources, want the component and 6 children: %v", got, r.TypeCounts())
	}
	if !mustNamed(t, r, "aws:sqs/queue:Queue", "holder-dlq").Protect {
		t.Error("the dead-letter queue options did not reach the queue")
	}
	if got := mustNamed(t, r, "aws:cloudwatch/logGroup:LogGroup", "holder-logs").InputString("name"); got != "/aws/lambda/holder-fn" {
		t.Errorf("log group name = %q", got)
	}
	function := mustNamed(t, r, "aws:lambda/function:Function", "holder-function")
	for _, dep := range []recorder.Resource{
		mustNamed(t, r, "aws:cloudwatch/logGroup:LogGroup", "holder-logs"),
		mustNamed(t, r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "holder-policy-attachment"),
	} {
		if !function.DependsOn(dep) {
			t.Errorf("function does not wait for %s", dep.Name)
		}
	}
}

func TestOptionalFunctionSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		optional func(*Function)
		want     []string // inputs present
		absent   []string // inputs absent
	}{
		{"unset", func(*Function) {}, nil, []string{"publish", "kmsKeyArn", "environment"}},
		{"set", func(f *Function) {
			f.Publish = pulumi.Bool(false)
			f.EnvironmentKeyARN = pulumi.String(phiKeyARN)
			f.Environment = pulumi.StringMap{"LOG_LEVEL": pulumi.String("info")}
		}, []string{"publish", "kmsKeyArn", "environment"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inputs := mustNamed(t, build(t, false, tt.optional), "aws:lambda/function:Function", "holder-function").Inputs.Mappable()
			for _, key := range tt.want {
				if _, ok := inputs[key]; !ok {
					t.Errorf("input %s missing", key)
				}
			}
			for _, key := range tt.absent {
				if v, ok := inputs[key]; ok {
					t.Errorf("input %s = %v, want it unset", key, v)
				}
			}
		})
	}
}
