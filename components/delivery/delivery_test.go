package delivery

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	testName       = "delivery"
	connectionARN  = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	devPreviewARN  = "arn:aws:iam::111111111111:role/mediguard-dev-preview"
	devDeployARN   = "arn:aws:iam::111111111111:role/mediguard-dev-deploy"
	prodPreviewARN = "arn:aws:iam::222222222222:role/mediguard-prod-preview"
	prodDeployARN  = "arn:aws:iam::222222222222:role/mediguard-prod-deploy"
	devBackend     = "s3://mediguard-dev-state-0a1b2c3?region=us-east-1&awssdk=v2"
	prodBackend    = "s3://mediguard-prod-state-4d5e6f7?region=us-east-1&awssdk=v2"
	opsTopicARN    = "arn:aws:sns:us-east-1:123456789012:operations-topic"
)

// Type tokens of the children.
const (
	projectType     = "aws:codebuild/project:Project"
	pipelineType    = "aws:codepipeline/pipeline:Pipeline"
	roleType        = "aws:iam/role:Role"
	rolePolicyType  = "aws:iam/rolePolicy:RolePolicy"
	logGroupType    = "aws:cloudwatch/logGroup:LogGroup"
	keyType         = "aws:kms/key:Key"
	eventRuleType   = "aws:cloudwatch/eventRule:EventRule"
	eventTargetType = "aws:cloudwatch/eventTarget:EventTarget"
)

func testArgs() *PipelineArgs {
	return &PipelineArgs{
		ConnectionARN: connectionARN,
		Repository:    "st-example-hospital/mediguard",
		Targets: []Target{
			{Stack: "dev", PreviewRoleARN: devPreviewARN, DeployRoleARN: devDeployARN, BackendURL: devBackend},
			{Stack: "prod", PreviewRoleARN: prodPreviewARN, DeployRoleARN: prodDeployARN, BackendURL: prodBackend, ManualApproval: true},
		},
		ArtifactLockMode:      phibucket.LockCompliance,
		ArtifactRetentionDays: 2192,
		Tags:                  map[string]string{"environment": "prod"},
	}
}

func run(t *testing.T, args *PipelineArgs, runOpts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "prod", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewPipeline(ctx, testName, args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, runOpts...)...)
	return r, err
}

func mustRun(t *testing.T, args *PipelineArgs, runOpts ...pulumi.RunOption) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args, runOpts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

// resolved are output values of the component, read once the run is over.
type resolved struct {
	bucketARN, keyARN string
}

// mustRunResolved runs the component and resolves the artifact bucket's and
// key's ARNs from its outputs.
func mustRunResolved(t *testing.T, args *PipelineArgs) (*recorder.Recorder, resolved) {
	t.Helper()
	r := recorder.New("mediguard", "prod", "")
	var out resolved
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := NewPipeline(ctx, testName, args)
		if err != nil {
			return err
		}
		pulumi.All(p.ArtifactBucketARN, p.ArtifactKeyARN).ApplyT(func(v []any) error {
			out = resolved{bucketARN: v[0].(string), keyARN: v[1].(string)}
			return nil
		})
		return nil
	}, r.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r, out
}

// ownTypes drops the children of the key and bucket components, which their
// own packages test.
func ownTypes(r *recorder.Recorder) map[string]int {
	counts := map[string]int{}
	for _, res := range r.Resources() {
		if strings.Contains(res.Parent, phibucket.TypeToken) || strings.Contains(res.Parent, phikey.TypeToken) {
			continue
		}
		counts[res.Type]++
	}
	return counts
}

// policyOf parses the inline policy of the role named role.
func policyOf(t *testing.T, r *recorder.Recorder, role string) policydoc.Document {
	t.Helper()
	doc, err := policydoc.Parse(mustNamed(t, r, rolePolicyType, role+"-policy").InputString("policy"))
	if err != nil {
		t.Fatalf("parse policy of %s: %v", role, err)
	}
	return doc
}

