// 164.312(b) Audit controls: activity in systems that hold PHI is recorded (network flows, S3
// access and data events, API calls), the records are kept long enough, and someone is told.

import { PolicyResource } from "@pulumi/policy";
import { requireTrue, unknownSwitch } from "../lib/checks";
import { HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { attachedTo, classificationOf, inputsOf, ofType, purposeOf, refersTo } from "../lib/stack";
import { EC2, isOneOf, LAMBDA, LOGGING, MESSAGING, S3 } from "../lib/tokens";
import { isPresent, Read, readPath, UNKNOWN, unknownString } from "../lib/values";
import { isLogTarget } from "./encryption";

const safeguard = "164.312(b) Audit controls" as const;

export const vpcFlowLogsEnabled = stackPolicy(
    {
        name: "vpc-flow-logs-enabled",
        description: "Every VPC has a flow log attached to it that records all traffic to a log destination.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(ii)", "164.312(b)", "164.312(c)(2)"],
        anchors: [
            { source: "AWS Config", id: "VPC_FLOW_LOGS_ENABLED" },
            { source: "Prowler", id: "vpc_flow_logs_enabled" },
            { source: "cdk-nag", id: "VPCFlowLogsEnabled" },
            { source: "Checkov", id: "CKV2_AWS_11" },
        ],
        referenceRows: ["vpc-flow-logs-enabled"],
        components: ["SecureNetwork"],
        remediation: "create an aws.ec2.FlowLog with vpcId: <vpc>.id, trafficType \"ALL\" and logDestination: <KMS-encrypted log group>.arn.",
        enforcementLevel: "mandatory",
    },
    [...EC2.vpc, ...EC2.flowLog],
    (resources, _config, report) => {
        for (const vpc of ofType(resources, EC2.vpc)) {
            const logs = attachedTo(resources, EC2.flowLog, "vpcId", vpc);
            if (logs.length === 0) {
                report(vpc, `VPC ${vpc.name} has no flow log attached.`);
                continue;
            }
            for (const log of logs) {
                const inputs = inputsOf(log);
                const traffic = inputs.str("trafficType");
                if (traffic === UNKNOWN) {
                    report(vpc, unknownSwitch(`${log.name}.trafficType`));
                } else if (traffic !== "ALL") {
                    report(vpc, `VPC ${vpc.name}: flow log ${log.name} records ${traffic ?? "no"} traffic, not ALL.`);
                }
                if (!inputs.has("logDestination") && !inputs.has("logGroupName")) {
                    report(vpc, `VPC ${vpc.name}: flow log ${log.name} has no log destination.`);
                }
            }
        }
    },
);

/** True when a bucket holds logs: tagged as logs, purpose access-logs, or the target of access logging. */
export function isLogBucket(resources: readonly PolicyResource[], bucket: PolicyResource): boolean {
    const inputs = inputsOf(bucket);
    const purpose = purposeOf(inputs);
    return (
        classificationOf(inputs) === "logs" ||
        (purpose !== undefined && /log/i.test(purpose)) ||
        isLogTarget(resources, bucket)
    );
}

export const s3AccessLoggingEnabled = stackPolicy(
    {
        name: "s3-access-logging-enabled",
        description: "Every bucket except log buckets has server access logging attached, delivered to a separate log bucket.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(ii)", "164.312(b)", "164.312(e)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_LOGGING_ENABLED" },
            { source: "Prowler", id: "s3_bucket_server_access_logging_enabled" },
            { source: "AWSGuard", id: "s3-bucket-logging-enabled" },
            { source: "cdk-nag", id: "S3BucketLoggingEnabled" },
            { source: "Checkov", id: "CKV_AWS_18" },
        ],
        referenceRows: ["s3-access-logging-enabled"],
        components: ["PhiBucket"],
        remediation: "attach an aws.s3.BucketLoggingV2 with bucket: <bucket>.id and targetBucket: <access-log bucket>.id.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.logging],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (isLogBucket(resources, bucket)) {
                continue;
            }
            const logging = attachedTo(resources, S3.logging, "bucket", bucket);
            if (logging.length === 0) {
                report(bucket, `bucket ${bucket.name} has no server access logging attached.`);
            }
            for (const l of logging) {
                if (!inputsOf(l).has("targetBucket")) {
                    report(bucket, `bucket ${bucket.name}: ${l.name} has no targetBucket.`);
                } else if (refersTo(l, "targetBucket", bucket)) {
                    report(bucket, `bucket ${bucket.name} logs to itself; the target must be a separate log bucket.`);
                }
            }
        }
    },
);

