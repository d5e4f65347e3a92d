// 164.312(a)(2)(iv) Encryption and decryption: PHI at rest is encrypted with customer-managed KMS
// keys that rotate, so access to the data can be audited and revoked through the key policy.

import { PolicyResource } from "@pulumi/policy";
import { isAWSManagedKeyReference, requireCustomerManagedKey, requireTrue, unknownSwitch } from "../lib/checks";
import { HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { attachedTo, inputsOf, ofType, refersTo } from "../lib/stack";
import { DELIVERY, DYNAMODB, KINESIS, KMS, LAMBDA, LOGGING, MESSAGING, S3 } from "../lib/tokens";
import { Inputs, readPath, Read, UNKNOWN, isPresent } from "../lib/values";

const safeguard = "164.312(a)(2)(iv) Encryption and decryption" as const;

export const kmsKeyRotationEnabled = resourcePolicy(
    {
        name: "kms-key-rotation-enabled",
        description: "Symmetric customer-managed KMS keys rotate their key material yearly.",
        safeguard,
        sections: ["164.312(a)(2)(iv)"],
        anchors: [
            { source: "Prowler", id: "kms_cmk_rotation_enabled" },
            { source: "AWSGuard", id: "cmk-backing-key-rotation-enabled" },
            { source: "Checkov", id: "CKV_AWS_7" },
        ],
        referenceRows: ["kms-key-rotation-enabled"],
        components: ["PhiKey"],
        remediation: "set enableKeyRotation: true on the aws.kms.Key.",
        enforcementLevel: "mandatory",
    },
    KMS.key,
    (r, report) => {
        const spec = r.inputs.str("customerMasterKeySpec") ?? r.inputs.str("keySpec");
        if (spec === UNKNOWN) {
            report(unknownSwitch("customerMasterKeySpec"));
            return;
        }
        if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") {
            return; // AWS cannot rotate asymmetric or HMAC keys automatically.
        }
        requireTrue(r.inputs, "enableKeyRotation", report, `KMS key ${r.name} does not rotate: enableKeyRotation is not true.`);
    },
);

/** Inputs that reference a KMS key, per type: the path read and the top-level input it lives in. */
interface KeyReference {
    readonly types: readonly string[];
    readonly path: string;
    readonly input: string;
}

const keyReferences: readonly KeyReference[] = [
    { types: KINESIS.videoStream, path: "kmsKeyId", input: "kmsKeyId" },
    { types: KINESIS.stream, path: "kmsKeyId", input: "kmsKeyId" },
    { types: MESSAGING.queue, path: "kmsMasterKeyId", input: "kmsMasterKeyId" },
    { types: MESSAGING.topic, path: "kmsMasterKeyId", input: "kmsMasterKeyId" },
    { types: DYNAMODB.table, path: "serverSideEncryption.kmsKeyArn", input: "serverSideEncryption" },
    { types: LOGGING.trail, path: "kmsKeyId", input: "kmsKeyId" },
    { types: LOGGING.logGroup, path: "kmsKeyId", input: "kmsKeyId" },
    { types: LAMBDA.function, path: "kmsKeyArn", input: "kmsKeyArn" },
    { types: DELIVERY.codeBuildProject, path: "encryptionKey", input: "encryptionKey" },
];

function sseRules(inputs: Inputs): Read[] | typeof UNKNOWN {
    const rules = inputs.list("rules") ?? inputs.list("rule");
    return rules === undefined ? [] : rules;
}

/** Literal KMS references that are fine without a dependency: key ARNs, key IDs, customer aliases. */
function isCustomerKeyLiteral(ref: string): boolean {
    return !isAWSManagedKeyReference(ref) && ref.trim() !== "";
}

