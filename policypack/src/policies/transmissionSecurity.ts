// 164.312(e) Transmission security: PHI moves only over TLS and only inside the private network:
// no world-open ingress, no default routes to the internet, AWS APIs reached through endpoints.

import { PolicyResource } from "@pulumi/policy";
import { requireTrue, unknownSwitch } from "../lib/checks";
import { DeferredInputs, HipaaPolicy, resourcePolicy, stackPolicy } from "../lib/hipaa";
import { admitsAllPorts, admitsPort, ingressFrom, IngressRule, isPrivateCidr, isWorldCidr, securityGroupIngress } from "../lib/network";
import { hasWildcardPrincipal, isConditioned, parseDocument } from "../lib/policyDocument";
import { attachedTo, dependenciesOf, inputsOf, ofType } from "../lib/stack";
import { EC2, isOneOf, S3 } from "../lib/tokens";
import { Read, readPath, UNKNOWN } from "../lib/values";

const safeguard = "164.312(e) Transmission security" as const;

/** The sections AWS maps the security-group rules to. */
const sgSections = [
    "164.308(a)(1)(ii)(B)",
    "164.308(a)(3)(i)",
    "164.308(a)(3)(ii)(B)",
    "164.308(a)(4)(i)",
    "164.308(a)(4)(ii)(A)",
    "164.308(a)(4)(ii)(B)",
    "164.308(a)(4)(ii)(C)",
    "164.312(a)(1)",
    "164.312(e)(1)",
];

const sgTypes = [...EC2.securityGroup, ...EC2.securityGroupRule, ...EC2.ingressRule];

function worldOpen(rule: IngressRule): string | undefined {
    return rule.cidrs.find(isWorldCidr);
}

function portText(rule: IngressRule): string {
    if (rule.protocol === "-1" || rule.protocol === "all") {
        return "all ports";
    }
    return rule.fromPort === rule.toPort ? `port ${rule.fromPort ?? "?"}` : `ports ${rule.fromPort ?? "?"}-${rule.toPort ?? "?"}`;
}

export const s3SslRequestsOnly = stackPolicy(
    {
        name: "s3-ssl-requests-only",
        description: "Every bucket has a bucket policy attached to it (whose TLS-only content s3-bucket-policy-tls-only checks).",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_SSL_REQUESTS_ONLY" },
            { source: "Prowler", id: "s3_bucket_secure_transport_policy" },
            { source: "cdk-nag", id: "S3BucketSSLRequestsOnly" },
        ],
        referenceRows: ["s3-ssl-requests-only"],
        components: ["PhiBucket", "AuditTrail"],
        remediation: "attach an aws.s3.BucketPolicy with bucket: <bucket>.id that denies s3:* when aws:SecureTransport is false.",
        enforcementLevel: "mandatory",
    },
    [...S3.bucket, ...S3.policy],
    (resources, _config, report) => {
        for (const bucket of ofType(resources, S3.bucket)) {
            if (attachedTo(resources, S3.policy, "bucket", bucket).length === 0) {
                report(bucket, `bucket ${bucket.name} has no bucket policy attached, so plain-HTTP requests are not denied.`);
            }
        }
    },
);

function deniesInsecureTransport(policy: Read): "yes" | "no" | "unknown" | string {
    const parsed = parseDocument(policy);
    if (parsed === UNKNOWN) {
        return "unknown";
    }
    if (parsed === undefined) {
        return "no";
    }
    if ("error" in parsed) {
        return `the policy ${parsed.error}`;
    }
    const ok = parsed.statements.some((s) => {
        if (s.effect !== "Deny" || !hasWildcardPrincipal(s)) {
            return false;
        }
        if (!s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*")) {
            return false;
        }
        const cond = { ...(s.conditions["Bool"] ?? {}), ...(s.conditions["BoolIfExists"] ?? {}) };
        if (!(cond["aws:SecureTransport"] ?? []).some((v) => v.toLowerCase() === "false")) {
            return false;
        }
        const objects = s.resources.some((r) => r === "*" || r.endsWith("/*"));
        const bucket = s.resources.some((r) => r === "*" || !r.endsWith("/*"));
        return objects && bucket;
    });
    return ok ? "yes" : "no";
}

