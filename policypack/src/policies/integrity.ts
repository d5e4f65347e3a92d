// 164.312(c) Integrity: PHI and the audit trail cannot be altered or destroyed unnoticed:
// versioned objects, write-once retention on PHI and audit buckets, and validated trail digests.

import { PolicyResource } from "@pulumi/policy";
import { requireTrue, unknownSwitch } from "../lib/checks";
import { HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { attachedTo, classificationOf, inputsOf, ofType, purposeOf } from "../lib/stack";
import { LOGGING, S3 } from "../lib/tokens";
import { UNKNOWN } from "../lib/values";

const safeguard = "164.312(c) Integrity" as const;

export const cloudtrailLogFileValidation = resourcePolicy(
    {
        name: "cloudtrail-log-file-validation",
        description: "CloudTrail writes signed digest files so tampering with the audit log is detectable.",
        safeguard,
        sections: ["164.312(c)(1)", "164.312(c)(2)", "164.308(a)(1)(ii)(D)", "164.312(b)"],
        anchors: [
            { source: "AWS Config", id: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED" },
            { source: "Prowler", id: "cloudtrail_log_file_validation_enabled" },
            { source: "cdk-nag", id: "CloudTrailLogFileValidationEnabled" },
            { source: "Checkov", id: "CKV_AWS_36" },
        ],
        referenceRows: ["cloudtrail-log-file-validation"],
        components: ["AuditTrail"],
        remediation: "set enableLogFileValidation: true on the aws.cloudtrail.Trail.",
        enforcementLevel: "mandatory",
    },
    LOGGING.trail,
    (r, report) => requireTrue(r.inputs, "enableLogFileValidation", report, `trail ${r.name} does not validate log files.`),
);

export const s3VersioningEnabled = stackPolicy(
    {
        name: "s3-versioning-enabled",
        description: "Every bucket has versioning attached to it with status Enabled.",
        safeguard,
        sections: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.312(c)(1)", "164.312(c)(2)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_VERSIONING_ENABLED" },
            { source: "Prowler", id: "s3_bucket_object_versioning" },
            { source: "cdk-nag", id: "S3BucketVersioningEnabled" },
            { source: "Checkov", id: "CKV_AWS_21" },
        ],
        referenceRows: ["s3-versioning-enabled"],
        components: ["PhiBucket", "AuditTrail"],
        remediation: "attach an aws.s3.BucketVersioningV2 with bucket: <bucket>.id and versioningConfiguration.status \"Enabled\".",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.versioning],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            const configs = attachedTo(resources, S3.versioning, "bucket", bucket);
            if (configs.length === 0) {
                report(bucket, `bucket ${bucket.name} has no versioning configuration attached.`);
            }
            for (const v of configs) {
                const status = inputsOf(v).str("versioningConfiguration.status");
                if (status === UNKNOWN) {
                    report(bucket, unknownSwitch(`${v.name}.versioningConfiguration.status`));
                } else if (status !== "Enabled") {
                    report(bucket, `bucket ${bucket.name} has versioning status ${status ?? "unset"}, not Enabled.`);
                }
            }
        }
    },
);

/** True when the bucket must be write-once: PHI or audit data (or a classification unknown at preview). */
function needsObjectLock(bucket: PolicyResource): boolean {
    const c = classificationOf(inputsOf(bucket));
    return c === "PHI" || c === "audit" || c === UNKNOWN;
}

/** True when the bucket holds audit records or detection evidence, which must be COMPLIANCE-locked. */
function needsComplianceMode(bucket: PolicyResource): boolean {
    const inputs = inputsOf(bucket);
    const purpose = purposeOf(inputs);
    return classificationOf(inputs) === "audit" || (purpose !== undefined && /evidence|audit/i.test(purpose));
}

function retentionModes(resources: readonly PolicyResource[], bucket: PolicyResource, report: (m: string) => void): string[] {
    const modes: string[] = [];
    for (const lock of attachedTo(resources, S3.objectLock, "bucket", bucket)) {
        const mode = inputsOf(lock).str("rule.defaultRetention.mode");
        if (mode === UNKNOWN) {
            report(unknownSwitch(`${lock.name}.rule.defaultRetention.mode`));
        } else if (mode !== undefined) {
            modes.push(mode);
        }
    }
    return modes;
}

export const s3ObjectLockEnabled = stackPolicy(
    {
        name: "s3-object-lock-enabled",
        description: "PHI and audit buckets are created with Object Lock and have a default retention rule attached.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.312(c)(1)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_DEFAULT_LOCK_ENABLED" },
            { source: "Checkov", id: "CKV_AWS_143" },
        ],
        referenceRows: ["s3-object-lock-enabled"],
        components: ["PhiBucket", "AuditTrail"],
        remediation:
            "set objectLockEnabled: true on the bucket (at creation) and attach an aws.s3.BucketObjectLockConfigurationV2 with rule.defaultRetention {mode, days}.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.objectLock],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (!needsObjectLock(bucket)) {
                continue;
            }
            const flag = inputsOf(bucket).bool("objectLockEnabled");
            if (flag === UNKNOWN) {
                report(bucket, unknownSwitch(`${bucket.name}.objectLockEnabled`));
            } else if (flag !== true) {
                report(bucket, `bucket ${bucket.name} holds PHI or audit data but objectLockEnabled is not true.`);
            }
            const modes = retentionModes(resources, bucket, (m) => report(bucket, m));
            if (!modes.some((m) => m === "GOVERNANCE" || m === "COMPLIANCE")) {
                report(bucket, `bucket ${bucket.name} has no object lock default retention attached.`);
            }
        }
    },
);

export const s3ObjectLockComplianceAudit = stackPolicy(
    {
        name: "s3-object-lock-compliance-audit",
        description: "Audit and evidence buckets use Object Lock in COMPLIANCE mode, which no user (root included) can shorten.",
        safeguard,
        sections: ["164.312(c)(1)", "164.312(b)", "164.316(b)(2)(i)"],
        anchors: [{ source: "AWS Config", id: "S3_BUCKET_DEFAULT_LOCK_ENABLED" }],
        referenceRows: [],
        components: ["AuditTrail", "AnomalyDetector", "PhiBucket"],
        remediation: "set rule.defaultRetention.mode \"COMPLIANCE\" on the bucket's aws.s3.BucketObjectLockConfigurationV2.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.objectLock],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (!needsComplianceMode(bucket)) {
                continue;
            }
            const modes = retentionModes(resources, bucket, (m) => report(bucket, m));
            if (!modes.includes("COMPLIANCE")) {
                report(bucket, `audit/evidence bucket ${bucket.name} is not locked in COMPLIANCE mode (found ${modes.join(", ") || "no retention"}).`);
            }
        }
    },
);

export const integrityPolicies: readonly HipaaPolicy[] = [
    cloudtrailLogFileValidation,
    s3VersioningEnabled,
    s3ObjectLockEnabled,
    s3ObjectLockComplianceAudit,
];
