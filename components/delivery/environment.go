package delivery

import (
	"github.com/mediguard/mediguard/internal/awsenv"
)

// environment is the account, region and partition the pipeline is created
// in: the roles' trust conditions and the ARNs in their policies name them.
type environment = awsenv.Environment

// projectARN is the ARN of a CodeBuild project of this account and region;
// it is known before the project exists, so a role's trust can name it.
func projectARN(e environment, project string) string {
	return e.ARN("codebuild", "project/"+project)
}