export const kmsCustomerManagedKeyInStack = stackPolicy(
    {
        name: "kms-customer-managed-key-in-stack",
        description:
            "Every KMS key reference of a PHI data store is derived from an aws.kms.Key (or its alias) declared in the stack, or is a literal customer-managed key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "S3_DEFAULT_ENCRYPTION_KMS" },
            { source: "Checkov", id: "CKV_AWS_145" },
        ],
        referenceRows: ["s3-sse-kms-cmk", "kvs-cmk-encryption", "lambda-env-kms"],
        components: ["PhiKey", "PhiBucket", "VideoStream", "AnomalyDetector", "AuditTrail"],
        remediation: "pass the PhiKey's arn (aws.kms.Key.arn) or its alias to the resource's KMS key input.",
        enforcementLevel: "mandatory",
    },
    [...KMS.key, ...KMS.alias],
    (resources, _config, report) => {
        const keyTypes: readonly string[] = [...KMS.key, ...KMS.alias];
        const check = (r: PolicyResource, value: Read, input: string): void => {
            if (value === undefined) {
                return; // absence is reported by the per-type encryption policy
            }
            if (value === UNKNOWN) {
                const fromKey = (r.propertyDependencies[input] ?? []).some((d) => keyTypes.includes(d.type));
                if (!fromKey) {
                    report(r, `${r.name}: the KMS key in ${input} is not derived from an aws.kms.Key or aws.kms.Alias in this stack.`);
                }
                return;
            }
            if (typeof value === "string" && !isCustomerKeyLiteral(value)) {
                report(r, `${r.name}: ${input} names the AWS-managed key ${value}.`);
            }
        };
        for (const ref of keyReferences) {
            for (const r of ofType(resources, ref.types)) {
                check(r, inputsOf(r).get(ref.path), ref.input);
            }
        }
        for (const sse of ofType(resources, S3.encryption)) {
            const rules = sseRules(inputsOf(sse));
            if (rules === UNKNOWN) {
                check(sse, UNKNOWN, "rules");
                continue;
            }
            for (const rule of rules) {
                check(sse, readPath(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId"), "rules");
            }
        }
    },
);

/** True when bucket is the target of another bucket's server access logging. */
export function isLogTarget(resources: readonly PolicyResource[], bucket: PolicyResource): boolean {
    return attachedTo(resources, S3.logging, "targetBucket", bucket).some((l) => !refersTo(l, "bucket", bucket));
}

export const s3SseKmsCmk = stackPolicy(
    {
        name: "s3-sse-kms-cmk",
        description:
            "Every bucket has a server-side encryption configuration attached to it that defaults to SSE-KMS with a customer-managed key; only server-access-log target buckets may use SSE-S3 (AES256), since S3 cannot deliver access logs to SSE-KMS buckets.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "S3_DEFAULT_ENCRYPTION_KMS" },
            { source: "AWS Config", id: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED" },
            { source: "Prowler", id: "s3_bucket_default_encryption" },
            { source: "cdk-nag", id: "S3DefaultEncryptionKMS" },
            { source: "Checkov", id: "CKV_AWS_145" },
        ],
        referenceRows: ["s3-sse-kms-cmk"],
        components: ["PhiBucket", "AuditTrail"],
        remediation:
            "attach an aws.s3.BucketServerSideEncryptionConfigurationV2 with bucket: <bucket>.id and rules[0].applyServerSideEncryptionByDefault = {sseAlgorithm: \"aws:kms\", kmsMasterKeyId: <PhiKey>.arn}.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.encryption],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            const configs = attachedTo(resources, S3.encryption, "bucket", bucket);
            if (configs.length === 0) {
                report(bucket, `bucket ${bucket.name} has no server-side encryption configuration attached.`);
                continue;
            }
            const logTarget = isLogTarget(resources, bucket);
            for (const sse of configs) {
                const rules = sseRules(inputsOf(sse));
                if (rules === UNKNOWN) {
                    report(bucket, unknownSwitch(`${sse.name}.rules`));
                    continue;
                }
                if (rules.length === 0) {
                    report(bucket, `bucket ${bucket.name}: ${sse.name} has no rules.`);
                }
                for (const rule of rules) {
                    const algorithm = readPath(rule, "applyServerSideEncryptionByDefault.sseAlgorithm");
                    const keyID = readPath(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId");
                    if (algorithm === UNKNOWN) {
                        report(bucket, unknownSwitch(`${sse.name}.sseAlgorithm`));
                    } else if (algorithm === "AES256") {
                        if (!logTarget) {
                            report(bucket, `bucket ${bucket.name} uses SSE-S3 (AES256) but is not a server-access-log target; SSE-KMS with a customer-managed key is required.`);
                        }
                    } else if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
                        report(bucket, `bucket ${bucket.name} has no default encryption algorithm.`);
                    } else if (!isPresent(keyID)) {
                        report(bucket, `bucket ${bucket.name} uses SSE-KMS with the AWS-managed aws/s3 key: kmsMasterKeyId is not set.`);
                    } else if (typeof keyID === "string" && isAWSManagedKeyReference(keyID)) {
                        report(bucket, `bucket ${bucket.name} uses the AWS-managed key ${keyID}.`);
                    }
                }
            }
        }
    },
);

