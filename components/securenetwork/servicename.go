package securenetwork

import (
	"strings"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// serviceName is the VPC endpoint service name of an AWS service in this
// region: the partition's DNS suffix reversed, then region and service
// (com.amazonaws.us-east-1.kms, cn.com.amazonaws.cn-north-1.kms).
func serviceName(id awsenv.Environment, service string) string {
	labels := strings.Split(id.DNSSuffix, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".") + "." + id.Region + "." + service
}