func mustStatement(t *testing.T, doc policydoc.Document, sid string) policydoc.Statement {
	t.Helper()
	s, ok := doc.Statement(sid)
	if !ok {
		t.Fatalf("no statement %s in %+v", sid, doc.Statements)
	}
	if s.Effect != policydoc.Allow {
		t.Errorf("%s effect = %s", sid, s.Effect)
	}
	return s
}

func sids(doc policydoc.Document) []string {
	var out []string
	for _, s := range doc.Statements {
		out = append(out, s.Sid)
	}
	return out
}

func TestInventoryPerTargetSet(t *testing.T) {
	t.Parallel()
	base := map[string]int{TypeToken: 1, phikey.TypeToken: 1, phibucket.TypeToken: 1, logGroupType: 1, pipelineType: 1}
	tests := []struct {
		name     string
		targets  []Target
		notify   bool
		projects int
	}{
		{"dev and prod", testArgs().Targets, false, 5},
		{"dev only", testArgs().Targets[:1], false, 3},
		{"with notifications", testArgs().Targets, true, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.Targets = tc.targets
			if tc.notify {
				args.NotificationTopicARN = pulumi.String(opsTopicARN)
			}
			r := mustRun(t, args)
			want := maps.Clone(base)
			if tc.notify {
				want[eventRuleType], want[eventTargetType] = 2, 2
			}
			want[projectType] = tc.projects
			// One role and inline policy per project, and the pipeline's.
			want[roleType] = tc.projects + 1
			want[rolePolicyType] = tc.projects + 1
			if got := ownTypes(r); !maps.Equal(got, want) {
				t.Errorf("inventory =\n%v\nwant\n%v", got, want)
			}
			components := 0
			for _, res := range r.Resources() {
				if !res.Custom {
					components++
				}
			}
			if got := r.OutputsRegistered(); got != components+1 {
				t.Errorf("RegisterResourceOutputs called %d times for %d components", got, components)
			}
		})
	}
}

func TestChildrenAreParentedToTheComponent(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	component := mustNamed(t, r, TypeToken, testName)
	key := mustNamed(t, r, phikey.TypeToken, testName+"-artifacts")
	bucket := mustNamed(t, r, phibucket.TypeToken, testName+"-artifacts")
	for _, res := range r.Resources() {
		switch {
		case res.URN == component.URN:
		case res.Parent == bucket.URN || res.Parent == key.URN:
		case res.Parent != component.URN:
			t.Errorf("%s %s parent = %q, want the component", res.Type, res.Name, res.Parent)
		case !strings.HasPrefix(res.Name, testName):
			t.Errorf("%s %s: name is not derived from the component name", res.Type, res.Name)
		}
	}
}

func TestArtifactKeyBucketAndLogGroup(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	key := mustNamed(t, r, keyType, testName+"-artifacts-key")
	keyPolicy, err := policydoc.Parse(key.InputString("policy"))
	if err != nil {
		t.Fatal(err)
	}
	use := mustStatement(t, keyPolicy, phikey.SidUseThroughAWSServices)
	if via := use.Conditions["StringEquals"]["kms:ViaService"]; !reflect.DeepEqual(via, []string{"s3.us-east-1.amazonaws.com"}) {
		t.Errorf("artifact key usable through %v, want S3 only", via)
	}
	if _, ok := keyPolicy.Statement(phikey.SidCloudWatchLogsEncryptLogs); !ok {
		t.Error("artifact key does not admit CloudWatch Logs for the build logs")
	}
	keyARN := r.ByType(keyType)[0].ID
	bucket := mustNamed(t, r, phibucket.TypeToken, testName+"-artifacts").Inputs.Mappable()
	if bucket["classification"] != "audit" || bucket["objectLockMode"] != "COMPLIANCE" || bucket["objectLockRetentionDays"] != 2192.0 {
		t.Errorf("artifact bucket = %v", bucket)
	}
	logs := mustNamed(t, r, logGroupType, testName+"-builds")
	if logs.InputString("name") != "/mediguard/delivery/builds" || logs.Inputs.Mappable()["retentionInDays"] != 2192.0 {
		t.Errorf("log group = %v", logs.Inputs.Mappable())
	}
	if !strings.HasSuffix(logs.InputString("kmsKeyId"), "key/"+keyARN) {
		t.Errorf("log group key = %q, want the artifact key %s", logs.InputString("kmsKeyId"), keyARN)
	}
}

