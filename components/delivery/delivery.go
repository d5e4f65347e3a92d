package delivery

import (
	"fmt"
	"maps"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:delivery:Pipeline"

// sourceArtifact is the name of the repository snapshot every build reads.
const sourceArtifact = "source"

// Environment variables the builds read (see the buildspecs).
const (
	EnvStack        = "PULUMI_STACK"
	EnvStackRoleARN = "STACK_ROLE_ARN"
	EnvBackendURL   = "PULUMI_BACKEND_URL"
)

// Pipeline is the delivery pipeline: every push to the branch is tested
// (`make test`), then each target stack is previewed under the HIPAA policy
// pack, approved by a person where required, and deployed with the same
// policy pack enforced.
type Pipeline struct {
	pulumi.ResourceState

	PipelineName       pulumi.StringOutput `pulumi:"pipelineName"`
	PipelineARN        pulumi.StringOutput `pulumi:"pipelineArn"`
	ArtifactBucketName pulumi.StringOutput `pulumi:"artifactBucketName"`
	ArtifactBucketARN  pulumi.StringOutput `pulumi:"artifactBucketArn"`
	ArtifactKeyARN     pulumi.StringOutput `pulumi:"artifactKeyArn"`
	LogGroupName       pulumi.StringOutput `pulumi:"logGroupName"`
	// BuildRoleARNs maps a project name to its role: the preview and deploy
	// roles of each target account must trust exactly the project role that
	// assumes them.
	BuildRoleARNs pulumi.StringMapOutput `pulumi:"buildRoleArns"`
}

// NewPipeline validates args, then creates the artifact key and bucket, the
// build log group, the CodeBuild projects with one role each, the pipeline
// and its role, as children of the component. Invalid args register nothing.
func NewPipeline(ctx *pulumi.Context, name string, args *PipelineArgs, opts ...pulumi.ResourceOption) (*Pipeline, error) {
	c, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &Pipeline{}
	stacks := make(pulumi.StringArray, len(c.Targets))
	for i, t := range c.Targets {
		stacks[i] = pulumi.String(t.Stack)
	}
	inputs := pulumi.Map{
		"repository": pulumi.String(c.Repository),
		"branch":     pulumi.String(c.Branch),
		"stacks":     stacks,
		"notify":     pulumi.Bool(c.NotificationTopicARN != nil),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register delivery %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("delivery %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: c, env: env, parent: pulumi.Parent(component), tags: c.tags()}
	if err := b.build(component); err != nil {
		return nil, fmt.Errorf("delivery %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"pipelineName":       component.PipelineName,
		"pipelineArn":        component.PipelineARN,
		"artifactBucketName": component.ArtifactBucketName,
		"artifactBucketArn":  component.ArtifactBucketARN,
		"artifactKeyArn":     component.ArtifactKeyARN,
		"logGroupName":       component.LogGroupName,
		"buildRoleArns":      component.BuildRoleARNs,
	}); err != nil {
		return nil, fmt.Errorf("delivery %q: register outputs: %w", name, err)
	}
	return component, nil
}

// tags returns the caller's tags plus the component's mandatory ones.
func (a PipelineArgs) tags() pulumi.StringMap {
	t := pulumi.StringMap{}
	for k, v := range a.Tags {
		t[k] = pulumi.String(v)
	}
	t[TagDataClassification] = pulumi.String(auditClassification)
	t[TagManagedBy] = pulumi.String(managedByValue)
	return t
}

// project is one CodeBuild project of the pipeline.
type project struct {
	// name is the CodeBuild project name, also the prefix of its log streams.
	name        string
	description string
	buildspec   string
	// stack, stackRoleARN and backendURL are empty for the test project,
	// which reaches no AWS account and no stack state.
	stack        string
	stackRoleARN string
	backendURL   string
}

// testProject runs the whole test suite.
func testProject(name string) project {
	return project{name: name + "-test", description: "MediGuard test suite (make test): gofmt, go vet, Go tests, policy pack tests", buildspec: BuildspecTest}
}

// stackProjects are the preview and the deploy project of one target.
func (a PipelineArgs) stackProjects(name string, t Target) (preview, deploy project) {
	preview = project{
		name:        fmt.Sprintf("%s-preview-%s", name, t.Stack),
		description: fmt.Sprintf("pulumi preview of stack %s under the HIPAA policy pack, with a read-only role", t.Stack),
		buildspec:   BuildspecPreview, stack: t.Stack, stackRoleARN: t.PreviewRoleARN, backendURL: t.BackendURL,
	}
	deploy = project{
		name:        fmt.Sprintf("%s-deploy-%s", name, t.Stack),
		description: fmt.Sprintf("pulumi up of stack %s under the HIPAA policy pack", t.Stack),
		buildspec:   BuildspecDeploy, stack: t.Stack, stackRoleARN: t.DeployRoleARN, backendURL: t.BackendURL,
	}
	return preview, deploy
}

// projects lists every project in pipeline order.
func (a PipelineArgs) projects(name string) []project {
	out := []project{testProject(name)}
	for _, t := range a.Targets {
		preview, deploy := a.stackProjects(name, t)
		out = append(out, preview, deploy)
	}
	return out
}

// environmentVariables are the project's variables: the stack, its role and
// its state backend, all names and none a secret. The build has no
// credential of its own: it assumes the stack's role with the project role,
// and the stack's secrets are decrypted by KMS for that role.
func (p project) environmentVariables() codebuild.ProjectEnvironmentEnvironmentVariableArray {
	if p.stack == "" {
		return nil
	}
	return codebuild.ProjectEnvironmentEnvironmentVariableArray{
		codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String(EnvStack), Type: pulumi.String("PLAINTEXT"), Value: pulumi.String(p.stack)},
		codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String(EnvStackRoleARN), Type: pulumi.String("PLAINTEXT"), Value: pulumi.String(p.stackRoleARN)},
		codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String(EnvBackendURL), Type: pulumi.String("PLAINTEXT"), Value: pulumi.String(p.backendURL)},
	}
}

