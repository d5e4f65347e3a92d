// 164.308 Administrative safeguards: security management (risk analysis inputs: GuardDuty,
// Security Hub, AWS Config), workforce credentials, and the bookkeeping that makes the rest
// reviewable: data classification, approved regions, keys that cannot vanish, and an honest
// account of what a preview could not verify.

import { requireTrue, unknownSwitch } from "../lib/checks";
import { HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { classificationOf, inputsOf, ofType, refersTo, refersToAnywhere } from "../lib/stack";
import { ACCOUNT, DELIVERY, DYNAMODB, IAM, KINESIS, KMS, MESSAGING, S3 } from "../lib/tokens";
import { readPath, UNKNOWN, unknownArray, unknownObject, unknownString } from "../lib/values";
import { documentInputs } from "./accessControl";
import { networkReferenceInputs } from "./transmissionSecurity";

const safeguard = "164.308 Administrative safeguards" as const;

interface KeyDeletionConfig {
    readonly minimumDeletionWindowDays: number;
    readonly requireProtect: boolean;
}

export const kmsKeyNotPendingDeletion = resourcePolicy<KeyDeletionConfig>(
    {
        name: "kms-key-not-pending-deletion",
        description: "KMS keys are enabled and use the longest deletion window, so a key (and the PHI it protects) cannot be lost by a hasty delete.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.312(a)(2)(iv)"],
        anchors: [
            { source: "AWS Config", id: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION" },
            { source: "Checkov", id: "CKV_AWS_227" },
        ],
        referenceRows: ["kms-key-not-pending-deletion"],
        components: ["PhiKey"],
        remediation: "leave isEnabled true, set deletionWindowInDays: 30 and (where the stack config requires it) the protect resource option on the aws.kms.Key.",
        enforcementLevel: "mandatory",
        config: {
            minimumDeletionWindowDays: {
                type: "integer",
                minimum: 7,
                maximum: 30,
                default: 30,
                description: "Shortest deletion waiting period a key may have, in days.",
            },
            requireProtect: {
                type: "boolean",
                default: false,
                description: "Require the protect resource option, so `pulumi destroy` cannot schedule the key's deletion (set for prod).",
            },
        },
    },
    KMS.key,
    (r, report) => {
        const enabled = r.inputs.bool("isEnabled");
        if (enabled === false) {
            report(`KMS key ${r.name} is disabled.`);
        } else if (enabled === UNKNOWN) {
            report(unknownSwitch("isEnabled"));
        }
        const days = r.inputs.num("deletionWindowInDays");
        if (days === UNKNOWN) {
            report(unknownSwitch("deletionWindowInDays"));
        } else if (days === undefined) {
            report(`KMS key ${r.name} has no explicit deletionWindowInDays.`);
        } else if (days < r.config.minimumDeletionWindowDays) {
            report(`KMS key ${r.name} has a deletion window of ${days} days, less than ${r.config.minimumDeletionWindowDays}.`);
        }
        if (r.config.requireProtect && !r.protect) {
            report(`KMS key ${r.name} is not protected, so a destroy or a replacement can schedule its deletion.`);
        }
    },
);

export const guardDutyEnabled = resourcePolicy(
    {
        name: "guardduty-enabled",
        description: "GuardDuty detectors declared by the stack are enabled.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(D)", "164.308(a)(5)(ii)(C)", "164.308(a)(6)(i)", "164.308(a)(6)(ii)", "164.312(b)"],
        anchors: [
            { source: "AWS Config", id: "GUARDDUTY_ENABLED_CENTRALIZED" },
            { source: "Prowler", id: "guardduty_is_enabled" },
            { source: "Checkov", id: "CKV2_AWS_3" },
        ],
        referenceRows: ["guardduty-enabled"],
        components: ["Baseline"],
        remediation: "set enable: true on the aws.guardduty.Detector.",
        enforcementLevel: "mandatory",
    },
    ACCOUNT.guardDutyDetector,
    (r, report) => {
        const enable = r.inputs.bool("enable");
        if (enable === false) {
            report(`GuardDuty detector ${r.name} is disabled.`);
        } else if (enable === UNKNOWN) {
            report(unknownSwitch("enable"));
        }
    },
);

