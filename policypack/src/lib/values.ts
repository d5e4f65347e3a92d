// Reading resource inputs without tripping over values that are unknown at preview.
//
// @pulumi/policy hands policies a proxy that throws as soon as an unknown value is read; the
// framework then downgrades the whole policy to an advisory "can't run policy during preview".
// For a stack policy that means one unknown ARN anywhere silences the check for every resource.
// The pack therefore reads the plain object behind the proxy and sees unknowns as what they are
// on the wire: the engine's sentinel strings (sdk/go/common/resource/plugin/rpc.go). Each policy
// then decides explicitly what an unknown means (see docs/policy-pack.md, "Unknown values").

/** The engine's sentinels for values that are not known until the resource is created. */
const unknownSentinels: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The sentinel the engine sends for an unknown string; tests use it to build preview inputs. */
export const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The sentinel the engine sends for an unknown object. */
export const unknownObject = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
/** The sentinel the engine sends for an unknown array. */
export const unknownArray = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
/** The sentinel the engine sends for an unknown boolean. */
export const unknownBoolean = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

/** Marks a value that exists but cannot be known until the resource is created. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

/** A JSON-like input value as the engine sends it. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };
/** What a read yields: the value, UNKNOWN, or undefined when the input is absent or null. */
export type Read = Plain | Unknown | undefined;

/** The key @pulumi/policy's unknown-checking proxy answers with its target object. */
const proxyTargetKey = "__getSpecialProxyTarget";

/** Returns the plain object behind @pulumi/policy's unknown-checking proxy (or the object itself). */
function unwrapProps(props: Record<string, unknown>): Record<string, unknown> {
    const target: unknown = props[proxyTargetKey];
    if (target !== undefined && target !== null && typeof target === "object") {
        return target as Record<string, unknown>;
    }
    return props;
}

function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && unknownSentinels.has(value);
}

function normalise(value: unknown): Read {
    if (value === undefined || value === null) {
        return undefined;
    }
    if (isUnknownSentinel(value)) {
        return UNKNOWN;
    }
    return value as Plain;
}

/**
 * Inputs of one resource, read by dotted path ("vpcConfig.subnetIds"). A path through an unknown
 * value yields UNKNOWN; a path through an absent value yields undefined.
 */
export class Inputs {
    private readonly root: Record<string, unknown>;

    constructor(props: Record<string, unknown>) {
        this.root = unwrapProps(props);
    }

    /** The value at path. */
    get(path: string): Read {
        return readPath(this.root, path);
    }

    /** True when the input is set, known or not. */
    has(path: string): boolean {
        return this.get(path) !== undefined;
    }

    /** The boolean at path; a non-boolean known value counts as absent. */
    bool(path: string): boolean | Unknown | undefined {
        const v = this.get(path);
        if (v === UNKNOWN || typeof v === "boolean") {
            return v;
        }
        if (v === "true" || v === "false") {
            return v === "true";
        }
        return undefined;
    }

    /** The string at path. */
    str(path: string): string | Unknown | undefined {
        const v = this.get(path);
        if (v === UNKNOWN || typeof v === "string") {
            return v;
        }
        return undefined;
    }

    /** The number at path (numeric strings are accepted: some providers send them). */
    num(path: string): number | Unknown | undefined {
        const v = this.get(path);
        if (v === UNKNOWN || typeof v === "number") {
            return v;
        }
        if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) {
            return Number(v);
        }
        return undefined;
    }

    /** The list at path, each element normalised; a single object counts as a one-element list. */
    list(path: string): Read[] | Unknown | undefined {
        const v = this.get(path);
        if (v === UNKNOWN || v === undefined) {
            return v;
        }
        if (Array.isArray(v)) {
            return v.map(normalise);
        }
        return [v];
    }

    /** The string-to-string map at path (tags). Non-string values are kept as UNKNOWN if unknown. */
    map(path: string): Record<string, string | Unknown> | Unknown | undefined {
        const v = this.get(path);
        if (v === UNKNOWN || v === undefined) {
            return v;
        }
        if (typeof v !== "object" || Array.isArray(v) || v === null) {
            return undefined;
        }
        const out: Record<string, string | Unknown> = {};
        for (const [k, raw] of Object.entries(v)) {
            const n = normalise(raw);
            if (n === UNKNOWN) {
                out[k] = UNKNOWN;
            } else if (typeof n === "string") {
                out[k] = n;
            }
        }
        return out;
    }
}

/**
 * Reads a dotted path from a value (a resource's inputs or an element of a list input). Pulumi
 * flattens single-item blocks to objects in some providers and keeps one-element lists in
 * others, so a one-element list on the way is read through.
 */
export function readPath(root: unknown, path: string): Read {
    let cur: Read = normalise(root);
    if (path === "") {
        return cur;
    }
    for (const key of path.split(".")) {
        if (Array.isArray(cur) && cur.length === 1) {
            cur = normalise(cur[0]);
        }
        if (cur === UNKNOWN || cur === undefined) {
            return cur;
        }
        if (typeof cur !== "object" || cur === null || Array.isArray(cur)) {
            return undefined;
        }
        cur = normalise(cur[key]);
    }
    return cur;
}

/** True when v is a non-empty list or a non-empty string (unknown counts as present). */
export function isPresent(v: Read): boolean {
    if (v === undefined) {
        return false;
    }
    if (v === UNKNOWN) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.length > 0;
    }
    if (typeof v === "string") {
        return v.trim() !== "";
    }
    return true;
}