export const kvsCmkEncryption = resourcePolicy(
    {
        name: "kvs-cmk-encryption",
        description: "Kinesis Video streams of patient rooms are encrypted with a customer-managed KMS key, not the default aws/kinesisvideo key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [{ source: "Checkov", id: "CKV_AWS_177" }],
        referenceRows: ["kvs-cmk-encryption"],
        components: ["VideoStream", "PhiKey"],
        remediation: "set kmsKeyId: <PhiKey>.arn on the aws.kinesis.VideoStream.",
        enforcementLevel: "mandatory",
    },
    KINESIS.videoStream,
    (r, report) => requireCustomerManagedKey(r.inputs, "kmsKeyId", report, `video stream ${r.name}`),
);

export const kinesisDataStreamEncrypted = resourcePolicy(
    {
        name: "kinesis-data-stream-encrypted",
        description: "Kinesis Data Streams, if used, are encrypted with KMS.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "KINESIS_STREAM_ENCRYPTED" },
            { source: "Checkov", id: "CKV_AWS_43" },
        ],
        referenceRows: ["kinesis-data-stream-encrypted"],
        components: ["AnomalyDetector"],
        remediation: "set encryptionType: \"KMS\" and kmsKeyId: <PhiKey>.arn on the aws.kinesis.Stream.",
        enforcementLevel: "mandatory",
    },
    KINESIS.stream,
    (r, report) => {
        const t = r.inputs.str("encryptionType");
        if (t === UNKNOWN) {
            report(unknownSwitch("encryptionType"));
        } else if (t !== "KMS") {
            report(`stream ${r.name} is not KMS-encrypted: encryptionType is ${t ?? "not set"}.`);
        }
        requireCustomerManagedKey(r.inputs, "kmsKeyId", report, `stream ${r.name}`);
    },
);

export const lambdaEnvKms = resourcePolicy(
    {
        name: "lambda-env-kms",
        description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)"],
        anchors: [{ source: "Checkov", id: "CKV_AWS_173" }],
        referenceRows: ["lambda-env-kms"],
        components: ["AnomalyDetector"],
        remediation: "set kmsKeyArn: <PhiKey>.arn on the aws.lambda.Function.",
        enforcementLevel: "mandatory",
    },
    LAMBDA.function,
    (r, report) => {
        const vars = r.inputs.get("environment.variables");
        const hasVars = vars === UNKNOWN || (typeof vars === "object" && vars !== null && Object.keys(vars).length > 0);
        if (hasVars) {
            requireCustomerManagedKey(r.inputs, "kmsKeyArn", report, `function ${r.name} (with environment variables)`);
        }
    },
);