func TestProjectsAreUnprivilegedEncryptedLoggedAndHoldNoPlaintextSecret(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	keyARN := mustNamed(t, r, keyType, testName+"-artifacts-key")
	tests := []struct {
		project, buildspec, stack, stackRole, backend string
	}{
		{"delivery-test", BuildspecTest, "", "", ""},
		{"delivery-preview-dev", BuildspecPreview, "dev", devPreviewARN, devBackend},
		{"delivery-deploy-dev", BuildspecDeploy, "dev", devDeployARN, devBackend},
		{"delivery-preview-prod", BuildspecPreview, "prod", prodPreviewARN, prodBackend},
		{"delivery-deploy-prod", BuildspecDeploy, "prod", prodDeployARN, prodBackend},
	}
	for _, tc := range tests {
		p := mustNamed(t, r, projectType, tc.project)
		in := p.Inputs.Mappable()
		env := in["environment"].(map[string]any)
		if env["privilegedMode"] != false || env["imagePullCredentialsType"] != "CODEBUILD" || env["image"] != DefaultBuildImage {
			t.Errorf("%s environment = %v", tc.project, env)
		}
		if !strings.Contains(p.InputString("encryptionKey"), keyARN.ID) {
			t.Errorf("%s encryption key = %q", tc.project, p.InputString("encryptionKey"))
		}
		if src := in["source"].(map[string]any); src["type"] != "CODEPIPELINE" || src["buildspec"] != tc.buildspec {
			t.Errorf("%s source = %v", tc.project, src)
		}
		logs := in["logsConfig"].(map[string]any)["cloudwatchLogs"].(map[string]any)
		if logs["status"] != "ENABLED" || logs["groupName"] != "/mediguard/delivery/builds" || logs["streamName"] != tc.project {
			t.Errorf("%s logs = %v", tc.project, logs)
		}
		vars := map[string][2]string{}
		list, _ := env["environmentVariables"].([]any)
		for _, v := range list {
			m := v.(map[string]any)
			vars[m["name"].(string)] = [2]string{m["type"].(string), m["value"].(string)}
		}
		var want map[string][2]string
		if tc.stack != "" {
			want = map[string][2]string{
				EnvStack:        {"PLAINTEXT", tc.stack},
				EnvStackRoleARN: {"PLAINTEXT", tc.stackRole},
				EnvBackendURL:   {"PLAINTEXT", tc.backend},
			}
		}
		if len(vars) != len(want) || !maps.Equal(vars, want) {
			t.Errorf("%s variables = %v, want %v", tc.project, vars, want)
		}
		if !p.DependsOn(mustNamed(t, r, rolePolicyType, tc.project+"-role-policy")) {
			t.Errorf("%s is created before its role's policy", tc.project)
		}
	}
}