export const securityHubEnabled = stackPolicy(
    {
        name: "securityhub-enabled",
        description: "A Security Hub account declared by the stack subscribes to at least one standard.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(D)", "164.308(a)(3)(ii)(A)", "164.308(a)(6)(i)", "164.308(a)(6)(ii)", "164.308(a)(8)", "164.312(e)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "SECURITYHUB_ENABLED" },
            { source: "Prowler", id: "securityhub_enabled" },
        ],
        referenceRows: ["securityhub-enabled"],
        components: ["Baseline"],
        remediation: "add an aws.securityhub.StandardsSubscription (e.g. AWS Foundational Security Best Practices) that depends on the account.",
        enforcementLevel: "mandatory",
    },
    [...ACCOUNT.securityHubAccount, ...ACCOUNT.securityHubStandard],
    (resources, _config, report) => {
        const subscriptions = ofType(resources, ACCOUNT.securityHubStandard);
        for (const account of ofType(resources, ACCOUNT.securityHubAccount)) {
            const linked = subscriptions.some((s) => s.dependencies.some((d) => d.urn === account.urn) || refersToAnywhere(s, account));
            if (!linked) {
                report(account, `Security Hub account ${account.name} subscribes to no standard.`);
            }
        }
    },
);

export const configRecorderAllResources = stackPolicy(
    {
        name: "config-recorder-all-resources",
        description: "An AWS Config recorder declared by the stack records all supported and global resource types, is started, and has a delivery channel.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(A)"],
        anchors: [
            { source: "Prowler", id: "config_recorder_all_regions_enabled" },
            { source: "Checkov", id: "CKV2_AWS_45" },
            { source: "Checkov", id: "CKV2_AWS_48" },
        ],
        referenceRows: ["config-recorder-all-resources"],
        components: ["Baseline"],
        remediation:
            "set recordingGroup {allSupported: true, includeGlobalResourceTypes: true}, add an aws.cfg.RecorderStatus with isEnabled: true and an aws.cfg.DeliveryChannel.",
        enforcementLevel: "mandatory",
    },
    [...ACCOUNT.configRecorder, ...ACCOUNT.configRecorderStatus, ...ACCOUNT.configDeliveryChannel],
    (resources, _config, report) => {
        for (const recorder of ofType(resources, ACCOUNT.configRecorder)) {
            const inputs = inputsOf(recorder);
            requireTrue(inputs, "recordingGroup.allSupported", (m) => report(recorder, m), `recorder ${recorder.name} does not record all supported resource types.`);
            requireTrue(inputs, "recordingGroup.includeGlobalResourceTypes", (m) => report(recorder, m), `recorder ${recorder.name} does not record global resource types (IAM).`);
            const statuses = ofType(resources, ACCOUNT.configRecorderStatus).filter((s) => refersTo(s, "name", recorder));
            if (!statuses.some((s) => inputsOf(s).bool("isEnabled") === true)) {
                report(recorder, `recorder ${recorder.name} is not started: no RecorderStatus with isEnabled true refers to it.`);
            }
            if (ofType(resources, ACCOUNT.configDeliveryChannel).length === 0) {
                report(recorder, `recorder ${recorder.name} has no delivery channel.`);
            }
        }
    },
);

export const accountSecurityServicesDeclared = stackPolicy(
    {
        name: "account-security-services-declared",
        description: "A stack holding PHI declares (or its baseline stack provides) GuardDuty, Security Hub and an AWS Config recorder.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
        anchors: [
            { source: "AWS Config", id: "GUARDDUTY_ENABLED_CENTRALIZED" },
            { source: "AWS Config", id: "SECURITYHUB_ENABLED" },
            { source: "Prowler", id: "config_recorder_all_regions_enabled" },
        ],
        referenceRows: ["guardduty-enabled", "securityhub-enabled", "config-recorder-all-resources"],
        components: ["Baseline"],
        remediation: "deploy the MediGuard baseline (GuardDuty detector, Security Hub account with a standard, Config recorder) in the account.",
        enforcementLevel: "advisory",
        advisoryReason: "these are account-wide services; a second stack (the baseline) may own them, which one stack's preview cannot see.",
    },
    [...S3.bucket, ...KINESIS.videoStream],
    (resources, _config, report) => {
        const phi = [...ofType(resources, S3.bucket), ...ofType(resources, KINESIS.videoStream)].find(
            (r) => classificationOf(inputsOf(r)) === "PHI",
        );
        if (phi === undefined) {
            return;
        }
        const missing: string[] = [];
        if (ofType(resources, ACCOUNT.guardDutyDetector).length === 0) missing.push("GuardDuty detector");
        if (ofType(resources, ACCOUNT.securityHubAccount).length === 0) missing.push("Security Hub account");
        if (ofType(resources, ACCOUNT.configRecorder).length === 0) missing.push("AWS Config recorder");
        if (missing.length > 0) {
            report(phi, `the stack holds PHI (${phi.name}) but declares no ${missing.join(", ")}.`);
        }
    },
);