export const snsKmsEncrypted = resourcePolicy(
    {
        name: "sns-kms-encrypted",
        description: "SNS topics that carry alerts are encrypted with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "SNS_ENCRYPTED_KMS" },
            { source: "Prowler", id: "sns_topics_kms_encryption_at_rest_enabled" },
            { source: "cdk-nag", id: "SNSEncryptedKMS" },
            { source: "Checkov", id: "CKV_AWS_26" },
        ],
        referenceRows: ["sns-kms-encrypted"],
        components: ["AnomalyDetector"],
        remediation: "set kmsMasterKeyId: <PhiKey>.arn on the aws.sns.Topic.",
        enforcementLevel: "mandatory",
    },
    MESSAGING.topic,
    (r, report) => requireCustomerManagedKey(r.inputs, "kmsMasterKeyId", report, `topic ${r.name}`),
);

export const sqsKmsEncrypted = resourcePolicy(
    {
        name: "sqs-kms-encrypted",
        description: "SQS queues are encrypted with a customer-managed KMS key (SSE-SQS alone is not enough).",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_27" },
            { source: "cdk-nag", id: "AwsSolutions-SQS2" },
        ],
        referenceRows: ["sqs-kms-encrypted"],
        components: ["AnomalyDetector"],
        remediation: "set kmsMasterKeyId: <PhiKey>.arn on the aws.sqs.Queue.",
        enforcementLevel: "mandatory",
    },
    MESSAGING.queue,
    (r, report) => requireCustomerManagedKey(r.inputs, "kmsMasterKeyId", report, `queue ${r.name}`),
);

export const dynamodbKmsCmk = resourcePolicy(
    {
        name: "dynamodb-kms-cmk",
        description: "DynamoDB tables use server-side encryption with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)", "164.308(a)(4)(ii)(A)"],
        anchors: [
            { source: "AWS Config", id: "DYNAMODB_TABLE_ENCRYPTED_KMS" },
            { source: "Prowler", id: "dynamodb_tables_kms_cmk_encryption_enabled" },
            { source: "AWSGuard", id: "dynamodb-table-encryption-enabled" },
            { source: "Checkov", id: "CKV_AWS_119" },
        ],
        referenceRows: ["dynamodb-kms-cmk"],
        components: ["AnomalyDetector"],
        remediation: "set serverSideEncryption: {enabled: true, kmsKeyArn: <PhiKey>.arn} on the aws.dynamodb.Table.",
        enforcementLevel: "mandatory",
    },
    DYNAMODB.table,
    (r, report) => {
        requireTrue(r.inputs, "serverSideEncryption.enabled", report, `table ${r.name} does not enable KMS server-side encryption.`);
        requireCustomerManagedKey(r.inputs, "serverSideEncryption.kmsKeyArn", report, `table ${r.name}`);
    },
);

export const cloudtrailKmsEncrypted = resourcePolicy(
    {
        name: "cloudtrail-kms-encrypted",
        description: "CloudTrail log files are encrypted with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)", "164.312(c)(1)"],
        anchors: [
            { source: "AWS Config", id: "CLOUD_TRAIL_ENCRYPTION_ENABLED" },
            { source: "Prowler", id: "cloudtrail_kms_encryption_enabled" },
            { source: "cdk-nag", id: "CloudTrailEncryptionEnabled" },
            { source: "Checkov", id: "CKV_AWS_35" },
        ],
        referenceRows: ["cloudtrail-kms-encrypted"],
        components: ["AuditTrail"],
        remediation: "set kmsKeyId: <PhiKey>.arn on the aws.cloudtrail.Trail.",
        enforcementLevel: "mandatory",
    },
    LOGGING.trail,
    (r, report) => requireCustomerManagedKey(r.inputs, "kmsKeyId", report, `trail ${r.name}`),
);

export const logGroupKmsEncrypted = resourcePolicy(
    {
        name: "log-group-kms-encrypted",
        description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "CLOUDWATCH_LOG_GROUP_ENCRYPTED" },
            { source: "Prowler", id: "cloudwatch_log_group_kms_encryption_enabled" },
            { source: "cdk-nag", id: "CloudWatchLogGroupEncrypted" },
            { source: "Checkov", id: "CKV_AWS_158" },
        ],
        referenceRows: ["log-group-kms-encrypted"],
        components: ["SecureNetwork", "AnomalyDetector", "AuditTrail", "Observability"],
        remediation: "set kmsKeyId: <PhiKey>.arn on the aws.cloudwatch.LogGroup (the key policy must allow logs.<region>.amazonaws.com).",
        enforcementLevel: "mandatory",
    },
    LOGGING.logGroup,
    (r, report) => requireCustomerManagedKey(r.inputs, "kmsKeyId", report, `log group ${r.name}`),
);

