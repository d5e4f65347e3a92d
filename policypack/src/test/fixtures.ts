// Hand-built CrossGuard arguments and a compliant baseline stack modelled on what MediGuard's
// components register (pulumi-aws v6 tokens; references to other resources are unknown, as at
// preview, and joined through property dependencies).

import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { HipaaPolicy } from "../lib/hipaa";
import { unknownString } from "../lib/values";

/** An unknown string, as the engine sends an output of a resource not yet created. */
export const U = unknownString;

/**
 * A resource of a fixture: its inputs and, per input, the resources it came from, by name (or
 * "TypeSuffix:name" where several resources share the name).
 */
export interface Spec {
    type: string;
    name: string;
    props: Record<string, unknown>;
    deps: Record<string, string[]>;
    protect?: boolean;
}

export type Fixture = Spec[];

const account = "123456789012";

function spec(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): Spec {
    return { type, name, props, deps };
}

function policyJSON(statements: object[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The bucket policy PhiBucket attaches: TLS only, on the bucket and its objects. */
export function tlsOnlyPolicy(bucket: string): string {
    return policyJSON([
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ]);
}

const tags = (classification: string, extra: Record<string, string> = {}): Record<string, string> => ({
    "data-classification": classification,
    "managed-by": "mediguard",
    ...extra,
});

/** The side resources PhiBucket attaches to each bucket. */
function bucketWithSideResources(name: string, bucketName: string, classification: string, options: { lock?: "GOVERNANCE" | "COMPLIANCE"; kms: boolean; logTo?: string; purpose?: string }): Spec[] {
    const specs: Spec[] = [
        spec("aws:s3/bucketV2:BucketV2", name, {
            bucket: bucketName,
            objectLockEnabled: options.lock !== undefined,
            tags: tags(classification, options.purpose ? { purpose: options.purpose } : {}),
        }),
        spec(
            "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
            `${name}-encryption`,
            {
                bucket: U,
                rules: [
                    options.kms
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U }, bucketKeyEnabled: true }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            options.kms ? { bucket: [name], rules: ["phi-key"] } : { bucket: [name] },
        ),
        spec("aws:s3/bucketVersioningV2:BucketVersioningV2", `${name}-versioning`, { bucket: U, versioningConfiguration: { status: "Enabled" } }, { bucket: [name] }),
        spec(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            `${name}-public-access-block`,
            { bucket: U, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { bucket: [name] },
        ),
        spec("aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-ownership`, { bucket: U, rule: { objectOwnership: "BucketOwnerEnforced" } }, { bucket: [name] }),
        spec("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, { bucket: U, policy: tlsOnlyPolicy(bucketName) }, { bucket: [name] }),
        spec(
            "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
            `${name}-lifecycle`,
            { bucket: U, rules: [{ id: "expire-noncurrent", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }] },
            { bucket: [name] },
        ),
    ];
    if (options.lock) {
        specs.push(
            spec(
                "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
                `${name}-object-lock`,
                { bucket: U, rule: { defaultRetention: { mode: options.lock, days: 2192 } } },
                { bucket: [name] },
            ),
        );
    }
    if (options.logTo) {
        specs.push(
            spec("aws:s3/bucketLoggingV2:BucketLoggingV2", `${name}-access-logging`, { bucket: U, targetBucket: U, targetPrefix: `${name}/` }, { bucket: [name], targetBucket: [options.logTo] }),
        );
    }
    return specs;
}

const lambdaTrust = policyJSON([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);

/** A fresh compliant stack: every mandatory policy passes on it. */
export function baseline(): Fixture {
    return [
        spec("aws:kms/key:Key", "phi-key", {
            description: "MediGuard PHI key",
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            isEnabled: true,
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            policy: policyJSON([
                { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "Logs",
                    Effect: "Allow",
                    Principal: { Service: "logs.us-east-1.amazonaws.com" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${account}:*` } },
                },
            ]),
            tags: tags("PHI"),
        }),
        spec("aws:kms/alias:Alias", "phi-key-alias", { name: "alias/mediguard-phi", targetKeyId: U }, { targetKeyId: ["phi-key"] }),
        ...bucketWithSideResources("frames", "mediguard-frames", "PHI", { lock: "GOVERNANCE", kms: true, logTo: "access-logs" }),
        ...bucketWithSideResources("evidence", "mediguard-evidence", "PHI", { lock: "COMPLIANCE", kms: true, logTo: "access-logs", purpose: "evidence" }),
        ...bucketWithSideResources("audit", "mediguard-audit", "audit", { lock: "COMPLIANCE", kms: true, logTo: "access-logs" }),
        ...bucketWithSideResources("access-logs", "mediguard-access-logs", "logs", { kms: false, purpose: "access-logs" }),
        spec(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            "frames-replication",
            { bucket: U, role: U, rules: [{ id: "dr", status: "Enabled", destination: { bucket: U } }] },
            { bucket: ["frames"] },
        ),
        spec(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            "evidence-replication",
            { bucket: U, role: U, rules: [{ id: "dr", status: "Enabled", destination: { bucket: U } }] },
            { bucket: ["evidence"] },
        ),
        spec("aws:s3/bucketNotification:BucketNotification", "frames-notifications", { bucket: U, queues: [{ queueArn: U, events: ["s3:ObjectCreated:*"] }] }, { bucket: ["frames"], queues: ["frames-queue"] }),
        spec("aws:s3/bucketNotification:BucketNotification", "evidence-notifications", { bucket: U, eventbridge: true }, { bucket: ["evidence"] }),
        spec("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: tags("PHI") }),
        spec("aws:ec2/subnet:Subnet", "net-private-a", { vpcId: U, cidrBlock: "10.20.1.0/24", mapPublicIpOnLaunch: false }, { vpcId: ["net"] }),
        spec("aws:ec2/routeTable:RouteTable", "net-private", { vpcId: U }, { vpcId: ["net"] }),
        spec("aws:ec2/routeTableAssociation:RouteTableAssociation", "net-private-a-assoc", { subnetId: U, routeTableId: U }, { subnetId: ["net-private-a"], routeTableId: ["net-private"] }),
        spec(
            "aws:ec2/networkAcl:NetworkAcl",
            "net-private-nacl",
            {
                vpcId: U,
                ingress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "10.20.0.0/16" }],
                egress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "10.20.0.0/16" }],
            },
            { vpcId: ["net"] },
        ),
        spec("aws:ec2/networkAclRule:NetworkAclRule", "net-private-ephemeral", { networkAclId: U, ruleNumber: 110, egress: false, ruleAction: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535, cidrBlock: "10.20.0.0/16" }, { networkAclId: ["net-private-nacl"] }),
        spec("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default", { vpcId: U }, { vpcId: ["net"] }),
        spec(
            "aws:ec2/securityGroup:SecurityGroup",
            "net-lambda",
            { vpcId: U, description: "detector functions", egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }] },
            { vpcId: ["net"] },
        ),
        spec(
            "aws:ec2/securityGroup:SecurityGroup",
            "net-endpoints",
            { vpcId: U, description: "interface endpoints", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }] },
            { vpcId: ["net"] },
        ),
        spec(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "net-endpoints-https",
            { securityGroupId: U, cidrIpv4: "10.20.0.0/16", fromPort: 443, toPort: 443, ipProtocol: "tcp" },
            { securityGroupId: ["net-endpoints"] },
        ),
        spec("aws:ec2/vpcEndpoint:VpcEndpoint", "net-s3", { vpcId: U, serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", routeTableIds: [U] }, { vpcId: ["net"], routeTableIds: ["net-private"] }),
        spec(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "net-kms",
            { vpcId: U, serviceName: "com.amazonaws.us-east-1.kms", vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: [U], securityGroupIds: [U] },
            { vpcId: ["net"], subnetIds: ["net-private-a"], securityGroupIds: ["net-endpoints"] },
        ),
        spec("aws:ec2/vpcEndpoint:VpcEndpoint", "net-dynamodb", { vpcId: U, serviceName: "com.amazonaws.us-east-1.dynamodb", vpcEndpointType: "Gateway", routeTableIds: [U] }, { vpcId: ["net"], routeTableIds: ["net-private"] }),
        ...["kinesisvideo", "sqs", "sns", "logs"].map((service) =>
            spec(
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                `net-${service}`,
                { vpcId: U, serviceName: `com.amazonaws.us-east-1.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: [U], securityGroupIds: [U] },
                { vpcId: ["net"], subnetIds: ["net-private-a"], securityGroupIds: ["net-endpoints"] },
            ),
        ),
        spec("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs", { kmsKeyId: U, retentionInDays: 2192, tags: tags("logs") }, { kmsKeyId: ["phi-key"] }),
        spec("aws:iam/role:Role", "net-flow-logs-role", { assumeRolePolicy: policyJSON([{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }]) }),
        spec(
            "aws:iam/rolePolicy:RolePolicy",
            "net-flow-logs-role-policy",
            {
                role: U,
                policy: policyJSON([
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${account}:log-group:net-flow-logs:*` },
                ]),
            },
            { role: ["net-flow-logs-role"] },
        ),
        spec(
            "aws:ec2/flowLog:FlowLog",
            "net-flow-log",
            { vpcId: U, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: U, iamRoleArn: U },
            { vpcId: ["net"], logDestination: ["net-flow-logs"], iamRoleArn: ["net-flow-logs-role"] },
        ),
        spec("aws:kinesis/videoStream:VideoStream", "room-101", { kmsKeyId: U, dataRetentionInHours: 72, mediaType: "video/h264", tags: tags("PHI") }, { kmsKeyId: ["phi-key"] }),
        spec("aws:sqs/queue:Queue", "frames-queue", { kmsMasterKeyId: U, redrivePolicy: U, visibilityTimeoutSeconds: 120, tags: tags("PHI") }, { kmsMasterKeyId: ["phi-key"], redrivePolicy: ["frames-dlq"] }),
        spec("aws:sqs/queue:Queue", "frames-dlq", { kmsMasterKeyId: U, messageRetentionSeconds: 1209600, tags: tags("PHI") }, { kmsMasterKeyId: ["phi-key"] }),
        spec("aws:sqs/queue:Queue", "detector-dlq", { kmsMasterKeyId: U, tags: tags("PHI") }, { kmsMasterKeyId: ["phi-key"] }),
        spec(
            "aws:sqs/queuePolicy:QueuePolicy",
            "frames-queue-policy",
            {
                queueUrl: U,
                policy: policyJSON([
                    {
                        Effect: "Allow",
                        Principal: { Service: "s3.amazonaws.com" },
                        Action: "sqs:SendMessage",
                        Resource: `arn:aws:sqs:us-east-1:${account}:frames-queue`,
                        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::mediguard-frames" } },
                    },
                ]),
            },
            { queueUrl: ["frames-queue"] },
        ),
        spec("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId: U, tags: tags("PHI") }, { kmsMasterKeyId: ["phi-key"] }),
        spec(
            "aws:sns/topicPolicy:TopicPolicy",
            "alerts-policy",
            {
                arn: U,
                policy: policyJSON([
                    {
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: `arn:aws:sns:us-east-1:${account}:alerts`,
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ]),
            },
            { arn: ["alerts"] },
        ),
        spec(
            "aws:dynamodb/table:Table",
            "events",
            { billingMode: "PAY_PER_REQUEST", hashKey: "id", serverSideEncryption: { enabled: true, kmsKeyArn: U }, pointInTimeRecovery: { enabled: true }, tags: tags("PHI") },
            { serverSideEncryption: ["phi-key"] },
        ),
        spec("aws:backup/selection:Selection", "events-backup", { iamRoleArn: U, planId: U, resources: [U] }, { resources: ["events"] }),
        spec("aws:iam/role:Role", "detector-role", { assumeRolePolicy: lambdaTrust }),
        spec(
            "aws:iam/rolePolicy:RolePolicy",
            "detector-role-policy",
            {
                role: U,
                policy: policyJSON([
                    { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::mediguard-frames/*" },
                    { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
                    { Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource: "*" },
                    { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                ]),
            },
            { role: ["detector-role"] },
        ),
        spec(
            "aws:lambda/function:Function",
            "detector",
            {
                runtime: "provided.al2023",
                architectures: ["arm64"],
                handler: "bootstrap",
                role: U,
                vpcConfig: { subnetIds: [U], securityGroupIds: [U] },
                kmsKeyArn: U,
                environment: { variables: { EVENTS_TABLE: U } },
                deadLetterConfig: { targetArn: U },
                tracingConfig: { mode: "Active" },
                reservedConcurrentExecutions: 5,
            },
            { role: ["detector-role"], vpcConfig: ["net-private-a", "net-lambda"], kmsKeyArn: ["phi-key"], environment: ["events"], deadLetterConfig: ["detector-dlq"] },
        ),
        spec("aws:lambda/eventSourceMapping:EventSourceMapping", "detector-frames", { eventSourceArn: U, functionName: U, batchSize: 10 }, { eventSourceArn: ["frames-queue"], functionName: ["detector"] }),
        spec("aws:lambda/permission:Permission", "detector-events", { action: "lambda:InvokeFunction", function: U, principal: "events.amazonaws.com", sourceArn: U }, { function: ["detector"] }),
        spec("aws:cloudwatch/logGroup:LogGroup", "detector-logs", { kmsKeyId: U, retentionInDays: 2192, tags: tags("logs") }, { kmsKeyId: ["phi-key"] }),
        spec("aws:cloudwatch/metricAlarm:MetricAlarm", "detector-errors", { comparisonOperator: "GreaterThanThreshold", metricName: "Errors", namespace: "AWS/Lambda", threshold: 0, evaluationPeriods: 1, alarmActions: [U], actionsEnabled: true }, { alarmActions: ["alerts"] }),
        spec("aws:cloudwatch/logGroup:LogGroup", "trail-logs", { kmsKeyId: U, retentionInDays: 2192, tags: tags("audit") }, { kmsKeyId: ["phi-key"] }),
        spec("aws:iam/role:Role", "trail-logs-role", { assumeRolePolicy: policyJSON([{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole" }]) }),
        spec(
            "aws:cloudtrail/trail:Trail",
            "audit-trail",
            {
                s3BucketName: U,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                kmsKeyId: U,
                cloudWatchLogsGroupArn: U,
                cloudWatchLogsRoleArn: U,
                advancedEventSelectors: [
                    { name: "management", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
                    {
                        name: "phi-objects",
                        fieldSelectors: [
                            { field: "eventCategory", equals: ["Data"] },
                            { field: "resources.type", equals: ["AWS::S3::Object"] },
                            { field: "resources.ARN", startsWiths: [U, U] },
                        ],
                    },
                ],
                tags: tags("audit"),
            },
            {
                s3BucketName: ["audit"],
                kmsKeyId: ["phi-key"],
                cloudWatchLogsGroupArn: ["trail-logs"],
                cloudWatchLogsRoleArn: ["trail-logs-role"],
                advancedEventSelectors: ["frames", "evidence"],
            },
        ),
    ];
}

/** Builds CrossGuard's PolicyResource objects from specs, resolving dependencies by name. */
export function build(fixture: Fixture): PolicyResource[] {
    const out: PolicyResource[] = [];
    for (const s of fixture) {
        const r: PolicyResource = {
            type: s.type,
            name: s.name,
            urn: urn(s),
            props: s.props,
            opts: { protect: s.protect ?? false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: {},
            provider: { type: "pulumi:providers:aws", name: "default", urn: "urn:pulumi:dev::mediguard::pulumi:providers:aws::default", props: { region: "us-east-1" } },
            isType: () => false,
            asType: () => undefined,
        };
        out.push(r);
    }
    fixture.forEach((s, i) => {
        const r = out[i];
        if (r === undefined) {
            return;
        }
        for (const [prop, names] of Object.entries(s.deps)) {
            r.propertyDependencies[prop] = names.map((n) => {
                const [typeSuffix, name] = n.includes(":") ? (n.split(":", 2) as [string, string]) : ["", n];
                const matches = out.filter((d) => d.name === name && d.type.endsWith(typeSuffix));
                const d = matches[0];
                if (d === undefined || matches.length > 1) {
                    throw new Error(`fixture ${s.name}: dependency ${n} of ${prop} matches ${matches.length} resources; write Type:name`);
                }
                return d;
            });
            r.dependencies.push(...(r.propertyDependencies[prop] ?? []));
        }
    });
    return out;
}

/** The spec named name of type (the type may be a suffix like "BucketV2"); throws if absent. */
export function find(fixture: Fixture, typeSuffix: string, name: string): Spec {
    const s = fixture.find((x) => x.name === name && x.type.endsWith(typeSuffix));
    if (s === undefined) {
        throw new Error(`fixture has no ${typeSuffix} named ${name}`);
    }
    return s;
}

/** Removes the specs matching predicate. */
export function remove(fixture: Fixture, predicate: (s: Spec) => boolean): void {
    for (let i = fixture.length - 1; i >= 0; i--) {
        const s = fixture[i];
        if (s !== undefined && predicate(s)) {
            fixture.splice(i, 1);
        }
    }
}

/** Sets a dotted path in an object, creating intermediate objects; undefined deletes it. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
    const keys = path.split(".");
    let cur: Record<string, unknown> = obj;
    for (const k of keys.slice(0, -1)) {
        const next = cur[k];
        if (typeof next !== "object" || next === null) {
            cur[k] = {};
        }
        cur = cur[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] ?? "";
    if (value === undefined) {
        delete cur[last];
    } else {
        cur[last] = value;
    }
}

/** A violation as the engine would see it. */
export interface Violation {
    readonly policy: string;
    readonly message: string;
    readonly urn: string;
}

/** Config per policy name, as `pulumi preview --policy-pack-config` would give it. */
export type PackConfig = Record<string, Record<string, unknown>>;

function resourceArgs(r: PolicyResource, config: Record<string, unknown>): ResourceValidationArgs {
    const args: ResourceValidationArgs = {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason ?? ""}`);
        },
    };
    if (r.provider) {
        args.provider = r.provider;
    }
    return args;
}

/** Runs one policy over a fixture exactly as the analyzer would (per resource, or once per stack). */
export async function run(policy: HipaaPolicy, fixture: Fixture, config: PackConfig = {}): Promise<Violation[]> {
    const resources = build(fixture);
    const out: Violation[] = [];
    const own = config[policy.meta.name] ?? {};
    if (policy.kind === "resource") {
        const p = policy.policy as ResourceValidationPolicy;
        const validate = p.validateResource;
        if (validate === undefined) {
            throw new Error(`policy ${p.name} has no validateResource`);
        }
        const validations = Array.isArray(validate) ? validate : [validate];
        for (const r of resources) {
            const report: ReportViolation = (message: string) => out.push({ policy: p.name, message, urn: r.urn });
            for (const v of validations) {
                await v(resourceArgs(r, own), report);
            }
        }
        return out;
    }
    const p = policy.policy as StackValidationPolicy;
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => own as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason ?? ""}`);
        },
    };
    await p.validateStack(args, (message: string, urn?: string) => out.push({ policy: p.name, message, urn: urn ?? "" }));
    return out;
}

/** The URN a spec gets in built fixtures. */
export function urn(s: Pick<Spec, "type" | "name">): string {
    return `urn:pulumi:dev::mediguard::${s.type}::${s.name}`;
}