func TestPipelineStagesApprovalAndArtifacts(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	pipeline := mustNamed(t, r, pipelineType, testName)
	in := pipeline.Inputs.Mappable()
	if in["pipelineType"] != "V2" || in["executionMode"] != "QUEUED" {
		t.Errorf("pipeline type %v, mode %v", in["pipelineType"], in["executionMode"])
	}
	store := in["artifactStores"].([]any)[0].(map[string]any)
	key := store["encryptionKey"].(map[string]any)
	if store["type"] != "S3" || key["type"] != "KMS" || !strings.Contains(key["id"].(string), mustNamed(t, r, keyType, testName+"-artifacts-key").ID) {
		t.Errorf("artifact store = %v", store)
	}
	// stage -> actions as "name:provider:runOrder[:project]".
	var got []string
	for _, s := range in["stages"].([]any) {
		stage := s.(map[string]any)
		var actions []string
		for _, a := range stage["actions"].([]any) {
			action := a.(map[string]any)
			desc := action["name"].(string) + ":" + action["provider"].(string)
			if order, ok := action["runOrder"]; ok {
				desc += fmt.Sprintf(":%d", int(order.(float64)))
			}
			if cfg, ok := action["configuration"].(map[string]any); ok && cfg["ProjectName"] != nil {
				desc += ":" + cfg["ProjectName"].(string)
			}
			actions = append(actions, desc)
		}
		got = append(got, stage["name"].(string)+" = "+strings.Join(actions, ", "))
	}
	want := []string{
		"Source = Source:CodeStarSourceConnection",
		"Test = make-test:CodeBuild:1:delivery-test",
		"Deploy-dev = preview:CodeBuild:1:delivery-preview-dev, deploy:CodeBuild:2:delivery-deploy-dev",
		"Deploy-prod = preview:CodeBuild:1:delivery-preview-prod, approve:Manual:2, deploy:CodeBuild:3:delivery-deploy-prod",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	source := in["stages"].([]any)[0].(map[string]any)["actions"].([]any)[0].(map[string]any)["configuration"].(map[string]any)
	if source["ConnectionArn"] != connectionARN || source["FullRepositoryId"] != "st-example-hospital/mediguard" || source["BranchName"] != DefaultBranch {
		t.Errorf("source configuration = %v", source)
	}
	trigger := in["triggers"].([]any)[0].(map[string]any)["gitConfiguration"].(map[string]any)
	branches := trigger["pushes"].([]any)[0].(map[string]any)["branches"].(map[string]any)["includes"]
	if !reflect.DeepEqual(branches, []any{DefaultBranch}) {
		t.Errorf("trigger branches = %v", branches)
	}
	if !pipeline.DependsOn(mustNamed(t, r, rolePolicyType, testName+"-pipeline-role-policy")) {
		t.Error("pipeline is created before its role's policy")
	}
}

func TestPipelineRoleIsLeastPrivilege(t *testing.T) {
	t.Parallel()
	r, out := mustRunResolved(t, testArgs())
	bucketARN, keyARN := out.bucketARN, out.keyARN

	trust, err := policydoc.Parse(mustNamed(t, r, roleType, testName+"-pipeline-role").InputString("assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	ts := mustStatement(t, trust, SidTrustCodePipeline)
	if !reflect.DeepEqual(ts.Principal.Service, []string{"codepipeline.amazonaws.com"}) || ts.Conditions["StringEquals"]["aws:SourceAccount"][0] != recorder.Account {
		t.Errorf("pipeline trust = %+v", ts)
	}

	doc := policyOf(t, r, testName+"-pipeline-role")
	if want := []string{SidWriteArtifacts, SidArtifactBucket, SidArtifactKey, SidUseConnection, SidRunBuilds}; !slices.Equal(sids(doc), want) {
		t.Fatalf("statements = %v, want %v", sids(doc), want)
	}
	check := func(sid string, actions, resources []string) {
		t.Helper()
		s := mustStatement(t, doc, sid)
		if !slices.Equal(s.Actions, actions) || !slices.Equal(s.Resources, resources) {
			t.Errorf("%s = %v on %v, want %v on %v", sid, s.Actions, s.Resources, actions, resources)
		}
	}
	check(SidWriteArtifacts, []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, []string{bucketARN + "/*"})
	check(SidArtifactBucket, []string{"s3:GetBucketLocation", "s3:GetBucketVersioning"}, []string{bucketARN})
	check(SidArtifactKey, []string{"kms:Decrypt", "kms:GenerateDataKey"}, []string{keyARN})
	check(SidUseConnection, []string{"codeconnections:UseConnection"}, []string{connectionARN})
	var projects []string
	for _, p := range []string{"test", "preview-dev", "deploy-dev", "preview-prod", "deploy-prod"} {
		projects = append(projects, "arn:aws:codebuild:us-east-1:123456789012:project/delivery-"+p)
	}
	check(SidRunBuilds, []string{"codebuild:BatchGetBuilds", "codebuild:StartBuild"}, projects)
	keyUse := mustStatement(t, doc, SidArtifactKey)
	if keyUse.Conditions["StringEquals"]["kms:ViaService"][0] != "s3.us-east-1.amazonaws.com" ||
		!slices.Equal(keyUse.Conditions["StringLike"]["kms:EncryptionContext:aws:s3:arn"], []string{bucketARN, bucketARN + "/*"}) {
		t.Errorf("artifact key conditions = %v", keyUse.Conditions)
	}
	for _, s := range doc.Statements {
		for _, a := range s.Actions {
			if strings.Contains(a, "*") {
				t.Errorf("%s grants wildcard action %s", s.Sid, a)
			}
		}
	}
}

func TestConnectionActionFollowsTheConnectionService(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.ConnectionARN = strings.Replace(connectionARN, "codeconnections", "codestar-connections", 1)
	r := mustRun(t, args)
	s := mustStatement(t, policyOf(t, r, testName+"-pipeline-role"), SidUseConnection)
	if !slices.Equal(s.Actions, []string{"codestar-connections:UseConnection"}) || s.Resources[0] != args.ConnectionARN {
		t.Errorf("connection statement = %+v", s)
	}
}

func TestBuildRolesAreLeastPrivilege(t *testing.T) {
	t.Parallel()
	r, out := mustRunResolved(t, testArgs())
	bucketARN := out.bucketARN
	logGroupARN := "arn:aws:logs:us-east-1:123456789012:log-group:/mediguard/delivery/builds"
	tests := []struct {
		project   string
		stackRole string
	}{
		{"delivery-test", ""},
		{"delivery-preview-dev", devPreviewARN},
		{"delivery-deploy-dev", devDeployARN},
		{"delivery-preview-prod", prodPreviewARN},
		{"delivery-deploy-prod", prodDeployARN},
	}
	for _, tc := range tests {
		t.Run(tc.project, func(t *testing.T) {
			t.Parallel()
			trust, err := policydoc.Parse(mustNamed(t, r, roleType, tc.project+"-role").InputString("assumeRolePolicy"))
			if err != nil {
				t.Fatal(err)
			}
			ts := mustStatement(t, trust, SidTrustCodeBuildRole)
			if !reflect.DeepEqual(ts.Principal.Service, []string{"codebuild.amazonaws.com"}) ||
				ts.Conditions["ArnLike"]["aws:SourceArn"][0] != "arn:aws:codebuild:us-east-1:123456789012:project/"+tc.project {
				t.Errorf("trust = %+v, want codebuild for this project only", ts)
			}

			doc := policyOf(t, r, tc.project+"-role")
			want := []string{SidReadArtifacts, SidArtifactBucket, SidArtifactKey, SidWriteBuildLogs}
			if tc.stackRole != "" {
				want = append(want, SidAssumeStackRole)
			}
			if !slices.Equal(sids(doc), want) {
				t.Fatalf("statements = %v, want %v", sids(doc), want)
			}
			read := mustStatement(t, doc, SidReadArtifacts)
			if !slices.Equal(read.Actions, []string{"s3:GetObject", "s3:GetObjectVersion"}) || !slices.Equal(read.Resources, []string{bucketARN + "/*"}) {
				t.Errorf("artifacts = %v on %v: builds only read", read.Actions, read.Resources)
			}
			if key := mustStatement(t, doc, SidArtifactKey); !slices.Equal(key.Actions, []string{"kms:Decrypt"}) {
				t.Errorf("artifact key actions = %v", key.Actions)
			}
			logs := mustStatement(t, doc, SidWriteBuildLogs)
			if !slices.Equal(logs.Resources, []string{logGroupARN + ":log-stream:" + tc.project + "/*"}) {
				t.Errorf("log streams = %v, want the project's own", logs.Resources)
			}
			if tc.stackRole == "" {
				return
			}
			if assume := mustStatement(t, doc, SidAssumeStackRole); !slices.Equal(assume.Actions, []string{"sts:AssumeRole"}) || !slices.Equal(assume.Resources, []string{tc.stackRole}) {
				t.Errorf("assume = %v on %v, want only %s", assume.Actions, assume.Resources, tc.stackRole)
			}
		})
	}
}

func TestPreviewWithUnknownInputs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs(), func(info *pulumi.RunInfo) { info.DryRun = true })
	if n := len(r.ByType(projectType)); n != 5 {
		t.Errorf("preview registered %d projects, want 5", n)
	}
	if _, ok := r.Named(pipelineType, testName); !ok {
		t.Error("preview registered no pipeline")
	}
}

func TestProtectCoversTheAuditRecords(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Protect = true
	r := mustRun(t, args)
	for _, token := range []string{keyType, "aws:s3/bucketV2:BucketV2"} {
		for _, res := range r.ByType(token) {
			if !res.Protect {
				t.Errorf("%s %s is not protected", token, res.Name)
			}
		}
	}
}

func TestInvalidArgsRegisterNothingAndNameEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*PipelineArgs)
		want   []string
	}{
		{"empty", func(a *PipelineArgs) { *a = PipelineArgs{} }, []string{
			`ConnectionARN ""`, `Repository ""`, "Targets: at least one",
			`ArtifactLockMode ""`, "ArtifactRetentionDays 0",
		}},
		{"bad fields", func(a *PipelineArgs) {
			a.ConnectionARN = "arn:aws:codecommit:us-east-1:123456789012:mediguard"
			a.Repository = "https://user:token@github.com/x/y"
			a.Branch = "main..x"
			a.LogRetentionDays = 100
			a.ComputeType = "LAMBDA_1GB"
			a.BuildTimeoutMinutes = 1000
			a.Tags = map[string]string{"managed-by": "me"}
		}, []string{
			"is not a CodeConnections connection ARN", "must be owner/name", `Branch "main..x"`,
			"LogRetentionDays 100", `ComputeType "LAMBDA_1GB"`,
			"BuildTimeoutMinutes 1000", `Tags: "managed-by"`,
		}},
		{"bad targets", func(a *PipelineArgs) {
			a.Targets = []Target{
				{Stack: "dev", PreviewRoleARN: devDeployARN, DeployRoleARN: devDeployARN, BackendURL: devBackend},
				{Stack: "dev", PreviewRoleARN: "mediguard-preview", DeployRoleARN: prodDeployARN, BackendURL: "https://api.pulumi.com"},
				{Stack: "prod", PreviewRoleARN: prodPreviewARN, DeployRoleARN: prodDeployARN, BackendURL: prodBackend},
			}
		}, []string{
			"Targets[0]: PreviewRoleARN and DeployRoleARN are the same role",
			`Targets[1].Stack "dev" is listed twice`,
			`Targets[1].PreviewRoleARN "mediguard-preview" is not an IAM role ARN`,
			`Targets[1].BackendURL "https://api.pulumi.com" is not an s3:// state backend URL`,
			"Targets[2]: stack prod needs ManualApproval",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			tc.modify(args)
			r, err := run(t, args)
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
	t.Run("nil args and bad name", func(t *testing.T) {
		t.Parallel()
		r := recorder.New("mediguard", "prod", "")
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := NewPipeline(ctx, "Delivery_Pipeline", nil)
			return err
		}, r.RunOption())
		if err == nil || !strings.Contains(err.Error(), `name "Delivery_Pipeline"`) || !strings.Contains(err.Error(), "args are required") {
			t.Errorf("error = %v", err)
		}
		if n := len(r.Resources()); n != 0 {
			t.Errorf("%d resources registered", n)
		}
	})
}