export const s3BucketPolicyTLSOnly = resourcePolicy(
    {
        name: "s3-bucket-policy-tls-only",
        description: "Bucket policies deny every S3 action on the bucket and its objects when the request is not over TLS.",
        safeguard,
        sections: ["164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
        anchors: [
            { source: "AWS Config", id: "S3_BUCKET_SSL_REQUESTS_ONLY" },
            { source: "Prowler", id: "s3_bucket_secure_transport_policy" },
            { source: "cdk-nag", id: "S3BucketSSLRequestsOnly" },
        ],
        referenceRows: ["s3-ssl-requests-only"],
        components: ["PhiBucket", "AuditTrail"],
        remediation:
            "add {Effect: Deny, Principal: \"*\", Action: \"s3:*\", Resource: [<bucket arn>, <bucket arn>/*], Condition: {Bool: {\"aws:SecureTransport\": \"false\"}}} to the bucket policy.",
        enforcementLevel: "mandatory",
    },
    S3.policy,
    (r, report) => {
        const verdict = deniesInsecureTransport(r.inputs.get("policy"));
        if (verdict === "no") {
            report(`bucket policy ${r.name} does not deny requests without TLS (aws:SecureTransport false) on the bucket and its objects.`);
        } else if (verdict !== "yes" && verdict !== "unknown") {
            report(`bucket policy ${r.name}: ${verdict}.`);
        }
    },
);

export const sgNoPublicSSH = resourcePolicy(
    {
        name: "sg-no-public-ssh",
        description: "No security group admits SSH (TCP 22) from the internet.",
        safeguard,
        sections: sgSections,
        anchors: [
            { source: "AWS Config", id: "INCOMING_SSH_DISABLED" },
            { source: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22" },
            { source: "cdk-nag", id: "EC2RestrictedSSH" },
            { source: "Checkov", id: "CKV_AWS_24" },
        ],
        referenceRows: ["sg-no-public-ssh"],
        components: ["SecureNetwork"],
        remediation: "remove the 0.0.0.0/0 or ::/0 source for port 22; use SSM Session Manager instead of SSH.",
        enforcementLevel: "mandatory",
    },
    sgTypes,
    (r, report) => {
        for (const rule of securityGroupIngress(r.type, r.inputs)) {
            const cidr = worldOpen(rule);
            if (cidr !== undefined && admitsPort(rule, 22)) {
                report(`security group ${r.name} admits SSH from ${cidr} (${portText(rule)}).`);
            }
        }
    },
);

interface CommonPortsConfig {
    readonly blockedPorts: readonly number[];
}

export const sgRestrictedCommonPorts = resourcePolicy<CommonPortsConfig>(
    {
        name: "sg-restricted-common-ports",
        description: "No security group admits FTP, RDP, MySQL or other high-risk ports from the internet.",
        safeguard,
        sections: sgSections,
        anchors: [
            { source: "AWS Config", id: "RESTRICTED_INCOMING_TRAFFIC" },
            { source: "cdk-nag", id: "EC2RestrictedCommonPorts" },
            { source: "Checkov", id: "CKV_AWS_25" },
        ],
        referenceRows: ["sg-restricted-common-ports"],
        components: ["SecureNetwork"],
        remediation: "remove the world-open source for these ports; reach the service through the VPC or a VPN.",
        enforcementLevel: "mandatory",
        config: {
            blockedPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: [20, 21, 3389, 3306, 4333],
                description: "TCP ports that may never be open to 0.0.0.0/0 or ::/0.",
            },
        },
    },
    sgTypes,
    (r, report) => {
        for (const rule of securityGroupIngress(r.type, r.inputs)) {
            const cidr = worldOpen(rule);
            if (cidr === undefined) {
                continue;
            }
            const ports = r.config.blockedPorts.filter((p) => admitsPort(rule, p));
            if (ports.length > 0) {
                report(`security group ${r.name} admits port(s) ${ports.join(", ")} from ${cidr}.`);
            }
        }
    },
);

interface AuthorizedPortsConfig {
    readonly approvedIngressCidrs: readonly string[];
    readonly approvedPublicPorts: readonly number[];
}

export const sgOpenOnlyAuthorizedPorts = resourcePolicy<AuthorizedPortsConfig>(
    {
        name: "sg-open-only-authorized-ports",
        description:
            "Security groups admit traffic only from private ranges or approved CIDRs; internet-wide ingress is allowed only on approved ports (none by default).",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.312(e)(1)"],
        anchors: [
            { source: "AWS Config", id: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS" },
            { source: "Checkov", id: "CKV_AWS_277" },
            { source: "Pulumi compliance-policies", id: "aws-ec2-securitygroup-disallow-public-internet-ingress" },
        ],
        referenceRows: ["sg-open-only-authorized-ports"],
        components: ["SecureNetwork"],
        remediation: "restrict the source to the VPC CIDR or a security group, or add the CIDR/port to approvedIngressCidrs/approvedPublicPorts in the policy config.",
        enforcementLevel: "mandatory",
        config: {
            approvedIngressCidrs: {
                type: "array",
                items: { type: "string", pattern: "^[0-9a-fA-F:.]+/[0-9]{1,3}$" },
                default: [],
                description: "Public CIDRs (besides RFC 1918 / unique-local ranges) that may reach the platform.",
            },
            approvedPublicPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                default: [],
                description: "TCP ports that may be open to 0.0.0.0/0 or ::/0.",
            },
        },
    },
    sgTypes,
    (r, report) => {
        for (const rule of securityGroupIngress(r.type, r.inputs)) {
            for (const cidr of rule.cidrs) {
                if (isWorldCidr(cidr)) {
                    const approved =
                        !rule.portsUnknown &&
                        !admitsAllPorts(rule) &&
                        rule.fromPort !== undefined &&
                        rule.toPort !== undefined &&
                        Array.from({ length: rule.toPort - rule.fromPort + 1 }, (_, i) => (rule.fromPort ?? 0) + i).every((p) =>
                            r.config.approvedPublicPorts.includes(p),
                        );
                    if (!approved) {
                        report(`security group ${r.name} admits ${portText(rule)} from ${cidr}, which are not approved public ports.`);
                    }
                } else if (!isPrivateCidr(cidr) && !r.config.approvedIngressCidrs.includes(cidr)) {
                    report(`security group ${r.name} admits traffic from the public CIDR ${cidr}, which is not approved.`);
                }
            }
        }
    },
);

const naclSensitivePorts = [22, 3389, 20, 21];

export const naclNoUnrestrictedIngress = resourcePolicy(
    {
        name: "nacl-no-unrestricted-ingress",
        description: "Network ACLs do not allow ingress from the internet to all ports or to SSH, RDP or FTP.",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.312(e)(1)"],
        anchors: [
            { source: "Prowler", id: "ec2_networkacl_allow_ingress_any_port" },
            { source: "Checkov", id: "CKV_AWS_352" },
            { source: "Checkov", id: "CKV_AWS_229" },
        ],
        referenceRows: ["nacl-no-unrestricted-ingress"],
        components: ["SecureNetwork"],
        remediation: "limit allow rules to the VPC CIDR, or to the specific ports and sources the subnet needs.",
        enforcementLevel: "mandatory",
    },
    [...EC2.networkAcl, ...EC2.networkAclRule],
    (r, report) => {
        const entries: { rule: IngressRule; action: Read }[] = [];
        if (isOneOf(r.type, EC2.networkAcl)) {
            const list = r.inputs.list("ingress");
            if (list === UNKNOWN) {
                return; // deferred to `pulumi up`; preview-unverifiable-inputs reports it
            }
            for (const e of list ?? []) {
                entries.push({ rule: ingressFrom(e, ["cidrBlock", "ipv6CidrBlock"], "protocol"), action: readPath(e, "action") });
            }
        } else {
            const egress = r.inputs.bool("egress");
            if (egress === true) {
                return;
            }
            entries.push({ rule: ingressFrom(r.inputs.get(""), ["cidrBlock", "ipv6CidrBlock"], "protocol"), action: r.inputs.get("ruleAction") });
        }
        for (const { rule, action } of entries) {
            if (action !== "allow" && action !== UNKNOWN) {
                continue;
            }
            const cidr = worldOpen(rule);
            if (cidr === undefined) {
                continue;
            }
            if (rule.portsUnknown || admitsAllPorts(rule)) {
                report(`network ACL ${r.name} allows all ports from ${cidr}.`);
                continue;
            }
            const ports = naclSensitivePorts.filter((p) => admitsPort(rule, p));
            if (ports.length > 0) {
                report(`network ACL ${r.name} allows port(s) ${ports.join(", ")} from ${cidr}.`);
            }
        }
    },
);

function isIGWLiteral(v: Read): boolean {
    return typeof v === "string" && v.startsWith("igw-");
}

export const noUnrestrictedRouteToIGW = stackPolicy(
    {
        name: "no-unrestricted-route-to-igw",
        description: "No route sends 0.0.0.0/0 or ::/0 to an internet gateway (public route tables need an exemption with a justification).",
        safeguard,
        sections: ["164.312(e)(1)"],
        anchors: [
            { source: "AWS Config", id: "NO_UNRESTRICTED_ROUTE_TO_IGW" },
            { source: "cdk-nag", id: "VPCNoUnrestrictedRouteToIGW" },
        ],
        referenceRows: ["no-unrestricted-route-to-igw"],
        components: ["SecureNetwork"],
        remediation: "route internet-bound traffic through VPC endpoints (or a NAT gateway) instead of an internet gateway.",
        enforcementLevel: "mandatory",
    },
    [...EC2.route, ...EC2.routeTable],
    (resources, _config, report) => {
        for (const route of ofType(resources, EC2.route)) {
            const i = inputsOf(route);
            const dest = [i.str("destinationCidrBlock"), i.str("destinationIpv6CidrBlock")].find((d) => typeof d === "string" && isWorldCidr(d));
            const toIGW = isIGWLiteral(i.get("gatewayId")) || dependenciesOf(route, "gatewayId", EC2.internetGateway).length > 0;
            if (dest !== undefined && toIGW) {
                report(route, `route ${route.name} sends ${String(dest)} to an internet gateway.`);
            }
        }
        for (const table of ofType(resources, EC2.routeTable)) {
            const routes = inputsOf(table).list("routes");
            if (routes === UNKNOWN) {
                report(table, unknownSwitch(`${table.name}.routes`));
                continue;
            }
            const igwDependency = dependenciesOf(table, "routes", EC2.internetGateway).length > 0;
            for (const rt of routes ?? []) {
                const dest = [readPath(rt, "cidrBlock"), readPath(rt, "ipv6CidrBlock")].find((d) => typeof d === "string" && isWorldCidr(d));
                const gw = readPath(rt, "gatewayId");
                if (dest !== undefined && (isIGWLiteral(gw) || (gw === UNKNOWN && igwDependency))) {
                    report(table, `route table ${table.name} sends ${String(dest)} to an internet gateway.`);
                }
            }
        }
    },
);

interface AuthorizedVPCConfig {
    readonly authorizedVpcs: readonly string[];
}

export const igwAuthorizedVPCOnly = stackPolicy<AuthorizedVPCConfig>(
    {
        name: "igw-authorized-vpc-only",
        description: "Internet gateways are attached only to VPCs listed in authorizedVpcs (none by default: PHI VPCs are private).",
        safeguard,
        sections: ["164.308(a)(1)(ii)(B)", "164.312(e)(1)"],
        anchors: [{ source: "AWS Config", id: "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY" }],
        referenceRows: ["igw-authorized-vpc-only"],
        components: ["SecureNetwork"],
        remediation: "remove the internet gateway, or add the VPC's Pulumi name to authorizedVpcs in the policy config.",
        enforcementLevel: "mandatory",
        config: {
            authorizedVpcs: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Pulumi names of VPCs that may have an internet gateway.",
            },
        },
    },
    [...EC2.internetGateway, ...EC2.internetGatewayAttachment],
    (resources, config, report) => {
        for (const gw of ofType(resources, [...EC2.internetGateway, ...EC2.internetGatewayAttachment])) {
            const vpcID = inputsOf(gw).get("vpcId");
            if (vpcID === undefined) {
                continue; // an unattached gateway; its InternetGatewayAttachment is checked instead
            }
            const vpcs = dependenciesOf(gw, "vpcId", EC2.vpc);
            const names = vpcs.map((v) => v.name);
            if (vpcs.length === 0 || !names.every((n) => config.authorizedVpcs.includes(n))) {
                report(gw, `internet gateway ${gw.name} is attached to ${names.join(", ") || String(vpcID === UNKNOWN ? "an unknown VPC" : vpcID)}, which is not an authorized VPC.`);
            }
        }
    },
);