export const cloudtrailMultiRegionEnabled = resourcePolicy(
    {
        name: "cloudtrail-multi-region-enabled",
        description: "CloudTrail trails log every region, include global service events and are logging.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)", "164.308(a)(6)(ii)", "164.312(b)", "164.312(e)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "MULTI_REGION_CLOUD_TRAIL_ENABLED" },
            { source: "AWS Config", id: "CLOUD_TRAIL_ENABLED" },
            { source: "Prowler", id: "cloudtrail_multi_region_enabled" },
            { source: "Checkov", id: "CKV_AWS_67" },
        ],
        referenceRows: ["cloudtrail-multi-region-enabled"],
        components: ["AuditTrail"],
        remediation: "set isMultiRegionTrail: true, includeGlobalServiceEvents: true and leave enableLogging true on the aws.cloudtrail.Trail.",
        enforcementLevel: "mandatory",
    },
    LOGGING.trail,
    (r, report) => {
        requireTrue(r.inputs, "isMultiRegionTrail", report, `trail ${r.name} is not multi-region.`);
        if (r.inputs.bool("includeGlobalServiceEvents") === false) {
            report(`trail ${r.name} excludes global service events (IAM, STS).`);
        }
        const logging = r.inputs.bool("enableLogging");
        if (logging === false) {
            report(`trail ${r.name} has logging turned off.`);
        } else if (logging === UNKNOWN) {
            report(unknownSwitch("enableLogging"));
        }
    },
);

export const cloudtrailCloudWatchLogs = resourcePolicy(
    {
        name: "cloudtrail-cloudwatch-logs",
        description: "CloudTrail trails deliver to a CloudWatch log group so events can raise alarms.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(ii)", "164.312(b)", "164.312(e)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED" },
            { source: "Prowler", id: "cloudtrail_cloudwatch_logging_enabled" },
            { source: "cdk-nag", id: "CloudTrailCloudWatchLogsEnabled" },
            { source: "Checkov", id: "CKV2_AWS_10" },
        ],
        referenceRows: ["cloudtrail-cloudwatch-logs"],
        components: ["AuditTrail"],
        remediation: "set cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*` and cloudWatchLogsRoleArn on the aws.cloudtrail.Trail.",
        enforcementLevel: "mandatory",
    },
    LOGGING.trail,
    (r, report) => {
        for (const path of ["cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn"]) {
            if (!isPresent(r.inputs.get(path))) {
                report(`trail ${r.name} does not deliver to CloudWatch Logs: ${path} is not set.`);
            }
        }
    },
);

/** Read/write coverage of S3 object data events a trail gives one bucket. */
interface Coverage {
    read: boolean;
    write: boolean;
}

const allBucketsValues = ["arn:aws:s3", "arn:aws:s3:::", "arn:aws:s3:::*"];

function literalCoversBucket(values: readonly Read[], bucketName: string | undefined): boolean {
    return values.some(
        (v) =>
            typeof v === "string" &&
            (allBucketsValues.includes(v) || (bucketName !== undefined && (v === `arn:aws:s3:::${bucketName}/` || v.startsWith(`arn:aws:s3:::${bucketName}/`)))),
    );
}

