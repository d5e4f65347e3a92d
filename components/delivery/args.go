package delivery

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
)

// Tag keys the component sets on every tagged child; callers cannot override them.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
	// TagPurpose is set by PhiBucket on the artifact bucket.
	TagPurpose     = "purpose"
	managedByValue = "mediguard"
	// auditClassification is the data-classification of everything the
	// pipeline keeps: its artifacts and build logs are the record of what was
	// tested and deployed (change control, 45 CFR 164.308(a)(1)(ii)(D)).
	auditClassification = "audit"
)

// Defaults applied when the corresponding Args field is zero.
const (
	// DefaultBranch is the branch whose pushes start the pipeline.
	DefaultBranch = "main"
	// DefaultLogRetentionDays keeps build logs six years, the HIPAA
	// documentation retention period (45 CFR 164.316(b)(2)(i)).
	DefaultLogRetentionDays = 2192
	// DefaultBuildImage is the CodeBuild-managed Ubuntu image: `make deps`
	// installs the test tools with apt-get, and the image's Go toolchain
	// fetches the version go.mod pins.
	DefaultBuildImage = "aws/codebuild/standard:7.0"
	// DefaultComputeType has the memory the scenario tests and the Pulumi
	// program's compilation need.
	DefaultComputeType = "BUILD_GENERAL1_LARGE"
	// DefaultBuildTimeoutMinutes bounds a build, so a hung `pulumi up` does
	// not hold the stack's lock for the CodeBuild maximum of eight hours.
	DefaultBuildTimeoutMinutes = 60
)

// Buildspec files in the repository, relative to its root. The projects name
// them by path, so a change to what a build runs is reviewed like code.
const (
	BuildspecTest    = "buildspecs/test.yml"
	BuildspecPreview = "buildspecs/preview.yml"
	BuildspecDeploy  = "buildspecs/deploy.yml"
)

// maxNameLength keeps the derived artifact bucket name ("<name>-artifacts")
// within the 43 characters PhiBucket accepts.
const maxNameLength = 33

// logRetentionValues are the retention periods CloudWatch Logs accepts.
var logRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	namePattern       = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	connectionPattern = regexp.MustCompile(`^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection/[0-9a-f-]{36}$`)
	repositoryPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$`)
	branchPattern     = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,255}$`)
	stackPattern      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	roleARNPattern    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,64}$`)
	backendPattern    = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?(\?[A-Za-z0-9=&._-]*)?$`)
)

// Target is one Pulumi stack the pipeline previews and deploys, in the
// order of PipelineArgs.Targets.
//
// The roles are created outside the program, once per target account, by
// whoever administers it: the deploy role can create and change everything
// the stack holds, so the stack it deploys must not be able to widen it.
// Each trusts only the build role this component creates for it (the
// BuildRoleARNs output).
type Target struct {
	// Stack is the Pulumi stack name (dev, prod).
	Stack string
	// PreviewRoleARN is assumed for `pulumi preview`: read-only in the
	// target account.
	PreviewRoleARN string
	// DeployRoleARN is assumed for `pulumi up`.
	DeployRoleARN string
	// BackendURL is the stack's self-managed state backend, the bootstrap's
	// loginUrl output for the target's environment
	// ("s3://<bucket>?region=us-east-1&awssdk=v2"). The stack's secrets
	// provider (awskms) is declared in its stack file; both roles must be
	// among the bootstrap's deployer roles to decrypt its secrets.
	BackendURL string
	// ManualApproval puts a manual approval between the preview and the
	// deployment. Required for the stack named prod.
	ManualApproval bool
}

// PipelineArgs configures the delivery pipeline. Plain Go values decide which
// resources exist; nothing here comes from other resources, since the
// pipeline deploys the stacks that create them.
type PipelineArgs struct {
	// ConnectionARN is the AWS CodeConnections (CodeStar) connection to the
	// hospital's GitHub, GitHub Enterprise Server, GitLab or Bitbucket; it is
	// created and authorised once in the console (the OAuth handshake cannot
	// be automated). Required.
	ConnectionARN string
	// Repository is the full repository ID, "owner/name" (GitLab groups may
	// nest: "group/subgroup/name"). Required.
	Repository string
	// Branch whose pushes start the pipeline (default DefaultBranch).
	Branch string
	// Targets are the stacks to preview and deploy, in order. Required.
	Targets []Target

	// ArtifactLockMode and ArtifactRetentionDays are the Object Lock default
	// retention of the artifact bucket, which keeps what each execution
	// tested and deployed. Required.
	ArtifactLockMode      phibucket.LockMode
	ArtifactRetentionDays int
	// LogRetentionDays keeps build logs (default DefaultLogRetentionDays);
	// one of the values CloudWatch Logs accepts.
	LogRetentionDays int

	// BuildImage and ComputeType of every project (defaults
	// DefaultBuildImage and DefaultComputeType).
	BuildImage  string
	ComputeType string
	// BuildTimeoutMinutes of every project (default DefaultBuildTimeoutMinutes).
	BuildTimeoutMinutes int

	// NotificationTopicARN, when set, receives an EventBridge notification
	// when a manual approval waits and when an execution fails: the
	// operations topic, whose policy admits EventBridge rules of the account.
	NotificationTopicARN pulumi.StringInput

	// AllowForceDestroy lets `pulumi destroy` empty the artifact bucket (dev only).
	AllowForceDestroy bool
	// Tags are merged into the tags of every tagged child.
	Tags map[string]string
	// Protect marks the artifact bucket and key protected against deletion.
	Protect bool
}

// Validate reports every problem NewPipeline would reject args for, without
// registering anything, so that a stack configuration can be checked before
// the program creates any resource.
func (a *PipelineArgs) Validate(name string) error {
	_, err := a.withDefaults(name)
	return err
}

