package baseline

import (
	"fmt"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// Security Hub standards the baseline subscribes to, as the path after
// "arn:<partition>:securityhub:<region>::".
const (
	StandardFoundationalBestPractices = "standards/aws-foundational-security-best-practices/v/1.0.0"
	StandardNIST80053                 = "standards/nist-800-53/v/5.0.0"
)

// standardARN is the ARN of a regional Security Hub standard.
func standardARN(e awsenv.Environment, standard string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s::%s", e.Partition, e.Region, standard)
}

// configRolePolicyARN is the AWS managed policy that lets AWS Config read the
// configuration of every supported resource type.
func configRolePolicyARN(e awsenv.Environment) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", e.Partition)
}
