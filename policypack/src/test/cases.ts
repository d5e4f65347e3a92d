// Failing (and extra passing) cases for every policy: each starts from the compliant baseline,
// changes one thing, and names the violation message(s) expected.

import * as access from "../policies/accessControl";
import * as audit from "../policies/auditControls";
import * as contingency from "../policies/contingency";
import * as encryption from "../policies/encryption";
import * as integrity from "../policies/integrity";
import * as admin from "../policies/securityManagement";
import * as transmission from "../policies/transmissionSecurity";
import { HipaaPolicy } from "../lib/hipaa";
import { find, Fixture, PackConfig, remove, setPath, Spec, U } from "./fixtures";

export interface Case {
    readonly policy: HipaaPolicy;
    readonly name: string;
    readonly mutate: (f: Fixture) => void;
    readonly config?: PackConfig;
    /** Substrings each violation must match, one per expected violation; [] means the case passes. */
    readonly expect: readonly string[];
}

/** Sets path on the props of the resource typeSuffix/name. */
const set =
    (typeSuffix: string, name: string, path: string, value: unknown) =>
    (f: Fixture): void =>
        setPath(find(f, typeSuffix, name).props, path, value);

/** Removes the resource typeSuffix/name. */
const drop =
    (typeSuffix: string, name: string) =>
    (f: Fixture): void =>
        remove(f, (s) => s.name === name && s.type.endsWith(typeSuffix));

/** Appends resources. */
const add =
    (...specs: Spec[]) =>
    (f: Fixture): void => {
        f.push(...specs);
    };

/** Applies several mutations in order. */
const all =
    (...fns: ((f: Fixture) => void)[]) =>
    (f: Fixture): void =>
        fns.forEach((fn) => fn(f));

/** Points input prop of typeSuffix/name at other resources. */
const depend =
    (typeSuffix: string, name: string, prop: string, targets: string[]) =>
    (f: Fixture): void => {
        find(f, typeSuffix, name).deps[prop] = targets;
    };

const doc = (statements: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });

const bucketSide = (suffix: string, name: string, props: Record<string, unknown>, bucket: string): Spec => ({
    type: `aws:s3/${suffix.charAt(0).toLowerCase()}${suffix.slice(1)}:${suffix}`,
    name,
    props: { bucket: U, ...props },
    deps: { bucket: [bucket] },
});

const unattachedBucket = (name: string, classification: string): Spec => ({
    type: "aws:s3/bucketV2:BucketV2",
    name,
    props: { bucket: `mediguard-${name}`, objectLockEnabled: true, tags: { "data-classification": classification } },
    deps: {},
});

