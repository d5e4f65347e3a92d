// The HIPAA metadata every policy carries and the two builders that turn a check into a
// CrossGuard policy: resourcePolicy (one resource's inputs) and stackPolicy (joins across the
// stack through property dependencies). Both add the pack-wide "exemptions" config (by resource
// name, with a required justification) and append the remediation to every violation.

import {
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Inputs } from "./values";

/** The Security Rule safeguard a policy file groups under. */
export type Safeguard =
    | "164.308 Administrative safeguards"
    | "164.310 Physical safeguards"
    | "164.312(a) Access control"
    | "164.312(a)(2)(iv) Encryption and decryption"
    | "164.312(b) Audit controls"
    | "164.312(c) Integrity"
    | "164.312(e) Transmission security"
    | "164.308(a)(7) Contingency plan";

/** MediGuard components that create resources satisfying a policy (docs/hipaa-matrix.md). */
export type Component =
    | "SecureNetwork"
    | "PhiKey"
    | "PhiBucket"
    | "VideoStream"
    | "AnomalyDetector"
    | "AuditTrail"
    | "Baseline"
    | "Observability"
    | "Delivery";

/** Rule sets a policy corresponds to (hipaa-rules.md anchor columns). */
export type AnchorSource =
    | "AWS Config"
    | "Prowler"
    | "cdk-nag"
    | "Checkov"
    | "AWSGuard"
    | "Guard registry"
    | "Pulumi compliance-policies";

export interface Anchor {
    readonly source: AnchorSource;
    readonly id: string;
}

/** Metadata shared by every policy in the pack. */
export interface HipaaMetadata {
    /** Policy name (kebab-case, unique in the pack). */
    readonly name: string;
    readonly description: string;
    readonly safeguard: Safeguard;
    /** 45 CFR sections enforced, e.g. "164.312(a)(2)(iv)". */
    readonly sections: readonly string[];
    readonly anchors: readonly Anchor[];
    /** Rule ids of /shared/reference/hipaa-rules.md this policy covers (empty for MediGuard-only needs). */
    readonly referenceRows: readonly string[];
    readonly components: readonly Component[];
    /** What the user sets to comply; appended to every violation. */
    readonly remediation: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    /** Why a policy is advisory; required when it is. */
    readonly advisoryReason?: string;
    /** Extra config properties (JSON schema, with defaults). */
    readonly config?: Readonly<Record<string, PolicyConfigJSONSchema>>;
}

/** One exemption from a policy, granted to a resource by its Pulumi name. */
export interface Exemption {
    readonly resource: string;
    readonly justification: string;
}

/** Config every policy accepts. */
export interface BaseConfig {
    readonly exemptions: readonly Exemption[];
}

const exemptionsSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Resources (by Pulumi name) this policy does not apply to, each with the reason.",
    default: [],
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1 },
            justification: { type: "string", minLength: 20 },
        },
        required: ["resource", "justification"],
        additionalProperties: false,
    },
};

/**
 * Inputs that legitimately come from other resources (documents with ARNs, CIDRs of a VPC) and
 * so may be unknown at preview, with the policies that read them. Those policies skip an
 * unknown value; preview-unverifiable-inputs reports it as advisory, and the policies run
 * again with the value known when `pulumi up` registers the resource.
 */
export interface DeferredInputs {
    readonly types: readonly string[];
    readonly inputs: readonly string[];
    readonly policies: readonly string[];
}

/** What a resource check sees. */
export interface ResourceCheck<C> {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Inputs;
    readonly config: C & BaseConfig;
    /** Inputs of the resource's provider (region lives there), when the engine sent them. */
    readonly provider?: Inputs;
    /** The protect resource option. */
    readonly protect: boolean;
}

/** A resource check reports findings (without remediation: the builder appends it). */
export type ResourceValidator<C> = (r: ResourceCheck<C>, report: (finding: string) => void) => void;

/** A stack check reports findings against a subject resource. */
export type StackValidator<C> = (
    resources: readonly PolicyResource[],
    config: C & BaseConfig,
    report: (subject: PolicyResource, finding: string) => void,
) => void;

/** A policy of this pack: CrossGuard policy plus metadata and the types it inspects. */
export interface HipaaPolicy {
    readonly meta: HipaaMetadata;
    readonly kind: "resource" | "stack";
    /** Type tokens the policy reads ("*" = every aws: resource). */
    readonly types: readonly string[];
    readonly policy: ResourceValidationPolicy | StackValidationPolicy;
}

