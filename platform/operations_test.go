package platform

import (
	"strings"
	"testing"

	"github.com/mediguard/mediguard/components/baseline"
	"github.com/mediguard/mediguard/components/observability"
	"github.com/mediguard/mediguard/internal/recorder"
)

func TestBothStacksComposeTheOperationsLayer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		stack   string
		cameras int
	}{{"dev", 2}, {"prod", 4}} {
		t.Run(tt.stack, func(t *testing.T) {
			t.Parallel()
			rec := synth(t, tt.stack, false, nil).Recorder
			counts := rec.TypeCounts()
			for token, want := range map[string]int{
				observability.TopicTypeToken:                                  1,
				observability.TypeToken:                                       1,
				baseline.TypeToken:                                            1,
				"aws:guardduty/detector:Detector":                             1,
				"aws:cfg/conformancePack:ConformancePack":                     1,
				"aws:cloudwatch/dashboard:Dashboard":                          1,
				"aws:cloudwatch/logMetricFilter:LogMetricFilter":              len(observability.SecurityFilters()),
				"aws:securityhub/standardsSubscription:StandardsSubscription": 2,
				"aws:iam/accountPasswordPolicy:AccountPasswordPolicy":         0,
				"aws:sns/topic:Topic":                                         2, // operations and clinical alerts
			} {
				if counts[token] != want {
					t.Errorf("%s: %d registered, want %d", token, counts[token], want)
				}
			}
			// One ingestion alarm per camera stream.
			ingestion := 0
			for _, a := range rec.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
				if strings.HasSuffix(a.Name, "-ingestion-stopped") {
					ingestion++
				}
			}
			if ingestion != tt.cameras {
				t.Errorf("%d ingestion alarms for %d cameras", ingestion, tt.cameras)
			}
		})
	}
}

func TestEveryAlarmAndFindingNotifiesTheOperationsTopic(t *testing.T) {
	t.Parallel()
	rec := synth(t, "prod", false, nil).Recorder
	mustResource(t, rec, "aws:sns/topic:Topic", "operations-topic")
	// The ARN the recorder gives the operations topic (prod is in us-east-1).
	topicARN := "arn:aws:sns:us-east-1:" + recorder.Account + ":operations-topic"
	for _, a := range rec.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		actions, _ := a.Inputs.Mappable()["alarmActions"].([]any)
		if len(actions) != 1 || actions[0] != topicARN {
			t.Errorf("alarm %s notifies %v, want the operations topic", a.Name, actions)
		}
	}
	findings := 0
	for _, target := range rec.ByType("aws:cloudwatch/eventTarget:EventTarget") {
		if !strings.HasPrefix(target.Name, "baseline-") {
			continue
		}
		findings++
		if target.InputString("arn") != topicARN {
			t.Errorf("findings rule %s targets %q", target.Name, target.InputString("arn"))
		}
	}
	if findings != 2 {
		t.Errorf("%d findings rules, want GuardDuty's and Security Hub's", findings)
	}
	// EventBridge delivers findings to a topic encrypted with the audit key only
	// if the key admits it.
	key := mustResource(t, rec, "aws:kms/key:Key", "audit-key")
	if !strings.Contains(key.InputString("policy"), "events.amazonaws.com") {
		t.Error("the audit key policy does not admit EventBridge")
	}
}

func TestSecurityFiltersReadTheTrailLogGroup(t *testing.T) {
	t.Parallel()
	rec := synth(t, "dev", false, nil).Recorder
	var trailGroups []recorder.Resource
	for _, g := range rec.ByType("aws:cloudwatch/logGroup:LogGroup") {
		if strings.HasPrefix(g.InputString("name"), "/aws/cloudtrail/") {
			trailGroups = append(trailGroups, g)
		}
	}
	if len(trailGroups) != 1 {
		t.Fatalf("%d trail log groups", len(trailGroups))
	}
	for _, f := range rec.ByType("aws:cloudwatch/logMetricFilter:LogMetricFilter") {
		if !f.DependsOn(trailGroups[0]) || f.InputString("logGroupName") != trailGroups[0].InputString("name") {
			t.Errorf("metric filter %s does not read the trail's log group", f.Name)
		}
	}
}

func TestEveryLogGroupIsEncryptedAndKeptSixYears(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		rec := synth(t, stack, false, nil).Recorder
		for _, g := range rec.ByType("aws:cloudwatch/logGroup:LogGroup") {
			in := g.Inputs.Mappable()
			if in["kmsKeyId"] == nil || in["kmsKeyId"] == "" {
				t.Errorf("%s: log group %s is not KMS-encrypted", stack, g.Name)
			}
			if days, _ := in["retentionInDays"].(float64); days < hipaaRetentionDays {
				t.Errorf("%s: log group %s keeps %v days", stack, g.Name, in["retentionInDays"])
			}
		}
	}
}

func TestBaselineConfigKeys(t *testing.T) {
	t.Parallel()
	t.Run("parts off in dev", func(t *testing.T) {
		t.Parallel()
		rec := synth(t, "dev", false, func(raw map[string]string) {
			raw["baseline"] = `{"guardDuty":false,"securityHub":false,"config":false,"publicAccessBlock":false,"passwordPolicy":false}`
		}).Recorder
		if n := len(rec.ByType(baseline.TypeToken)); n != 0 {
			t.Errorf("%d baselines with every part off", n)
		}
		if n := len(rec.ByType(observability.TypeToken)); n != 1 {
			t.Errorf("%d observability components", n)
		}
	})
	t.Run("password policy on", func(t *testing.T) {
		t.Parallel()
		rec := synth(t, "dev", false, func(raw map[string]string) {
			raw["baseline"] = `{"guardDuty":true,"securityHub":true,"config":true,"publicAccessBlock":true,"passwordPolicy":true}`
		}).Recorder
		if n := len(rec.ByType("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")); n != 1 {
			t.Errorf("%d password policies", n)
		}
	})
	t.Run("errors name the key", func(t *testing.T) {
		t.Parallel()
		_, err := Synthesize(SynthOptions{
			Dir: "..", Stack: "prod", Program: Options{Archive: testArchive},
			Configure: func(raw map[string]string) {
				raw["baseline"] = `{"guardDuty":false,"securityHub":true,"config":false,"publicAccessBlock":true}`
				raw["operationsSubscribers"] = `[{"protocol":"http","endpoint":""}]`
			},
		})
		if err == nil {
			t.Fatal("expected an error")
		}
		for _, want := range []string{
			"mediguard:baseline.guardDuty", "mediguard:baseline.config",
			"mediguard:operationsSubscribers[0].protocol", "mediguard:operationsSubscribers[0].endpoint",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not name %s: %v", want, err)
			}
		}
	})
	t.Run("typo in a baseline key", func(t *testing.T) {
		t.Parallel()
		_, err := ParseStackConfig("us-east-1", map[string]string{"environment": "dev", "baseline": `{"guardDutty":true}`})
		if err == nil || !strings.Contains(err.Error(), "mediguard:baseline") {
			t.Errorf("err = %v", err)
		}
	})
}

func mustResource(t *testing.T, rec *recorder.Recorder, token, name string) recorder.Resource {
	t.Helper()
	r, ok := rec.Named(token, name)
	if !ok {
		t.Fatalf("no %s named %s", token, name)
	}
	return r
}
