// 164.312(a)(1) Access control and 164.308(a)(3)-(4) workforce security and information access
// management: least-privilege IAM, no public principals on any resource policy, nothing reachable
// from the internet that can reach PHI.

import { requireNotTrue, requireTrue, unknownSwitch } from "../lib/checks";
import { DeferredInputs, HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { grantsAction, hasWildcardPrincipal, isConditioned, parseDocument, Statement } from "../lib/policyDocument";
import { attachedTo, inputsOf, ofType } from "../lib/stack";
import { EC2, IAM, isOneOf, KMS, LAMBDA, MESSAGING, S3 } from "../lib/tokens";
import { Inputs, isPresent, Read, readPath, UNKNOWN } from "../lib/values";

const safeguard = "164.312(a) Access control" as const;

/** The sections AWS maps the IAM statement rules to (hipaa-rules.md, iam-no-admin-statements). */
const iamSections = [
    "164.308(a)(3)(i)",
    "164.308(a)(3)(ii)(A)",
    "164.308(a)(3)(ii)(B)",
    "164.308(a)(4)(i)",
    "164.308(a)(4)(ii)(A)",
    "164.308(a)(4)(ii)(B)",
    "164.308(a)(4)(ii)(C)",
    "164.312(a)(1)",
];

/** The sections AWS maps "not publicly accessible" rules to. */
const publicAccessSections = ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"];

const iamPermissionTypes = [...IAM.policy, ...IAM.rolePolicy, ...IAM.role, ...IAM.userPolicy, ...IAM.groupPolicy];

/** A policy document found in a resource's inputs. */
export interface DocumentInput {
    readonly label: string;
    readonly value: Read;
}

/** Permission (identity) policy documents of an IAM resource; trust policies are not included. */
export function permissionDocuments(type: string, inputs: Inputs): DocumentInput[] {
    if (isOneOf(type, IAM.role)) {
        const inline = inputs.list("inlinePolicies");
        if (inline === UNKNOWN) {
            return [{ label: "inlinePolicies", value: UNKNOWN }];
        }
        return (inline ?? []).map((p, i) => ({ label: `inlinePolicies[${i}].policy`, value: readPath(p, "policy") }));
    }
    return [{ label: "policy", value: inputs.get("policy") }];
}

/**
 * Runs check over each parsed statement of the documents. Unknown documents are skipped here and
 * reported by the advisory policy preview-unverifiable-documents; malformed ones are reported.
 */
function eachStatement(
    docs: readonly DocumentInput[],
    report: (m: string) => void,
    what: string,
    check: (s: Statement, label: string) => void,
): void {
    for (const d of docs) {
        const parsed = parseDocument(d.value);
        if (parsed === undefined || parsed === UNKNOWN) {
            continue;
        }
        if ("error" in parsed) {
            report(`${what}: ${d.label} ${parsed.error}.`);
            continue;
        }
        for (const s of parsed.statements) {
            check(s, d.label);
        }
    }
}

export const iamNoAdminStatements = resourcePolicy(
    {
        name: "iam-no-admin-statements",
        description: "No IAM policy allows every action on every resource.",
        safeguard,
        sections: iamSections,
        anchors: [
            { source: "AWS Config", id: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS" },
            { source: "Prowler", id: "iam_inline_policy_no_administrative_privileges" },
            { source: "cdk-nag", id: "IAMPolicyNoStatementsWithAdminAccess" },
            { source: "Checkov", id: "CKV_AWS_62" },
        ],
        referenceRows: ["iam-no-admin-statements"],
        components: ["AnomalyDetector", "SecureNetwork", "AuditTrail", "Delivery"],
        remediation: "list the actions the role needs and the ARNs they apply to (components/policydoc builds such statements).",
        enforcementLevel: "mandatory",
    },
    iamPermissionTypes,
    (r, report) =>
        eachStatement(permissionDocuments(r.type, r.inputs), report, r.name, (s, label) => {
            if (s.effect === "Allow" && s.actions.includes("*") && s.resources.includes("*")) {
                report(`${r.name}: ${label} allows Action "*" on Resource "*".`);
            } else if (s.effect === "Allow" && s.notAction && s.resources.includes("*")) {
                report(`${r.name}: ${label} allows NotAction on Resource "*", which grants almost everything.`);
            }
        }),
);

export const iamNoServiceWildcardActions = resourcePolicy(
    {
        name: "iam-no-service-wildcard-actions",
        description: "No IAM policy allows a whole service (\"s3:*\", \"kms:*\", \"*\").",
        safeguard,
        sections: iamSections,
        anchors: [
            { source: "AWS Config", id: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS" },
            { source: "cdk-nag", id: "IAMPolicyNoStatementsWithFullAccess" },
            { source: "Checkov", id: "CKV_AWS_63" },
        ],
        referenceRows: ["iam-no-service-wildcard-actions"],
        components: ["AnomalyDetector", "SecureNetwork", "AuditTrail", "Delivery"],
        remediation: "replace \"<service>:*\" with the specific actions the role calls.",
        enforcementLevel: "mandatory",
    },
    iamPermissionTypes,
    (r, report) =>
        eachStatement(permissionDocuments(r.type, r.inputs), report, r.name, (s, label) => {
            if (s.effect !== "Allow" || s.notAction) {
                return;
            }
            for (const a of s.actions) {
                if (a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) {
                    report(`${r.name}: ${label} allows the wildcard action "${a}".`);
                }
            }
        }),
);

interface ScopedConfig {
    readonly resourceWildcardActions: readonly string[];
}

export const iamStatementsScopedToResources = resourcePolicy<ScopedConfig>(
    {
        name: "iam-statements-scoped-to-resources",
        description:
            "IAM Allow statements name the resources they apply to; Resource \"*\" is accepted only for actions that have no resource-level permissions.",
        safeguard,
        sections: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        anchors: [{ source: "Checkov", id: "CKV_AWS_355" }],
        referenceRows: [],
        components: ["AnomalyDetector", "SecureNetwork", "AuditTrail", "Delivery"],
        remediation: "set Resource to the ARNs of the bucket, stream, queue, key or table the action is for.",
        enforcementLevel: "mandatory",
        config: {
            resourceWildcardActions: {
                type: "array",
                items: { type: "string" },
                description: "Actions allowed on Resource \"*\" because AWS offers no resource-level permission for them.",
                default: [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeVpcs",
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "cloudwatch:PutMetricData",
                    "logs:DescribeLogGroups",
                    "sts:GetCallerIdentity",
                ],
            },
        },
    },
    iamPermissionTypes,
    (r, report) => {
        const allowed = new Set(r.config.resourceWildcardActions.map((a) => a.toLowerCase()));
        eachStatement(permissionDocuments(r.type, r.inputs), report, r.name, (s, label) => {
            if (s.effect !== "Allow" || !s.resources.includes("*")) {
                return;
            }
            const unscoped = s.notAction ? ["NotAction"] : s.actions.filter((a) => !allowed.has(a.toLowerCase()));
            if (unscoped.length > 0) {
                report(`${r.name}: ${label} allows ${unscoped.join(", ")} on Resource "*".`);
            }
        });
    },
);

const adminManagedPolicies = [
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
];

export const iamNoAWSAdminAttachment = resourcePolicy(
    {
        name: "iam-no-aws-admin-attachment",
        description: "AWS-managed administrator policies are not attached to roles.",
        safeguard,
        sections: iamSections,
        anchors: [
            { source: "Prowler", id: "iam_aws_attached_policy_no_administrative_privileges" },
            { source: "Checkov", id: "CKV_AWS_274" },
        ],
        referenceRows: ["iam-no-aws-admin-attachment"],
        components: ["AnomalyDetector", "Delivery"],
        remediation: "attach a customer-managed policy with the needed actions instead of AdministratorAccess/PowerUserAccess/IAMFullAccess.",
        enforcementLevel: "mandatory",
    },
    [...IAM.rolePolicyAttachment, ...IAM.role],
    (r, report) => {
        const arns: Read[] = [];
        if (isOneOf(r.type, IAM.role)) {
            const list = r.inputs.list("managedPolicyArns");
            if (list !== UNKNOWN) {
                arns.push(...(list ?? []));
            }
        } else {
            arns.push(r.inputs.get("policyArn"));
        }
        for (const arn of arns) {
            if (typeof arn === "string" && adminManagedPolicies.some((p) => arn.endsWith(p.slice("arn:aws".length)))) {
                report(`${r.name} attaches the AWS-managed administrator policy ${arn}.`);
            }
        }
    },
);

export const iamNoInlinePolicies = resourcePolicy(
    {
        name: "iam-no-inline-policies",
        description: "Permissions come from managed policies rather than inline role, user or group policies.",
        safeguard,
        sections: iamSections,
        anchors: [
            { source: "AWS Config", id: "IAM_NO_INLINE_POLICY_CHECK" },
            { source: "cdk-nag", id: "IAMNoInlinePolicy" },
        ],
        referenceRows: ["iam-no-inline-policies"],
        components: ["AnomalyDetector", "SecureNetwork", "AuditTrail"],
        remediation: "move the statements into an aws.iam.Policy and attach it with aws.iam.RolePolicyAttachment.",
        enforcementLevel: "advisory",
        advisoryReason:
            "MediGuard scopes each role's permissions in one RolePolicy owned by the component that owns the role, which every statement policy above checks; a managed policy would add an attachable object without narrowing access.",
    },
    [...IAM.rolePolicy, ...IAM.userPolicy, ...IAM.groupPolicy, ...IAM.role],
    (r, report) => {
        if (isOneOf(r.type, IAM.role)) {
            const inline = r.inputs.list("inlinePolicies");
            if (inline === UNKNOWN || (inline ?? []).some((p) => isPresent(readPath(p, "policy")))) {
                report(`role ${r.name} declares inlinePolicies.`);
            }
            return;
        }
        report(`${r.name} is an inline policy (${r.type}).`);
    },
);

export const iamNoBroadKmsDecrypt = resourcePolicy(
    {
        name: "iam-no-broad-kms-decrypt",
        description: "No IAM policy allows kms:Decrypt or kms:ReEncrypt* on all keys.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(a)(1)"],
        anchors: [
            { source: "AWS Config", id: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS" },
            { source: "AWS Config", id: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS" },
        ],
        referenceRows: ["iam-no-broad-kms-decrypt"],
        components: ["AnomalyDetector", "PhiKey"],
        remediation: "set Resource to the PhiKey's arn for kms:Decrypt / kms:ReEncrypt*.",
        enforcementLevel: "mandatory",
    },
    iamPermissionTypes,
    (r, report) =>
        eachStatement(permissionDocuments(r.type, r.inputs), report, r.name, (s, label) => {
            if (s.effect !== "Allow" || !s.resources.includes("*")) {
                return;
            }
            for (const action of ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"]) {
                if (grantsAction(s, action)) {
                    report(`${r.name}: ${label} allows ${action} on every KMS key (Resource "*").`);
                    return;
                }
            }
        }),
);

export const iamNoWildcardMarketplaceSubscribe = resourcePolicy(
    {
        name: "iam-no-wildcard-marketplace-subscribe",
        description: "No IAM policy allows aws-marketplace:Subscribe on all products.",
        safeguard,
        sections: ["164.308(a)(4)(ii)(B)"],
        anchors: [
            { source: "Prowler", id: "iam_policy_no_wildcard_marketplace_subscribe" },
            { source: "Prowler", id: "iam_inline_policy_no_wildcard_marketplace_subscribe" },
        ],
        referenceRows: ["iam-no-wildcard-marketplace-subscribe"],
        components: ["Delivery"],
        remediation: "remove aws-marketplace:Subscribe or scope it to product ARNs.",
        enforcementLevel: "mandatory",
    },
    iamPermissionTypes,
    (r, report) =>
        eachStatement(permissionDocuments(r.type, r.inputs), report, r.name, (s, label) => {
            if (s.effect === "Allow" && s.resources.includes("*") && grantsAction(s, "aws-marketplace:Subscribe")) {
                report(`${r.name}: ${label} allows aws-marketplace:Subscribe on Resource "*".`);
            }
        }),
);

export const iamRoleTrustRestricted = resourcePolicy(
    {
        name: "iam-role-trust-restricted",
        description: "Role trust policies name who may assume the role: no wildcard principal without a restricting condition.",
        safeguard,
        sections: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)", "164.312(d)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_60" },
            { source: "Checkov", id: "CKV_AWS_61" },
        ],
        referenceRows: ["iam-role-trust-restricted"],
        components: ["AnomalyDetector", "SecureNetwork", "AuditTrail"],
        remediation: "set the trust Principal to the service (e.g. lambda.amazonaws.com) or account that assumes the role.",
        enforcementLevel: "mandatory",
    },
    IAM.role,
    (r, report) =>
        eachStatement([{ label: "assumeRolePolicy", value: r.inputs.get("assumeRolePolicy") }], report, r.name, (s) => {
            if (s.effect === "Allow" && hasWildcardPrincipal(s) && !isConditioned(s)) {
                report(`role ${r.name} can be assumed by any principal ("*").`);
            }
        }),
);

export const kmsKeyPolicyNoPublicPrincipal = resourcePolicy(
    {
        name: "kms-key-policy-no-public-principal",
        description: "KMS key policies grant nothing to a wildcard principal without a condition, and keep the policy lockout safety check.",
        safeguard,
        sections: ["164.312(a)(1)", "164.312(a)(2)(iv)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_33" },
            { source: "Pulumi compliance-policies", id: "aws-kms-key-disallow-bypass-policy-lockout-safety-check" },
        ],
        referenceRows: ["kms-key-policy-no-public-principal"],
        components: ["PhiKey"],
        remediation: "grant key usage to named roles or service principals with aws:SourceAccount/kms:ViaService conditions; leave bypassPolicyLockoutSafetyCheck false.",
        enforcementLevel: "mandatory",
    },
    [...KMS.key, ...KMS.keyPolicy],
    (r, report) => {
        requireNotTrue(r.inputs, "bypassPolicyLockoutSafetyCheck", report, `key policy of ${r.name} bypasses the lockout safety check.`);
        eachStatement([{ label: "policy", value: r.inputs.get("policy") }], report, r.name, (s) => {
            if (s.effect === "Allow" && hasWildcardPrincipal(s) && !isConditioned(s)) {
                report(`key policy of ${r.name} allows ${s.actions.join(", ") || "actions"} to any principal ("*") without a condition.`);
            }
        });
    },
);

const publicAcls = ["public-read", "public-read-write", "authenticated-read"];
const publicGroupURIs = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

export const s3NoPublicReadWrite = resourcePolicy(
    {
        name: "s3-no-public-read-write",
        description: "No bucket ACL or bucket policy grants read or write to everyone.",
        safeguard,
        sections: [...publicAccessSections, "164.312(a)(2)(i)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_PUBLIC_READ_PROHIBITED" },
            { source: "AWS Config", id: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED" },
            { source: "Prowler", id: "s3_bucket_policy_public_write_access" },
            { source: "cdk-nag", id: "S3BucketPublicReadProhibited" },
            { source: "Checkov", id: "CKV_AWS_70" },
        ],
        referenceRows: ["s3-no-public-read-write"],
        components: ["PhiBucket"],
        remediation: "remove public ACLs/grants and Allow statements to Principal \"*\" (or restrict them with a condition such as aws:PrincipalAccount).",
        enforcementLevel: "mandatory",
    },
    [...S3.acl, ...S3.policy],
    (r, report) => {
        if (isOneOf(r.type, S3.acl)) {
            const acl = r.inputs.str("acl");
            if (acl === UNKNOWN) {
                report(unknownSwitch("acl"));
            } else if (acl !== undefined && publicAcls.includes(acl)) {
                report(`bucket ACL ${r.name} is the canned ACL ${acl}.`);
            }
            const grants = r.inputs.list("accessControlPolicy.grants");
            if (grants === UNKNOWN) {
                report(unknownSwitch("accessControlPolicy.grants"));
                return;
            }
            for (const g of grants ?? []) {
                const uri = readPath(g, "grantee.uri");
                if (typeof uri === "string" && publicGroupURIs.includes(uri)) {
                    report(`bucket ACL ${r.name} grants ${String(readPath(g, "permission"))} to ${uri}.`);
                }
            }
            return;
        }
        eachStatement([{ label: "policy", value: r.inputs.get("policy") }], report, r.name, (s) => {
            if (s.effect === "Allow" && hasWildcardPrincipal(s) && !isConditioned(s)) {
                report(`bucket policy ${r.name} allows ${s.actions.join(", ")} to any principal ("*") without a condition.`);
            }
        });
    },
);

export const s3AclsDisabled = stackPolicy(
    {
        name: "s3-acls-disabled",
        description: "Every bucket has ownership controls attached with BucketOwnerEnforced, which disables ACLs.",
        safeguard,
        sections: ["164.312(a)(1)", "164.308(a)(4)(ii)(C)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_ACL_PROHIBITED" },
            { source: "Checkov", id: "CKV2_AWS_65" },
        ],
        referenceRows: ["s3-acls-disabled"],
        components: ["PhiBucket"],
        remediation: "attach an aws.s3.BucketOwnershipControls with bucket: <bucket>.id and rule.objectOwnership \"BucketOwnerEnforced\".",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.ownershipControls],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            const controls = attachedTo(resources, S3.ownershipControls, "bucket", bucket);
            if (controls.length === 0) {
                report(bucket, `bucket ${bucket.name} has no ownership controls attached, so ACLs stay enabled.`);
            }
            for (const c of controls) {
                const ownership = inputsOf(c).str("rule.objectOwnership");
                if (ownership === UNKNOWN) {
                    report(bucket, unknownSwitch(`${c.name}.rule.objectOwnership`));
                } else if (ownership !== "BucketOwnerEnforced") {
                    report(bucket, `bucket ${bucket.name} has objectOwnership ${ownership ?? "unset"}, not BucketOwnerEnforced.`);
                }
            }
            for (const acl of attachedTo(resources, S3.acl, "bucket", bucket)) {
                report(bucket, `bucket ${bucket.name} has the ACL resource ${acl.name}; ACLs must stay disabled.`);
            }
        }
    },
);

