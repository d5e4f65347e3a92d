package platform

import (
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/delivery"
)

// exampleDelivery is a delivery configuration as a tooling stack would set it.
const exampleDelivery = `{
  "connectionArn": "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  "repository": "st-example-hospital/mediguard",
  "targets": [
    {"stack": "dev", "previewRoleArn": "arn:aws:iam::111111111111:role/mediguard-dev-preview", "deployRoleArn": "arn:aws:iam::111111111111:role/mediguard-dev-deploy", "backendUrl": "s3://mediguard-dev-state-0a1b2c3?region=us-east-1&awssdk=v2"},
    {"stack": "prod", "previewRoleArn": "arn:aws:iam::222222222222:role/mediguard-prod-preview", "deployRoleArn": "arn:aws:iam::222222222222:role/mediguard-prod-deploy", "backendUrl": "s3://mediguard-prod-state-4d5e6f7?region=us-east-1&awssdk=v2", "manualApproval": true}
  ]
}`

func TestDeliveryPipelineWhenTheStackOwnsIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		configure func(raw map[string]string)
		pipelines int
	}{
		{"not configured", func(raw map[string]string) { delete(raw, "delivery") }, 0},
		{"configured", func(raw map[string]string) { raw["delivery"] = exampleDelivery }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			syn, err := Synthesize(SynthOptions{Dir: "..", Stack: "prod", Program: Options{Archive: testArchive}, Configure: tc.configure})
			if err != nil {
				t.Fatal(err)
			}
			pipelines := syn.Recorder.ByType(delivery.TypeToken)
			if len(pipelines) != tc.pipelines {
				t.Fatalf("%d pipelines, want %d", len(pipelines), tc.pipelines)
			}
			if tc.pipelines == 0 {
				return
			}
			if got := len(syn.Recorder.ByType("aws:codebuild/project:Project")); got != 5 {
				t.Errorf("%d CodeBuild projects, want test plus preview and deploy of dev and prod", got)
			}
			for _, res := range syn.Recorder.Resources() {
				if res.Type == "aws:s3/bucketV2:BucketV2" && strings.HasPrefix(res.Name, deliveryName) && !res.Protect {
					t.Errorf("prod artifact bucket %s is not protected", res.Name)
				}
			}
			topic, ok := syn.Recorder.Named("aws:sns/topic:Topic", "operations-topic")
			if !ok {
				t.Fatal("no operations topic")
			}
			for _, rule := range []string{deliveryName + "-approval-needed", deliveryName + "-failed"} {
				target, ok := syn.Recorder.Named("aws:cloudwatch/eventTarget:EventTarget", rule)
				if !ok || !target.DependsOn(topic) {
					t.Errorf("pipeline notification %s does not go to the operations topic", rule)
				}
			}
			bucket, ok := syn.Recorder.Named("mediguard:storage:PhiBucket", deliveryName+"-artifacts")
			if !ok {
				t.Fatal("no artifact bucket")
			}
			if in := bucket.Inputs.Mappable(); in["objectLockMode"] != "COMPLIANCE" || in["objectLockRetentionDays"] != 2192.0 {
				t.Errorf("prod artifacts lock = %v %v, want the stack's COMPLIANCE lock", in["objectLockMode"], in["objectLockRetentionDays"])
			}
		})
	}
}

func TestDeliveryConfigErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	broken := strings.Replace(exampleDelivery, `"manualApproval": true`, `"manualApproval": false`, 1)
	broken = strings.Replace(broken, "st-example-hospital/mediguard", "mediguard", 1)
	_, err := Synthesize(SynthOptions{Dir: "..", Stack: "prod", Program: Options{Archive: testArchive},
		Configure: func(raw map[string]string) { raw["delivery"] = broken }})
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"config mediguard:delivery", "Targets[1]: stack prod needs ManualApproval", `Repository "mediguard" must be owner/name`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	_, err = Synthesize(SynthOptions{Dir: "..", Stack: "prod", Program: Options{Archive: testArchive},
		Configure: func(raw map[string]string) { raw["delivery"] = `{"repo": "x"}` }})
	if err == nil || !strings.Contains(err.Error(), `mediguard:delivery: invalid value: json: unknown field "repo"`) {
		t.Errorf("unknown field: %v", err)
	}
}
