// 164.308(a)(7) Contingency plan: PHI survives mistakes and outages: point-in-time recovery and
// backups for tables, replicated and lifecycle-managed buckets, no lost messages, kept video.

import { requireTrue, unknownSwitch } from "../lib/checks";
import { HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { attachedTo, classificationOf, inputsOf, ofType, purposeOf, refersTo, refersToAnywhere } from "../lib/stack";
import { DYNAMODB, KINESIS, LAMBDA, MESSAGING, S3 } from "../lib/tokens";
import { isPresent, readPath, UNKNOWN } from "../lib/values";

const safeguard = "164.308(a)(7) Contingency plan" as const;

const backupSections = ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"];

export const dynamodbPITREnabled = resourcePolicy(
    {
        name: "dynamodb-pitr-enabled",
        description: "DynamoDB tables have point-in-time recovery enabled.",
        safeguard,
        sections: [...backupSections, "164.308(a)(7)(ii)(C)", "164.312(a)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "DYNAMODB_PITR_ENABLED" },
            { source: "Prowler", id: "dynamodb_tables_pitr_enabled" },
            { source: "cdk-nag", id: "DynamoDBPITREnabled" },
            { source: "Checkov", id: "CKV_AWS_28" },
        ],
        referenceRows: ["dynamodb-pitr-enabled"],
        components: ["AnomalyDetector"],
        remediation: "set pointInTimeRecovery: {enabled: true} on the aws.dynamodb.Table.",
        enforcementLevel: "mandatory",
    },
    DYNAMODB.table,
    (r, report) => requireTrue(r.inputs, "pointInTimeRecovery.enabled", report, `table ${r.name} has no point-in-time recovery.`),
);

export const dynamodbInBackupPlan = stackPolicy(
    {
        name: "dynamodb-in-backup-plan",
        description: "DynamoDB tables are selected by an AWS Backup plan.",
        safeguard,
        sections: backupSections,
        anchors: [
            { source: "AWS Config", id: "DYNAMODB_IN_BACKUP_PLAN" },
            { source: "cdk-nag", id: "DynamoDBInBackupPlan" },
        ],
        referenceRows: ["dynamodb-in-backup-plan"],
        components: ["Baseline"],
        remediation: "add the table's arn to the resources of an aws.backup.Selection of the platform's backup plan.",
        enforcementLevel: "advisory",
        advisoryReason:
            "point-in-time recovery (mandatory, dynamodb-pitr-enabled) already gives 35 days of restores; AWS Backup adds longer retention and belongs to the account baseline, which may be another stack.",
    },
    [...DYNAMODB.table, ...DYNAMODB.backupSelection],
    (resources, _config, report) => {
        for (const table of ofType(resources, DYNAMODB.table)) {
            if (attachedTo(resources, DYNAMODB.backupSelection, "resources", table).length === 0) {
                report(table, `table ${table.name} is not in an AWS Backup selection.`);
            }
        }
    },
);

export const dynamodbAutoscaling = stackPolicy(
    {
        name: "dynamodb-autoscaling",
        description: "DynamoDB tables are on-demand, or provisioned with read and write auto scaling targets.",
        safeguard,
        sections: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
        anchors: [
            { source: "AWS Config", id: "DYNAMODB_AUTOSCALING_ENABLED" },
            { source: "cdk-nag", id: "DynamoDBAutoScalingEnabled" },
            { source: "Checkov", id: "CKV2_AWS_16" },
        ],
        referenceRows: ["dynamodb-autoscaling"],
        components: ["AnomalyDetector"],
        remediation: "set billingMode \"PAY_PER_REQUEST\", or add aws.appautoscaling.Target resources for the table's read and write capacity.",
        enforcementLevel: "mandatory",
    },
    [...DYNAMODB.table, ...DYNAMODB.scalingTarget],
    (resources, _config, report) => {
        for (const table of ofType(resources, DYNAMODB.table)) {
            const mode = inputsOf(table).str("billingMode");
            if (mode === UNKNOWN) {
                report(table, unknownSwitch(`${table.name}.billingMode`));
                continue;
            }
            if (mode === "PAY_PER_REQUEST") {
                continue;
            }
            const targets = ofType(resources, DYNAMODB.scalingTarget).filter((t) => refersToAnywhere(t, table));
            const dims = targets.map((t) => inputsOf(t).str("scalableDimension"));
            for (const dim of ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"]) {
                if (!dims.includes(dim)) {
                    report(table, `provisioned table ${table.name} has no auto scaling target for ${dim}.`);
                }
            }
        }
    },
);

export const s3ReplicationEnabled = stackPolicy(
    {
        name: "s3-replication-enabled",
        description: "PHI buckets replicate to a bucket in another region with an enabled rule.",
        safeguard,
        sections: [...backupSections, "164.308(a)(7)(ii)(C)", "164.310(d)(2)(iv)", "164.312(a)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_REPLICATION_ENABLED" },
            { source: "cdk-nag", id: "S3BucketReplicationEnabled" },
            { source: "Checkov", id: "CKV_AWS_144" },
        ],
        referenceRows: ["s3-replication-enabled"],
        components: ["PhiBucket"],
        remediation: "attach an aws.s3.BucketReplicationConfig with bucket: <bucket>.id and an Enabled rule to a bucket in the recovery region.",
        enforcementLevel: "advisory",
        advisoryReason:
            "cross-region replication is an optional PhiBucket feature enabled per stack (prod); versioning and object lock (both mandatory) already protect against deletion in-region.",
    },
    [...S3.bucket, ...S3.replication],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (classificationOf(inputsOf(bucket)) !== "PHI") {
                continue;
            }
            const configs = attachedTo(resources, S3.replication, "bucket", bucket);
            const enabled = configs.some((c) => {
                const rules = inputsOf(c).list("rules");
                return rules === UNKNOWN || (rules ?? []).some((rule) => readPath(rule, "status") === "Enabled");
            });
            if (!enabled) {
                report(bucket, `PHI bucket ${bucket.name} has no enabled replication rule.`);
            }
        }
    },
);