// builder creates the children of one Pipeline.
type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    PipelineArgs
	env    environment
	parent pulumi.ResourceOption
	tags   pulumi.StringMap
}

// storage is the artifact key, bucket and build log group every role names.
type storage struct {
	keyARN   pulumi.StringOutput
	bucket   *phibucket.PhiBucket
	logGroup *cloudwatch.LogGroup
}

// build creates every child and sets the component's output fields.
func (b builder) build(component *Pipeline) error {
	st, err := b.storage()
	if err != nil {
		return err
	}
	roleARNs := pulumi.StringMap{}
	var projectARNs []string
	for _, p := range b.cfg.projects(b.name) {
		role, err := b.project(p, st)
		if err != nil {
			return err
		}
		roleARNs[p.name] = role.Arn
		projectARNs = append(projectARNs, projectARN(b.env, p.name))
	}
	pipeline, err := b.pipeline(st, projectARNs)
	if err != nil {
		return err
	}
	if b.cfg.NotificationTopicARN != nil {
		if err := b.notify(pipeline); err != nil {
			return err
		}
	}
	component.PipelineName = pipeline.Name
	component.PipelineARN = pipeline.Arn
	component.ArtifactBucketName = st.bucket.BucketName
	component.ArtifactBucketARN = st.bucket.BucketARN
	component.ArtifactKeyARN = st.keyARN
	component.LogGroupName = st.logGroup.Name
	component.BuildRoleARNs = roleARNs.ToStringMapOutput()
	return nil
}

// storage creates the artifact key (audit purpose, usable through S3 and by
// CloudWatch Logs only), the artifact bucket, write-once for the retention
// period, and the encrypted build log group.
func (b builder) storage() (storage, error) {
	key, err := phikey.NewPhiKey(b.ctx, b.name+"-artifacts", &phikey.PhiKeyArgs{
		Purpose:           phikey.PurposeAudit,
		Description:       "MediGuard delivery key: pipeline artifacts and build logs",
		AliasName:         "alias/mediguard/" + b.name + "/artifacts",
		ViaServices:       []phikey.Service{phikey.ServiceS3},
		ServicePrincipals: []phikey.ServicePrincipal{phikey.PrincipalCloudWatchLogs},
		Tags:              maps.Clone(b.cfg.Tags),
		Protect:           b.cfg.Protect,
	}, b.parent)
	if err != nil {
		return storage{}, fmt.Errorf("create artifact key: %w", err)
	}
	bucket, err := phibucket.NewPhiBucket(b.ctx, b.name+"-artifacts", &phibucket.PhiBucketArgs{
		Classification:          phibucket.ClassificationAudit,
		Purpose:                 "delivery-artifacts",
		KMSKeyARN:               key.KeyARN,
		ObjectLockMode:          b.cfg.ArtifactLockMode,
		ObjectLockRetentionDays: b.cfg.ArtifactRetentionDays,
		ExpirationDays:          b.cfg.ArtifactRetentionDays,
		AllowForceDestroy:       b.cfg.AllowForceDestroy,
		Tags:                    maps.Clone(b.cfg.Tags),
		Protect:                 b.cfg.Protect,
	}, b.parent)
	if err != nil {
		return storage{}, fmt.Errorf("create artifact bucket: %w", err)
	}
	logGroup, err := cloudwatch.NewLogGroup(b.ctx, b.name+"-builds", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/mediguard/" + b.name + "/builds"),
		KmsKeyId:        key.KeyARN,
		RetentionInDays: pulumi.Int(b.cfg.LogRetentionDays),
		Tags:            b.tags,
	}, b.parent)
	if err != nil {
		return storage{}, fmt.Errorf("create build log group: %w", err)
	}
	return storage{keyARN: key.KeyARN, bucket: bucket, logGroup: logGroup}, nil
}

