package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/baseline"
	"github.com/mediguard/mediguard/components/observability"
	"github.com/mediguard/mediguard/components/phibucket"
)

// composeOperationsTopic creates the operations topic. compose calls it before
// the detector, the trail and the baseline, whose alarms and findings rules
// notify it.
func composeOperationsTopic(ctx *pulumi.Context, cfg StackConfig, d *deployment) error {
	subscribers := make([]observability.Subscriber, len(cfg.OperationsSubscribers))
	for i, s := range cfg.OperationsSubscribers {
		subscribers[i] = observability.Subscriber{Protocol: s.Protocol, Endpoint: configString(ctx, "operationsSubscribers", s.Endpoint)}
	}
	var err error
	d.operations, err = observability.NewOperationsTopic(ctx, "operations", &observability.OperationsTopicArgs{
		KMSKeyARN:   d.auditKey.KeyARN,
		Subscribers: subscribers,
		Tags:        stackTags(cfg),
	})
	return err
}

// composeOperations creates the security baseline and the platform's
// observability once everything they watch exists: the baseline's findings
// and every alarm go to the operations topic; the dashboard charts the
// detector, its queues, the alert topic and the video streams; the security
// metric filters read the trail's log group.
func composeOperations(ctx *pulumi.Context, cfg StackConfig, d *deployment) error {
	b := cfg.Baseline
	args := &baseline.BaselineArgs{
		DisableGuardDuty:                !b.GuardDuty,
		DisableSecurityHub:              !b.SecurityHub,
		DisableConfig:                   !b.Config,
		DisableAccountPublicAccessBlock: !b.PublicAccessBlock,
		PasswordPolicy:                  b.PasswordPolicy,
		Tags:                            stackTags(cfg),
		Protect:                         cfg.Protect,
	}
	if b.GuardDuty || b.SecurityHub {
		args.FindingsTopicARN = d.operations.TopicARN
	}
	if b.Config {
		// The Config history is kept like the audit trail: six years, under the
		// write-once lock of the stack's audit records.
		args.AuditKeyARN = d.auditKey.KeyARN
		args.ConfigBucketLockMode = phibucket.LockMode(cfg.ObjectLock.Mode)
		args.ConfigBucketLockDays = cfg.ObjectLock.Days
		args.ConfigHistoryDays = max(cfg.Retention.AuditLogDays, cfg.ObjectLock.Days)
		args.AllowForceDestroy = cfg.Destroyable
	}
	if b.enabled() {
		var err error
		if d.baseline, err = baseline.NewBaseline(ctx, "baseline", args); err != nil {
			return err
		}
	}

	streams := make([]pulumi.StringInput, len(d.streams))
	for i, s := range d.streams {
		streams[i] = s.StreamName
	}
	var err error
	d.observability, err = observability.NewObservability(ctx, "observability", &observability.ObservabilityArgs{
		TopicARN:             d.operations.TopicARN,
		DashboardName:        "mediguard-" + cfg.Environment,
		DetectorFunctionName: d.detector.FunctionName,
		FrameQueueARN:        d.detector.QueueARN,
		DeadLetterQueueARN:   d.detector.DeadLetterQueueARN,
		AlertTopicARN:        d.detector.AlertTopicARN,
		StreamNames:          streams,
		TrailLogGroupName:    d.trail.LogGroupName,
		Tags:                 stackTags(cfg),
	})
	return err
}

// exportOperations publishes the operations outputs: names only, no PHI.
func (d *deployment) exportOperations(ctx *pulumi.Context) {
	ctx.Export("operationsTopicArn", d.operations.TopicARN)
	ctx.Export("dashboardName", d.observability.DashboardName)
	if d.baseline != nil {
		ctx.Export("guardDutyDetectorId", d.baseline.GuardDutyDetectorID)
		ctx.Export("configRecorderName", d.baseline.ConfigRecorderName)
		ctx.Export("conformancePackName", d.baseline.ConformancePackName)
	}
}