func TestArgsAreNotModified(t *testing.T) {
	t.Parallel()
	args := testArgs()
	before := *args
	before.Targets = slices.Clone(args.Targets)
	before.Tags = maps.Clone(args.Tags)
	mustRun(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args changed:\n%+v\nwant\n%+v", *args, before)
	}
}

// buildspec is the part of a CodeBuild buildspec the tests read.
type buildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		Commands []string `yaml:"commands"`
	} `yaml:"phases"`
}

// TestBuildspecsInTheRepository reads the buildspec each project names from
// the repository: it exists, is a version 0.2 buildspec, and runs what the
// pipeline promises (the test suite; preview and up under the policy pack,
// as the stack's role, for the stack the project names).
func TestBuildspecsInTheRepository(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want []string
	}{
		{BuildspecTest, []string{"make test"}},
		{BuildspecPreview, []string{`pulumi preview --stack "$` + EnvStack + `" --policy-pack policypack`, "buildspecs/stack-profile.sh"}},
		{BuildspecDeploy, []string{`pulumi up --stack "$` + EnvStack + `" --policy-pack policypack --yes --refresh`, "buildspecs/stack-profile.sh", "buildspecs/release-detector.sh"}},
	}
	for _, tc := range tests {
		data, err := os.ReadFile(filepath.Join("..", "..", tc.path))
		if err != nil {
			t.Errorf("project buildspec: %v", err)
			continue
		}
		var spec buildspec
		if err := yaml.Unmarshal(data, &spec); err != nil {
			t.Errorf("parse %s: %v", tc.path, err)
			continue
		}
		if spec.Version != "0.2" {
			t.Errorf("%s version = %q", tc.path, spec.Version)
		}
		var commands []string
		for _, phase := range []string{"install", "pre_build", "build"} {
			commands = append(commands, spec.Phases[phase].Commands...)
		}
		all := strings.Join(commands, "\n")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s does not run %q:\n%s", tc.path, w, all)
			}
		}
		if strings.Contains(string(data), "PULUMI_ACCESS_TOKEN") || strings.Contains(string(data), "PULUMI_CONFIG_PASSPHRASE") {
			t.Errorf("%s relies on a Pulumi token or passphrase; stacks use the S3 backend and the awskms secrets provider", tc.path)
		}
		for name, value := range spec.Env.Variables {
			if strings.Contains(strings.ToUpper(name), "TOKEN") || strings.Contains(strings.ToUpper(name), "SECRET") {
				t.Errorf("%s sets %s=%q in plain text", tc.path, name, value)
			}
		}
	}
}

