package delivery

import (
	"fmt"
	"strings"

	"github.com/mediguard/mediguard/components/policydoc"
)

// Statement IDs of the roles' policies, exported so tests and reviewers can
// find each grant by name.
const (
	SidReadArtifacts      = "ReadArtifacts"
	SidWriteArtifacts     = "WriteArtifacts"
	SidArtifactBucket     = "ArtifactBucket"
	SidArtifactKey        = "UseArtifactKeyThroughS3"
	SidUseConnection      = "UseSourceConnection"
	SidRunBuilds          = "RunBuilds"
	SidWriteBuildLogs     = "WriteBuildLogs"
	SidAssumeStackRole    = "AssumeStackRole"
	SidTrustCodePipeline  = "TrustCodePipelineOfThisAccount"
	SidTrustCodeBuildRole = "TrustCodeBuildProjectOfThisAccount"
)

// trustPolicy lets only the given service, acting for this account, assume a
// role; sourceARN narrows it further to one resource (the CodeBuild project)
// when set.
func trustPolicy(env environment, sid, service, sourceARN string) policydoc.Document {
	conditions := policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}}
	if sourceARN != "" {
		conditions["ArnLike"] = map[string][]string{"aws:SourceArn": {sourceARN}}
	}
	return policydoc.New(policydoc.Statement{
		Sid:        sid,
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{service}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: conditions,
	})
}

// artifactKeyStatement lets a role use the artifact key only inside S3
// requests for the artifact bucket: it cannot decrypt anything else under
// the key, nor call KMS directly.
func artifactKeyStatement(env environment, bucketARN, keyARN string, actions ...string) policydoc.Statement {
	return policydoc.Statement{
		Sid: SidArtifactKey, Effect: policydoc.Allow,
		Actions:   actions,
		Resources: []string{keyARN},
		Conditions: policydoc.Conditions{
			"StringEquals": {"kms:ViaService": {"s3." + env.Region + ".amazonaws.com"}},
			"StringLike":   {"kms:EncryptionContext:aws:s3:arn": {bucketARN, bucketARN + "/*"}},
		},
	}
}

// pipelinePolicy is everything the pipeline's own role may do: move
// artifacts through its bucket, pull the repository through the one
// connection, and start and watch its own builds. Manual approvals need no
// permission of the role.
func pipelinePolicy(env environment, a PipelineArgs, bucketARN, keyARN string, projectARNs []string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid: SidWriteArtifacts, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"},
			Resources: []string{bucketARN + "/*"},
		},
		policydoc.Statement{
			Sid: SidArtifactBucket, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetBucketLocation", "s3:GetBucketVersioning"},
			Resources: []string{bucketARN},
		},
		artifactKeyStatement(env, bucketARN, keyARN, "kms:Decrypt", "kms:GenerateDataKey"),
		policydoc.Statement{
			Sid: SidUseConnection, Effect: policydoc.Allow,
			Actions:   []string{a.connectionService() + ":UseConnection"},
			Resources: []string{a.ConnectionARN},
		},
		policydoc.Statement{
			Sid: SidRunBuilds, Effect: policydoc.Allow,
			Actions:   []string{"codebuild:BatchGetBuilds", "codebuild:StartBuild"},
			Resources: projectARNs,
		},
	)
}

// buildPolicy is everything one CodeBuild project's role may do: read the
// source artifact, write its own log streams and, for a stack project,
// assume that stack's role, which is the only way the build reaches the
// target account, its state and its secrets.
func buildPolicy(env environment, p project, bucketARN, keyARN, logGroupARN string) policydoc.Document {
	statements := []policydoc.Statement{
		{
			Sid: SidReadArtifacts, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resources: []string{bucketARN + "/*"},
		},
		{
			Sid: SidArtifactBucket, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetBucketLocation"},
			Resources: []string{bucketARN},
		},
		artifactKeyStatement(env, bucketARN, keyARN, "kms:Decrypt"),
		{
			Sid: SidWriteBuildLogs, Effect: policydoc.Allow,
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resources: []string{fmt.Sprintf("%s:log-stream:%s/*", strings.TrimSuffix(logGroupARN, ":*"), p.name)},
		},
	}
	if p.stackRoleARN != "" {
		statements = append(statements, policydoc.Statement{
			Sid: SidAssumeStackRole, Effect: policydoc.Allow,
			Actions:   []string{"sts:AssumeRole"},
			Resources: []string{p.stackRoleARN},
		})
	}
	return policydoc.New(statements...)
}