export const vpcDefaultSecurityGroupClosed = resourcePolicy(
    {
        name: "vpc-default-sg-closed",
        description: "The default security group adopted by the stack has no ingress and no egress rules.",
        safeguard,
        sections: ["164.312(e)(1)"],
        anchors: [
            { source: "AWS Config", id: "VPC_DEFAULT_SECURITY_GROUP_CLOSED" },
            { source: "cdk-nag", id: "VPCDefaultSecurityGroupClosed" },
            { source: "Checkov", id: "CKV2_AWS_12" },
        ],
        referenceRows: ["vpc-default-sg-closed"],
        components: ["SecureNetwork"],
        remediation: "declare aws.ec2.DefaultSecurityGroup for the VPC with no ingress and no egress blocks.",
        enforcementLevel: "mandatory",
    },
    EC2.defaultSecurityGroup,
    (r, report) => {
        for (const dir of ["ingress", "egress"]) {
            const v = r.inputs.list(dir);
            if (v === UNKNOWN) {
                report(unknownSwitch(dir));
            } else if (v !== undefined && v.length > 0) {
                report(`default security group ${r.name} has ${dir} rules.`);
            }
        }
    },
);

export const vpcDefaultSecurityGroupAdopted = stackPolicy(
    {
        name: "vpc-default-sg-adopted",
        description: "Every VPC's default security group is adopted by the stack (aws.ec2.DefaultSecurityGroup), which strips its rules.",
        safeguard,
        sections: ["164.312(e)(1)"],
        anchors: [
            { source: "AWS Config", id: "VPC_DEFAULT_SECURITY_GROUP_CLOSED" },
            { source: "Checkov", id: "CKV2_AWS_12" },
        ],
        referenceRows: ["vpc-default-sg-closed"],
        components: ["SecureNetwork"],
        remediation: "declare aws.ec2.DefaultSecurityGroup with vpcId: <vpc>.id and no rules.",
        enforcementLevel: "mandatory",
    },
    [...EC2.vpc, ...EC2.defaultSecurityGroup],
    (resources, _config, report) => {
        for (const vpc of ofType(resources, EC2.vpc)) {
            if (attachedTo(resources, EC2.defaultSecurityGroup, "vpcId", vpc).length === 0) {
                report(vpc, `VPC ${vpc.name} does not adopt its default security group, which allows all traffic between members.`);
            }
        }
    },
);

