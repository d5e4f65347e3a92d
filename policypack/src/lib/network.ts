// CIDR and port reasoning for security groups, network ACLs and routes.

import { Inputs, Read, readPath, UNKNOWN, unknownString } from "./values";

/** True for the any-address CIDRs. */
export function isWorldCidr(cidr: string): boolean {
    return cidr === "0.0.0.0/0" || cidr === "::/0";
}

function ipv4ToNumber(ip: string): number | undefined {
    const parts = ip.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    let n = 0;
    for (const p of parts) {
        if (!/^\d{1,3}$/.test(p) || Number(p) > 255) {
            return undefined;
        }
        n = n * 256 + Number(p);
    }
    return n;
}

const privateIPv4: readonly [number, number][] = [
    [ipv4ToNumber("10.0.0.0") ?? 0, 8],
    [ipv4ToNumber("172.16.0.0") ?? 0, 12],
    [ipv4ToNumber("192.168.0.0") ?? 0, 16],
];

/** True when cidr lies inside RFC 1918 (IPv4) or fc00::/7 unique-local (IPv6) space. */
export function isPrivateCidr(cidr: string): boolean {
    const [addr, lenText] = cidr.split("/");
    const len = Number(lenText);
    if (addr === undefined || lenText === undefined || Number.isNaN(len)) {
        return false;
    }
    if (addr.includes(":")) {
        return /^f[cd][0-9a-f]{0,2}:/i.test(addr) && len >= 7;
    }
    const n = ipv4ToNumber(addr);
    if (n === undefined) {
        return false;
    }
    return privateIPv4.some(([base, prefix]) => len >= prefix && Math.floor(n / 2 ** (32 - prefix)) === Math.floor(base / 2 ** (32 - prefix)));
}

/** One ingress permission in normalised form. */
export interface IngressRule {
    readonly cidrs: readonly string[];
    /** True when a CIDR list is unknown at preview. */
    readonly cidrsUnknown: boolean;
    readonly protocol: string;
    readonly fromPort: number | undefined;
    readonly toPort: number | undefined;
    /** True when protocol or ports are unknown at preview. */
    readonly portsUnknown: boolean;
}

function knownStrings(v: Read): { values: string[]; unknown: boolean } {
    if (v === UNKNOWN) {
        return { values: [], unknown: true };
    }
    if (typeof v === "string") {
        return { values: [v], unknown: false };
    }
    if (Array.isArray(v)) {
        const values: string[] = [];
        let unknown = false;
        for (const x of v) {
            if (typeof x === "string") {
                if (x === unknownString) {
                    unknown = true;
                } else {
                    values.push(x);
                }
            }
        }
        return { values, unknown };
    }
    return { values: [], unknown: false };
}

function numberOrUndefined(v: Read): number | undefined | typeof UNKNOWN {
    if (v === UNKNOWN) {
        return UNKNOWN;
    }
    if (typeof v === "number") {
        return v;
    }
    if (typeof v === "string" && v !== "" && !Number.isNaN(Number(v))) {
        return Number(v);
    }
    return undefined;
}

/** Builds a rule from an element with the given CIDR, protocol and port field names. */
export function ingressFrom(
    element: Read,
    cidrFields: readonly string[],
    protocolField: string,
): IngressRule {
    const cidrs: string[] = [];
    let cidrsUnknown = element === UNKNOWN;
    for (const f of cidrFields) {
        const s = knownStrings(readPath(element, f));
        cidrs.push(...s.values);
        cidrsUnknown = cidrsUnknown || s.unknown;
    }
    const protocol = readPath(element, protocolField);
    const from = numberOrUndefined(readPath(element, "fromPort"));
    const to = numberOrUndefined(readPath(element, "toPort"));
    return {
        cidrs,
        cidrsUnknown,
        protocol: typeof protocol === "string" ? protocol.toLowerCase() : typeof protocol === "number" ? String(protocol) : "",
        fromPort: from === UNKNOWN ? undefined : from,
        toPort: to === UNKNOWN ? undefined : to,
        portsUnknown: protocol === UNKNOWN || from === UNKNOWN || to === UNKNOWN,
    };
}

/** True when the rule admits TCP traffic to port (all-protocol rules admit every port). */
export function admitsPort(rule: IngressRule, port: number): boolean {
    if (rule.portsUnknown) {
        return true;
    }
    if (rule.protocol === "-1" || rule.protocol === "all") {
        return true;
    }
    if (rule.protocol !== "tcp" && rule.protocol !== "6") {
        return false;
    }
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    if (from === 0 && to === 0) {
        return true;
    }
    return from <= port && port <= to;
}

/** True when the rule admits every port (all protocols, or the full TCP/UDP range). */
export function admitsAllPorts(rule: IngressRule): boolean {
    if (rule.protocol === "-1" || rule.protocol === "all") {
        return true;
    }
    return (rule.fromPort ?? 0) <= 0 && (rule.toPort ?? 65535) >= 65535;
}

/** Ingress rules of a SecurityGroup, SecurityGroupRule (type ingress) or vpc SecurityGroupIngressRule. */
export function securityGroupIngress(type: string, inputs: Inputs): IngressRule[] {
    if (type === "aws:ec2/securityGroup:SecurityGroup") {
        const list = inputs.list("ingress");
        if (list === UNKNOWN) {
            return [{ cidrs: [], cidrsUnknown: true, protocol: "", fromPort: undefined, toPort: undefined, portsUnknown: true }];
        }
        return (list ?? []).map((e) => ingressFrom(e, ["cidrBlocks", "ipv6CidrBlocks"], "protocol"));
    }
    if (type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
        if (inputs.str("type") !== "ingress") {
            return [];
        }
        return [ingressFrom(inputs.get(""), ["cidrBlocks", "ipv6CidrBlocks"], "protocol")];
    }
    if (type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
        return [ingressFrom(inputs.get(""), ["cidrIpv4", "cidrIpv6"], "ipProtocol")];
    }
    return [];
}