export const iamAccountPasswordPolicy = resourcePolicy(
    {
        name: "iam-account-password-policy",
        description: "The account password policy, where declared, requires 14+ characters of all classes, 24-password reuse prevention and 90-day expiry.",
        safeguard,
        sections: ["164.308(a)(5)(ii)(D)", "164.308(a)(4)(ii)(B)", "164.312(d)"],
        anchors: [
            { source: "AWS Config", id: "IAM_PASSWORD_POLICY" },
            { source: "Prowler", id: "iam_password_policy_reuse_24" },
            { source: "Checkov", id: "CKV_AWS_9" },
        ],
        referenceRows: ["iam-account-password-policy"],
        components: ["Baseline"],
        remediation:
            "set minimumPasswordLength >= 14, passwordReusePrevention >= 24, maxPasswordAge <= 90 and requireLowercaseCharacters/UppercaseCharacters/Numbers/Symbols true.",
        enforcementLevel: "mandatory",
    },
    IAM.passwordPolicy,
    (r, report) => {
        const atLeast = (path: string, min: number): void => {
            const v = r.inputs.num(path);
            if (v === UNKNOWN) report(unknownSwitch(path));
            else if (v === undefined || v < min) report(`password policy ${r.name}: ${path} is ${v ?? "unset"}, needs at least ${min}.`);
        };
        atLeast("minimumPasswordLength", 14);
        atLeast("passwordReusePrevention", 24);
        const age = r.inputs.num("maxPasswordAge");
        if (age === UNKNOWN) report(unknownSwitch("maxPasswordAge"));
        else if (age === undefined || age === 0 || age > 90) report(`password policy ${r.name}: maxPasswordAge is ${age ?? "unset"}, needs 1-90.`);
        for (const flag of ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"]) {
            requireTrue(r.inputs, flag, report, `password policy ${r.name}: ${flag} is not true.`);
        }
    },
);

const credentialVariableNames = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

export const codebuildNoPlaintextAWSCredentials = resourcePolicy(
    {
        name: "codebuild-no-plaintext-aws-creds",
        description: "CodeBuild projects carry no AWS credentials in plaintext environment variables.",
        safeguard,
        sections: ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"],
        anchors: [
            { source: "AWS Config", id: "CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK" },
            { source: "cdk-nag", id: "CodeBuildProjectEnvVarAwsCred" },
        ],
        referenceRows: ["codebuild-no-plaintext-aws-creds"],
        components: ["Delivery"],
        remediation: "remove the credential variables and let the project's service role supply credentials (or use type SECRETS_MANAGER/PARAMETER_STORE).",
        enforcementLevel: "mandatory",
    },
    DELIVERY.codeBuildProject,
    (r, report) => {
        const vars = r.inputs.list("environment.environmentVariables");
        if (vars === UNKNOWN) {
            report(unknownSwitch("environment.environmentVariables"));
            return;
        }
        for (const v of vars ?? []) {
            const name = readPath(v, "name");
            const type = readPath(v, "type");
            if (typeof name === "string" && credentialVariableNames.includes(name) && (type === undefined || type === "PLAINTEXT")) {
                report(`CodeBuild project ${r.name} sets ${name} as a plaintext environment variable.`);
            }
        }
    },
);

export const codebuildSourceNoEmbeddedCredentials = resourcePolicy(
    {
        name: "codebuild-source-no-embedded-creds",
        description: "CodeBuild source URLs for GitHub/Bitbucket embed no user:token credentials.",
        safeguard,
        sections: ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"],
        anchors: [
            { source: "AWS Config", id: "CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK" },
            { source: "cdk-nag", id: "CodeBuildProjectSourceRepoUrl" },
        ],
        referenceRows: ["codebuild-source-no-embedded-creds"],
        components: ["Delivery"],
        remediation: "use a CodeStar connection or aws.codebuild.SourceCredential and a plain https URL without credentials.",
        enforcementLevel: "mandatory",
    },
    DELIVERY.codeBuildProject,
    (r, report) => {
        const location = r.inputs.str("source.location");
        if (typeof location === "string" && /^https?:\/\/[^/@\s]+@/.test(location)) {
            report(`CodeBuild project ${r.name} embeds credentials in its source URL.`);
        }
    },
);

interface ClassificationConfig {
    readonly allowedClassifications: readonly string[];
}

/** Types that store or carry PHI (or its audit trail) and so must say what they hold. */
const classifiedTypes = [
    ...S3.bucket,
    ...KINESIS.videoStream,
    ...KINESIS.stream,
    ...MESSAGING.queue,
    ...MESSAGING.topic,
    ...DYNAMODB.table,
];