export const codebuildCmkLogging = resourcePolicy(
    {
        name: "codebuild-cmk-logging",
        description: "CodeBuild projects encrypt artifacts with a customer-managed key, keep build logs on, and do not run privileged.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.308(a)(1)(ii)(D)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_147" },
            { source: "Checkov", id: "CKV_AWS_314" },
            { source: "Checkov", id: "CKV_AWS_316" },
        ],
        referenceRows: ["codebuild-cmk-logging"],
        components: ["Delivery"],
        remediation:
            "set encryptionKey: <PhiKey>.arn, leave logsConfig.cloudwatchLogs.status ENABLED, and environment.privilegedMode false on the aws.codebuild.Project.",
        enforcementLevel: "mandatory",
    },
    DELIVERY.codeBuildProject,
    (r, report) => {
        requireCustomerManagedKey(r.inputs, "encryptionKey", report, `CodeBuild project ${r.name}`);
        const cw = r.inputs.str("logsConfig.cloudwatchLogs.status");
        const s3 = r.inputs.str("logsConfig.s3Logs.status");
        if (cw === "DISABLED" && s3 !== "ENABLED") {
            report(`CodeBuild project ${r.name} has build logging disabled.`);
        }
        const privileged = r.inputs.bool("environment.privilegedMode");
        if (privileged === true || privileged === UNKNOWN) {
            report(`CodeBuild project ${r.name} runs in privileged mode.`);
        }
    },
);

export const codepipelineArtifactCmk = resourcePolicy(
    {
        name: "codepipeline-artifact-cmk",
        description: "CodePipeline artifact stores are encrypted with a customer-managed KMS key.",
        safeguard,
        sections: ["164.312(a)(2)(iv)"],
        anchors: [{ source: "Checkov", id: "CKV_AWS_219" }],
        referenceRows: ["codepipeline-artifact-cmk"],
        components: ["Delivery"],
        remediation: "set artifactStores[].encryptionKey = {type: \"KMS\", id: <PhiKey>.arn} on the aws.codepipeline.Pipeline.",
        enforcementLevel: "mandatory",
    },
    DELIVERY.codePipeline,
    (r, report) => {
        const stores = r.inputs.list("artifactStores") ?? r.inputs.list("artifactStore");
        if (stores === UNKNOWN) {
            report(unknownSwitch("artifactStores"));
            return;
        }
        if (!stores || stores.length === 0) {
            report(`pipeline ${r.name} has no artifact store.`);
            return;
        }
        for (const store of stores) {
            const type = readPath(store, "encryptionKey.type");
            const id = readPath(store, "encryptionKey.id");
            if (type !== "KMS" || !isPresent(id)) {
                report(`pipeline ${r.name} has an artifact store without a customer-managed KMS encryptionKey.`);
            } else if (typeof id === "string" && isAWSManagedKeyReference(id)) {
                report(`pipeline ${r.name} uses the AWS-managed key ${id} for artifacts.`);
            }
        }
    },
);

export const encryptionPolicies: readonly HipaaPolicy[] = [
    kmsKeyRotationEnabled,
    kmsCustomerManagedKeyInStack,
    s3SseKmsCmk,
    kvsCmkEncryption,
    kinesisDataStreamEncrypted,
    lambdaEnvKms,
    snsKmsEncrypted,
    sqsKmsEncrypted,
    dynamodbKmsCmk,
    cloudtrailKmsEncrypted,
    logGroupKmsEncrypted,
    codebuildCmkLogging,
    codepipelineArtifactCmk,
];