const publicAccessBlockFlags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3BucketPublicAccessBlock = stackPolicy(
    {
        name: "s3-bucket-public-access-block",
        description: "Every bucket has a public access block attached to it with all four flags true.",
        safeguard,
        sections: publicAccessSections,
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED" },
            { source: "Prowler", id: "s3_bucket_public_access" },
            { source: "cdk-nag", id: "S3BucketLevelPublicAccessProhibited" },
            { source: "Checkov", id: "CKV2_AWS_6" },
        ],
        referenceRows: ["s3-bucket-public-access-block"],
        components: ["PhiBucket"],
        remediation: "attach an aws.s3.BucketPublicAccessBlock with bucket: <bucket>.id and blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.publicAccessBlock],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            const blocks = attachedTo(resources, S3.publicAccessBlock, "bucket", bucket);
            if (blocks.length === 0) {
                report(bucket, `bucket ${bucket.name} has no public access block attached.`);
            }
            for (const b of blocks) {
                for (const flag of publicAccessBlockFlags) {
                    requireTrue(inputsOf(b), flag, (m) => report(bucket, m), `bucket ${bucket.name}: ${b.name}.${flag} is not true.`);
                }
            }
        }
    },
);

export const s3AccountPublicAccessBlock = resourcePolicy(
    {
        name: "s3-account-public-access-block",
        description: "The account-level S3 public access block, where the stack declares it, has all four flags true.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.308(a)(3)(i)", "164.312(a)(1)", "164.314(b)(1)"],
        anchors: [
            { source: "AWS Config", id: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC" },
            { source: "Prowler", id: "s3_account_level_public_access_blocks" },
        ],
        referenceRows: ["s3-account-public-access-block"],
        components: ["Baseline"],
        remediation: "set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true on the aws.s3.AccountPublicAccessBlock.",
        enforcementLevel: "mandatory",
    },
    S3.accountPublicAccessBlock,
    (r, report) => {
        for (const flag of publicAccessBlockFlags) {
            requireTrue(r.inputs, flag, report, `account public access block ${r.name}: ${flag} is not true.`);
        }
    },
);