interface EndpointConfig {
    readonly requiredEndpointServices: readonly string[];
}

/** True when the endpoint's serviceName is for service (com.amazonaws.<region>.<service>). */
function endpointFor(endpoint: PolicyResource, service: string): boolean | typeof UNKNOWN {
    const name = inputsOf(endpoint).str("serviceName");
    if (name === UNKNOWN) {
        return UNKNOWN;
    }
    return typeof name === "string" && (name.endsWith(`.${service}`) || name === service);
}

export const vpcEndpointsPresent = stackPolicy<EndpointConfig>(
    {
        name: "vpc-endpoints-present",
        description:
            "Every VPC reaches the AWS services that carry PHI through VPC endpoints (S3, DynamoDB, KMS, Kinesis Video, SQS, SNS, CloudWatch Logs by default), so PHI never crosses the internet.",
        safeguard,
        sections: ["164.312(e)(1)", "164.314(b)(1)", "164.314(b)(2)"],
        anchors: [{ source: "Prowler", id: "vpc_endpoint_connections_trust_boundaries" }],
        referenceRows: ["vpc-endpoints-present"],
        components: ["SecureNetwork"],
        remediation: "add an aws.ec2.VpcEndpoint with vpcId: <vpc>.id and serviceName com.amazonaws.<region>.<service> for each required service.",
        enforcementLevel: "mandatory",
        config: {
            requiredEndpointServices: {
                type: "array",
                items: { type: "string" },
                default: ["s3", "dynamodb", "kms", "kinesisvideo", "sqs", "sns", "logs"],
                description: "Service suffixes every VPC must have an endpoint for (default: the services that carry PHI or its keys and logs).",
            },
        },
    },
    [...EC2.vpc, ...EC2.vpcEndpoint],
    (resources, config, report) => {
        for (const vpc of ofType(resources, EC2.vpc)) {
            const endpoints = attachedTo(resources, EC2.vpcEndpoint, "vpcId", vpc);
            for (const service of config.requiredEndpointServices) {
                const matches = endpoints.map((e) => endpointFor(e, service));
                if (matches.includes(true)) {
                    continue;
                }
                if (matches.includes(UNKNOWN)) {
                    report(vpc, unknownSwitch(`serviceName of an endpoint of VPC ${vpc.name}`));
                } else {
                    report(vpc, `VPC ${vpc.name} has no VPC endpoint for ${service}.`);
                }
            }
        }
    },
);