/** What the trail's classic and advanced event selectors cover for bucket. */
function trailCoverage(trail: PolicyResource, bucket: PolicyResource): Coverage {
    const inputs = inputsOf(trail);
    const name = inputsOf(bucket).str("bucket");
    const bucketName = typeof name === "string" ? name : undefined;
    const cov: Coverage = { read: false, write: false };
    const dependsOnBucket = (prop: string): boolean => (trail.propertyDependencies[prop] ?? []).some((d) => d.urn === bucket.urn);

    const selectors = inputs.list("eventSelectors");
    if (selectors === UNKNOWN) {
        if (dependsOnBucket("eventSelectors")) {
            cov.read = cov.write = true;
        }
    } else {
        for (const sel of selectors ?? []) {
            const rw = readPath(sel, "readWriteType");
            const resources = readPath(sel, "dataResources");
            const list: Read[] = Array.isArray(resources) ? resources : resources === undefined ? [] : [resources];
            const covers = list.some((dr) => {
                if (readPath(dr, "type") !== "AWS::S3::Object") {
                    return false;
                }
                const values = readPath(dr, "values");
                if (values === UNKNOWN || (Array.isArray(values) && values.some((v) => v === unknownString))) {
                    return dependsOnBucket("eventSelectors");
                }
                return literalCoversBucket(Array.isArray(values) ? values : [], bucketName) || dependsOnBucket("eventSelectors");
            });
            if (covers) {
                cov.read = cov.read || rw === undefined || rw === "All" || rw === "ReadOnly";
                cov.write = cov.write || rw === undefined || rw === "All" || rw === "WriteOnly";
            }
        }
    }

    const advanced = inputs.list("advancedEventSelectors");
    if (advanced === UNKNOWN) {
        if (dependsOnBucket("advancedEventSelectors")) {
            cov.read = cov.write = true;
        }
        return cov;
    }
    for (const sel of advanced ?? []) {
        const fields = readPath(sel, "fieldSelectors");
        const list: Read[] = Array.isArray(fields) ? fields : [];
        const field = (name: string): Read => list.find((f) => readPath(f, "field") === name);
        const equals = (name: string): Read[] => {
            const v = readPath(field(name), "equals");
            return Array.isArray(v) ? v : [];
        };
        if (!equals("resources.type").includes("AWS::S3::Object")) {
            continue;
        }
        const arnField = field("resources.ARN");
        let covers: boolean;
        if (arnField === undefined) {
            covers = true; // no ARN restriction: every bucket
        } else {
            const starts = readPath(arnField, "startsWiths");
            const eq = readPath(arnField, "equals");
            const values = [...(Array.isArray(starts) ? starts : []), ...(Array.isArray(eq) ? eq : [])];
            covers = literalCoversBucket(values, bucketName) || dependsOnBucket("advancedEventSelectors");
        }
        if (!covers) {
            continue;
        }
        const readOnly = equals("readOnly");
        cov.read = cov.read || readOnly.length === 0 || readOnly.includes("true");
        cov.write = cov.write || readOnly.length === 0 || readOnly.includes("false");
    }
    return cov;
}

export const cloudtrailS3DataEvents = stackPolicy(
    {
        name: "cloudtrail-s3-data-events",
        description: "Every PHI bucket is covered by a trail's S3 object data events, for reads and writes.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(ii)", "164.312(a)(2)(i)", "164.312(b)", "164.312(e)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED" },
            { source: "Prowler", id: "cloudtrail_s3_dataevents_read_enabled" },
            { source: "Prowler", id: "cloudtrail_s3_dataevents_write_enabled" },
            { source: "Guard registry", id: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED" },
        ],
        referenceRows: ["cloudtrail-s3-data-events"],
        components: ["AuditTrail", "PhiBucket"],
        remediation:
            "add an advancedEventSelectors entry to the AuditTrail with eventCategory = Data, resources.type = AWS::S3::Object and resources.ARN startsWith <bucket>.arn + \"/\" (or no ARN selector for all buckets).",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...LOGGING.trail],
    (resources, _config, report) => {
        const trails = ofType(resources, LOGGING.trail);
        for (const bucket of ofType(resources, S3.bucket)) {
            const classification = classificationOf(inputsOf(bucket));
            if (classification !== "PHI" && classification !== UNKNOWN) {
                continue;
            }
            const total: Coverage = { read: false, write: false };
            for (const t of trails) {
                const c = trailCoverage(t, bucket);
                total.read = total.read || c.read;
                total.write = total.write || c.write;
            }
            if (!total.read && !total.write) {
                report(bucket, `PHI bucket ${bucket.name} is not covered by any trail's S3 data events.`);
            } else if (!total.read || !total.write) {
                report(bucket, `PHI bucket ${bucket.name} has S3 data events for ${total.read ? "reads" : "writes"} only.`);
            }
        }
    },
);

interface RetentionConfig {
    readonly minimumRetentionDays: number;
}

