package compliance

import (
	"fmt"
	"slices"
	"strings"
)

// Service is an AWS service on the HIPAA Eligible Services Reference that the
// program may use, with what the program does to keep PHI in it protected.
type Service struct {
	// Name as the HIPAA Eligible Services Reference spells it.
	Name string
	// Types are the pulumi-aws type tokens of the service, as "<module>/"
	// (every resource of the module) or "<module>/<resource>" (one resource
	// type; it wins over its module's entry).
	Types []string
	// HoldsPHI says whether the program stores or passes PHI through the
	// service (as opposed to configuring, logging or alerting on it).
	HoldsPHI bool
	// Safeguards says how the program configures the service for PHI: the
	// customer side of the BAA. Required for every service the program uses.
	Safeguards string
}

// Eligible is the repository's copy of the part of the AWS HIPAA Eligible
// Services Reference (https://aws.amazon.com/compliance/hipaa-eligible-services-reference/)
// that the program uses or may use. It is the allow-list: a resource of a
// service that is not here fails the tests. Add a service only after checking
// it on that page, and write its safeguards.
var Eligible = []Service{
	{
		Name: "Amazon S3", Types: []string{"s3/"}, HoldsPHI: true,
		Safeguards: "Frames and evidence in PhiBuckets: SSE-KMS with the PHI key only (other keys and encryption types denied), TLS 1.2+ only, public access blocked, versioning and Object Lock (COMPLIANCE in prod), access logging, CloudTrail data events.",
	},
	{
		Name: "AWS Key Management Service (KMS)", Types: []string{"kms/"},
		Safeguards: "Customer-managed keys with rotation and a 30-day deletion window; PHI and audit keys separate; key policies allow use only through named services and service principals with encryption-context conditions.",
	},
	{
		Name: "Amazon Virtual Private Cloud (VPC)",
		Types: []string{
			"vpc/", "ec2/vpc", "ec2/subnet", "ec2/routeTable", "ec2/routeTableAssociation", "ec2/route",
			"ec2/networkAcl", "ec2/networkAclRule", "ec2/networkAclAssociation", "ec2/defaultNetworkAcl",
			"ec2/securityGroup", "ec2/defaultSecurityGroup", "ec2/vpcEndpoint", "ec2/flowLog",
			"ec2/natGateway", "ec2/eip", "ec2/internetGateway",
		},
		HoldsPHI:   true,
		Safeguards: "Private subnets without an internet route; VPC endpoints for every AWS service the detector calls; NACLs and security groups allow HTTPS to the endpoints only; default security group and NACL closed; flow logs to an encrypted log group.",
	},
	{
		Name: "Amazon Elastic Compute Cloud (EC2)", Types: []string{"ec2/"},
		Safeguards: "No instances: the platform runs on Lambda. Listed for the EC2 resource types outside the VPC networking ones.",
	},
	{
		Name: "Amazon Kinesis Video Streams", Types: []string{"kinesis/videoStream"}, HoldsPHI: true,
		Safeguards: "One stream per camera, encrypted with the PHI key, bounded retention; cameras write through their own producer role, the detector reads through a consumer policy.",
	},
	{
		Name: "Amazon Kinesis Data Streams", Types: []string{"kinesis/"}, HoldsPHI: true,
		Safeguards: "Not used today; the policy pack requires KMS encryption if a stream is added.",
	},
	{
		Name: "AWS Lambda", Types: []string{"lambda/"}, HoldsPHI: true,
		Safeguards: "Detector in the private subnets, environment encrypted with the PHI key, reserved concurrency, dead-letter queue, least-privilege role; it logs and alerts without pixels or patient identifiers.",
	},
	{
		Name: "Amazon Simple Queue Service (SQS)", Types: []string{"sqs/"}, HoldsPHI: true,
		Safeguards: "Frame queue and dead-letter queue encrypted with the PHI key, TLS-only queue policies, messages hold object keys, not pixels.",
	},
	{
		Name: "Amazon Simple Notification Service (SNS)", Types: []string{"sns/"},
		Safeguards: "Alert and operations topics encrypted with customer-managed keys, TLS-only topic policies; alerts carry camera, ward and room codes and an event type, never images or patient identifiers.",
	},
	{
		Name: "Amazon DynamoDB", Types: []string{"dynamodb/"},
		Safeguards: "Detector state and episode tables encrypted with the PHI key, point-in-time recovery; they hold per-camera detection state, no pixels.",
	},
	{
		Name: "AWS CloudTrail", Types: []string{"cloudtrail/"},
		Safeguards: "Multi-region trail with log file validation, S3 data events on the PHI buckets, encrypted with the audit key into a COMPLIANCE-locked bucket and a six-year log group.",
	},
	{
		Name: "Amazon CloudWatch", Types: []string{"cloudwatch/"},
		Safeguards: "Dashboard and alarms on platform metrics (counts and latencies, no PHI); alarm actions go to the operations topic.",
	},
	{
		Name: "Amazon CloudWatch Logs",
		Types: []string{
			"cloudwatch/logGroup", "cloudwatch/logStream", "cloudwatch/logMetricFilter",
			"cloudwatch/logSubscriptionFilter", "cloudwatch/logResourcePolicy", "cloudwatch/logDataProtectionPolicy",
		},
		Safeguards: "Every log group encrypted with a customer-managed key and kept six years; application logs carry no pixels or patient identifiers; security metric filters on the trail's log group.",
	},
	{
		Name:       "Amazon EventBridge",
		Types:      []string{"cloudwatch/eventRule", "cloudwatch/eventTarget", "cloudwatch/eventBus", "cloudwatch/eventBusPolicy", "scheduler/"},
		Safeguards: "Rules route GuardDuty and Security Hub findings to the operations topic and schedule the detector's offline check; events carry no PHI.",
	},
	{
		Name: "AWS Config", Types: []string{"cfg/"},
		Safeguards: "Recorder for all supported and global resource types, history in a locked audit bucket under the audit key, HIPAA conformance pack from our typed rule list.",
	},
	{
		Name: "Amazon GuardDuty", Types: []string{"guardduty/"},
		Safeguards: "Detector with S3 data events and Lambda network activity; high and critical findings page the operations topic.",
	},
	{
		Name: "AWS Security Hub", Types: []string{"securityhub/"},
		Safeguards: "AWS Foundational Security Best Practices and NIST 800-53 standards with consolidated control findings; high and critical findings page the operations topic.",
	},
	{
		Name: "AWS Identity and Access Management (IAM)", Types: []string{"iam/"},
		Safeguards: "One role per function, project and service, each with statements the tests assert one by one; trust policies limited to this account and, where AWS supports it, to the one resource.",
	},
	{
		Name: "AWS CodeBuild", Types: []string{"codebuild/"},
		Safeguards: "Builds never privileged, artifacts encrypted with the delivery key, logs on to an encrypted six-year log group, no credential in any project (builds assume the target stack's role; state in the S3 backend, secrets through the awskms provider); builds handle source code, never PHI.",
	},
	{
		Name: "AWS CodePipeline", Types: []string{"codepipeline/"},
		Safeguards: "Artifacts in a locked audit bucket under the delivery key; tests and the HIPAA policy pack gate every stack; manual approval before prod; least-privilege pipeline role.",
	},
	{
		Name: "AWS CodeDeploy", Types: []string{"codedeploy/"},
		Safeguards: "Shifts the detector's live alias to a new version (canary by default) and rolls back on the detector's alarms; it moves code versions, never PHI.",
	},
	{
		Name: "AWS Systems Manager", Types: []string{"ssm/"},
		Safeguards: "Not used today; Parameter Store SecureStrings under a customer-managed key if a component ever needs a parameter.",
	},
	{
		Name: "AWS Secrets Manager", Types: []string{"secretsmanager/"},
		Safeguards: "Not used today; the place for any secret a component needs (never code, config or environment variables).",
	},
}

