package baseline

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ManagedRule is one AWS managed Config rule of the MediGuard HIPAA conformance
// pack, with the HIPAA Security Rule sections it gathers evidence for.
//
// The list is ours, not a copy of AWS's sample pack: it keeps the managed rules
// of "Operational Best Practices for HIPAA Security" that apply to the services
// this platform uses (and a few the sample pack dropped that still check our
// resources, such as log group encryption and retention), and leaves out rules
// for services we do not run (RDS, EC2 instances, load balancers...). Sections
// follow AWS's own mapping of each rule where the reference
// (shared/reference/hipaa-rules.md) gives one, Prowler's otherwise.
type ManagedRule struct {
	// Identifier is the managed rule's source identifier, e.g.
	// S3_BUCKET_VERSIONING_ENABLED.
	Identifier string
	// Sections are HIPAA Security Rule sections, e.g. "164.312(b)".
	Sections []string
	// Parameters are the rule's input parameters (all values are strings in a
	// Config rule).
	Parameters map[string]string
	// ResourceTypes limit a change-triggered rule to these CloudFormation
	// resource types; empty for periodic, account-level rules.
	ResourceTypes []string
}

// ConfigRuleName is the rule's name in the pack: the identifier in lowercase
// with hyphens (AWS Config appends a per-pack suffix when it deploys it).
func (r ManagedRule) ConfigRuleName() string {
	return strings.ReplaceAll(strings.ToLower(r.Identifier), "_", "-")
}

