package platform

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/anomalydetector"
	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/components/securenetwork"
)

// frameKeyPrefix is where KVS image generation writes JPEG frames in the
// frames bucket; the detector's queue receives events for this prefix only.
const frameKeyPrefix = "frames/"

// deployment holds what compose built, for the stack outputs.
type deployment struct {
	network  *securenetwork.SecureNetwork
	phiKey   *phikey.PhiKey
	auditKey *phikey.PhiKey
	frames   *phibucket.PhiBucket
	evidence *phibucket.PhiBucket
	detector *anomalydetector.AnomalyDetector
	opsTopic *sns.Topic
}

// compose builds the platform from the stack configuration. The order follows
// the data: keys first (everything is encrypted with them), then the network,
// the PHI buckets, the video streams, the detector, and the audit trail that
// records access to every PHI bucket.
func compose(ctx *pulumi.Context, cfg StackConfig, opts Options) (*deployment, error) {
	tags := map[string]string{"environment": cfg.Environment, "project": "mediguard"}
	d := &deployment{}
	var err error

	// Two keys, so that a grant or compromise on one does not expose the other:
	// the PHI key encrypts video, frames, evidence, state, queues, alerts and
	// application logs; the audit key encrypts the trail, flow logs and the
	// operations topic.
	d.phiKey, err = phikey.NewPhiKey(ctx, "phi", &phikey.PhiKeyArgs{
		Purpose:     phikey.PurposePHI,
		Description: "MediGuard PHI data key: video, frames, evidence, detector state, alerts",
		AliasName:   "alias/mediguard/" + cfg.Environment + "/phi",
		ViaServices: []phikey.Service{
			phikey.ServiceS3, phikey.ServiceSQS, phikey.ServiceSNS, phikey.ServiceDynamoDB,
			phikey.ServiceKinesisVideo, phikey.ServiceLambda,
		},
		ServicePrincipals: []phikey.ServicePrincipal{
			phikey.PrincipalCloudWatchLogs, phikey.PrincipalS3Notifications, phikey.PrincipalCloudWatchAlarms,
		},
		Tags:    tags,
		Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	d.auditKey, err = phikey.NewPhiKey(ctx, "audit", &phikey.PhiKeyArgs{
		Purpose:     phikey.PurposeAudit,
		Description: "MediGuard audit key: CloudTrail, flow logs, operations notifications",
		AliasName:   "alias/mediguard/" + cfg.Environment + "/audit",
		ViaServices: []phikey.Service{phikey.ServiceS3, phikey.ServiceSNS},
		ServicePrincipals: []phikey.ServicePrincipal{
			phikey.PrincipalCloudTrail, phikey.PrincipalCloudWatchLogs, phikey.PrincipalCloudWatchAlarms,
		},
		Tags:    tags,
		Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}

	d.network, err = securenetwork.NewSecureNetwork(ctx, "network", &securenetwork.SecureNetworkArgs{
		CIDR:                 cfg.VPCCIDR,
		AvailabilityZones:    cfg.AvailabilityZones,
		FlowLogKMSKeyARN:     d.auditKey.KeyARN,
		FlowLogRetentionDays: cfg.Retention.FlowLogDays,
		Protect:              cfg.Protect,
		Tags:                 tags,
	})
	if err != nil {
		return nil, err
	}

	// Frames are transient: kept for FrameDays under a GOVERNANCE lock of the
	// same length, so a frame cannot be silently replaced while it may still be
	// needed as the source of an alert.
	d.frames, err = phibucket.NewPhiBucket(ctx, "frames", &phibucket.PhiBucketArgs{
		Classification:                  phibucket.ClassificationPHI,
		Purpose:                         "video-frames",
		KMSKeyARN:                       d.phiKey.KeyARN,
		ObjectLockMode:                  phibucket.LockGovernance,
		ObjectLockRetentionDays:         cfg.Retention.FrameDays,
		ExpirationDays:                  cfg.Retention.FrameDays,
		NoncurrentVersionExpirationDays: cfg.Retention.NoncurrentDay,
		AllowForceDestroy:               cfg.Destroyable,
		Tags:                            tags,
		Protect:                         cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	d.evidence, err = phibucket.NewPhiBucket(ctx, "evidence", &phibucket.PhiBucketArgs{
		Classification:                  phibucket.ClassificationPHI,
		Purpose:                         "alert-evidence",
		KMSKeyARN:                       d.phiKey.KeyARN,
		ObjectLockMode:                  phibucket.LockMode(cfg.ObjectLock.Mode),
		ObjectLockRetentionDays:         cfg.ObjectLock.Days,
		ExpirationDays:                  max(cfg.Retention.EvidenceDays, cfg.ObjectLock.Days),
		NoncurrentVersionExpirationDays: max(cfg.Retention.NoncurrentDay, cfg.ObjectLock.Days),
		AllowForceDestroy:               cfg.Destroyable,
		Tags:                            tags,
		Protect:                         cfg.Protect,
	})
	if err != nil {
		return nil, err
	}

	d.opsTopic, err = newOperationsTopic(ctx, cfg, d.auditKey.KeyARN, tags)
	if err != nil {
		return nil, err
	}

	code, err := opts.Archive("detector")
	if err != nil {
		return nil, err
	}
	subscribers := alertSubscribers(ctx, cfg.AlertSubscribers)
	d.detector, err = anomalydetector.NewAnomalyDetector(ctx, "detector", &anomalydetector.AnomalyDetectorArgs{
		Code:                code,
		FramesBucketName:    d.frames.BucketName,
		FramesBucketARN:     d.frames.BucketARN,
		FrameKeyPrefix:      frameKeyPrefix,
		EvidenceBucketARN:   d.evidence.BucketARN,
		PHIKeyARN:           d.phiKey.KeyARN,
		SubnetIDs:           d.network.PrivateSubnetIDs,
		SecurityGroupIDs:    pulumi.StringArray{d.network.FunctionSecurityGroupID},
		AlarmTopicARN:       d.opsTopic.Arn,
		Subscribers:         subscribers,
		ReservedConcurrency: cfg.DetectorReservedConcurrency,
		Release:             detectorRelease(cfg.Environment),
		LogRetentionDays:    cfg.Retention.AppLogDays,
		Environment:         map[string]string{"MEDIGUARD_ENVIRONMENT": cfg.Environment},
		Protect:             cfg.Protect,
		Tags:                tags,
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// newOperationsTopic creates the topic that CloudWatch alarms notify: platform
// health, never clinical alerts, so on-call engineers do not receive patient
// events and nurses do not receive paging noise. Encrypted with the audit key;
// only CloudWatch alarms of this account may publish, over TLS.
func newOperationsTopic(ctx *pulumi.Context, cfg StackConfig, keyARN pulumi.StringOutput, tags map[string]string) (*sns.Topic, error) {
	topicTags := pulumi.StringMap{"data-classification": pulumi.String("operations"), "managed-by": pulumi.String("mediguard")}
	for k, v := range tags {
		topicTags[k] = pulumi.String(v)
	}
	topic, err := sns.NewTopic(ctx, "operations", &sns.TopicArgs{
		KmsMasterKeyId: keyARN,
		Tags:           topicTags,
	})
	if err != nil {
		return nil, err
	}
	policy := topic.Arn.ApplyT(func(arn string) (string, error) {
		return policydoc.New(
			policydoc.Statement{
				Sid:        "AllowCloudWatchAlarmsOfThisAccount",
				Effect:     policydoc.Allow,
				Principal:  &policydoc.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
				Actions:    []string{"sns:Publish"},
				Resources:  []string{arn},
				Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {accountOf(arn)}}},
			},
			policydoc.Statement{
				Sid:        "DenyInsecureTransport",
				Effect:     policydoc.Deny,
				Principal:  &policydoc.Principal{Any: true},
				Actions:    []string{"sns:Publish", "sns:Subscribe"},
				Resources:  []string{arn},
				Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
			},
		).JSON()
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(ctx, "operations", &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: policy,
	}); err != nil {
		return nil, err
	}
	return topic, nil
}

// accountOf returns the account field of an ARN (arn:partition:service:region:account:resource).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// export publishes the stack outputs operators and other stacks need. None of
// them is PHI: names and ARNs only.
func (d *deployment) export(ctx *pulumi.Context) {
	ctx.Export("vpcId", d.network.VPCID)
	ctx.Export("privateSubnetIds", d.network.PrivateSubnetIDs)
	ctx.Export("phiKeyArn", d.phiKey.KeyARN)
	ctx.Export("auditKeyArn", d.auditKey.KeyARN)
	ctx.Export("framesBucket", d.frames.BucketName)
	ctx.Export("evidenceBucket", d.evidence.BucketName)
	ctx.Export("detectorFunction", d.detector.FunctionName)
	ctx.Export("frameQueueUrl", d.detector.QueueURL)
	ctx.Export("alertTopicArn", d.detector.AlertTopicARN)
	d.exportRelease(ctx)
	ctx.Export("operationsTopicArn", d.opsTopic.Arn)
}