export const logGroupRetention = resourcePolicy<RetentionConfig>(
    {
        name: "log-group-retention",
        description: "CloudWatch log groups keep events for at least the configured minimum (default 2192 days, HIPAA's six years).",
        safeguard,
        sections: ["164.312(b)", "164.316(b)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "CW_LOGGROUP_RETENTION_PERIOD_CHECK" },
            { source: "Prowler", id: "cloudwatch_log_group_retention_policy_specific_days_enabled" },
            { source: "cdk-nag", id: "CloudWatchLogGroupRetentionPeriod" },
            { source: "Checkov", id: "CKV_AWS_338" },
        ],
        referenceRows: ["log-group-retention"],
        components: ["SecureNetwork", "AnomalyDetector", "AuditTrail", "Observability"],
        remediation: "set retentionInDays to 2192 or more (a value CloudWatch accepts, e.g. 2192, 2557, 3653) on the aws.cloudwatch.LogGroup.",
        enforcementLevel: "mandatory",
        config: {
            minimumRetentionDays: {
                type: "integer",
                minimum: 1,
                default: 2192,
                description: "Shortest retention a log group may have, in days.",
            },
        },
    },
    LOGGING.logGroup,
    (r, report) => {
        const days = r.inputs.num("retentionInDays");
        if (days === UNKNOWN) {
            report(unknownSwitch("retentionInDays"));
        } else if (days === undefined) {
            report(`log group ${r.name} has no explicit retentionInDays.`);
        } else if (days !== 0 && days < r.config.minimumRetentionDays) {
            report(`log group ${r.name} keeps events for ${days} days, less than the required ${r.config.minimumRetentionDays}.`);
        }
    },
);

interface AlarmConfig {
    readonly requireInsufficientDataActions: boolean;
}

export const alarmHasActions = resourcePolicy<AlarmConfig>(
    {
        name: "alarm-has-actions",
        description: "CloudWatch alarms notify someone: actions are enabled and alarm actions are set.",
        safeguard,
        sections: ["164.312(b)", "164.308(a)(6)(i)"],
        anchors: [
            { source: "AWS Config", id: "CLOUDWATCH_ALARM_ACTION_CHECK" },
            { source: "cdk-nag", id: "CloudWatchAlarmAction" },
            { source: "Checkov", id: "CKV_AWS_319" },
        ],
        referenceRows: ["alarm-has-actions"],
        components: ["AnomalyDetector", "Observability"],
        remediation: "set alarmActions to the alerts topic's arn and leave actionsEnabled true on the aws.cloudwatch.MetricAlarm.",
        enforcementLevel: "mandatory",
        config: {
            requireInsufficientDataActions: {
                type: "boolean",
                default: false,
                description: "Also require insufficientDataActions (the AWS Config rule's optional parameter).",
            },
        },
    },
    LOGGING.metricAlarm,
    (r, report) => {
        const enabled = r.inputs.bool("actionsEnabled");
        if (enabled === false) {
            report(`alarm ${r.name} has actionsEnabled false.`);
        } else if (enabled === UNKNOWN) {
            report(unknownSwitch("actionsEnabled"));
        }
        if (!isPresent(r.inputs.get("alarmActions"))) {
            report(`alarm ${r.name} has no alarmActions.`);
        }
        if (r.config.requireInsufficientDataActions && !isPresent(r.inputs.get("insufficientDataActions"))) {
            report(`alarm ${r.name} has no insufficientDataActions.`);
        }
    },
);

/** CloudTrail events Prowler's HIPAA checks expect a metric filter and alarm for. */
const securityEvents: readonly { readonly label: string; readonly pattern: RegExp }[] = [
    { label: "console sign-in failures", pattern: /ConsoleLogin/ },
    { label: "root account usage", pattern: /Root/ },
    { label: "network ACL changes", pattern: /NetworkAcl/ },
    { label: "network gateway changes", pattern: /InternetGateway|CustomerGateway/ },
    { label: "route table changes", pattern: /RouteTable|CreateRoute/ },
    { label: "VPC changes", pattern: /CreateVpc|DeleteVpc|ModifyVpcAttribute/ },
];