// logicalID is the rule's key in the template's Resources: the identifier in
// CamelCase.
func (r ManagedRule) logicalID() string {
	var b strings.Builder
	for _, word := range strings.Split(strings.ToLower(r.Identifier), "_") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// HIPAA sections, written once so the table below reads as a mapping.
var (
	sectionsAccessControl = []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"}
	sectionsEncryption    = []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"}
	sectionsContingency   = []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"}
	sectionsAuditLogging  = []string{"164.308(a)(3)(ii)(A)", "164.312(b)"}
	sectionsTrailEnabled  = []string{"164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(ii)", "164.312(b)", "164.312(e)(2)(i)"}
	sectionsIAMPolicies   = []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(B)", "164.312(a)(1)"}
	sectionsAuthenticate  = []string{"164.312(d)"}
)

// CloudFormation resource types the change-triggered rules are scoped to.
const (
	typeBucket        = "AWS::S3::Bucket"
	typeSecurityGroup = "AWS::EC2::SecurityGroup"
	typeFunction      = "AWS::Lambda::Function"
	typeTable         = "AWS::DynamoDB::Table"
	typeIAMPolicy     = "AWS::IAM::Policy"
	typeProject       = "AWS::CodeBuild::Project"
)

// MinLogRetentionDays is the retention the log-group rule checks for: six
// years, as every MediGuard log group keeps its events.
const MinLogRetentionDays = 2192

// HIPAARules returns the pack's rules. The IAM password policy rule is included
// only when the baseline sets the policy: with SSO-only sign-in there is no
// policy to check and the rule would report a permanent false failure.
func HIPAARules(passwordPolicy bool) []ManagedRule {
	rules := []ManagedRule{
		// Network.
		{Identifier: "VPC_FLOW_LOGS_ENABLED", Sections: []string{"164.308(a)(3)(ii)(A)", "164.312(b)"}},
		{Identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", Sections: []string{"164.312(e)(1)"}, ResourceTypes: []string{typeSecurityGroup}},
		{Identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", Sections: sectionsAccessControl, ResourceTypes: []string{"AWS::EC2::Subnet"}},
		{Identifier: "INCOMING_SSH_DISABLED", Sections: sectionsAccessControl, ResourceTypes: []string{typeSecurityGroup}},
		{
			Identifier: "RESTRICTED_INCOMING_TRAFFIC", Sections: sectionsAccessControl, ResourceTypes: []string{typeSecurityGroup},
			Parameters: map[string]string{"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "4333"},
		},
		{Identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", Sections: []string{"164.308(a)(1)(ii)(B)"}, ResourceTypes: []string{typeSecurityGroup}},
		{Identifier: "NO_UNRESTRICTED_ROUTE_TO_IGW", Sections: []string{"164.312(e)(1)"}, ResourceTypes: []string{"AWS::EC2::RouteTable"}},
		{Identifier: "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", Sections: []string{"164.308(a)(1)(ii)(B)"}, ResourceTypes: []string{"AWS::EC2::InternetGateway"}},

		// Keys.
		{Identifier: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION", Sections: []string{"164.308(a)(1)(ii)(B)"}, ResourceTypes: []string{"AWS::KMS::Key"}},
		{Identifier: "CMK_BACKING_KEY_ROTATION_ENABLED", Sections: []string{"164.312(a)(2)(iv)"}},

		// S3: encryption, integrity, logging, exposure, recovery.
		{Identifier: "S3_DEFAULT_ENCRYPTION_KMS", Sections: sectionsEncryption, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", Sections: []string{"164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(2)(ii)"}, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", Sections: []string{"164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"}, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_VERSIONING_ENABLED", Sections: append(slices.Clone(sectionsContingency), "164.312(c)(1)", "164.312(c)(2)"), ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Sections: []string{"164.308(a)(1)(ii)(B)"}, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_LOGGING_ENABLED", Sections: sectionsAuditLogging, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_PUBLIC_READ_PROHIBITED", Sections: sectionsAccessControl, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", Sections: sectionsAccessControl, ResourceTypes: []string{typeBucket}},
		{Identifier: "S3_BUCKET_REPLICATION_ENABLED", Sections: sectionsContingency, ResourceTypes: []string{typeBucket}},
		{
			Identifier: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", Sections: []string{"164.308(a)(1)(ii)(B)", "164.308(a)(3)(i)", "164.312(a)(1)"},
			Parameters: map[string]string{"BlockPublicAcls": "true", "BlockPublicPolicy": "true", "IgnorePublicAcls": "true", "RestrictPublicBuckets": "true"},
		},

		// Compute, messaging and state.
		{Identifier: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", Sections: sectionsAccessControl, ResourceTypes: []string{typeFunction}},
		{Identifier: "LAMBDA_INSIDE_VPC", Sections: sectionsAccessControl, ResourceTypes: []string{typeFunction}},
		{Identifier: "LAMBDA_CONCURRENCY_CHECK", Sections: []string{"164.312(b)"}, ResourceTypes: []string{typeFunction}},
		{Identifier: "SNS_ENCRYPTED_KMS", Sections: sectionsEncryption, ResourceTypes: []string{"AWS::SNS::Topic"}},
		{Identifier: "DYNAMODB_PITR_ENABLED", Sections: sectionsContingency, ResourceTypes: []string{typeTable}},
		{Identifier: "DYNAMODB_TABLE_ENCRYPTED_KMS", Sections: sectionsEncryption, ResourceTypes: []string{typeTable}},

		// Audit trail, logs and alarms.
		{Identifier: "CLOUD_TRAIL_ENABLED", Sections: sectionsTrailEnabled},
		{Identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED", Sections: sectionsTrailEnabled},
		{Identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED", Sections: sectionsEncryption},
		{Identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", Sections: []string{"164.312(c)(1)", "164.312(c)(2)"}},
		{Identifier: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", Sections: sectionsAuditLogging},
		{Identifier: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", Sections: sectionsAuditLogging},
		{Identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED", Sections: sectionsEncryption},
		{
			Identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK", Sections: []string{"164.312(b)"},
			Parameters: map[string]string{"MinRetentionTime": fmt.Sprint(MinLogRetentionDays)},
		},
		{
			Identifier: "CLOUDWATCH_ALARM_ACTION_CHECK", Sections: []string{"164.312(b)", "164.308(a)(6)(i)"}, ResourceTypes: []string{"AWS::CloudWatch::Alarm"},
			Parameters: map[string]string{"alarmActionRequired": "true", "insufficientDataActionRequired": "true", "okActionRequired": "false"},
		},

		// Identity and access.
		{Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", Sections: sectionsIAMPolicies, ResourceTypes: []string{typeIAMPolicy}},
		{Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", Sections: sectionsIAMPolicies, ResourceTypes: []string{typeIAMPolicy}},
		{
			Identifier: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", Sections: []string{"164.312(a)(2)(iv)"}, ResourceTypes: []string{typeIAMPolicy},
			Parameters: map[string]string{"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
		},
		{
			Identifier: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS", Sections: []string{"164.312(a)(2)(iv)"}, ResourceTypes: []string{"AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"},
			Parameters: map[string]string{"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
		},
		{Identifier: "IAM_ROOT_ACCESS_KEY_CHECK", Sections: sectionsAccessControl[:4]},
		{Identifier: "ROOT_ACCOUNT_MFA_ENABLED", Sections: sectionsAuthenticate},
		{Identifier: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", Sections: sectionsAuthenticate},
		{Identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", Sections: sectionsAuthenticate},
		{Identifier: "IAM_USER_MFA_ENABLED", Sections: sectionsAuthenticate},
		{Identifier: "IAM_USER_UNUSED_CREDENTIALS_CHECK", Sections: []string{"164.308(a)(3)(ii)(C)"}, Parameters: map[string]string{"maxCredentialUsageAge": "90"}},

		// Threat detection and posture.
		{Identifier: "GUARDDUTY_ENABLED_CENTRALIZED", Sections: []string{"164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(D)", "164.308(a)(5)(ii)(C)", "164.308(a)(6)(i)", "164.308(a)(6)(ii)", "164.312(b)"}},
		{Identifier: "SECURITYHUB_ENABLED", Sections: []string{"164.308(a)(1)(ii)(D)", "164.308(a)(6)(i)", "164.308(a)(6)(ii)", "164.308(a)(8)"}},

		// Delivery pipeline.
		{Identifier: "CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK", Sections: sectionsAccessControl[:4], ResourceTypes: []string{typeProject}},
		{Identifier: "CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK", Sections: sectionsAccessControl[:4], ResourceTypes: []string{typeProject}},
	}
	if passwordPolicy {
		rules = append(rules, ManagedRule{
			Identifier: "IAM_PASSWORD_POLICY", Sections: []string{"164.308(a)(4)(ii)(B)", "164.308(a)(5)(ii)(D)", "164.312(d)"},
			Parameters: passwordPolicyParameters(),
		})
	}
	return rules
}

// The IAM account password policy the baseline sets, and that the
// IAM_PASSWORD_POLICY rule checks.
const (
	PasswordMinimumLength   = 14
	PasswordReusePrevention = 24
	PasswordMaxAgeDays      = 90
)

func passwordPolicyParameters() map[string]string {
	return map[string]string{
		"MinimumPasswordLength":      fmt.Sprint(PasswordMinimumLength),
		"PasswordReusePrevention":    fmt.Sprint(PasswordReusePrevention),
		"MaxPasswordAge":             fmt.Sprint(PasswordMaxAgeDays),
		"RequireLowercaseCharacters": "true",
		"RequireUppercaseCharacters": "true",
		"RequireNumbers":             "true",
		"RequireSymbols":             "true",
	}
}

// MaxTemplateBytes is the largest template body AWS Config accepts inline.
const MaxTemplateBytes = 51200

// maxDescriptionLength is the longest description a Config rule may have.
const maxDescriptionLength = 256

// template is the CloudFormation-style conformance pack template.
type template struct {
	Resources map[string]templateResource `yaml:"Resources"`
}

type templateResource struct {
	Type       string         `yaml:"Type"`
	Properties ruleProperties `yaml:"Properties"`
}

type ruleProperties struct {
	ConfigRuleName  string            `yaml:"ConfigRuleName"`
	Description     string            `yaml:"Description"`
	InputParameters map[string]string `yaml:"InputParameters,omitempty"`
	Scope           *ruleScope        `yaml:"Scope,omitempty"`
	Source          ruleSource        `yaml:"Source"`
}

type ruleScope struct {
	ComplianceResourceTypes []string `yaml:"ComplianceResourceTypes"`
}

type ruleSource struct {
	Owner            string `yaml:"Owner"`
	SourceIdentifier string `yaml:"SourceIdentifier"`
}

// RenderTemplate renders the conformance pack template (YAML) for rules. It
// fails on a rule without identifier or sections, on duplicates and on a
// template too large for AWS Config, or on an empty list.
func RenderTemplate(rules []ManagedRule) (string, error) {
	if len(rules) == 0 {
		return "", fmt.Errorf("conformance pack has no rules")
	}
	t := template{Resources: map[string]templateResource{}}
	for i, r := range rules {
		if r.Identifier == "" || len(r.Sections) == 0 {
			return "", fmt.Errorf("conformance pack rule %d (%q): identifier and HIPAA sections are required", i, r.Identifier)
		}
		id := r.logicalID()
		if _, dup := t.Resources[id]; dup {
			return "", fmt.Errorf("conformance pack rule %s listed twice", r.Identifier)
		}
		description := "HIPAA " + strings.Join(r.Sections, ", ")
		if len(description) > maxDescriptionLength {
			return "", fmt.Errorf("conformance pack rule %s: description of %d characters exceeds %d", r.Identifier, len(description), maxDescriptionLength)
		}
		props := ruleProperties{
			ConfigRuleName:  r.ConfigRuleName(),
			Description:     description,
			InputParameters: r.Parameters,
			Source:          ruleSource{Owner: "AWS", SourceIdentifier: r.Identifier},
		}
		if len(r.ResourceTypes) > 0 {
			props.Scope = &ruleScope{ComplianceResourceTypes: r.ResourceTypes}
		}
		t.Resources[id] = templateResource{Type: "AWS::Config::ConfigRule", Properties: props}
	}
	body, err := yaml.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("render conformance pack template: %w", err)
	}
	if len(body) > MaxTemplateBytes {
		return "", fmt.Errorf("conformance pack template is %d bytes, more than the %d AWS Config accepts", len(body), MaxTemplateBytes)
	}
	return string(body), nil
}