// project creates one CodeBuild project with a role of its own, which only
// that project can assume.
func (b builder) project(p project, st storage) (*iam.Role, error) {
	trust, err := trustPolicy(b.env, SidTrustCodeBuildRole, "codebuild.amazonaws.com", projectARN(b.env, p.name)).JSON()
	if err != nil {
		return nil, fmt.Errorf("trust policy of %s: %w", p.name, err)
	}
	role, err := iam.NewRole(b.ctx, p.name+"-role", &iam.RoleArgs{
		Description:      pulumi.String("CodeBuild project " + p.name + ": " + p.description),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags,
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create role of %s: %w", p.name, err)
	}
	policy, err := iam.NewRolePolicy(b.ctx, p.name+"-role-policy", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.All(st.bucket.BucketARN, st.keyARN, st.logGroup.Arn).ApplyT(func(v []any) (string, error) {
			return buildPolicy(b.env, p, v[0].(string), v[1].(string), v[2].(string)).JSON()
		}).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create policy of %s: %w", p.name, err)
	}
	if _, err := codebuild.NewProject(b.ctx, p.name, &codebuild.ProjectArgs{
		Name:          pulumi.String(p.name),
		Description:   pulumi.String(p.description),
		ServiceRole:   role.Arn,
		EncryptionKey: st.keyARN,
		BuildTimeout:  pulumi.Int(b.cfg.BuildTimeoutMinutes),
		Artifacts:     codebuild.ProjectArtifactsArgs{Type: pulumi.String("CODEPIPELINE")},
		Source: codebuild.ProjectSourceArgs{
			Type:      pulumi.String("CODEPIPELINE"),
			Buildspec: pulumi.String(p.buildspec),
		},
		Environment: codebuild.ProjectEnvironmentArgs{
			Type:                     pulumi.String("LINUX_CONTAINER"),
			Image:                    pulumi.String(b.cfg.BuildImage),
			ComputeType:              pulumi.String(b.cfg.ComputeType),
			ImagePullCredentialsType: pulumi.String("CODEBUILD"),
			PrivilegedMode:           pulumi.Bool(false),
			EnvironmentVariables:     p.environmentVariables(),
		},
		LogsConfig: codebuild.ProjectLogsConfigArgs{
			CloudwatchLogs: codebuild.ProjectLogsConfigCloudwatchLogsArgs{
				Status:     pulumi.String("ENABLED"),
				GroupName:  st.logGroup.Name,
				StreamName: pulumi.String(p.name),
			},
			S3Logs: codebuild.ProjectLogsConfigS3LogsArgs{Status: pulumi.String("DISABLED")},
		},
		Tags: b.tags,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return nil, fmt.Errorf("create CodeBuild project %s: %w", p.name, err)
	}
	return role, nil
}

// buildAction is a CodeBuild action on the source artifact.
func buildAction(name, projectName string, runOrder int) codepipeline.PipelineStageActionArgs {
	return codepipeline.PipelineStageActionArgs{
		Name:           pulumi.String(name),
		Category:       pulumi.String("Build"),
		Owner:          pulumi.String("AWS"),
		Provider:       pulumi.String("CodeBuild"),
		Version:        pulumi.String("1"),
		InputArtifacts: pulumi.StringArray{pulumi.String(sourceArtifact)},
		RunOrder:       pulumi.Int(runOrder),
		Configuration:  pulumi.StringMap{"ProjectName": pulumi.String(projectName)},
	}
}

// stages are the pipeline's stages: the source, the tests, then one stage
// per target (preview, approval where required, deploy), so a stack is only
// deployed once the stacks before it are.
func (b builder) stages() codepipeline.PipelineStageArray {
	stages := codepipeline.PipelineStageArray{
		codepipeline.PipelineStageArgs{
			Name: pulumi.String("Source"),
			Actions: codepipeline.PipelineStageActionArray{codepipeline.PipelineStageActionArgs{
				Name:            pulumi.String("Source"),
				Category:        pulumi.String("Source"),
				Owner:           pulumi.String("AWS"),
				Provider:        pulumi.String("CodeStarSourceConnection"),
				Version:         pulumi.String("1"),
				OutputArtifacts: pulumi.StringArray{pulumi.String(sourceArtifact)},
				Configuration: pulumi.StringMap{
					"ConnectionArn":        pulumi.String(b.cfg.ConnectionARN),
					"FullRepositoryId":     pulumi.String(b.cfg.Repository),
					"BranchName":           pulumi.String(b.cfg.Branch),
					"OutputArtifactFormat": pulumi.String("CODE_ZIP"),
					"DetectChanges":        pulumi.String("false"),
				},
			}},
		},
		codepipeline.PipelineStageArgs{
			Name:    pulumi.String("Test"),
			Actions: codepipeline.PipelineStageActionArray{buildAction("make-test", testProject(b.name).name, 1)},
		},
	}
	for _, t := range b.cfg.Targets {
		preview, deploy := b.cfg.stackProjects(b.name, t)
		actions := codepipeline.PipelineStageActionArray{buildAction("preview", preview.name, 1)}
		deployOrder := 2
		if t.ManualApproval {
			actions = append(actions, codepipeline.PipelineStageActionArgs{
				Name:     pulumi.String("approve"),
				Category: pulumi.String("Approval"),
				Owner:    pulumi.String("AWS"),
				Provider: pulumi.String("Manual"),
				Version:  pulumi.String("1"),
				RunOrder: pulumi.Int(2),
				Configuration: pulumi.StringMap{
					"CustomData": pulumi.String(fmt.Sprintf("Read the preview of stack %s (build log of %s) and approve only the changes you expect.", t.Stack, preview.name)),
				},
			})
			deployOrder = 3
		}
		actions = append(actions, buildAction("deploy", deploy.name, deployOrder))
		stages = append(stages, codepipeline.PipelineStageArgs{Name: pulumi.String("Deploy-" + t.Stack), Actions: actions})
	}
	return stages
}

// pipeline creates the pipeline's role and the pipeline. A V2 trigger on
// pushes to the branch starts it (the source action's own change detection is
// off, so a push starts one execution, not two).
func (b builder) pipeline(st storage, projectARNs []string) (*codepipeline.Pipeline, error) {
	trust, err := trustPolicy(b.env, SidTrustCodePipeline, "codepipeline.amazonaws.com", "").JSON()
	if err != nil {
		return nil, fmt.Errorf("pipeline trust policy: %w", err)
	}
	role, err := iam.NewRole(b.ctx, b.name+"-pipeline-role", &iam.RoleArgs{
		Description:      pulumi.String("CodePipeline " + b.name + ": moves artifacts, reads the repository connection, starts its own builds"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags,
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create pipeline role: %w", err)
	}
	policy, err := iam.NewRolePolicy(b.ctx, b.name+"-pipeline-role-policy", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.All(st.bucket.BucketARN, st.keyARN).ApplyT(func(v []any) (string, error) {
			return pipelinePolicy(b.env, b.cfg, v[0].(string), v[1].(string), projectARNs).JSON()
		}).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create pipeline policy: %w", err)
	}
	pipeline, err := codepipeline.NewPipeline(b.ctx, b.name, &codepipeline.PipelineArgs{
		Name:          pulumi.String(b.name),
		PipelineType:  pulumi.String("V2"),
		ExecutionMode: pulumi.String("QUEUED"),
		RoleArn:       role.Arn,
		ArtifactStores: codepipeline.PipelineArtifactStoreArray{codepipeline.PipelineArtifactStoreArgs{
			Type:     pulumi.String("S3"),
			Location: st.bucket.BucketName,
			EncryptionKey: codepipeline.PipelineArtifactStoreEncryptionKeyArgs{
				Type: pulumi.String("KMS"),
				Id:   st.keyARN,
			},
		}},
		Stages: b.stages(),
		Triggers: codepipeline.PipelineTriggerArray{codepipeline.PipelineTriggerArgs{
			ProviderType: pulumi.String("CodeStarSourceConnection"),
			GitConfiguration: codepipeline.PipelineTriggerGitConfigurationArgs{
				SourceActionName: pulumi.String("Source"),
				Pushes: codepipeline.PipelineTriggerGitConfigurationPushArray{codepipeline.PipelineTriggerGitConfigurationPushArgs{
					Branches: codepipeline.PipelineTriggerGitConfigurationPushBranchesArgs{
						Includes: pulumi.StringArray{pulumi.String(b.cfg.Branch)},
					},
				}},
			},
		}},
		Tags: b.tags,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{policy, st.bucket}))
	if err != nil {
		return nil, fmt.Errorf("create pipeline: %w", err)
	}
	return pipeline, nil
}