// ServiceOf returns the eligible service of a pulumi-aws type token
// ("aws:kinesis/videoStream:VideoStream"), or an error naming the token when
// no service on Eligible covers it.
func ServiceOf(token string) (Service, error) {
	parts := strings.Split(token, ":")
	if len(parts) != 3 || parts[0] != "aws" || !strings.Contains(parts[1], "/") {
		return Service{}, fmt.Errorf("service of %q: not a pulumi-aws resource type token", token)
	}
	resourcePath := parts[1] // "<module>/<resource>"
	module := resourcePath[:strings.Index(resourcePath, "/")+1]
	var moduleMatch *Service
	for i := range Eligible {
		s := &Eligible[i]
		if slices.Contains(s.Types, resourcePath) {
			return *s, nil
		}
		if moduleMatch == nil && slices.Contains(s.Types, module) {
			moduleMatch = s
		}
	}
	if moduleMatch != nil {
		return *moduleMatch, nil
	}
	return Service{}, fmt.Errorf("service of %s: not on the HIPAA-eligible list (compliance.Eligible); check the AWS HIPAA Eligible Services Reference before using it", token)
}

// IsAWSResource reports whether token is a pulumi-aws resource type, as
// opposed to a MediGuard component, a Pulumi provider or the stack.
func IsAWSResource(token string) bool {
	return strings.HasPrefix(token, "aws:")
}
