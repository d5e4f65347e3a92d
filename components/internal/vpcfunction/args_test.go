package vpcfunction

import (
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string // "" means accepted
	}{
		{"function name", CheckFunctionName("mediguard-detector_1"), ""},
		{"function name of 64 characters", CheckFunctionName(strings.Repeat("a", 64)), ""},
		{"function name too long", CheckFunctionName(strings.Repeat("a", 65)), "FunctionName: "},
		{"function name with a dot", CheckFunctionName("detector.v2"), `FunctionName: "detector.v2" must be`},
		{"empty function name", CheckFunctionName(""), "FunctionName: "},
		{"six years of logs", CheckLogRetentionDays(2192), ""},
		{"the retention floor", CheckLogRetentionDays(MinLogRetentionDays), ""},
		{"retention below the floor", CheckLogRetentionDays(180), "LogRetentionDays: 180 must be a CloudWatch Logs retention value of at least 365"},
		{"retention CloudWatch refuses", CheckLogRetentionDays(1000), "LogRetentionDays: 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			switch {
			case tt.want == "" && tt.err != nil:
				t.Errorf("refused: %v", tt.err)
			case tt.want != "" && (tt.err == nil || !strings.Contains(tt.err.Error(), tt.want)):
				t.Errorf("err = %v, want one containing %q", tt.err, tt.want)
			}
		})
	}
}

func TestCheckTagsNamesEachBadTagInKeyOrder(t *testing.T) {
	t.Parallel()
	errs := CheckTags(map[string]string{
		"environment":   "dev",
		"aws:createdBy": "x",
		"":              "empty key",
		"owner":         strings.Repeat("v", 257),
	})
	var got []string
	for _, err := range errs {
		got = append(got, err.Error()[:strings.Index(err.Error(), ":")+1])
	}
	if want := []string{`Tags[""]:`, `Tags["aws:`, `Tags["owner"]:`}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("errors = %q, want %q", got, want)
	}
	if errs := CheckTags(nil); len(errs) != 0 {
		t.Errorf("no tags: %v", errs)
	}
}

func TestIsEmptyArray(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   pulumi.StringArrayInput
		want bool
	}{
		{"missing", nil, true},
		{"empty literal", pulumi.StringArray{}, true},
		{"literal", pulumi.ToStringArray([]string{"subnet-1"}), false},
		{"output of another resource", pulumi.StringArray{}.ToStringArrayOutput(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsEmptyArray(tt.in); got != tt.want {
				t.Errorf("IsEmptyArray = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTagsClassifyChildrenAsPHI(t *testing.T) {
	t.Parallel()
	caller := map[string]string{"environment": "dev", "managed-by": "someone-else"}
	got := Tags(caller)
	want := pulumi.StringMap{
		"environment":         pulumi.String("dev"),
		"managed-by":          pulumi.String("mediguard"),
		"data-classification": pulumi.String("PHI"),
	}
	if !maps.Equal(got, want) {
		t.Errorf("tags = %v, want %v", got, want)
	}
	if caller["managed-by"] != "someone-else" {
		t.Errorf("caller's tags were modified: %v", caller)
	}
}

func TestLogGroupName(t *testing.T) {
	t.Parallel()
	if got := LogGroupName("mediguard-detector"); got != "/aws/lambda/mediguard-detector" {
		t.Errorf("LogGroupName = %q", got)
	}
}