export const securityEventMetricAlarms = stackPolicy(
    {
        name: "security-event-metric-alarms",
        description:
            "The CloudTrail log group has metric filters with alarms for console sign-in failures, root usage, and NACL, gateway, route-table and VPC changes.",
        safeguard,
        sections: ["164.308(a)(5)(ii)(C)", "164.308(a)(6)(i)", "164.308(a)(6)(ii)"],
        anchors: [
            { source: "Prowler", id: "cloudwatch_log_metric_filter_authentication_failures" },
            { source: "Prowler", id: "cloudwatch_log_metric_filter_root_usage" },
            { source: "Prowler", id: "cloudwatch_changes_to_network_acls_alarm_configured" },
        ],
        referenceRows: ["security-event-metric-alarms"],
        components: ["AuditTrail", "Observability"],
        remediation: "add an aws.cloudwatch.LogMetricFilter on the trail's log group per event class with a MetricAlarm on its metric.",
        enforcementLevel: "advisory",
        advisoryReason: "the account-wide alarm set belongs to the observability baseline, which may live in another stack than the trail.",
    },
    [...LOGGING.trail, ...LOGGING.metricFilter],
    (resources, _config, report) => {
        for (const trail of ofType(resources, LOGGING.trail)) {
            const groups = (trail.propertyDependencies["cloudWatchLogsGroupArn"] ?? []).filter((d) => isOneOf(d.type, LOGGING.logGroup));
            if (groups.length === 0) {
                continue; // cloudtrail-cloudwatch-logs reports a trail without a log group
            }
            const filters = ofType(resources, LOGGING.metricFilter).filter((f) => groups.some((g) => refersTo(f, "logGroupName", g)));
            const alarms = ofType(resources, LOGGING.metricAlarm);
            for (const ev of securityEvents) {
                const filter = filters.find((f) => {
                    const p = inputsOf(f).str("pattern");
                    return typeof p === "string" && ev.pattern.test(p);
                });
                if (filter === undefined) {
                    report(trail, `trail ${trail.name}: no metric filter for ${ev.label}.`);
                    continue;
                }
                const metric = inputsOf(filter).str("metricTransformation.name");
                const alarmed = alarms.some((a) => {
                    const m = inputsOf(a).str("metricName");
                    return (typeof metric === "string" && m === metric) || refersTo(a, "metricName", filter);
                });
                if (!alarmed) {
                    report(trail, `trail ${trail.name}: the metric filter ${filter.name} for ${ev.label} has no alarm.`);
                }
            }
        }
    },
);

export const lambdaConcurrencyLimit = resourcePolicy(
    {
        name: "lambda-concurrency-limit",
        description: "Lambda functions reserve their concurrency, so a burst cannot starve the detection path or run away unnoticed.",
        safeguard,
        sections: ["164.312(b)"],
        anchors: [
            { source: "AWS Config", id: "LAMBDA_CONCURRENCY_CHECK" },
            { source: "cdk-nag", id: "LambdaConcurrency" },
            { source: "Checkov", id: "CKV_AWS_115" },
        ],
        referenceRows: ["lambda-concurrency-limit"],
        components: ["AnomalyDetector"],
        remediation: "set reservedConcurrentExecutions (0 or more) on the aws.lambda.Function.",
        enforcementLevel: "mandatory",
    },
    LAMBDA.function,
    (r, report) => {
        const n = r.inputs.num("reservedConcurrentExecutions");
        if (n === UNKNOWN) {
            report(unknownSwitch("reservedConcurrentExecutions"));
        } else if (n === undefined || n < 0) {
            report(`function ${r.name} has no reserved concurrency.`);
        }
    },
);

export const lambdaTracingActive = resourcePolicy(
    {
        name: "lambda-tracing-active",
        description: "Lambda functions trace every invocation with X-Ray (tracingConfig.mode Active).",
        safeguard,
        sections: ["164.312(b)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_50" },
            { source: "Pulumi compliance-policies", id: "aws-lambda-function-enable-tracing-config" },
        ],
        referenceRows: [],
        components: ["AnomalyDetector"],
        remediation: "set tracingConfig: {mode: \"Active\"} on the aws.lambda.Function.",
        enforcementLevel: "mandatory",
    },
    LAMBDA.function,
    (r, report) => {
        const mode = r.inputs.str("tracingConfig.mode");
        if (mode === UNKNOWN) {
            report(unknownSwitch("tracingConfig.mode"));
        } else if (mode !== "Active") {
            report(`function ${r.name} does not trace invocations: tracingConfig.mode is ${mode ?? "not set"}.`);
        }
    },
);

/**
 * True when the stack invokes fn only synchronously: an event source mapping polls for it or a
 * lambda.Invocation calls it, and nothing can invoke it asynchronously (a permission for a
 * service principal, an SNS subscription, an S3 notification, an async invoke config).
 * Failures of synchronous calls return to the caller (and a mapping's queue redrives them),
 * so there is nothing for a dead-letter queue to catch.
 */
