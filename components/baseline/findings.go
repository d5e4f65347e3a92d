package baseline

import (
	"encoding/json"
	"fmt"
)

// Findings reach people through EventBridge rules that send them to the
// operations topic, rather than through a GuardDuty publishing destination in
// S3: a finding must page someone within minutes, and a bucket is read by
// nobody until an investigation. GuardDuty and Security Hub keep the findings
// themselves (90 days), and Security Hub aggregates GuardDuty's.
//
// Only high and critical findings page. Lower severities stay in the consoles
// for the weekly review, so on-call engineers are not trained to ignore pages.

// MinimumGuardDutySeverity is the lowest GuardDuty severity that pages: 7.0 is
// where GuardDuty's "High" band starts.
const MinimumGuardDutySeverity = 7

// eventPattern is an EventBridge event pattern for AWS service events.
type eventPattern struct {
	Source     []string `json:"source"`
	DetailType []string `json:"detail-type"`
	Detail     any      `json:"detail"`
}

// numericAtLeast is the EventBridge numeric matcher [">=", n].
type numericAtLeast struct {
	Numeric [2]any `json:"numeric"`
}

// anythingBut is the EventBridge matcher that excludes values.
type anythingBut struct {
	AnythingBut []string `json:"anything-but"`
}

// guardDutyPattern matches GuardDuty findings of at least MinimumGuardDutySeverity.
func guardDutyPattern() eventPattern {
	return eventPattern{
		Source:     []string{"aws.guardduty"},
		DetailType: []string{"GuardDuty Finding"},
		Detail: map[string]any{
			"severity": []numericAtLeast{{Numeric: [2]any{">=", MinimumGuardDutySeverity}}},
		},
	}
}

// securityHubPattern matches new, active, high or critical Security Hub
// findings from every product except GuardDuty, whose findings page through
// their own rule (they would otherwise page twice).
func securityHubPattern() eventPattern {
	return eventPattern{
		Source:     []string{"aws.securityhub"},
		DetailType: []string{"Security Hub Findings - Imported"},
		Detail: map[string]any{
			"findings": map[string]any{
				"Severity":    map[string]any{"Label": []string{"HIGH", "CRITICAL"}},
				"Workflow":    map[string]any{"Status": []string{"NEW"}},
				"RecordState": []string{"ACTIVE"},
				"ProductName": []anythingBut{{AnythingBut: []string{"GuardDuty"}}},
			},
		},
	}
}

// render returns the pattern as EventBridge expects it.
func (p eventPattern) render() (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("render event pattern for %v: %w", p.Source, err)
	}
	return string(b), nil
}
