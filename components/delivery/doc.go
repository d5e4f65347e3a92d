// Package delivery provides Pipeline, a Pulumi component for the delivery
// pipeline in which no change reaches production without the tests and the
// HIPAA policy pack (45 CFR 164.308(a)(1)(ii)(B) risk management and (D)
// information system activity review; 164.312(c)(1) integrity).
//
// A Pipeline holds:
//
//   - a CodePipeline (V2, queued executions, so a deployment is never
//     superseded halfway) whose source is an AWS CodeConnections connection
//     to the hospital's GitHub, GitHub Enterprise Server, GitLab or Bitbucket
//     repository, started by pushes to one branch;
//   - a test stage running `make test` (buildspecs/test.yml), then one stage
//     per target stack in order: `pulumi preview --policy-pack policypack`
//     (buildspecs/preview.yml), a manual approval where required (always for
//     prod) and `pulumi up --policy-pack policypack` (buildspecs/deploy.yml);
//   - one CodeBuild project per step, never privileged, encrypted with the
//     artifact key, logging to a KMS-encrypted log group kept six years,
//     each with a role of its own that only that project can assume;
//   - optionally, EventBridge rules that tell the operations topic when a
//     manual approval is waiting and when an execution fails;
//   - a dedicated audit-purpose KMS key (usable through S3 and by CloudWatch
//     Logs only) and a PhiBucket of audit classification for the artifacts,
//     write-once for the retention period: the record of what each
//     execution tested and deployed.
//
// The builds reach the target accounts only by assuming that stack's preview
// or deploy role, created outside the program by the account's
// administrators (the stack it deploys must not be able to widen its own
// deployer). The stacks' state is in the self-managed S3 backend the
// bootstrap project creates, and their secrets are encrypted with its awskms
// secrets provider, so a build needs no token or passphrase at all: the
// stack's role reads the state and decrypts the secrets. No credential of any
// kind is in a project definition.
//
// The builds run outside the platform VPC: they handle source code and the
// Pulumi state, never PHI, and they need the internet (Go modules, npm, the
// Pulumi service), which the platform's private subnets deliberately lack.
//
// Example:
//
//	pipeline, err := delivery.NewPipeline(ctx, "delivery", &delivery.PipelineArgs{
//		ConnectionARN: "arn:aws:codeconnections:us-east-1:123456789012:connection/...",
//		Repository:    "st-example-hospital/mediguard",
//		Targets: []delivery.Target{
//			{Stack: "dev", PreviewRoleARN: devPreview, DeployRoleARN: devDeploy, BackendURL: devLogin},
//			{Stack: "prod", PreviewRoleARN: prodPreview, DeployRoleARN: prodDeploy, BackendURL: prodLogin, ManualApproval: true},
//		},
//		ArtifactLockMode:      phibucket.LockCompliance,
//		ArtifactRetentionDays: 2192,
//		Protect:               true,
//	})
//	if err != nil {
//		return err
//	}
//	ctx.Export("pipelineName", pipeline.PipelineName)
package delivery