export const dataClassificationTag = resourcePolicy<ClassificationConfig>(
    {
        name: "data-classification-tag",
        description:
            "Every data store, video or data stream, queue and topic carries a data-classification tag (PHI, audit, logs or operations), which the other policies key on.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(A)", "164.310(d)(1)"],
        anchors: [],
        referenceRows: [],
        components: ["PhiBucket", "VideoStream", "AnomalyDetector", "AuditTrail", "Observability"],
        remediation: "set tags {\"data-classification\": \"PHI\" | \"audit\" | \"logs\" | \"operations\", \"managed-by\": \"mediguard\"} with literal values.",
        enforcementLevel: "mandatory",
        config: {
            allowedClassifications: {
                type: "array",
                items: { type: "string" },
                default: ["PHI", "audit", "logs", "operations"],
                description: "Values the data-classification tag may take (operations: platform-health resources that carry no PHI).",
            },
        },
    },
    classifiedTypes,
    (r, report) => {
        const c = classificationOf(r.inputs);
        if (c === UNKNOWN) {
            report(unknownSwitch("tags.data-classification"));
        } else if (c === undefined) {
            report(`${r.name} has no data-classification tag.`);
        } else if (!r.config.allowedClassifications.includes(c)) {
            report(`${r.name} has data-classification "${c}", not one of ${r.config.allowedClassifications.join(", ")}.`);
        }
    },
);

interface RegionConfig {
    readonly allowedRegions: readonly string[];
}

export const allowedRegions = resourcePolicy<RegionConfig>(
    {
        name: "allowed-regions",
        description: "Resources are created only in approved regions (where the BAA-covered services the platform uses are available and data residency is agreed).",
        safeguard,
        sections: ["164.308(b)(1)", "164.314(a)(1)"],
        anchors: [],
        referenceRows: [],
        components: ["SecureNetwork", "PhiKey", "PhiBucket", "VideoStream", "AnomalyDetector", "AuditTrail"],
        remediation: "set aws:region to an approved region, or add the region to allowedRegions in the policy config.",
        enforcementLevel: "mandatory",
        config: {
            allowedRegions: {
                type: "array",
                items: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-[0-9]$" },
                minItems: 1,
                default: ["us-east-1", "us-east-2", "us-west-2"],
                description: "AWS regions the stack may deploy to.",
            },
        },
    },
    "*",
    (r, report) => {
        const region = r.provider?.str("region");
        if (region === UNKNOWN) {
            report(unknownSwitch("provider region"));
        } else if (typeof region === "string" && !r.config.allowedRegions.includes(region)) {
            report(`${r.name} would be created in ${region}, which is not an allowed region (${r.config.allowedRegions.join(", ")}).`);
        }
    },
);

/** Inputs whose unknown value defers one or more mandatory policies to `pulumi up`. */
const deferred = [...documentInputs, ...networkReferenceInputs];

function containsUnknown(v: unknown): boolean {
    if (typeof v === "string") {
        return v === unknownString || v === unknownObject || v === unknownArray;
    }
    if (Array.isArray(v)) {
        return v.some(containsUnknown);
    }
    if (typeof v === "object" && v !== null) {
        return Object.values(v).some(containsUnknown);
    }
    return false;
}

export const previewUnverifiableInputs = resourcePolicy(
    {
        name: "preview-unverifiable-inputs",
        description:
            "Reports the documents and CIDRs that are computed from other resources and so unknown at preview: the policies that read them run again, with the values known, when `pulumi up` registers the resource, before it is created.",
        safeguard,
        sections: ["164.308(a)(8)"],
        anchors: [],
        referenceRows: [],
        components: ["PhiBucket", "PhiKey", "AnomalyDetector", "SecureNetwork", "AuditTrail"],
        remediation: "nothing to change; run `pulumi up` (policies are enforced there too) or build the document from values known at preview.",
        enforcementLevel: "advisory",
        advisoryReason: "an unknown document is not a violation; this makes the deferral visible instead of silent.",
    },
    Array.from(new Set(deferred.flatMap((d) => d.types))),
    (r, report) => {
        const raw = r.inputs.get("");
        for (const d of deferred) {
            if (!d.types.includes(r.type)) {
                continue;
            }
            for (const input of d.inputs) {
                const v = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw[input] : undefined;
                if (v !== undefined && containsUnknown(v)) {
                    report(`${r.name}: ${input} is unknown at preview, so ${d.policies.join(", ")} cannot verify it yet.`);
                }
            }
        }
    },
);

export const securityManagementPolicies: readonly HipaaPolicy[] = [
    kmsKeyNotPendingDeletion,
    guardDutyEnabled,
    securityHubEnabled,
    configRecorderAllResources,
    accountSecurityServicesDeclared,
    iamAccountPasswordPolicy,
    codebuildNoPlaintextAWSCredentials,
    codebuildSourceNoEmbeddedCredentials,
    dataClassificationTag,
    allowedRegions,
    previewUnverifiableInputs,
];
