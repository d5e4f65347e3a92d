package compliance

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repoRoot is the project directory, relative to this package.
const repoRoot = ".."

func TestServiceOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		token, want string
	}{
		{"aws:kinesis/videoStream:VideoStream", "Amazon Kinesis Video Streams"},
		{"aws:kinesis/stream:Stream", "Amazon Kinesis Data Streams"},
		{"aws:cloudwatch/logGroup:LogGroup", "Amazon CloudWatch Logs"},
		{"aws:cloudwatch/eventRule:EventRule", "Amazon EventBridge"},
		{"aws:cloudwatch/metricAlarm:MetricAlarm", "Amazon CloudWatch"},
		{"aws:ec2/vpcEndpoint:VpcEndpoint", "Amazon Virtual Private Cloud (VPC)"},
		{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "Amazon Virtual Private Cloud (VPC)"},
		{"aws:ec2/instance:Instance", "Amazon Elastic Compute Cloud (EC2)"},
		{"aws:cfg/recorder:Recorder", "AWS Config"},
		{"aws:s3/bucketV2:BucketV2", "Amazon S3"},
	}
	for _, tc := range tests {
		got, err := ServiceOf(tc.token)
		if err != nil || got.Name != tc.want {
			t.Errorf("ServiceOf(%s) = %q, %v; want %q", tc.token, got.Name, err, tc.want)
		}
	}
	for _, token := range []string{
		"aws:apigateway/restApi:RestApi", // a service not on the list
		"aws:rekognition/collection:Collection",
		"mediguard:storage:PhiBucket", // not an AWS resource
		"aws:s3",                      // malformed
	} {
		if s, err := ServiceOf(token); err == nil {
			t.Errorf("ServiceOf(%s) = %s, want an error", token, s.Name)
		}
	}
}

func TestEligibleListIsWellFormed(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	owner := map[string]string{}
	for _, s := range Eligible {
		if s.Name == "" || names[s.Name] {
			t.Errorf("service name %q is empty or listed twice", s.Name)
		}
		names[s.Name] = true
		if strings.TrimSpace(s.Safeguards) == "" {
			t.Errorf("%s has no safeguards", s.Name)
		}
		for _, pattern := range s.Types {
			module, resource, ok := strings.Cut(pattern, "/")
			if !ok || module == "" || strings.Contains(resource, "/") {
				t.Errorf("%s: type pattern %q is not <module>/ or <module>/<resource>", s.Name, pattern)
			}
			if other, dup := owner[pattern]; dup {
				t.Errorf("type pattern %q belongs to both %s and %s", pattern, other, s.Name)
			}
			owner[pattern] = s.Name
		}
	}
}

// TestProgramUsesOnlyEligibleServices is the BAA gate: every AWS resource
// the program registers, in every variant, belongs to a service on the
// HIPAA-eligible list.
func TestProgramUsesOnlyEligibleServices(t *testing.T) {
	t.Parallel()
	usage, err := ProgramUsage(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range usage {
		names = append(names, u.Service.Name)
	}
	// The services without which the platform is not what its documents say.
	for _, want := range []string{"Amazon Kinesis Video Streams", "Amazon S3", "AWS Lambda", "AWS Key Management Service (KMS)", "AWS CloudTrail", "AWS CodePipeline", "AWS CodeBuild"} {
		if !slices.Contains(names, want) {
			t.Errorf("program usage misses %s: %v", want, names)
		}
	}
	// The bootstrap project's state bucket and keys are covered too.
	for _, u := range usage {
		if (u.Service.Name == "Amazon S3" || u.Service.Name == "AWS Key Management Service (KMS)") && !slices.Contains(u.Variants, "bootstrap prod") {
			t.Errorf("%s is not seen in the bootstrap project: %v", u.Service.Name, u.Variants)
		}
	}
}

func TestChecklistIsCurrent(t *testing.T) {
	t.Parallel()
	usage, err := ProgramUsage(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	want, err := RenderChecklist(usage)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(repoRoot, ChecklistPath))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run `go generate ./compliance`", ChecklistPath)
	}
	for _, u := range usage {
		if !bytes.Contains(got, []byte("| "+u.Service.Name+" |")) {
			t.Errorf("%s does not list %s", ChecklistPath, u.Service.Name)
		}
	}
}

func TestRenderChecklistRefusesUndocumentedServices(t *testing.T) {
	t.Parallel()
	_, err := RenderChecklist([]Usage{{Service: Service{Name: "Amazon Example"}, Variants: []string{"dev"}}})
	if err == nil || !strings.Contains(err.Error(), "Amazon Example is used but has no safeguards") {
		t.Errorf("err = %v", err)
	}
}
