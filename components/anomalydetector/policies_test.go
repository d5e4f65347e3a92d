package anomalydetector

import (
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/policydoc"
)

func TestBucketNameFromARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn     string
		want    string
		wantErr bool
	}{
		{arn: "arn:aws:s3:::mediguard-dev-evidence", want: "mediguard-dev-evidence"},
		{arn: "arn:aws-us-gov:s3:::evidence.gov", want: "evidence.gov"},
		{arn: "arn:aws:s3:::evidence/objects/*", wantErr: true},
		{arn: "arn:aws:sqs:us-east-1:123456789012:queue", wantErr: true},
		{arn: "arn:aws:s3:::", wantErr: true},
		{arn: "mediguard-dev-evidence", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.arn, func(t *testing.T) {
			t.Parallel()
			got, err := bucketNameFromARN(tc.arn)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("bucketNameFromARN(%q) = %q, want an error", tc.arn, got)
				}
				if !strings.Contains(err.Error(), tc.arn) {
					t.Errorf("error %q does not name the ARN", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("bucketNameFromARN(%q) = %q, %v; want %q", tc.arn, got, err, tc.want)
			}
		})
	}
}

// TestExecutionPolicyRejectsDuplicateExtraSids checks that an extra statement
// reusing one of the component's Sids fails rendering instead of shadowing it.
func TestExecutionPolicyRejectsDuplicateExtraSids(t *testing.T) {
	t.Parallel()
	env := environment{AccountID: "123456789012", Region: "us-east-1", Partition: "aws"}
	extra := policydoc.Statement{Sid: SidPublishAlerts, Effect: policydoc.Allow, Actions: []string{"sns:Publish"}, Resources: []string{"*"}}
	_, err := executionPolicy(env, roleARNs{SubnetIDs: []string{"subnet-1"}}, []policydoc.Statement{extra}).JSON()
	if err == nil || !strings.Contains(err.Error(), SidPublishAlerts) {
		t.Errorf("render error = %v, want a duplicate Sid error naming %s", err, SidPublishAlerts)
	}
}

func TestAlarmSpecs(t *testing.T) {
	t.Parallel()
	specs := alarmSpecs(600)
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.Suffix] {
			t.Errorf("duplicate alarm suffix %s", s.Suffix)
		}
		seen[s.Suffix] = true
		if s.Description == "" || s.Namespace == "" || s.Metric == "" || s.Statistic == "" {
			t.Errorf("alarm %s is incomplete: %+v", s.Suffix, s)
		}
	}
	if len(specs) != 4 {
		t.Errorf("%d alarms, want 4", len(specs))
	}
	if age := specs[3]; age.Metric != "ApproximateAgeOfOldestMessage" || age.Threshold != 600 {
		t.Errorf("queue age alarm = %+v, want threshold 600", age)
	}
}