export const vpcEndpointHardened = resourcePolicy(
    {
        name: "vpc-endpoint-hardened",
        description: "Interface endpoints use private DNS (so SDKs resolve to them), and endpoint policies, when set, are not open to everyone for everything.",
        safeguard,
        sections: ["164.312(e)(1)", "164.314(b)(1)"],
        anchors: [{ source: "Prowler", id: "vpc_endpoint_connections_trust_boundaries" }],
        referenceRows: ["vpc-endpoints-present"],
        components: ["SecureNetwork"],
        remediation: "set privateDnsEnabled: true on Interface endpoints and scope the endpoint policy to the stack's resources or account.",
        enforcementLevel: "mandatory",
    },
    EC2.vpcEndpoint,
    (r, report) => {
        const type = r.inputs.str("vpcEndpointType");
        if (type === UNKNOWN) {
            report(unknownSwitch("vpcEndpointType"));
        } else if (type === "Interface") {
            requireTrue(r.inputs, "privateDnsEnabled", report, `interface endpoint ${r.name} does not enable private DNS.`);
        }
        const parsed = parseDocument(r.inputs.get("policy"));
        if (parsed === undefined || parsed === UNKNOWN) {
            return;
        }
        if ("error" in parsed) {
            report(`endpoint ${r.name}: policy ${parsed.error}.`);
            return;
        }
        for (const s of parsed.statements) {
            if (s.effect === "Allow" && hasWildcardPrincipal(s) && !isConditioned(s) && s.actions.includes("*") && s.resources.includes("*")) {
                report(`endpoint ${r.name} has an unrestricted policy (any principal, any action, any resource).`);
            }
        }
    },
);