export const cases: readonly Case[] = [
    // ---- 164.308 administrative ----
    { policy: admin.kmsKeyNotPendingDeletion, name: "disabled key", mutate: set("Key", "phi-key", "isEnabled", false), expect: ["is disabled"] },
    { policy: admin.kmsKeyNotPendingDeletion, name: "short deletion window", mutate: set("Key", "phi-key", "deletionWindowInDays", 7), expect: ["deletion window of 7 days"] },
    { policy: admin.kmsKeyNotPendingDeletion, name: "implicit deletion window", mutate: set("Key", "phi-key", "deletionWindowInDays", undefined), expect: ["no explicit deletionWindowInDays"] },
    { policy: admin.kmsKeyNotPendingDeletion, name: "unprotected key where the stack requires protect", mutate: () => undefined, config: { "kms-key-not-pending-deletion": { requireProtect: true } }, expect: ["KMS key phi-key is not protected"] },
    {
        policy: admin.kmsKeyNotPendingDeletion,
        name: "protected key passes",
        mutate: (f) => {
            find(f, "Key", "phi-key").protect = true;
        },
        config: { "kms-key-not-pending-deletion": { requireProtect: true } },
        expect: [],
    },
    { policy: admin.kmsKeyNotPendingDeletion, name: "configured minimum", mutate: set("Key", "phi-key", "deletionWindowInDays", 14), config: { "kms-key-not-pending-deletion": { minimumDeletionWindowDays: 14 } }, expect: [] },
    { policy: admin.guardDutyEnabled, name: "enabled detector passes", mutate: add({ type: "aws:guardduty/detector:Detector", name: "gd", props: { enable: true }, deps: {} }), expect: [] },
    { policy: admin.guardDutyEnabled, name: "disabled detector", mutate: add({ type: "aws:guardduty/detector:Detector", name: "gd", props: { enable: false }, deps: {} }), expect: ["GuardDuty detector gd is disabled"] },
    {
        policy: admin.securityHubEnabled,
        name: "account with a standard passes",
        mutate: add(
            { type: "aws:securityhub/account:Account", name: "hub", props: {}, deps: {} },
            { type: "aws:securityhub/standardsSubscription:StandardsSubscription", name: "fsbp", props: { standardsArn: "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0" }, deps: { dependsOn: ["hub"] } },
        ),
        expect: [],
    },
    { policy: admin.securityHubEnabled, name: "account without a standard", mutate: add({ type: "aws:securityhub/account:Account", name: "hub", props: {}, deps: {} }), expect: ["subscribes to no standard"] },
    {
        policy: admin.configRecorderAllResources,
        name: "complete recorder passes",
        mutate: add(
            { type: "aws:cfg/recorder:Recorder", name: "rec", props: { name: "mediguard", roleArn: U, recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } }, deps: {} },
            { type: "aws:cfg/recorderStatus:RecorderStatus", name: "rec-status", props: { name: U, isEnabled: true }, deps: { name: ["rec"] } },
            { type: "aws:cfg/deliveryChannel:DeliveryChannel", name: "rec-channel", props: { s3BucketName: U }, deps: { s3BucketName: ["audit"] } },
        ),
        expect: [],
    },
    {
        policy: admin.configRecorderAllResources,
        name: "partial recorder, not started, no channel",
        mutate: add({ type: "aws:cfg/recorder:Recorder", name: "rec", props: { name: "mediguard", recordingGroup: { allSupported: false, includeGlobalResourceTypes: true } }, deps: {} }),
        expect: ["does not record all supported", "is not started", "has no delivery channel"],
    },
    {
        policy: admin.accountSecurityServicesDeclared,
        name: "all three declared passes",
        mutate: add(
            { type: "aws:guardduty/detector:Detector", name: "gd", props: { enable: true }, deps: {} },
            { type: "aws:securityhub/account:Account", name: "hub", props: {}, deps: {} },
            { type: "aws:cfg/recorder:Recorder", name: "rec", props: {}, deps: {} },
        ),
        expect: [],
    },
    { policy: admin.accountSecurityServicesDeclared, name: "none declared", mutate: () => undefined, expect: ["declares no GuardDuty detector, Security Hub account, AWS Config recorder"] },
    {
        policy: admin.iamAccountPasswordPolicy,
        name: "strong policy passes",
        mutate: add({
            type: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
            name: "pw",
            props: { minimumPasswordLength: 14, passwordReusePrevention: 24, maxPasswordAge: 90, requireLowercaseCharacters: true, requireUppercaseCharacters: true, requireNumbers: true, requireSymbols: true },
            deps: {},
        }),
        expect: [],
    },
    {
        policy: admin.iamAccountPasswordPolicy,
        name: "weak policy",
        mutate: add({
            type: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
            name: "pw",
            props: { minimumPasswordLength: 8, passwordReusePrevention: 24, maxPasswordAge: 365, requireLowercaseCharacters: true, requireUppercaseCharacters: true, requireNumbers: true },
            deps: {},
        }),
        expect: ["minimumPasswordLength is 8", "maxPasswordAge is 365", "requireSymbols is not true"],
    },
    {
        policy: admin.codebuildNoPlaintextAWSCredentials,
        name: "plaintext access key",
        mutate: add({ type: "aws:codebuild/project:Project", name: "build", props: { environment: { environmentVariables: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIA...", type: "PLAINTEXT" }] } }, deps: {} }),
        expect: ["sets AWS_ACCESS_KEY_ID as a plaintext"],
    },
    {
        policy: admin.codebuildNoPlaintextAWSCredentials,
        name: "secrets manager reference passes",
        mutate: add({ type: "aws:codebuild/project:Project", name: "build", props: { environment: { environmentVariables: [{ name: "AWS_SECRET_ACCESS_KEY", value: "ci/key", type: "SECRETS_MANAGER" }] } }, deps: {} }),
        expect: [],
    },
    {
        policy: admin.codebuildSourceNoEmbeddedCredentials,
        name: "token in source URL",
        mutate: add({ type: "aws:codebuild/project:Project", name: "build", props: { source: { type: "GITHUB", location: "https://user:token@github.com/mediguard/mediguard.git" } }, deps: {} }),
        expect: ["embeds credentials in its source URL"],
    },
    { policy: admin.dataClassificationTag, name: "missing tag", mutate: set("Queue", "frames-queue", "tags", { "managed-by": "mediguard" }), expect: ["frames-queue has no data-classification tag"] },
    { policy: admin.dataClassificationTag, name: "unknown value", mutate: set("Table", "events", "tags.data-classification", "secret"), expect: ['data-classification "secret"'] },
    { policy: admin.dataClassificationTag, name: "computed tags", mutate: set("VideoStream", "room-101", "tags", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"), expect: ["tags.data-classification is unknown at preview"] },
    {
        policy: admin.allowedRegions,
        name: "region outside the list",
        mutate: add({ type: "aws:sns/topic:Topic", name: "eu-topic", props: { kmsMasterKeyId: U }, deps: {} }),
        config: { "allowed-regions": { allowedRegions: ["eu-west-1"] } },
        // every resource of the baseline is in us-east-1, so each one is reported; checked by count below
        expect: ["which is not an allowed region"],
    },
    {
        policy: admin.previewUnverifiableInputs,
        name: "bucket policy unknown at preview",
        mutate: set("BucketPolicy", "frames-policy", "policy", U),
        expect: ["frames-policy: policy is unknown at preview, so s3-no-public-read-write, s3-bucket-policy-tls-only cannot verify it yet"],
    },
    {
        policy: admin.previewUnverifiableInputs,
        name: "security group CIDR from the VPC",
        mutate: set("SecurityGroup", "net-endpoints", "ingress", [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [U] }]),
        expect: ["net-endpoints: ingress is unknown at preview"],
    },

    // ---- 164.308(a)(7) contingency ----
    { policy: contingency.dynamodbPITREnabled, name: "PITR off", mutate: set("Table", "events", "pointInTimeRecovery.enabled", false), expect: ["no point-in-time recovery"] },
    { policy: contingency.dynamodbPITREnabled, name: "PITR absent", mutate: set("Table", "events", "pointInTimeRecovery", undefined), expect: ["no point-in-time recovery"] },
    { policy: contingency.dynamodbInBackupPlan, name: "no backup selection", mutate: drop("Selection", "events-backup"), expect: ["not in an AWS Backup selection"] },
    {
        policy: contingency.dynamodbInBackupPlan,
        name: "selection of a different table",
        mutate: all(
            add({ type: "aws:dynamodb/table:Table", name: "other", props: {}, deps: {} }),
            depend("Selection", "events-backup", "resources", ["other"]),
        ),
        expect: ["table events is not in"],
    },
    { policy: contingency.dynamodbAutoscaling, name: "provisioned without scaling", mutate: set("Table", "events", "billingMode", "PROVISIONED"), expect: ["ReadCapacityUnits", "WriteCapacityUnits"] },
    {
        policy: contingency.dynamodbAutoscaling,
        name: "provisioned with scaling targets passes",
        mutate: all(
            set("Table", "events", "billingMode", "PROVISIONED"),
            add(
                { type: "aws:appautoscaling/target:Target", name: "events-read", props: { resourceId: U, scalableDimension: "dynamodb:table:ReadCapacityUnits" }, deps: { resourceId: ["events"] } },
                { type: "aws:appautoscaling/target:Target", name: "events-write", props: { resourceId: U, scalableDimension: "dynamodb:table:WriteCapacityUnits" }, deps: { resourceId: ["events"] } },
            ),
        ),
        expect: [],
    },
    { policy: contingency.s3ReplicationEnabled, name: "no replication", mutate: drop("BucketReplicationConfig", "frames-replication"), expect: ["PHI bucket frames has no enabled replication rule"] },
    { policy: contingency.s3ReplicationEnabled, name: "disabled rule", mutate: set("BucketReplicationConfig", "evidence-replication", "rules", [{ id: "dr", status: "Disabled" }]), expect: ["PHI bucket evidence has no enabled"] },
    {
        policy: contingency.s3ReplicationEnabled,
        name: "replication attached to a different bucket",
        mutate: depend("BucketReplicationConfig", "frames-replication", "bucket", ["audit"]),
        expect: ["PHI bucket frames has no enabled replication rule"],
    },
    { policy: contingency.s3VersionedBucketLifecycle, name: "no lifecycle", mutate: drop("BucketLifecycleConfigurationV2", "audit-lifecycle"), expect: ["versioned bucket audit has no lifecycle"] },
    { policy: contingency.s3VersionedBucketLifecycle, name: "disabled rules", mutate: set("BucketLifecycleConfigurationV2", "frames-lifecycle", "rules", [{ id: "x", status: "Disabled" }]), expect: ["versioned bucket frames has no lifecycle"] },
    { policy: contingency.s3VersionedBucketLifecycle, name: "lifecycle of a different bucket", mutate: depend("BucketLifecycleConfigurationV2", "frames-lifecycle", "bucket", ["audit"]), expect: ["versioned bucket frames has no lifecycle"] },
    { policy: contingency.s3VersionedBucketLifecycle, name: "unversioned bucket is not checked", mutate: all(drop("BucketVersioningV2", "frames-versioning"), drop("BucketLifecycleConfigurationV2", "frames-lifecycle")), expect: [] },
    { policy: contingency.sqsDLQConfigured, name: "no redrive", mutate: all(set("Queue", "frames-queue", "redrivePolicy", undefined), (f) => delete find(f, "Queue", "frames-queue").deps["redrivePolicy"]), expect: ["queue frames-queue has no redrive policy", "queue frames-dlq has no redrive policy"] },
    { policy: contingency.sqsDLQConfigured, name: "separate RedrivePolicy resource passes", mutate: all(set("Queue", "frames-queue", "redrivePolicy", undefined), (f) => delete find(f, "Queue", "frames-queue").deps["redrivePolicy"], add({ type: "aws:sqs/redrivePolicy:RedrivePolicy", name: "frames-redrive", props: { queueUrl: U, redrivePolicy: U }, deps: { queueUrl: ["frames-queue"], redrivePolicy: ["frames-dlq"] } })), expect: [] },
    { policy: contingency.kvsRetentionExplicit, name: "no persistence", mutate: set("VideoStream", "room-101", "dataRetentionInHours", 0), expect: ["does not persist video: dataRetentionInHours is 0"] },
    { policy: contingency.kvsRetentionExplicit, name: "retention unset", mutate: set("VideoStream", "room-101", "dataRetentionInHours", undefined), expect: ["dataRetentionInHours is not set"] },
    { policy: contingency.kvsRetentionExplicit, name: "below configured minimum", mutate: () => undefined, config: { "kvs-retention-explicit": { minimumVideoRetentionHours: 168 } }, expect: ["keeps video 72 hours, less than the required 168"] },

    // ---- 164.312(a) access control ----
    { policy: access.iamNoAdminStatements, name: "admin statement", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: "*", Resource: "*" }])), expect: ['allows Action "*" on Resource "*"'] },
    { policy: access.iamNoAdminStatements, name: "NotAction on everything", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }])), expect: ["allows NotAction on Resource"] },
    { policy: access.iamNoAdminStatements, name: "admin in a role's inline policy", mutate: set("Role", "detector-role", "inlinePolicies", [{ name: "all", policy: doc([{ Effect: "Allow", Action: ["*"], Resource: ["*"] }]) }]), expect: ['inlinePolicies[0].policy allows Action "*"'] },
    { policy: access.iamNoAdminStatements, name: "malformed document", mutate: set("RolePolicy", "detector-role-policy", "policy", "{not json"), expect: ["policy is not valid JSON"] },
    { policy: access.iamNoServiceWildcardActions, name: "s3:*", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::mediguard-frames/*" }])), expect: ['wildcard action "s3:*"'] },
    { policy: access.iamNoServiceWildcardActions, name: "deny with wildcard passes", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Deny", Action: ["s3:*"], Resource: "*" }])), expect: [] },
    { policy: access.iamStatementsScopedToResources, name: "s3:GetObject on *", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: ["s3:GetObject", "xray:PutTraceSegments"], Resource: "*" }])), expect: ['allows s3:GetObject on Resource "*"'] },
    { policy: access.iamStatementsScopedToResources, name: "configured wildcard action passes", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: ["kinesisvideo:ListStreams"], Resource: "*" }])), config: { "iam-statements-scoped-to-resources": { resourceWildcardActions: ["kinesisvideo:ListStreams"] } }, expect: [] },
    { policy: access.iamNoAWSAdminAttachment, name: "AdministratorAccess attachment", mutate: add({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "admin", props: { role: U, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, deps: {} }), expect: ["attaches the AWS-managed administrator policy"] },
    { policy: access.iamNoAWSAdminAttachment, name: "managedPolicyArns on a role", mutate: set("Role", "detector-role", "managedPolicyArns", ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"]), expect: ["PowerUserAccess"] },
    { policy: access.iamNoAWSAdminAttachment, name: "VPC access role passes", mutate: set("Role", "detector-role", "managedPolicyArns", ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]), expect: [] },
    { policy: access.iamNoInlinePolicies, name: "managed policies only passes", mutate: (f) => remove(f, (s) => s.type === "aws:iam/rolePolicy:RolePolicy"), expect: [] },
    { policy: access.iamNoInlinePolicies, name: "role inlinePolicies", mutate: all((f) => remove(f, (s) => s.type === "aws:iam/rolePolicy:RolePolicy"), set("Role", "detector-role", "inlinePolicies", [{ name: "x", policy: doc([]) }])), expect: ["role detector-role declares inlinePolicies"] },
    { policy: access.iamNoBroadKmsDecrypt, name: "kms:Decrypt on all keys", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }])), expect: ["allows kms:Decrypt on every KMS key"] },
    { policy: access.iamNoBroadKmsDecrypt, name: "kms:ReEncrypt* on all keys", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: "kms:ReEncrypt*", Resource: "*" }])), expect: ["allows kms:ReEncryptFrom"] },
    { policy: access.iamNoWildcardMarketplaceSubscribe, name: "subscribe to anything", mutate: set("RolePolicy", "detector-role-policy", "policy", doc([{ Effect: "Allow", Action: "aws-marketplace:Subscribe", Resource: "*" }])), expect: ["aws-marketplace:Subscribe"] },
    { policy: access.iamRoleTrustRestricted, name: "anyone may assume", mutate: set("Role", "detector-role", "assumeRolePolicy", doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }])), expect: ['role detector-role can be assumed by any principal ("*")'] },
    { policy: access.iamRoleTrustRestricted, name: "wildcard with external-id condition passes", mutate: set("Role", "detector-role", "assumeRolePolicy", doc([{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } }])), expect: [] },
    { policy: access.kmsKeyPolicyNoPublicPrincipal, name: "public key policy", mutate: set("Key", "phi-key", "policy", doc([{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }])), expect: ['allows kms:Decrypt to any principal ("*")'] },
    { policy: access.kmsKeyPolicyNoPublicPrincipal, name: "lockout check bypassed", mutate: set("Key", "phi-key", "bypassPolicyLockoutSafetyCheck", true), expect: ["bypasses the lockout safety check"] },
    { policy: access.kmsKeyPolicyNoPublicPrincipal, name: "separate KeyPolicy resource", mutate: add({ type: "aws:kms/keyPolicy:KeyPolicy", name: "phi-key-policy", props: { keyId: U, policy: doc([{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "kms:*", Resource: "*" }]) }, deps: { keyId: ["phi-key"] } }), expect: ["key policy of phi-key-policy allows kms:*"] },
    { policy: access.s3NoPublicReadWrite, name: "public-read ACL", mutate: add(bucketSide("BucketAclV2", "frames-acl", { acl: "public-read" }, "frames")), expect: ["canned ACL public-read"] },
    { policy: access.s3NoPublicReadWrite, name: "grant to AllUsers (v7 token)", mutate: add({ ...bucketSide("BucketAcl", "frames-acl", { accessControlPolicy: { grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }], owner: { id: "x" } } }, "frames") }), expect: ["grants READ to http://acs.amazonaws.com/groups/global/AllUsers"] },
    { policy: access.s3NoPublicReadWrite, name: "public bucket policy", mutate: set("BucketPolicy", "frames-policy", "policy", doc([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::mediguard-frames/*" }])), expect: ['bucket policy frames-policy allows s3:GetObject to any principal ("*")'] },
    { policy: access.s3AclsDisabled, name: "no ownership controls", mutate: drop("BucketOwnershipControls", "frames-ownership"), expect: ["bucket frames has no ownership controls"] },
    { policy: access.s3AclsDisabled, name: "ObjectWriter", mutate: set("BucketOwnershipControls", "audit-ownership", "rule.objectOwnership", "ObjectWriter"), expect: ["objectOwnership ObjectWriter"] },
    { policy: access.s3AclsDisabled, name: "controls attached to a different bucket", mutate: depend("BucketOwnershipControls", "frames-ownership", "bucket", ["audit"]), expect: ["bucket frames has no ownership controls"] },
    { policy: access.s3AclsDisabled, name: "an ACL resource", mutate: add(bucketSide("BucketAclV2", "frames-acl", { acl: "private" }, "frames")), expect: ["has the ACL resource frames-acl"] },
    { policy: access.s3BucketPublicAccessBlock, name: "no public access block", mutate: drop("BucketPublicAccessBlock", "evidence-public-access-block"), expect: ["bucket evidence has no public access block"] },
    { policy: access.s3BucketPublicAccessBlock, name: "one flag off", mutate: set("BucketPublicAccessBlock", "frames-public-access-block", "restrictPublicBuckets", false), expect: ["frames-public-access-block.restrictPublicBuckets is not true"] },
    { policy: access.s3BucketPublicAccessBlock, name: "block of a different bucket", mutate: depend("BucketPublicAccessBlock", "frames-public-access-block", "bucket", ["audit"]), expect: ["bucket frames has no public access block"] },
    { policy: access.s3BucketPublicAccessBlock, name: "v7 bucket without a block", mutate: add({ type: "aws:s3/bucket:Bucket", name: "v7", props: { bucket: "v7" }, deps: {} }), expect: ["bucket v7 has no public access block"] },
    { policy: access.s3AccountPublicAccessBlock, name: "account block with a flag off", mutate: add({ type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", name: "account", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true }, deps: {} }), expect: ["restrictPublicBuckets is not true"] },
    { policy: access.s3AccountPublicAccessBlock, name: "account block complete passes", mutate: add({ type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", name: "account", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, deps: {} }), expect: [] },
    { policy: access.lambdaNoPublicAccess, name: "public permission", mutate: set("Permission", "detector-events", "principal", "*"), expect: ['lets any principal ("*") invoke'] },
    { policy: access.lambdaNoPublicAccess, name: "service principal without source", mutate: set("Permission", "detector-events", "sourceArn", undefined), expect: ["on behalf of any account: sourceArn is not set"] },
    { policy: access.lambdaNoPublicAccess, name: "open function URL", mutate: add({ type: "aws:lambda/functionUrl:FunctionUrl", name: "detector-url", props: { functionName: U, authorizationType: "NONE" }, deps: {} }), expect: ["authorizationType NONE"] },
    { policy: access.lambdaInVPC, name: "outside the VPC", mutate: set("Function", "detector", "vpcConfig", undefined), expect: ["vpcConfig.subnetIds is empty", "vpcConfig.securityGroupIds is empty"] },
    { policy: access.lambdaInVPC, name: "no security group", mutate: set("Function", "detector", "vpcConfig.securityGroupIds", []), expect: ["vpcConfig.securityGroupIds is empty"] },
    { policy: access.snsPolicyNotPublic, name: "public topic policy", mutate: set("TopicPolicy", "alerts-policy", "policy", doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Subscribe", Resource: "*" }])), expect: ["topic policy alerts-policy allows sns:Subscribe to any principal"] },
    { policy: access.snsPolicyNotPublic, name: "inline topic policy", mutate: set("Topic", "alerts", "policy", doc([{ Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: "*" }])), expect: ["topic policy alerts allows sns:Publish"] },
    { policy: access.sqsPolicyNotPublic, name: "public queue policy", mutate: set("QueuePolicy", "frames-queue-policy", "policy", doc([{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }])), expect: ["queue policy frames-queue-policy allows sqs:SendMessage to any principal"] },
    { policy: access.sqsPolicyNotPublic, name: "wildcard queue action", mutate: set("QueuePolicy", "frames-queue-policy", "policy", doc([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:*", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "x" } } }])), expect: ["allows the wildcard action sqs:*"] },
    { policy: access.subnetNoAutoPublicIP, name: "public IP on launch", mutate: set("Subnet", "net-private-a", "mapPublicIpOnLaunch", true), expect: ["assigns public IPs on launch"] },

    // ---- 164.312(a)(2)(iv) encryption ----
    { policy: encryption.kmsKeyRotationEnabled, name: "rotation off", mutate: set("Key", "phi-key", "enableKeyRotation", false), expect: ["does not rotate"] },
    { policy: encryption.kmsKeyRotationEnabled, name: "asymmetric key is not rotated", mutate: all(set("Key", "phi-key", "enableKeyRotation", false), set("Key", "phi-key", "customerMasterKeySpec", "RSA_2048")), expect: [] },
    { policy: encryption.kmsCustomerManagedKeyInStack, name: "queue key from outside the stack", mutate: (f) => delete find(f, "Queue", "frames-queue").deps["kmsMasterKeyId"], expect: ["frames-queue: the KMS key in kmsMasterKeyId is not derived from an aws.kms.Key"] },
    { policy: encryption.kmsCustomerManagedKeyInStack, name: "AWS-managed alias literal", mutate: set("LogGroup", "detector-logs", "kmsKeyId", "alias/aws/logs"), expect: ["names the AWS-managed key alias/aws/logs"] },
    { policy: encryption.kmsCustomerManagedKeyInStack, name: "bucket SSE key from a non-key resource", mutate: depend("BucketServerSideEncryptionConfigurationV2", "frames-encryption", "rules", ["frames"]), expect: ["frames-encryption: the KMS key in rules is not derived"] },
    { policy: encryption.kmsCustomerManagedKeyInStack, name: "literal customer key ARN passes", mutate: all(set("Topic", "alerts", "kmsMasterKeyId", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"), (f) => delete find(f, "Topic", "alerts").deps["kmsMasterKeyId"]), expect: [] },
    { policy: encryption.s3SseKmsCmk, name: "no SSE configuration", mutate: drop("BucketServerSideEncryptionConfigurationV2", "frames-encryption"), expect: ["bucket frames has no server-side encryption configuration"] },
    { policy: encryption.s3SseKmsCmk, name: "SSE of a different bucket", mutate: depend("BucketServerSideEncryptionConfigurationV2", "frames-encryption", "bucket", ["audit"]), expect: ["bucket frames has no server-side encryption configuration"] },
    { policy: encryption.s3SseKmsCmk, name: "AES256 on a PHI bucket", mutate: set("BucketServerSideEncryptionConfigurationV2", "frames-encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]), expect: ["bucket frames uses SSE-S3 (AES256) but is not a server-access-log target"] },
    { policy: encryption.s3SseKmsCmk, name: "AES256 on a log bucket that nothing logs to", mutate: (f) => remove(f, (s) => s.type.includes("bucketLogging")), expect: ["bucket access-logs uses SSE-S3 (AES256) but is not a server-access-log target"] },
    { policy: encryption.s3SseKmsCmk, name: "aws:kms with the AWS-managed key", mutate: set("BucketServerSideEncryptionConfigurationV2", "audit-encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }]), expect: ["bucket audit uses SSE-KMS with the AWS-managed aws/s3 key"] },
    { policy: encryption.s3SseKmsCmk, name: "v7 tokens pass", mutate: (f) => f.forEach((s) => { s.type = s.type.replace("bucketV2:BucketV2", "bucket:Bucket").replace(/(bucket\w+)V2:(Bucket\w+)V2/, "$1:$2"); }), expect: [] },
    { policy: encryption.kvsCmkEncryption, name: "default key", mutate: set("VideoStream", "room-101", "kmsKeyId", undefined), expect: ["video stream room-101 has no kmsKeyId"] },
    { policy: encryption.kvsCmkEncryption, name: "aws/kinesisvideo alias", mutate: set("VideoStream", "room-101", "kmsKeyId", "alias/aws/kinesisvideo"), expect: ["uses the AWS-managed key alias/aws/kinesisvideo"] },
    { policy: encryption.kinesisDataStreamEncrypted, name: "unencrypted data stream", mutate: add({ type: "aws:kinesis/stream:Stream", name: "events-stream", props: { shardCount: 1, encryptionType: "NONE" }, deps: {} }), expect: ["encryptionType is NONE", "has no kmsKeyId"] },
    { policy: encryption.kinesisDataStreamEncrypted, name: "KMS data stream passes", mutate: add({ type: "aws:kinesis/stream:Stream", name: "events-stream", props: { encryptionType: "KMS", kmsKeyId: U }, deps: { kmsKeyId: ["phi-key"] } }), expect: [] },
    { policy: encryption.lambdaEnvKms, name: "environment without key", mutate: set("Function", "detector", "kmsKeyArn", undefined), expect: ["function detector (with environment variables) has no kmsKeyArn"] },
    { policy: encryption.lambdaEnvKms, name: "no environment needs no key", mutate: all(set("Function", "detector", "kmsKeyArn", undefined), set("Function", "detector", "environment", undefined)), expect: [] },
    { policy: encryption.snsKmsEncrypted, name: "unencrypted topic", mutate: set("Topic", "alerts", "kmsMasterKeyId", undefined), expect: ["topic alerts has no kmsMasterKeyId"] },
    { policy: encryption.snsKmsEncrypted, name: "aws/sns", mutate: set("Topic", "alerts", "kmsMasterKeyId", "alias/aws/sns"), expect: ["AWS-managed key alias/aws/sns"] },
    { policy: encryption.sqsKmsEncrypted, name: "SSE-SQS only", mutate: all(set("Queue", "frames-dlq", "kmsMasterKeyId", undefined), set("Queue", "frames-dlq", "sqsManagedSseEnabled", true)), expect: ["queue frames-dlq has no kmsMasterKeyId"] },
    { policy: encryption.dynamodbKmsCmk, name: "default encryption", mutate: set("Table", "events", "serverSideEncryption", undefined), expect: ["does not enable KMS server-side encryption", "has no serverSideEncryption.kmsKeyArn"] },
    { policy: encryption.dynamodbKmsCmk, name: "AWS-owned key", mutate: set("Table", "events", "serverSideEncryption.kmsKeyArn", undefined), expect: ["has no serverSideEncryption.kmsKeyArn"] },
    { policy: encryption.cloudtrailKmsEncrypted, name: "SSE-S3 trail", mutate: set("Trail", "audit-trail", "kmsKeyId", undefined), expect: ["trail audit-trail has no kmsKeyId"] },
    { policy: encryption.logGroupKmsEncrypted, name: "log group without key", mutate: set("LogGroup", "net-flow-logs", "kmsKeyId", undefined), expect: ["log group net-flow-logs has no kmsKeyId"] },
    { policy: encryption.codebuildCmkLogging, name: "weak build project", mutate: add({ type: "aws:codebuild/project:Project", name: "build", props: { environment: { privilegedMode: true }, logsConfig: { cloudwatchLogs: { status: "DISABLED" } } }, deps: {} }), expect: ["has no encryptionKey", "has build logging disabled", "runs in privileged mode"] },
    { policy: encryption.codebuildCmkLogging, name: "hardened build project passes", mutate: add({ type: "aws:codebuild/project:Project", name: "build", props: { encryptionKey: U, environment: { privilegedMode: false } }, deps: { encryptionKey: ["phi-key"] } }), expect: [] },
    { policy: encryption.codepipelineArtifactCmk, name: "artifact store without key", mutate: add({ type: "aws:codepipeline/pipeline:Pipeline", name: "deliver", props: { artifactStores: [{ location: U, type: "S3" }] }, deps: {} }), expect: ["artifact store without a customer-managed KMS encryptionKey"] },
    { policy: encryption.codepipelineArtifactCmk, name: "artifact store with key passes", mutate: add({ type: "aws:codepipeline/pipeline:Pipeline", name: "deliver", props: { artifactStores: [{ location: U, type: "S3", encryptionKey: { type: "KMS", id: U } }] }, deps: {} }), expect: [] },

    // ---- 164.312(b) audit controls ----
    { policy: audit.vpcFlowLogsEnabled, name: "no flow log", mutate: drop("FlowLog", "net-flow-log"), expect: ["VPC net has no flow log attached"] },
    {
        policy: audit.vpcFlowLogsEnabled,
        name: "flow log attached to a different VPC",
        mutate: all(add({ type: "aws:ec2/vpc:Vpc", name: "other", props: { cidrBlock: "10.30.0.0/16" }, deps: {} }), depend("FlowLog", "net-flow-log", "vpcId", ["other"])),
        expect: ["VPC net has no flow log attached"],
    },
    { policy: audit.vpcFlowLogsEnabled, name: "rejected traffic only", mutate: set("FlowLog", "net-flow-log", "trafficType", "REJECT"), expect: ["records REJECT traffic, not ALL"] },
    { policy: audit.vpcFlowLogsEnabled, name: "no destination", mutate: set("FlowLog", "net-flow-log", "logDestination", undefined), expect: ["has no log destination"] },
    { policy: audit.s3AccessLoggingEnabled, name: "no access logging", mutate: drop("BucketLoggingV2", "frames-access-logging"), expect: ["bucket frames has no server access logging"] },
    { policy: audit.s3AccessLoggingEnabled, name: "logging attached to a different bucket", mutate: depend("BucketLoggingV2", "frames-access-logging", "bucket", ["audit"]), expect: ["bucket frames has no server access logging"] },
    { policy: audit.s3AccessLoggingEnabled, name: "logs to itself", mutate: depend("BucketLoggingV2", "audit-access-logging", "targetBucket", ["audit"]), expect: ["bucket audit logs to itself"] },
    { policy: audit.cloudtrailMultiRegionEnabled, name: "single region", mutate: set("Trail", "audit-trail", "isMultiRegionTrail", false), expect: ["is not multi-region"] },
    { policy: audit.cloudtrailMultiRegionEnabled, name: "no global events, logging off", mutate: all(set("Trail", "audit-trail", "includeGlobalServiceEvents", false), set("Trail", "audit-trail", "enableLogging", false)), expect: ["excludes global service events", "has logging turned off"] },
    { policy: audit.cloudtrailCloudWatchLogs, name: "no CloudWatch delivery", mutate: all(set("Trail", "audit-trail", "cloudWatchLogsGroupArn", undefined), set("Trail", "audit-trail", "cloudWatchLogsRoleArn", undefined)), expect: ["cloudWatchLogsGroupArn is not set", "cloudWatchLogsRoleArn is not set"] },
    { policy: audit.cloudtrailS3DataEvents, name: "no data events", mutate: set("Trail", "audit-trail", "advancedEventSelectors", [{ name: "management", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }]), expect: ["PHI bucket frames is not covered", "PHI bucket evidence is not covered"] },
    { policy: audit.cloudtrailS3DataEvents, name: "selector built from a different bucket", mutate: depend("Trail", "audit-trail", "advancedEventSelectors", ["frames"]), expect: ["PHI bucket evidence is not covered"] },
    { policy: audit.cloudtrailS3DataEvents, name: "no trail at all", mutate: drop("Trail", "audit-trail"), expect: ["PHI bucket frames is not covered", "PHI bucket evidence is not covered"] },
    {
        policy: audit.cloudtrailS3DataEvents,
        name: "write-only data events",
        mutate: set("Trail", "audit-trail", "advancedEventSelectors", [
            { name: "w", fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }, { field: "readOnly", equals: ["false"] }] },
        ]),
        expect: ["PHI bucket frames has S3 data events for writes only", "PHI bucket evidence has S3 data events for writes only"],
    },
    {
        policy: audit.cloudtrailS3DataEvents,
        name: "classic selector for all buckets passes",
        mutate: all(set("Trail", "audit-trail", "advancedEventSelectors", undefined), set("Trail", "audit-trail", "eventSelectors", [{ readWriteType: "All", dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }])),
        expect: [],
    },
    { policy: audit.logGroupRetention, name: "short retention", mutate: set("LogGroup", "detector-logs", "retentionInDays", 365), expect: ["keeps events for 365 days, less than the required 2192"] },
    { policy: audit.logGroupRetention, name: "no retention", mutate: set("LogGroup", "trail-logs", "retentionInDays", undefined), expect: ["has no explicit retentionInDays"] },
    { policy: audit.logGroupRetention, name: "configured minimum", mutate: set("LogGroup", "detector-logs", "retentionInDays", 365), config: { "log-group-retention": { minimumRetentionDays: 365 } }, expect: [] },
    { policy: audit.alarmHasActions, name: "no actions", mutate: set("MetricAlarm", "detector-errors", "alarmActions", []), expect: ["has no alarmActions"] },
    { policy: audit.alarmHasActions, name: "actions disabled", mutate: set("MetricAlarm", "detector-errors", "actionsEnabled", false), expect: ["actionsEnabled false"] },
    { policy: audit.alarmHasActions, name: "insufficient-data actions required by config", mutate: () => undefined, config: { "alarm-has-actions": { requireInsufficientDataActions: true } }, expect: ["has no insufficientDataActions"] },
    {
        policy: audit.securityEventMetricAlarms,
        name: "filters and alarms for all six events pass",
        mutate: add(
            ...[
                ["console", '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'],
                ["root", '{ $.userIdentity.type = "Root" }'],
                ["nacl", "{ ($.eventName = CreateNetworkAcl) || ($.eventName = DeleteNetworkAcl) }"],
                ["gateway", "{ ($.eventName = AttachInternetGateway) || ($.eventName = CreateCustomerGateway) }"],
                ["routes", "{ ($.eventName = CreateRoute) || ($.eventName = ReplaceRouteTableAssociation) }"],
                ["vpc", "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }"],
            ].flatMap(([n, pattern]): Spec[] => [
                { type: "aws:cloudwatch/logMetricFilter:LogMetricFilter", name: `sec-${n}`, props: { logGroupName: U, pattern, metricTransformation: { name: `sec-${n}`, namespace: "MediGuard/Security", value: "1" } }, deps: { logGroupName: ["trail-logs"] } },
                { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: `sec-${n}`, props: { metricName: `sec-${n}`, alarmActions: [U] }, deps: { alarmActions: ["alerts"] } },
            ]),
        ),
        expect: [],
    },
    { policy: audit.securityEventMetricAlarms, name: "no filters", mutate: () => undefined, expect: ["console sign-in failures", "root account usage", "network ACL changes", "network gateway changes", "route table changes", "VPC changes"] },
    { policy: audit.lambdaConcurrencyLimit, name: "unreserved", mutate: set("Function", "detector", "reservedConcurrentExecutions", undefined), expect: ["has no reserved concurrency"] },
    { policy: audit.lambdaConcurrencyLimit, name: "-1 means unreserved", mutate: set("Function", "detector", "reservedConcurrentExecutions", -1), expect: ["has no reserved concurrency"] },
    { policy: audit.lambdaTracingActive, name: "pass-through tracing", mutate: set("Function", "detector", "tracingConfig.mode", "PassThrough"), expect: ["tracingConfig.mode is PassThrough"] },
    { policy: audit.lambdaDLQConfigured, name: "no DLQ on an EventBridge-invoked function", mutate: set("Function", "detector", "deadLetterConfig", undefined), expect: ["function detector has no dead-letter queue"] },
    {
        policy: audit.lambdaDLQConfigured,
        name: "function only polled by an event source mapping passes",
        mutate: all(set("Function", "detector", "deadLetterConfig", undefined), drop("Permission", "detector-events")),
        expect: [],
    },
    {
        policy: audit.lambdaDLQConfigured,
        name: "function with no invoker in the stack",
        mutate: all(set("Function", "detector", "deadLetterConfig", undefined), drop("Permission", "detector-events"), drop("EventSourceMapping", "detector-frames")),
        expect: ["function detector has no dead-letter queue"],
    },
    {
        policy: audit.lambdaDLQConfigured,
        name: "mapping of a different function",
        mutate: all(set("Function", "detector", "deadLetterConfig", undefined), drop("Permission", "detector-events"), depend("EventSourceMapping", "detector-frames", "functionName", ["detector-role"])),
        expect: ["function detector has no dead-letter queue"],
    },
    {
        policy: audit.lambdaDLQConfigured,
        name: "on-failure destination passes",
        mutate: all(set("Function", "detector", "deadLetterConfig", undefined), add({ type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", name: "detector-async", props: { functionName: U, destinationConfig: { onFailure: { destination: U } } }, deps: { functionName: ["detector"] } })),
        expect: [],
    },
    {
        policy: audit.lambdaDLQConfigured,
        name: "invoke config of a different function",
        mutate: all(
            set("Function", "detector", "deadLetterConfig", undefined),
            add({ type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", name: "other-async", props: { functionName: "other", destinationConfig: { onFailure: { destination: U } } }, deps: {} }),
        ),
        expect: ["function detector has no dead-letter queue"],
    },
    { policy: audit.s3EventNotifications, name: "PHI bucket without notification", mutate: drop("BucketNotification", "frames-notifications"), expect: ["PHI bucket frames has no event notification target"] },

    // ---- 164.312(c) integrity ----
    { policy: integrity.cloudtrailLogFileValidation, name: "validation off", mutate: set("Trail", "audit-trail", "enableLogFileValidation", false), expect: ["does not validate log files"] },
    { policy: integrity.s3VersioningEnabled, name: "no versioning", mutate: drop("BucketVersioningV2", "frames-versioning"), expect: ["bucket frames has no versioning configuration"] },
    { policy: integrity.s3VersioningEnabled, name: "suspended", mutate: set("BucketVersioningV2", "audit-versioning", "versioningConfiguration.status", "Suspended"), expect: ["versioning status Suspended"] },
    { policy: integrity.s3VersioningEnabled, name: "versioning of a different bucket", mutate: depend("BucketVersioningV2", "frames-versioning", "bucket", ["audit"]), expect: ["bucket frames has no versioning configuration"] },
    { policy: integrity.s3ObjectLockEnabled, name: "PHI bucket without object lock", mutate: all(set("BucketV2", "frames", "objectLockEnabled", false), drop("BucketObjectLockConfigurationV2", "frames-object-lock")), expect: ["objectLockEnabled is not true", "bucket frames has no object lock default retention"] },
    { policy: integrity.s3ObjectLockEnabled, name: "lock configuration of a different bucket", mutate: depend("BucketObjectLockConfigurationV2", "frames-object-lock", "bucket", ["access-logs"]), expect: ["bucket frames has no object lock default retention"] },
    { policy: integrity.s3ObjectLockEnabled, name: "a PHI bucket with nothing attached", mutate: add(unattachedBucket("loose", "PHI")), expect: ["bucket loose has no object lock default retention"] },
    { policy: integrity.s3ObjectLockComplianceAudit, name: "audit bucket in governance mode", mutate: set("BucketObjectLockConfigurationV2", "audit-object-lock", "rule.defaultRetention.mode", "GOVERNANCE"), expect: ["audit/evidence bucket audit is not locked in COMPLIANCE mode (found GOVERNANCE)"] },
    { policy: integrity.s3ObjectLockComplianceAudit, name: "evidence bucket without lock", mutate: drop("BucketObjectLockConfigurationV2", "evidence-object-lock"), expect: ["audit/evidence bucket evidence is not locked in COMPLIANCE mode (found no retention)"] },

    // ---- 164.312(e) transmission security ----
    { policy: transmission.s3SslRequestsOnly, name: "no bucket policy", mutate: drop("BucketPolicy", "audit-policy"), expect: ["bucket audit has no bucket policy attached"] },
    { policy: transmission.s3SslRequestsOnly, name: "policy attached to a different bucket", mutate: depend("BucketPolicy", "frames-policy", "bucket", ["audit"]), expect: ["bucket frames has no bucket policy attached"] },
    { policy: transmission.s3BucketPolicyTLSOnly, name: "no TLS statement", mutate: set("BucketPolicy", "frames-policy", "policy", doc([{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::mediguard-frames" }])), expect: ["does not deny requests without TLS"] },
    { policy: transmission.s3BucketPolicyTLSOnly, name: "TLS deny on objects only", mutate: set("BucketPolicy", "frames-policy", "policy", doc([{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::mediguard-frames/*", Condition: { Bool: { "aws:SecureTransport": "false" } } }])), expect: ["does not deny requests without TLS"] },
    { policy: transmission.s3BucketPolicyTLSOnly, name: "unknown policy is deferred, not failed", mutate: set("BucketPolicy", "frames-policy", "policy", U), expect: [] },
    { policy: transmission.sgNoPublicSSH, name: "SSH from anywhere", mutate: set("SecurityGroup", "net-endpoints", "ingress", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]), expect: ["admits SSH from 0.0.0.0/0"] },
    { policy: transmission.sgNoPublicSSH, name: "all traffic from IPv6 anywhere", mutate: set("SecurityGroup", "net-endpoints", "ingress", [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }]), expect: ["admits SSH from ::/0 (all ports)"] },
    { policy: transmission.sgNoPublicSSH, name: "HTTPS rule from anywhere is not SSH", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "0.0.0.0/0"), expect: [] },
    { policy: transmission.sgNoPublicSSH, name: "legacy SecurityGroupRule", mutate: add({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "ssh", props: { type: "ingress", protocol: "tcp", fromPort: 0, toPort: 1024, cidrBlocks: ["0.0.0.0/0"], securityGroupId: U }, deps: {} }), expect: ["admits SSH from 0.0.0.0/0 (ports 0-1024)"] },
    { policy: transmission.sgRestrictedCommonPorts, name: "HTTPS from anywhere is not a listed port", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "0.0.0.0/0"), expect: [] },
    { policy: transmission.sgRestrictedCommonPorts, name: "RDP range", mutate: all(set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "0.0.0.0/0"), set("SecurityGroupIngressRule", "net-endpoints-https", "fromPort", 3000), set("SecurityGroupIngressRule", "net-endpoints-https", "toPort", 3400)), expect: ["admits port(s) 3389, 3306 from 0.0.0.0/0"] },
    { policy: transmission.sgOpenOnlyAuthorizedPorts, name: "HTTPS from anywhere", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "0.0.0.0/0"), expect: ["admits port 443 from 0.0.0.0/0, which are not approved public ports"] },
    { policy: transmission.sgOpenOnlyAuthorizedPorts, name: "approved public port passes", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "0.0.0.0/0"), config: { "sg-open-only-authorized-ports": { approvedPublicPorts: [443] } }, expect: [] },
    { policy: transmission.sgOpenOnlyAuthorizedPorts, name: "unapproved public CIDR", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "203.0.113.0/24"), expect: ["public CIDR 203.0.113.0/24"] },
    { policy: transmission.sgOpenOnlyAuthorizedPorts, name: "approved public CIDR passes", mutate: set("SecurityGroupIngressRule", "net-endpoints-https", "cidrIpv4", "203.0.113.0/24"), config: { "sg-open-only-authorized-ports": { approvedIngressCidrs: ["203.0.113.0/24"] } }, expect: [] },
    { policy: transmission.naclNoUnrestrictedIngress, name: "all traffic from anywhere", mutate: set("NetworkAcl", "net-private-nacl", "ingress", [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }]), expect: ["allows all ports from 0.0.0.0/0"] },
    { policy: transmission.naclNoUnrestrictedIngress, name: "SSH rule from anywhere", mutate: all(set("NetworkAclRule", "net-private-ephemeral", "cidrBlock", "0.0.0.0/0"), set("NetworkAclRule", "net-private-ephemeral", "fromPort", 22), set("NetworkAclRule", "net-private-ephemeral", "toPort", 22)), expect: ["allows port(s) 22 from 0.0.0.0/0"] },
    { policy: transmission.naclNoUnrestrictedIngress, name: "deny rule passes", mutate: set("NetworkAcl", "net-private-nacl", "ingress", [{ ruleNo: 100, action: "deny", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }]), expect: [] },
    {
        policy: transmission.noUnrestrictedRouteToIGW,
        name: "default route to an internet gateway",
        mutate: add(
            { type: "aws:ec2/internetGateway:InternetGateway", name: "igw", props: { vpcId: U }, deps: { vpcId: ["net"] } },
            { type: "aws:ec2/route:Route", name: "default", props: { routeTableId: U, destinationCidrBlock: "0.0.0.0/0", gatewayId: U }, deps: { routeTableId: ["net-private"], gatewayId: ["igw"] } },
        ),
        expect: ["route default sends 0.0.0.0/0 to an internet gateway"],
    },
    { policy: transmission.noUnrestrictedRouteToIGW, name: "inline route to a literal igw", mutate: set("RouteTable", "net-private", "routes", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0123" }]), expect: ["route table net-private sends 0.0.0.0/0"] },
    {
        policy: transmission.noUnrestrictedRouteToIGW,
        name: "exempted public route table passes",
        mutate: set("RouteTable", "net-private", "routes", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0123" }]),
        config: { "no-unrestricted-route-to-igw": { exemptions: [{ resource: "net-private", justification: "bastion-free public subnet for the ALB, reviewed 2026-11" }] } },
        expect: [],
    },
    { policy: transmission.igwAuthorizedVPCOnly, name: "gateway on the PHI VPC", mutate: add({ type: "aws:ec2/internetGateway:InternetGateway", name: "igw", props: { vpcId: U }, deps: { vpcId: ["net"] } }), expect: ["internet gateway igw is attached to net"] },
    { policy: transmission.igwAuthorizedVPCOnly, name: "authorized VPC passes", mutate: add({ type: "aws:ec2/internetGateway:InternetGateway", name: "igw", props: { vpcId: U }, deps: { vpcId: ["net"] } }), config: { "igw-authorized-vpc-only": { authorizedVpcs: ["net"] } }, expect: [] },
    { policy: transmission.vpcDefaultSecurityGroupClosed, name: "default SG with rules", mutate: set("DefaultSecurityGroup", "net-default", "ingress", [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]), expect: ["default security group net-default has ingress rules"] },
    { policy: transmission.vpcDefaultSecurityGroupAdopted, name: "default SG not adopted", mutate: drop("DefaultSecurityGroup", "net-default"), expect: ["VPC net does not adopt its default security group"] },
    {
        policy: transmission.vpcDefaultSecurityGroupAdopted,
        name: "adopted for a different VPC",
        mutate: all(add({ type: "aws:ec2/vpc:Vpc", name: "other", props: {}, deps: {} }), depend("DefaultSecurityGroup", "net-default", "vpcId", ["other"])),
        expect: ["VPC net does not adopt"],
    },
    { policy: transmission.vpcEndpointsPresent, name: "no S3 endpoint", mutate: drop("VpcEndpoint", "net-s3"), expect: ["VPC net has no VPC endpoint for s3"] },
    { policy: transmission.vpcEndpointsPresent, name: "no Kinesis Video endpoint", mutate: drop("VpcEndpoint", "net-kinesisvideo"), expect: ["VPC net has no VPC endpoint for kinesisvideo"] },
    { policy: transmission.vpcEndpointsPresent, name: "configured services", mutate: () => undefined, config: { "vpc-endpoints-present": { requiredEndpointServices: ["s3", "secretsmanager"] } }, expect: ["VPC net has no VPC endpoint for secretsmanager"] },
    {
        policy: transmission.vpcEndpointsPresent,
        name: "endpoint in a different VPC",
        mutate: all(add({ type: "aws:ec2/vpc:Vpc", name: "other", props: {}, deps: {} }), depend("VpcEndpoint", "net-s3", "vpcId", ["other"])),
        config: { "vpc-endpoints-present": { requiredEndpointServices: ["s3"] } },
        expect: ["VPC net has no VPC endpoint for s3"],
    },
    { policy: transmission.vpcEndpointHardened, name: "interface without private DNS", mutate: set("VpcEndpoint", "net-kms", "privateDnsEnabled", false), expect: ["interface endpoint net-kms does not enable private DNS"] },
    { policy: transmission.vpcEndpointHardened, name: "unrestricted endpoint policy", mutate: set("VpcEndpoint", "net-s3", "policy", doc([{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }])), expect: ["endpoint net-s3 has an unrestricted policy"] },
];
