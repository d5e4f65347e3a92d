package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/anomalydetector"
	"github.com/mediguard/mediguard/components/audittrail"
	"github.com/mediguard/mediguard/components/baseline"
	"github.com/mediguard/mediguard/components/delivery"
	"github.com/mediguard/mediguard/components/imagegeneration"
	"github.com/mediguard/mediguard/components/observability"
	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/components/securenetwork"
	"github.com/mediguard/mediguard/components/videostream"
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
	streams  []*videostream.VideoStream
	// cameraIDs[i] is the camera of streams[i].
	cameraIDs []string
	detector  *anomalydetector.AnomalyDetector
	trail     *audittrail.AuditTrail
	// operations, baseline and observability are composed in operations.go;
	// baseline is nil when the stack owns no part of the account baseline.
	operations    *observability.OperationsTopic
	baseline      *baseline.Baseline
	observability *observability.Observability
	// delivery is nil unless the stack owns the delivery pipeline.
	delivery *delivery.Pipeline
}

// stackTags are the tags every resource of the stack carries.
func stackTags(cfg StackConfig) map[string]string {
	return map[string]string{"environment": cfg.Environment, "project": "mediguard"}
}

// compose builds the platform from the stack configuration. The order follows
// the data: keys first (everything is encrypted with them), then the network,
// the PHI buckets, the video streams, the detector, and the audit trail that
// records access to every PHI bucket.
func compose(ctx *pulumi.Context, cfg StackConfig, opts Options) (*deployment, error) {
	tags := stackTags(cfg)
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
			phikey.PrincipalEventBridge,
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
	// needed as the source of an alert. To verify on the first deployment: S3
	// requires a Content-MD5 or checksum header on uploads to a bucket with
	// default retention, and the KVS documentation does not say whether image
	// generation sends one. If frames do not arrive, check the S3 access logs
	// of the frames bucket for rejected PutObject requests.
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

	if err := composeOperationsTopic(ctx, cfg, d); err != nil {
		return nil, err
	}

	for _, cam := range cfg.Cameras {
		stream, err := videostream.NewVideoStream(ctx, "camera-"+cam.ID, &videostream.VideoStreamArgs{
			CameraID:           cam.ID,
			WardCode:           cam.Ward,
			RoomCode:           cam.Room,
			KMSKeyARN:          d.phiKey.KeyARN,
			DataRetentionHours: cfg.Retention.VideoHours,
			ProducerPrincipal:  cfg.CameraProducerPrincipal,
			Protect:            cfg.Protect,
			Tags:               tags,
		})
		if err != nil {
			return nil, err
		}
		d.streams = append(d.streams, stream)
		d.cameraIDs = append(d.cameraIDs, cam.ID)
	}
	consumer, err := videostream.ConsumerStatementsOutput(d.phiKey.KeyARN, d.streams...)
	if err != nil {
		return nil, err
	}

	code, err := opts.Archive("detector")
	if err != nil {
		return nil, err
	}
	subscribers := alertSubscribers(ctx, cfg.AlertSubscribers)
	cameraDocuments := make([]anomalydetector.CameraDocument, len(cfg.Cameras))
	for i, cam := range cfg.Cameras {
		doc, err := cam.DetectionConfig(cfg.TimeZone)
		if err != nil { // Validate has already accepted it; this is a programming error.
			return nil, fmt.Errorf("camera %s detection configuration: %w", cam.ID, err)
		}
		cameraDocuments[i] = anomalydetector.CameraDocument{CameraID: cam.ID, StreamName: d.streams[i].StreamName, Config: string(doc)}
	}
	d.detector, err = anomalydetector.NewAnomalyDetector(ctx, "detector", &anomalydetector.AnomalyDetectorArgs{
		Code:                code,
		FramesBucketName:    d.frames.BucketName,
		FramesBucketARN:     d.frames.BucketARN,
		FrameKeyPrefix:      frameKeyPrefix,
		EvidenceBucketARN:   d.evidence.BucketARN,
		PHIKeyARN:           d.phiKey.KeyARN,
		SubnetIDs:           d.network.PrivateSubnetIDs,
		SecurityGroupIDs:    pulumi.StringArray{d.network.FunctionSecurityGroupID},
		AlarmTopicARN:       d.operations.TopicARN,
		Subscribers:         subscribers,
		ReservedConcurrency: cfg.DetectorReservedConcurrency,
		Release:             detectorRelease(cfg.Environment),
		LogRetentionDays:    cfg.Retention.AppLogDays,
		Environment:         map[string]string{"MEDIGUARD_ENVIRONMENT": cfg.Environment},
		ExtraStatements:     consumer,
		Cameras:             cameraDocuments,
		// Snapshots take the evidence bucket's own lock, so a dev stack's
		// evidence stays deletable after its short GOVERNANCE period.
		EvidenceLockMode:      cfg.ObjectLock.Mode,
		EvidenceRetentionDays: cfg.ObjectLock.Days,
		Protect:               cfg.Protect,
		Tags:                  tags,
	})
	if err != nil {
		return nil, err
	}

	// Image generation starts once the detector's queue is notified of new
	// frames, so no frame lands unseen.
	kvsconfig, err := opts.Archive("kvsconfig")
	if err != nil {
		return nil, err
	}
	if _, err := imagegeneration.NewImageGeneration(ctx, "image-generation", &imagegeneration.ImageGenerationArgs{
		Code: kvsconfig, Streams: imagegeneration.VideoStreams(d.streams...),
		FramesBucketARN: d.frames.BucketARN, FrameKeyPrefix: frameKeyPrefix, PHIKeyARN: d.phiKey.KeyARN,
		SubnetIDs: d.network.PrivateSubnetIDs, SecurityGroupIDs: pulumi.StringArray{d.network.FunctionSecurityGroupID},
		LogRetentionDays: cfg.Retention.AppLogDays, Tags: tags,
	}, pulumi.DependsOn([]pulumi.Resource{d.detector})); err != nil {
		return nil, err
	}

	// The trail records every read and write of the PHI buckets (S3 data
	// events) and all management events, into a COMPLIANCE-locked bucket
	// under the audit key. In dev the lock is GOVERNANCE, which privileged
	// administrators can bypass to tear the stack down.
	trailLock := phibucket.LockCompliance
	if cfg.Environment == "dev" {
		trailLock = phibucket.LockGovernance
	}
	d.trail, err = audittrail.NewAuditTrail(ctx, "audit", &audittrail.AuditTrailArgs{
		KMSKeyARN:           d.auditKey.KeyARN,
		PHIBucketARNs:       []pulumi.StringInput{d.frames.BucketARN, d.evidence.BucketARN},
		LogRetentionDays:    cfg.Retention.AuditLogDays,
		BucketLockMode:      trailLock,
		BucketRetentionDays: cfg.Retention.AuditLogDays,
		Tags:                tags,
		Protect:             cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	if err := composeOperations(ctx, cfg, d); err != nil {
		return nil, err
	}
	if err := composeDelivery(ctx, cfg, d); err != nil {
		return nil, err
	}
	return d, nil
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
	d.exportOperations(ctx)
	d.exportDelivery(ctx)
	ctx.Export("trailArn", d.trail.TrailARN)
	streams := pulumi.StringMap{}
	for i, s := range d.streams {
		streams[d.cameraIDs[i]] = s.StreamName
	}
	ctx.Export("cameraStreams", streams)
}
