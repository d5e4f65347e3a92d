// Parsing AWS policy documents (IAM, trust, bucket, key, topic, queue and endpoint policies) from
// resource inputs: a JSON string or an object, possibly unknown at preview.

import { Read, UNKNOWN, Unknown, unknownString } from "./values";

/** One principal entry: kind is "*" for `"Principal": "*"`, else AWS, Service, Federated, ... */
export interface Principal {
    readonly kind: string;
    readonly value: string;
}

/** A statement, normalised: single values become lists. */
export interface Statement {
    readonly effect: "Allow" | "Deny";
    readonly actions: readonly string[];
    /** True when the statement uses NotAction (treated as broad). */
    readonly notAction: boolean;
    readonly resources: readonly string[];
    readonly principals: readonly Principal[];
    readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export type ParsedDocument = { readonly statements: readonly Statement[] } | Unknown | undefined | { readonly error: string };

function strings(v: unknown): string[] {
    if (typeof v === "string") {
        return [v];
    }
    if (Array.isArray(v)) {
        return v.filter((x): x is string => typeof x === "string");
    }
    return [];
}

function principals(v: unknown): Principal[] {
    if (v === undefined) {
        return [];
    }
    if (v === "*") {
        return [{ kind: "*", value: "*" }];
    }
    if (typeof v !== "object" || v === null) {
        return [];
    }
    const out: Principal[] = [];
    for (const [kind, values] of Object.entries(v as Record<string, unknown>)) {
        for (const value of strings(values)) {
            out.push({ kind, value });
        }
    }
    return out;
}

function conditions(v: unknown): Record<string, Record<string, string[]>> {
    if (typeof v !== "object" || v === null) {
        return {};
    }
    const out: Record<string, Record<string, string[]>> = {};
    for (const [op, body] of Object.entries(v as Record<string, unknown>)) {
        if (typeof body !== "object" || body === null) {
            continue;
        }
        out[op] = {};
        for (const [key, values] of Object.entries(body as Record<string, unknown>)) {
            out[op][key] = typeof values === "boolean" ? [String(values)] : strings(values);
        }
    }
    return out;
}

/** Parses a policy document input. A document with unknown parts counts as UNKNOWN. */
export function parseDocument(input: Read): ParsedDocument {
    if (input === undefined || input === UNKNOWN) {
        return input;
    }
    let doc: unknown = input;
    if (typeof input === "string") {
        if (input.trim() === "") {
            return undefined;
        }
        try {
            doc = JSON.parse(input);
        } catch {
            return { error: "is not valid JSON" };
        }
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        return { error: "is not a JSON object" };
    }
    if (JSON.stringify(doc).includes(unknownString)) {
        return UNKNOWN;
    }
    const raw = (doc as Record<string, unknown>)["Statement"];
    const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const statements: Statement[] = [];
    for (const s of list) {
        if (typeof s !== "object" || s === null) {
            return { error: "has a statement that is not an object" };
        }
        const st = s as Record<string, unknown>;
        const notAction = st["NotAction"] !== undefined;
        statements.push({
            effect: st["Effect"] === "Deny" ? "Deny" : "Allow",
            actions: notAction ? strings(st["NotAction"]) : strings(st["Action"]),
            notAction,
            resources: st["NotResource"] !== undefined ? ["*"] : strings(st["Resource"]),
            principals: principals(st["Principal"]),
            conditions: conditions(st["Condition"]),
        });
    }
    return { statements };
}

/** True when a statement grants to everyone: Principal "*" or {"AWS": "*"}. */
export function hasWildcardPrincipal(s: Statement): boolean {
    return s.principals.some((p) => p.value === "*" && (p.kind === "*" || p.kind === "AWS"));
}

/** True when a statement carries at least one condition. */
export function isConditioned(s: Statement): boolean {
    return Object.keys(s.conditions).length > 0;
}

/** True when pattern (an IAM action with * and ? wildcards) matches action, case-insensitively. */
function actionMatches(pattern: string, action: string): boolean {
    const re = new RegExp(
        "^" +
            pattern
                .split("")
                .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
                .join("") +
            "$",
        "i",
    );
    return re.test(action);
}

/** True when the statement's actions grant action (NotAction counts as granting everything). */
export function grantsAction(s: Statement, action: string): boolean {
    return s.notAction || s.actions.some((a) => actionMatches(a, action));
}
