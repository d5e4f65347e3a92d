package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/anomalydetector"
	"github.com/mediguard/mediguard/components/observability"
	"github.com/mediguard/mediguard/detection"
)

// TestComponentContract checks that the AnomalyDetector component deploys
// what this function reads: the environment variable names (and that they
// are all the function needs), the tables' key and TTL attributes, the
// defaults, and the evidence key prefix its write permission is scoped to.
func TestComponentContract(t *testing.T) {
	t.Parallel()
	names := map[string]string{
		anomalydetector.EnvFramesBucket:          EnvFramesBucket,
		anomalydetector.EnvFrameKeyPrefix:        EnvFrameKeyPrefix,
		anomalydetector.EnvStateTable:            EnvStateTable,
		anomalydetector.EnvEpisodeTable:          EnvEpisodeTable,
		anomalydetector.EnvAlertTopicARN:         EnvAlertTopicARN,
		anomalydetector.EnvEvidenceBucket:        EnvEvidenceBucket,
		anomalydetector.EnvEvidenceKMSKeyARN:     EnvEvidenceKMSKeyARN,
		anomalydetector.EnvEvidenceLockMode:      EnvEvidenceLockMode,
		anomalydetector.EnvEvidenceRetentionDays: EnvEvidenceRetentionDays,
		anomalydetector.EnvCameraConfigPrefix:    EnvCameraConfigPrefix,
	}
	for component, function := range names {
		if component != function {
			t.Errorf("component sets %s, function reads %s", component, function)
		}
	}
	// The component's variables (plus AWS_LAMBDA_FUNCTION_NAME, which Lambda
	// sets) are enough for the function to start.
	env := map[string]string{
		anomalydetector.EnvFramesBucket:          testBucket,
		anomalydetector.EnvFrameKeyPrefix:        anomalydetector.DefaultFrameKeyPrefix,
		anomalydetector.EnvStateTable:            "detector-state-1a2b3c",
		anomalydetector.EnvEpisodeTable:          "detector-episodes-4d5e6f",
		anomalydetector.EnvAlertTopicARN:         testTopicARN,
		anomalydetector.EnvEvidenceBucket:        evidenceBucket,
		anomalydetector.EnvEvidenceKMSKeyARN:     testKMSKeyARN,
		anomalydetector.EnvEvidenceLockMode:      anomalydetector.DefaultEvidenceLockMode,
		anomalydetector.EnvEvidenceRetentionDays: "2192",
		anomalydetector.EnvCameraConfigPrefix:    anomalydetector.DefaultCameraConfigPrefix,
		EnvFunctionName:                          "detector",
	}
	getenv := func(k string) string { return env[k] }
	if _, err := ConfigFromEnv(getenv); err != nil {
		t.Errorf("notification config from the component's environment: %v", err)
	}
	if _, err := PipelineConfigFromEnv(getenv); err != nil {
		t.Errorf("pipeline config from the component's environment: %v", err)
	}

	for what, pair := range map[string][2]string{
		"state table hash key":      {anomalydetector.StateTableHashKey, attrCameraID},
		"state table TTL":           {anomalydetector.StateTableTTLAttribute, attrExpiresAt},
		"episode table hash key":    {anomalydetector.EpisodeTableHashKey, attrEpisodeID},
		"episode table TTL":         {anomalydetector.EpisodeTableTTLAttribute, attrExpiresAt},
		"camera config prefix":      {anomalydetector.DefaultCameraConfigPrefix, DefaultCameraConfigPrefix},
		"evidence lock mode":        {anomalydetector.DefaultEvidenceLockMode, DefaultEvidenceLockMode},
		"frame key suffix":          {anomalydetector.FrameSuffix, ".jpg"},
		"evidence retention (days)": {strconv.Itoa(anomalydetector.DefaultEvidenceRetentionDays), strconv.Itoa(DefaultEvidenceRetentionDays)},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s: component %q, function %q", what, pair[0], pair[1])
		}
	}
	key := EvidenceKey(detection.Event{CameraID: "cam-301", EpisodeID: "0123456789abcdef0123456789abcdef"})
	if !strings.HasPrefix(key, anomalydetector.EvidenceKeyPrefix) {
		t.Errorf("evidence key %s is outside the component's write scope %s*", key, anomalydetector.EvidenceKeyPrefix)
	}
}

// TestMetricContract checks that the detector publishes its event counts under
// the namespace, metric and dimensions the platform dashboard charts.
func TestMetricContract(t *testing.T) {
	t.Parallel()
	for function, dashboard := range map[string]string{
		MetricNamespace:       observability.DetectionNamespace,
		MetricEvents:          observability.DetectionEventsMetric,
		DimensionFunctionName: observability.FunctionNameDimension,
		DimensionEventType:    observability.EventTypeDimension,
	} {
		if function != dashboard {
			t.Errorf("function publishes %q, the dashboard reads %q", function, dashboard)
		}
	}
}