function invokedOnlySynchronously(resources: readonly PolicyResource[], fn: PolicyResource): boolean {
    const sync = [...ofType(resources, LAMBDA.eventSourceMapping), ...ofType(resources, LAMBDA.invocation)].some((r) =>
        refersTo(r, "functionName", fn),
    );
    const async =
        ofType(resources, LAMBDA.permission).some((r) => refersTo(r, "function", fn)) ||
        ofType(resources, MESSAGING.topicSubscription).some((r) => refersTo(r, "endpoint", fn)) ||
        ofType(resources, S3.notification).some((r) => refersTo(r, "lambdaFunctions", fn)) ||
        ofType(resources, LAMBDA.eventInvokeConfig).some((r) => refersTo(r, "functionName", fn));
    return sync && !async;
}

export const lambdaDLQConfigured = stackPolicy(
    {
        name: "lambda-dlq-configured",
        description:
            "Lambda functions that can be invoked asynchronously send failed invocations to a dead-letter queue or an on-failure destination (functions the stack only invokes synchronously, through an event source mapping or a lambda.Invocation, are exempt).",
        safeguard,
        sections: ["164.312(b)", "164.308(a)(6)(i)"],
        anchors: [
            { source: "AWS Config", id: "LAMBDA_DLQ_CHECK" },
            { source: "cdk-nag", id: "LambdaDLQ" },
            { source: "Checkov", id: "CKV_AWS_116" },
        ],
        referenceRows: ["lambda-dlq-configured"],
        components: ["AnomalyDetector"],
        remediation: "set deadLetterConfig.targetArn to the function's DLQ arn, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.",
        enforcementLevel: "mandatory",
    },
    [...LAMBDA.function, ...LAMBDA.eventInvokeConfig],
    (resources, _config, report) => {
        for (const fn of ofType(resources, LAMBDA.function)) {
            if (isPresent(inputsOf(fn).get("deadLetterConfig.targetArn")) || invokedOnlySynchronously(resources, fn)) {
                continue;
            }
            const onFailure = attachedTo(resources, LAMBDA.eventInvokeConfig, "functionName", fn).some((c) =>
                isPresent(inputsOf(c).get("destinationConfig.onFailure.destination")),
            );
            if (!onFailure) {
                report(fn, `function ${fn.name} has no dead-letter queue or on-failure destination.`);
            }
        }
    },
);

export const s3EventNotifications = stackPolicy(
    {
        name: "s3-event-notifications",
        description: "PHI buckets notify a queue, topic, function or EventBridge of new objects.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)"],
        anchors: [
            { source: "AWS Config", id: "S3_EVENT_NOTIFICATIONS_ENABLED" },
            { source: "Checkov", id: "CKV2_AWS_62" },
        ],
        referenceRows: ["s3-event-notifications"],
        components: ["PhiBucket", "AnomalyDetector"],
        remediation: "attach an aws.s3.BucketNotification with bucket: <bucket>.id and a queue (or topic/lambda/eventbridge) target.",
        enforcementLevel: "advisory",
        advisoryReason: "notifications drive processing rather than protect data; no HIPAA mapping cites the rule, and evidence buckets legitimately have no consumer.",
    },
    [...S3.bucket, ...S3.notification],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (classificationOf(inputsOf(bucket)) !== "PHI") {
                continue;
            }
            const notified = attachedTo(resources, S3.notification, "bucket", bucket).some((n) => {
                const i = inputsOf(n);
                return ["queues", "topics", "lambdaFunctions", "eventbridge"].some((k) => isPresent(i.get(k)) && i.get(k) !== false);
            });
            if (!notified) {
                report(bucket, `PHI bucket ${bucket.name} has no event notification target.`);
            }
        }
    },
);

export const auditControlPolicies: readonly HipaaPolicy[] = [
    vpcFlowLogsEnabled,
    s3AccessLoggingEnabled,
    cloudtrailMultiRegionEnabled,
    cloudtrailCloudWatchLogs,
    cloudtrailS3DataEvents,
    logGroupRetention,
    alarmHasActions,
    securityEventMetricAlarms,
    lambdaConcurrencyLimit,
    lambdaTracingActive,
    lambdaDLQConfigured,
    s3EventNotifications,
];
