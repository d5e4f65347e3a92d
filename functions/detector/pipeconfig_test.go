package main

import (
	"strings"
	"testing"
	"time"
)

func TestPipelineConfigFromEnv(t *testing.T) {
	t.Parallel()
	valid := map[string]string{
		EnvStateTable:        "detector-state",
		EnvEpisodeTable:      "detector-episodes",
		EnvAlertTopicARN:     testTopicARN,
		EnvEvidenceBucket:    evidenceBucket,
		EnvEvidenceKMSKeyARN: testKMSKeyARN,
		EnvFunctionName:      "mediguard-dev-detector",
	}
	with := func(changes map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range valid {
			env[k] = v
		}
		for k, v := range changes {
			env[k] = v
		}
		return env
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    PipelineConfig
		wantErr []string
	}{
		{
			name: "defaults",
			env:  valid,
			want: PipelineConfig{
				StateTable: "detector-state", EpisodeTable: "detector-episodes", AlertTopicARN: testTopicARN,
				EvidenceBucket: evidenceBucket, EvidenceKMSKeyARN: testKMSKeyARN, EvidenceLockMode: "COMPLIANCE",
				EvidenceRetention: 2192 * 24 * time.Hour, CameraConfigPrefix: "cameras/", Actor: "mediguard-dev-detector",
			},
		},
		{
			name: "explicit lock and prefix",
			env:  with(map[string]string{EnvEvidenceLockMode: "GOVERNANCE", EnvEvidenceRetentionDays: "30", EnvCameraConfigPrefix: "config/cameras/"}),
			want: PipelineConfig{
				StateTable: "detector-state", EpisodeTable: "detector-episodes", AlertTopicARN: testTopicARN,
				EvidenceBucket: evidenceBucket, EvidenceKMSKeyARN: testKMSKeyARN, EvidenceLockMode: "GOVERNANCE",
				EvidenceRetention: 30 * 24 * time.Hour, CameraConfigPrefix: "config/cameras/", Actor: "mediguard-dev-detector",
			},
		},
		{
			name: "everything wrong",
			env: map[string]string{
				EnvStateTable: "x", EnvAlertTopicARN: "arn:aws:sqs:us-east-1:111122223333:q", EnvEvidenceBucket: "Evidence",
				EnvEvidenceKMSKeyARN: "alias/mediguard/dev/phi", EnvEvidenceLockMode: "LEGAL_HOLD",
				EnvEvidenceRetentionDays: "forever", EnvCameraConfigPrefix: "/cameras",
			},
			wantErr: []string{"state table", "episode table", "alert topic", "evidence bucket", "evidence KMS key", "lock mode", EnvEvidenceRetentionDays, "camera config prefix"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := PipelineConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("PipelineConfigFromEnv succeeded, want errors naming %v", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error does not name %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("config =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