const cidrPolicies = ["sg-no-public-ssh", "sg-restricted-common-ports", "sg-open-only-authorized-ports", "nacl-no-unrestricted-ingress"];

/** CIDR inputs that may reference other resources (a VPC's CIDR) and so be unknown at preview. */
export const networkReferenceInputs: readonly DeferredInputs[] = [
    { types: EC2.securityGroup, inputs: ["ingress"], policies: cidrPolicies },
    { types: EC2.securityGroupRule, inputs: ["cidrBlocks", "ipv6CidrBlocks"], policies: cidrPolicies },
    { types: EC2.ingressRule, inputs: ["cidrIpv4", "cidrIpv6"], policies: cidrPolicies },
    { types: EC2.networkAcl, inputs: ["ingress"], policies: cidrPolicies },
    { types: EC2.networkAclRule, inputs: ["cidrBlock", "ipv6CidrBlock"], policies: cidrPolicies },
];

export const transmissionSecurityPolicies: readonly HipaaPolicy[] = [
    s3SslRequestsOnly,
    s3BucketPolicyTLSOnly,
    sgNoPublicSSH,
    sgRestrictedCommonPorts,
    sgOpenOnlyAuthorizedPorts,
    naclNoUnrestrictedIngress,
    noUnrestrictedRouteToIGW,
    igwAuthorizedVPCOnly,
    vpcDefaultSecurityGroupClosed,
    vpcDefaultSecurityGroupAdopted,
    vpcEndpointsPresent,
    vpcEndpointHardened,
];