func TestValidateMatchesTheConstructor(t *testing.T) {
	t.Parallel()
	if err := testArgs().Validate(testName); err != nil {
		t.Errorf("valid args rejected: %v", err)
	}
	args := testArgs()
	args.Targets[1].ManualApproval = false
	if err := args.Validate(testName); err == nil || !strings.Contains(err.Error(), "stack prod needs ManualApproval") {
		t.Errorf("Validate = %v, want the missing approval named", err)
	}
}

func TestNotificationsGoToTheTopic(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.NotificationTopicARN = pulumi.String(opsTopicARN)
	r := recorder.New("mediguard", "prod", "")
	var pipelineARN string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := NewPipeline(ctx, testName, args)
		if err != nil {
			return err
		}
		p.PipelineARN.ApplyT(func(arn string) string { pipelineARN = arn; return arn })
		return nil
	}, r.RunOption())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rule, detailType string
		detail           map[string]any
	}{
		{testName + "-approval-needed", "CodePipeline Action Execution State Change",
			map[string]any{"state": []any{"STARTED"}, "type": map[string]any{"category": []any{"Approval"}}}},
		{testName + "-failed", "CodePipeline Pipeline Execution State Change",
			map[string]any{"state": []any{"FAILED"}}},
	}
	for _, tc := range tests {
		rule := mustNamed(t, r, eventRuleType, tc.rule)
		var pattern struct {
			Source     []string       `json:"source"`
			DetailType []string       `json:"detail-type"`
			Resources  []string       `json:"resources"`
			Detail     map[string]any `json:"detail"`
		}
		if err := json.Unmarshal([]byte(rule.InputString("eventPattern")), &pattern); err != nil {
			t.Fatalf("%s pattern: %v", tc.rule, err)
		}
		if !slices.Equal(pattern.Source, []string{"aws.codepipeline"}) || !slices.Equal(pattern.DetailType, []string{tc.detailType}) ||
			!slices.Equal(pattern.Resources, []string{pipelineARN}) || !reflect.DeepEqual(pattern.Detail, tc.detail) {
			t.Errorf("%s pattern = %+v", tc.rule, pattern)
		}
		target := mustNamed(t, r, eventTargetType, tc.rule)
		if target.InputString("arn") != opsTopicARN || !target.DependsOn(rule) {
			t.Errorf("%s target = %q", tc.rule, target.InputString("arn"))
		}
	}
}
