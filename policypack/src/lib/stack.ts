// Joining resources of a stack. IDs and ARNs of new resources are unknown at preview, so a side
// resource belongs to a bucket (a flow log to a VPC, ...) when its input's property dependencies
// name that resource. A literal input equal to the target's literal name joins too (imported or
// pre-existing names), so the join holds after preview as well.

import { PolicyResource } from "@pulumi/policy";
import { Inputs, UNKNOWN } from "./values";

const inputsCache = new WeakMap<PolicyResource, Inputs>();

/** The inputs of r, read without tripping the unknown-checking proxy. */
export function inputsOf(r: PolicyResource): Inputs {
    let inputs = inputsCache.get(r);
    if (inputs === undefined) {
        inputs = new Inputs(r.props);
        inputsCache.set(r, inputs);
    }
    return inputs;
}

/** Resources whose type is one of tokens. */
export function ofType(resources: readonly PolicyResource[], tokens: readonly string[]): PolicyResource[] {
    return resources.filter((r) => tokens.includes(r.type));
}

/** Literal names a target resource can be referred to by (bucket name, explicit name). */
function literalNames(target: PolicyResource): string[] {
    const inputs = inputsOf(target);
    const names: string[] = [];
    for (const key of ["bucket", "name"]) {
        const v = inputs.str(key);
        if (typeof v === "string" && v !== "") {
            names.push(v);
        }
    }
    return names;
}

/** True when r's input prop is derived from target (property dependency or equal literal name). */
export function refersTo(r: PolicyResource, prop: string, target: PolicyResource): boolean {
    const deps = r.propertyDependencies[prop] ?? [];
    if (deps.some((d) => d.urn === target.urn)) {
        return true;
    }
    const literal = inputsOf(r).str(prop);
    if (typeof literal !== "string" || literal === "") {
        return false;
    }
    return literalNames(target).some((n) => literal === n || literal.endsWith(`:::${n}`) || literal.endsWith(`/${n}`));
}

/** True when any input of r is derived from target. */
export function refersToAnywhere(r: PolicyResource, target: PolicyResource): boolean {
    return Object.values(r.propertyDependencies).some((deps) => deps.some((d) => d.urn === target.urn));
}

/** Resources of tokens whose input prop refers to target. */
export function attachedTo(
    resources: readonly PolicyResource[],
    tokens: readonly string[],
    prop: string,
    target: PolicyResource,
): PolicyResource[] {
    return ofType(resources, tokens).filter((r) => refersTo(r, prop, target));
}

/** Resources that r's input prop is derived from, restricted to tokens. */
export function dependenciesOf(r: PolicyResource, prop: string, tokens: readonly string[]): PolicyResource[] {
    return (r.propertyDependencies[prop] ?? []).filter((d) => tokens.includes(d.type));
}

/** The data-classification tag: its value, UNKNOWN when computed, undefined when missing. */
export function classificationOf(inputs: Inputs): string | typeof UNKNOWN | undefined {
    const tags = inputs.map("tags");
    if (tags === UNKNOWN) {
        return UNKNOWN;
    }
    return tags?.["data-classification"];
}

/** The purpose tag (e.g. "access-logs", "evidence"), when known. */
export function purposeOf(inputs: Inputs): string | undefined {
    const tags = inputs.map("tags");
    if (tags === UNKNOWN || tags === undefined) {
        return undefined;
    }
    const v = tags["purpose"];
    return typeof v === "string" ? v : undefined;
}