export const lambdaNoPublicAccess = resourcePolicy(
    {
        name: "lambda-no-public-access",
        description: "Lambda permissions and function URLs do not make a function callable by anyone.",
        safeguard,
        sections: [...publicAccessSections, "164.308(a)(1)(ii)(B)"],
        anchors: [
            { source: "AWS Config", id: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED" },
            { source: "Prowler", id: "awslambda_function_not_publicly_accessible" },
            { source: "Prowler", id: "awslambda_function_url_public" },
            { source: "cdk-nag", id: "LambdaFunctionPublicAccessProhibited" },
            { source: "Checkov", id: "CKV_AWS_301" },
        ],
        referenceRows: ["lambda-no-public-access"],
        components: ["AnomalyDetector"],
        remediation: "grant invoke to a named principal; for service principals set sourceArn (and sourceAccount); use authorizationType AWS_IAM on function URLs.",
        enforcementLevel: "mandatory",
    },
    [...LAMBDA.permission, ...LAMBDA.functionUrl],
    (r, report) => {
        if (isOneOf(r.type, LAMBDA.functionUrl)) {
            const auth = r.inputs.str("authorizationType");
            if (auth === UNKNOWN) {
                report(unknownSwitch("authorizationType"));
            } else if (auth !== "AWS_IAM") {
                report(`function URL ${r.name} has authorizationType ${auth ?? "unset"}; anyone can call it.`);
            }
            return;
        }
        const principal = r.inputs.str("principal");
        if (principal === "*") {
            report(`permission ${r.name} lets any principal ("*") invoke the function.`);
        } else if (typeof principal === "string" && principal.endsWith(".amazonaws.com") && !r.inputs.has("sourceArn") && !r.inputs.has("sourceAccount")) {
            report(`permission ${r.name} lets ${principal} invoke the function on behalf of any account: sourceArn is not set.`);
        }
        if (r.inputs.str("functionUrlAuthType") === "NONE") {
            report(`permission ${r.name} allows unauthenticated function URL calls.`);
        }
    },
);

export const lambdaInVPC = resourcePolicy(
    {
        name: "lambda-in-vpc",
        description: "Lambda functions run inside the VPC (private subnets and a security group).",
        safeguard,
        sections: [...publicAccessSections, "164.308(a)(1)(ii)(B)"],
        anchors: [
            { source: "AWS Config", id: "LAMBDA_INSIDE_VPC" },
            { source: "cdk-nag", id: "LambdaInsideVPC" },
            { source: "Checkov", id: "CKV_AWS_117" },
        ],
        referenceRows: ["lambda-in-vpc"],
        components: ["AnomalyDetector", "SecureNetwork"],
        remediation: "set vpcConfig.subnetIds to the SecureNetwork's private subnets and vpcConfig.securityGroupIds to its Lambda security group.",
        enforcementLevel: "mandatory",
    },
    LAMBDA.function,
    (r, report) => {
        for (const path of ["vpcConfig.subnetIds", "vpcConfig.securityGroupIds"]) {
            if (!isPresent(r.inputs.get(path))) {
                report(`function ${r.name} runs outside the VPC: ${path} is empty.`);
            }
        }
    },
);

export const snsPolicyNotPublic = resourcePolicy(
    {
        name: "sns-policy-not-public",
        description: "SNS topic policies grant nothing to a wildcard principal without a condition.",
        safeguard,
        sections: ["164.312(a)(1)", "164.312(e)(1)"],
        anchors: [{ source: "Checkov", id: "CKV_AWS_169" }],
        referenceRows: ["sns-policy-not-public"],
        components: ["AnomalyDetector"],
        remediation: "grant sns:Publish to named service principals with an aws:SourceArn/aws:SourceAccount condition.",
        enforcementLevel: "mandatory",
    },
    [...MESSAGING.topic, ...MESSAGING.topicPolicy],
    (r, report) =>
        eachStatement([{ label: "policy", value: r.inputs.get("policy") }], report, r.name, (s) => {
            if (s.effect === "Allow" && hasWildcardPrincipal(s) && !isConditioned(s)) {
                report(`topic policy ${r.name} allows ${s.actions.join(", ")} to any principal ("*") without a condition.`);
            }
        }),
);

export const sqsPolicyNotPublic = resourcePolicy(
    {
        name: "sqs-policy-not-public",
        description: "SQS queue policies grant nothing to a wildcard principal without a condition, and no wildcard actions.",
        safeguard,
        sections: ["164.312(a)(1)", "164.312(e)(1)"],
        anchors: [
            { source: "Checkov", id: "CKV_AWS_168" },
            { source: "Checkov", id: "CKV_AWS_387" },
        ],
        referenceRows: ["sqs-policy-not-public"],
        components: ["AnomalyDetector"],
        remediation: "grant sqs:SendMessage to the s3.amazonaws.com/sns.amazonaws.com principal with an aws:SourceArn condition.",
        enforcementLevel: "mandatory",
    },
    [...MESSAGING.queue, ...MESSAGING.queuePolicy],
    (r, report) =>
        eachStatement([{ label: "policy", value: r.inputs.get("policy") }], report, r.name, (s) => {
            if (s.effect !== "Allow") {
                return;
            }
            if (hasWildcardPrincipal(s) && !isConditioned(s)) {
                report(`queue policy ${r.name} allows ${s.actions.join(", ")} to any principal ("*") without a condition.`);
            }
            const wildcard = s.actions.filter((a) => a === "*" || a.toLowerCase() === "sqs:*");
            if (wildcard.length > 0 || s.notAction) {
                report(`queue policy ${r.name} allows the wildcard action ${wildcard.join(", ") || "NotAction"}.`);
            }
        }),
);

export const subnetNoAutoPublicIP = resourcePolicy(
    {
        name: "subnet-no-auto-public-ip",
        description: "Subnets do not give instances public IP addresses on launch.",
        safeguard,
        sections: publicAccessSections,
        anchors: [
            { source: "AWS Config", id: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED" },
            { source: "cdk-nag", id: "VPCSubnetAutoAssignPublicIpDisabled" },
            { source: "Checkov", id: "CKV_AWS_130" },
        ],
        referenceRows: ["subnet-no-auto-public-ip"],
        components: ["SecureNetwork"],
        remediation: "set mapPublicIpOnLaunch: false (the default) on the aws.ec2.Subnet.",
        enforcementLevel: "mandatory",
    },
    EC2.subnet,
    (r, report) => requireNotTrue(r.inputs, "mapPublicIpOnLaunch", report, `subnet ${r.name} assigns public IPs on launch.`),
);

/** Inputs holding policy documents, and the policies that read them (for preview-unverifiable-inputs). */
export const documentInputs: readonly DeferredInputs[] = [
    {
        types: iamPermissionTypes,
        inputs: ["policy", "inlinePolicies"],
        policies: [
            "iam-no-admin-statements",
            "iam-no-service-wildcard-actions",
            "iam-statements-scoped-to-resources",
            "iam-no-broad-kms-decrypt",
            "iam-no-wildcard-marketplace-subscribe",
        ],
    },
    { types: IAM.role, inputs: ["assumeRolePolicy"], policies: ["iam-role-trust-restricted"] },
    { types: [...KMS.key, ...KMS.keyPolicy], inputs: ["policy"], policies: ["kms-key-policy-no-public-principal"] },
    { types: S3.policy, inputs: ["policy"], policies: ["s3-no-public-read-write", "s3-bucket-policy-tls-only"] },
    { types: [...MESSAGING.topic, ...MESSAGING.topicPolicy], inputs: ["policy"], policies: ["sns-policy-not-public"] },
    { types: [...MESSAGING.queue, ...MESSAGING.queuePolicy], inputs: ["policy"], policies: ["sqs-policy-not-public"] },
    { types: EC2.vpcEndpoint, inputs: ["policy"], policies: ["vpc-endpoint-hardened"] },
];

export const accessControlPolicies: readonly HipaaPolicy[] = [
    iamNoAdminStatements,
    iamNoServiceWildcardActions,
    iamStatementsScopedToResources,
    iamNoAWSAdminAttachment,
    iamNoInlinePolicies,
    iamNoBroadKmsDecrypt,
    iamNoWildcardMarketplaceSubscribe,
    iamRoleTrustRestricted,
    kmsKeyPolicyNoPublicPrincipal,
    s3NoPublicReadWrite,
    s3AclsDisabled,
    s3BucketPublicAccessBlock,
    s3AccountPublicAccessBlock,
    lambdaNoPublicAccess,
    lambdaInVPC,
    snsPolicyNotPublic,
    sqsPolicyNotPublic,
    subnetNoAutoPublicIP,
];
