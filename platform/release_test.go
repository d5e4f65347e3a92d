package platform

import (
	"testing"

	"github.com/mediguard/mediguard/components/anomalydetector"
)

func TestDetectorReleasesThroughCodeDeploy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		stack   string
		routing string
		config  string
	}{
		{"dev", "AllAtOnce", "detector-AllAtOnce"},
		{"prod", "TimeBasedCanary", "detector-TimeBasedCanary-10pct-10min"},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			t.Parallel()
			rec := synth(t, tt.stack, false, nil).Recorder
			config, ok := rec.Named("aws:codedeploy/deploymentConfig:DeploymentConfig", "detector-release")
			if !ok {
				t.Fatalf("no deployment config; registered %v", rec.TypeCounts())
			}
			routing, _ := config.Inputs.Mappable()["trafficRoutingConfig"].(map[string]any)
			if routing["type"] != tt.routing || config.InputString("deploymentConfigName") != tt.config {
				t.Errorf("deployment config %s routing %v, want %s with %s", config.InputString("deploymentConfigName"), routing, tt.config, tt.routing)
			}
			alias, ok := rec.Named("aws:lambda/alias:Alias", "detector-live")
			if !ok || alias.InputString("name") != anomalydetector.LiveAlias {
				t.Fatalf("no %s alias on the detector", anomalydetector.LiveAlias)
			}
			mapping, ok := rec.Named("aws:lambda/eventSourceMapping:EventSourceMapping", "detector-frames-mapping")
			if !ok || !mapping.DependsOn(alias) {
				t.Errorf("the frame queue's event source mapping does not invoke the live alias")
			}
		})
	}
}