// withDefaults validates args and returns a defaulted copy, reporting every
// problem at once. The caller's args are never modified.
func (a *PipelineArgs) withDefaults(name string) (PipelineArgs, error) {
	var errs []error
	if !namePattern.MatchString(name) || len(name) > maxNameLength {
		errs = append(errs, fmt.Errorf("name %q must start with a letter and hold lowercase letters, digits and hyphens, at most %d characters: bucket and project names derive from it", name, maxNameLength))
	}
	if a == nil {
		errs = append(errs, errors.New("args are required"))
		return PipelineArgs{}, fmt.Errorf("delivery %q: invalid args: %w", name, errors.Join(errs...))
	}
	out := *a
	out.Targets = slices.Clone(a.Targets)
	out.Tags = maps.Clone(a.Tags)

	if !connectionPattern.MatchString(out.ConnectionARN) {
		errs = append(errs, fmt.Errorf("ConnectionARN %q is not a CodeConnections connection ARN", out.ConnectionARN))
	}
	if !repositoryPattern.MatchString(out.Repository) {
		errs = append(errs, fmt.Errorf("Repository %q must be owner/name", out.Repository))
	}
	if out.Branch == "" {
		out.Branch = DefaultBranch
	}
	if !branchPattern.MatchString(out.Branch) || strings.Contains(out.Branch, "..") {
		errs = append(errs, fmt.Errorf("Branch %q is not a branch name", out.Branch))
	}
	if len(out.Targets) == 0 {
		errs = append(errs, errors.New("Targets: at least one stack to deploy is required"))
	}
	seen := map[string]bool{}
	for i, t := range out.Targets {
		where := fmt.Sprintf("Targets[%d]", i)
		if !stackPattern.MatchString(t.Stack) {
			errs = append(errs, fmt.Errorf("%s.Stack %q must be lowercase letters, digits and hyphens, at most 20", where, t.Stack))
		}
		if seen[t.Stack] {
			errs = append(errs, fmt.Errorf("%s.Stack %q is listed twice", where, t.Stack))
		}
		seen[t.Stack] = true
		if !roleARNPattern.MatchString(t.PreviewRoleARN) {
			errs = append(errs, fmt.Errorf("%s.PreviewRoleARN %q is not an IAM role ARN", where, t.PreviewRoleARN))
		}
		if !roleARNPattern.MatchString(t.DeployRoleARN) {
			errs = append(errs, fmt.Errorf("%s.DeployRoleARN %q is not an IAM role ARN", where, t.DeployRoleARN))
		}
		if t.PreviewRoleARN != "" && t.PreviewRoleARN == t.DeployRoleARN {
			errs = append(errs, fmt.Errorf("%s: PreviewRoleARN and DeployRoleARN are the same role: a preview must not be able to change the stack", where))
		}
		if !backendPattern.MatchString(t.BackendURL) {
			errs = append(errs, fmt.Errorf("%s.BackendURL %q is not an s3:// state backend URL", where, t.BackendURL))
		}
		if t.Stack == "prod" && !t.ManualApproval {
			errs = append(errs, fmt.Errorf("%s: stack prod needs ManualApproval", where))
		}
	}

	switch out.ArtifactLockMode {
	case phibucket.LockGovernance, phibucket.LockCompliance:
	default:
		errs = append(errs, fmt.Errorf("ArtifactLockMode %q is not GOVERNANCE or COMPLIANCE", out.ArtifactLockMode))
	}
	if out.ArtifactRetentionDays < 1 || out.ArtifactRetentionDays > 36500 {
		errs = append(errs, fmt.Errorf("ArtifactRetentionDays %d must be 1 to 36500", out.ArtifactRetentionDays))
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = DefaultLogRetentionDays
	}
	if !slices.Contains(logRetentionValues, out.LogRetentionDays) {
		errs = append(errs, fmt.Errorf("LogRetentionDays %d is not a CloudWatch Logs retention period (%v)", out.LogRetentionDays, logRetentionValues))
	}
	if out.BuildImage == "" {
		out.BuildImage = DefaultBuildImage
	}
	if out.ComputeType == "" {
		out.ComputeType = DefaultComputeType
	}
	if !strings.HasPrefix(out.ComputeType, "BUILD_GENERAL1_") {
		errs = append(errs, fmt.Errorf("ComputeType %q is not a BUILD_GENERAL1_ container size", out.ComputeType))
	}
	if out.BuildTimeoutMinutes == 0 {
		out.BuildTimeoutMinutes = DefaultBuildTimeoutMinutes
	}
	if out.BuildTimeoutMinutes < 5 || out.BuildTimeoutMinutes > 480 {
		errs = append(errs, fmt.Errorf("BuildTimeoutMinutes %d must be 5 to 480", out.BuildTimeoutMinutes))
	}
	for _, k := range slices.Sorted(maps.Keys(out.Tags)) {
		switch {
		case k == TagDataClassification || k == TagManagedBy || k == TagPurpose:
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		case k == "" || strings.HasPrefix(strings.ToLower(k), "aws:") || len(k) > 128 || len(out.Tags[k]) > 256:
			errs = append(errs, fmt.Errorf("Tags[%q]: must be 1-128 characters not starting with aws: and its value at most 256", k))
		}
	}
	if len(errs) > 0 {
		return PipelineArgs{}, fmt.Errorf("delivery %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// connectionService is the IAM service prefix of the connection's actions:
// connections created before the 2024 rename keep codestar-connections ARNs
// and actions, newer ones use codeconnections.
func (a PipelineArgs) connectionService() string {
	return strings.Split(a.ConnectionARN, ":")[2]
}