export const s3VersionedBucketLifecycle = stackPolicy(
    {
        name: "s3-versioned-bucket-lifecycle",
        description: "Every versioned bucket has a lifecycle configuration attached with at least one Enabled rule (noncurrent versions expire).",
        safeguard,
        sections: ["164.308(a)(7)(ii)(B)", "164.310(d)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "S3_VERSION_LIFECYCLE_POLICY_CHECK" },
            { source: "Checkov", id: "CKV2_AWS_61" },
        ],
        referenceRows: ["s3-versioned-bucket-lifecycle"],
        components: ["PhiBucket", "AuditTrail"],
        remediation: "attach an aws.s3.BucketLifecycleConfigurationV2 with bucket: <bucket>.id and an Enabled rule (e.g. noncurrentVersionExpiration).",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.versioning, ...S3.lifecycle],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            const versioned = attachedTo(resources, S3.versioning, "bucket", bucket).some(
                (v) => inputsOf(v).str("versioningConfiguration.status") === "Enabled",
            );
            if (!versioned) {
                continue;
            }
            const lifecycles = attachedTo(resources, S3.lifecycle, "bucket", bucket);
            const enabled = lifecycles.some((l) => {
                const rules = inputsOf(l).list("rules");
                return rules !== UNKNOWN && (rules ?? []).some((rule) => readPath(rule, "status") === "Enabled");
            });
            const unknown = lifecycles.some((l) => inputsOf(l).list("rules") === UNKNOWN);
            if (unknown && !enabled) {
                report(bucket, unknownSwitch(`lifecycle rules of bucket ${bucket.name}`));
            } else if (!enabled) {
                report(bucket, `versioned bucket ${bucket.name} has no lifecycle configuration with an Enabled rule.`);
            }
        }
    },
);

export const sqsDLQConfigured = stackPolicy(
    {
        name: "sqs-dlq-configured",
        description: "Work queues redrive failed messages to a dead-letter queue; dead-letter queues themselves are exempt.",
        safeguard,
        sections: ["164.308(a)(7)(ii)(B)", "164.312(b)"],
        anchors: [{ source: "cdk-nag", id: "AwsSolutions-SQS3" }],
        referenceRows: ["sqs-dlq-configured"],
        components: ["AnomalyDetector"],
        remediation: "set redrivePolicy: JSON {deadLetterTargetArn: <dlq>.arn, maxReceiveCount} on the queue (or add an aws.sqs.RedrivePolicy).",
        enforcementLevel: "mandatory",
    },
    [...MESSAGING.queue, ...MESSAGING.redrivePolicy],
    (resources, _config, report) => {
        const queues = ofType(resources, MESSAGING.queue);
        const isDeadLetterQueue = (q: (typeof queues)[number]): boolean =>
            queues.some((other) => other !== q && refersTo(other, "redrivePolicy", q)) ||
            ofType(resources, MESSAGING.redrivePolicy).some((rp) => refersTo(rp, "redrivePolicy", q)) ||
            ofType(resources, LAMBDA.function).some((fn) => refersTo(fn, "deadLetterConfig", q)) ||
            /dead-letter|dlq/i.test(purposeOf(inputsOf(q)) ?? "");
        for (const q of queues) {
            if (isDeadLetterQueue(q)) {
                continue;
            }
            const redrive = isPresent(inputsOf(q).get("redrivePolicy")) || attachedTo(resources, MESSAGING.redrivePolicy, "queueUrl", q).length > 0;
            if (!redrive) {
                report(q, `queue ${q.name} has no redrive policy to a dead-letter queue.`);
            }
        }
    },
);

interface VideoRetentionConfig {
    readonly minimumVideoRetentionHours: number;
}

export const kvsRetentionExplicit = resourcePolicy<VideoRetentionConfig>(
    {
        name: "kvs-retention-explicit",
        description: "Kinesis Video streams set an explicit data retention, so footage is neither lost on arrival (0 = no persistence) nor kept by accident.",
        safeguard,
        sections: ["164.308(a)(7)(ii)(A)", "164.310(d)(2)(iv)", "164.312(c)(1)"],
        anchors: [],
        referenceRows: [],
        components: ["VideoStream"],
        remediation: "set dataRetentionInHours (at least the configured minimum) on the aws.kinesis.VideoStream.",
        enforcementLevel: "mandatory",
        config: {
            minimumVideoRetentionHours: {
                type: "integer",
                minimum: 1,
                default: 24,
                description: "Shortest retention a video stream may have, in hours.",
            },
        },
    },
    KINESIS.videoStream,
    (r, report) => {
        const hours = r.inputs.num("dataRetentionInHours");
        if (hours === UNKNOWN) {
            report(unknownSwitch("dataRetentionInHours"));
        } else if (hours === undefined || hours === 0) {
            report(`video stream ${r.name} does not persist video: dataRetentionInHours is ${hours ?? "not set"}.`);
        } else if (hours < r.config.minimumVideoRetentionHours) {
            report(`video stream ${r.name} keeps video ${hours} hours, less than the required ${r.config.minimumVideoRetentionHours}.`);
        }
    },
);

export const contingencyPolicies: readonly HipaaPolicy[] = [
    dynamodbPITREnabled,
    dynamodbInBackupPlan,
    dynamodbAutoscaling,
    s3ReplicationEnabled,
    s3VersionedBucketLifecycle,
    sqsDLQConfigured,
    kvsRetentionExplicit,
];
