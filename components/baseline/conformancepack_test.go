package baseline

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// parsedTemplate is the template as AWS Config reads it.
type parsedTemplate struct {
	Resources map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			ConfigRuleName  string            `yaml:"ConfigRuleName"`
			Description     string            `yaml:"Description"`
			InputParameters map[string]string `yaml:"InputParameters"`
			Scope           struct {
				ComplianceResourceTypes []string `yaml:"ComplianceResourceTypes"`
			} `yaml:"Scope"`
			Source struct {
				Owner            string `yaml:"Owner"`
				SourceIdentifier string `yaml:"SourceIdentifier"`
			} `yaml:"Source"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

var (
	sectionPattern     = regexp.MustCompile(`^164\.3(08|10|12|14|16)\([a-z]\)(\(\d+\))?(\((i|ii|iii|iv|v|vi)\))?(\([A-Z]\))?$`)
	identifierPattern  = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)
	resourceTypeFormat = regexp.MustCompile(`^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$`)
)

func TestRenderedTemplateParsesAndListsEveryRule(t *testing.T) {
	t.Parallel()
	for _, passwordPolicy := range []bool{false, true} {
		rules := HIPAARules(passwordPolicy)
		body, err := RenderTemplate(rules)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		var parsed parsedTemplate
		if err := yaml.Unmarshal([]byte(body), &parsed); err != nil {
			t.Fatalf("template does not parse: %v", err)
		}
		if len(parsed.Resources) != len(rules) {
			t.Errorf("template has %d resources for %d rules", len(parsed.Resources), len(rules))
		}
		byIdentifier := map[string]bool{}
		for id, res := range parsed.Resources {
			p := res.Properties
			if res.Type != "AWS::Config::ConfigRule" || p.Source.Owner != "AWS" {
				t.Errorf("%s: type %q owner %q", id, res.Type, p.Source.Owner)
			}
			byIdentifier[p.Source.SourceIdentifier] = true
		}
		for _, r := range rules {
			if !byIdentifier[r.Identifier] {
				t.Errorf("rule %s missing from the template", r.Identifier)
				continue
			}
			res := parsed.Resources[r.logicalID()]
			p := res.Properties
			if p.ConfigRuleName != r.ConfigRuleName() || p.Description != "HIPAA "+strings.Join(r.Sections, ", ") {
				t.Errorf("%s: name %q description %q", r.Identifier, p.ConfigRuleName, p.Description)
			}
			if len(r.Parameters) > 0 && !mapsEqual(p.InputParameters, r.Parameters) {
				t.Errorf("%s: parameters %v, want %v", r.Identifier, p.InputParameters, r.Parameters)
			}
			if !slices.Equal(p.Scope.ComplianceResourceTypes, r.ResourceTypes) {
				t.Errorf("%s: scope %v, want %v", r.Identifier, p.Scope.ComplianceResourceTypes, r.ResourceTypes)
			}
		}
		if got := byIdentifier["IAM_PASSWORD_POLICY"]; got != passwordPolicy {
			t.Errorf("password policy %v: IAM_PASSWORD_POLICY in pack = %v", passwordPolicy, got)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRuleTableIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range HIPAARules(true) {
		if !identifierPattern.MatchString(r.Identifier) {
			t.Errorf("identifier %q is not a managed rule identifier", r.Identifier)
		}
		if seen[r.Identifier] {
			t.Errorf("%s listed twice", r.Identifier)
		}
		seen[r.Identifier] = true
		if len(r.Sections) == 0 {
			t.Errorf("%s has no HIPAA section", r.Identifier)
		}
		for _, s := range r.Sections {
			if !sectionPattern.MatchString(s) {
				t.Errorf("%s: %q is not a HIPAA Security Rule section", r.Identifier, s)
			}
		}
		for _, typ := range r.ResourceTypes {
			if !resourceTypeFormat.MatchString(typ) {
				t.Errorf("%s: %q is not a CloudFormation resource type", r.Identifier, typ)
			}
		}
	}
	// The services the platform runs each have at least one rule.
	for _, want := range []string{
		"S3_DEFAULT_ENCRYPTION_KMS", "S3_BUCKET_SSL_REQUESTS_ONLY", "SNS_ENCRYPTED_KMS", "LAMBDA_INSIDE_VPC",
		"DYNAMODB_PITR_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "VPC_FLOW_LOGS_ENABLED", "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
		"GUARDDUTY_ENABLED_CENTRALIZED", "SECURITYHUB_ENABLED", "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
	} {
		if !seen[want] {
			t.Errorf("pack lacks %s", want)
		}
	}
}

func TestRenderTemplateRejectsBadTables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []ManagedRule
		want  string
	}{
		{"empty", nil, "no rules"},
		{"no sections", []ManagedRule{{Identifier: "SNS_ENCRYPTED_KMS"}}, "HIPAA sections are required"},
		{"duplicate", []ManagedRule{{Identifier: "A_B", Sections: []string{"164.312(b)"}}, {Identifier: "A_B", Sections: []string{"164.312(b)"}}}, "listed twice"},
		{"description too long", []ManagedRule{{Identifier: "A_B", Sections: slices.Repeat([]string{"164.308(a)(1)(ii)(B)"}, 20)}}, "exceeds 256"},
		{"template too large", func() []ManagedRule {
			var rules []ManagedRule
			for i := range 400 {
				rules = append(rules, ManagedRule{Identifier: "RULE_" + strings.Repeat("X", i%50) + "_" + string(rune('A'+i%26)) + string(rune('A'+i/26)), Sections: []string{"164.312(b)", "164.312(c)(1)", "164.312(e)(1)"}})
			}
			return rules
		}(), "more than the 51200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := RenderTemplate(tc.rules); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestConfigRuleNames(t *testing.T) {
	t.Parallel()
	r := ManagedRule{Identifier: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"}
	if got := r.ConfigRuleName(); got != "s3-account-level-public-access-blocks-periodic" {
		t.Errorf("ConfigRuleName = %q", got)
	}
	if got := r.logicalID(); got != "S3AccountLevelPublicAccessBlocksPeriodic" {
		t.Errorf("logicalID = %q", got)
	}
}
