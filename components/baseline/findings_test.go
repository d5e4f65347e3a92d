package baseline

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestFindingPatternsRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pattern eventPattern
		want    string
	}{
		{"guardduty", guardDutyPattern(),
			`{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",7]}]}}`},
		{"securityhub", securityHubPattern(),
			`{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],"detail":{"findings":{"ProductName":[{"anything-but":["GuardDuty"]}],"RecordState":["ACTIVE"],"Severity":{"Label":["HIGH","CRITICAL"]},"Workflow":{"Status":["NEW"]}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.pattern.render()
			if err != nil {
				t.Fatal(err)
			}
			var gotValue, wantValue any
			if err := json.Unmarshal([]byte(got), &gotValue); err != nil {
				t.Fatalf("pattern is not JSON: %v", err)
			}
			if err := json.Unmarshal([]byte(tc.want), &wantValue); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotValue, wantValue) {
				t.Errorf("pattern =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