function checkMetadata(meta: HipaaMetadata): void {
    if (meta.enforcementLevel === "advisory" && !meta.advisoryReason) {
        throw new Error(`policy ${meta.name}: advisory enforcement needs an advisoryReason`);
    }
    if (meta.sections.length === 0) {
        throw new Error(`policy ${meta.name}: no 45 CFR section`);
    }
}

function configSchema(meta: HipaaMetadata): { properties: Record<string, PolicyConfigJSONSchema> } {
    return { properties: { ...(meta.config ?? {}), exemptions: exemptionsSchema } };
}

/** Config as given, with each schema default filled in for properties the user left out. */
function effectiveConfig<C>(meta: HipaaMetadata, given: Record<string, unknown>): C & BaseConfig {
    const out: Record<string, unknown> = { exemptions: [] };
    for (const [key, schema] of Object.entries(meta.config ?? {})) {
        if (schema.default !== undefined) {
            out[key] = schema.default;
        }
    }
    for (const [key, value] of Object.entries(given)) {
        if (value !== undefined) {
            out[key] = value;
        }
    }
    return out as C & BaseConfig;
}

function isExempt(config: BaseConfig, name: string): boolean {
    return config.exemptions.some((e) => e.resource === name && e.justification.trim().length > 0);
}

function withRemediation(meta: HipaaMetadata, finding: string): string {
    return `${finding} Remediation: ${meta.remediation}`;
}

/** The CrossGuard fields every policy of the pack shares, derived from its metadata. */
function commonFields(meta: HipaaMetadata): Omit<Policy, "name"> {
    return {
        description: `${meta.description} [45 CFR ${meta.sections.join(", ")}]`,
        enforcementLevel: meta.enforcementLevel as EnforcementLevel,
        severity: meta.enforcementLevel === "mandatory" ? "high" : "medium",
        framework: {
            name: "HIPAA Security Rule",
            version: "45 CFR Part 164 Subpart C",
            reference: meta.sections.join(", "),
            specification: meta.safeguard,
        },
        tags: meta.anchors.map((a) => `${a.source}:${a.id}`),
        remediationSteps: meta.remediation,
        configSchema: configSchema(meta),
    };
}

/** Builds a policy that inspects one resource of the given types at a time. */
export function resourcePolicy<C = object>(
    meta: HipaaMetadata,
    types: readonly string[] | "*",
    validate: ResourceValidator<C>,
): HipaaPolicy {
    checkMetadata(meta);
    const typeSet = types === "*" ? undefined : new Set(types);
    const applies = (type: string): boolean =>
        typeSet === undefined ? type.startsWith("aws:") : typeSet.has(type);
    const policy: ResourceValidationPolicy = {
        ...commonFields(meta),
        name: meta.name,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
            if (!applies(args.type)) {
                return;
            }
            const config = effectiveConfig<C>(meta, args.getConfig<Record<string, unknown>>());
            if (isExempt(config, args.name)) {
                return;
            }
            const check: ResourceCheck<C> = {
                type: args.type,
                name: args.name,
                urn: args.urn,
                inputs: new Inputs(args.props),
                config,
                provider: args.provider ? new Inputs(args.provider.props) : undefined,
                protect: args.opts.protect,
            };
            validate(check, (finding) => reportViolation(withRemediation(meta, finding)));
        },
    };
    return { meta, kind: "resource", types: types === "*" ? ["*"] : types, policy };
}

/** Builds a policy that sees the whole stack and joins resources through property dependencies. */
export function stackPolicy<C = object>(
    meta: HipaaMetadata,
    types: readonly string[],
    validate: StackValidator<C>,
): HipaaPolicy {
    checkMetadata(meta);
    const policy: StackValidationPolicy = {
        ...commonFields(meta),
        name: meta.name,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation): void => {
            const config = effectiveConfig<C>(meta, args.getConfig<Record<string, unknown>>());
            validate(args.resources, config, (subject, finding) => {
                if (!isExempt(config, subject.name)) {
                    reportViolation(withRemediation(meta, finding), subject.urn);
                }
            });
        },
    };
    return { meta, kind: "stack", types, policy };
}
