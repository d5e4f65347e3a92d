// docs/hipaa-matrix.md must be what the policies' metadata renders, and the metadata must cover
// the reference rule table.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderMatrix } from "../matrix";
import { allPolicies } from "../policies";
import { uncoveredRows } from "../reference";

// Compiled tests live in policypack/bin/test; the repository root is three levels up.
const repoRoot = join(__dirname, "..", "..", "..");
const referenceTable = join(repoRoot, "..", "shared", "reference", "hipaa-rules.md");

/** Rule ids of the reference table's rows: the first cell, without annotations like "(if used)". */
function referenceRowIDs(markdown: string): string[] {
    const ids: string[] = [];
    for (const line of markdown.split("\n")) {
        const m = /^\| (?:\(if used\) )?(\([a-z]+\)|[a-z0-9-]+)(?: \([a-z ]+\))? \|/.exec(line);
        if (m?.[1] !== undefined) {
            ids.push(m[1]);
        }
    }
    return ids;
}

describe("hipaa matrix", () => {
    it("docs/hipaa-matrix.md is up to date (run `npm run matrix` in policypack/)", () => {
        const committed = readFileSync(join(repoRoot, "docs", "hipaa-matrix.md"), "utf8");
        assert.equal(committed, renderMatrix(allPolicies));
    });

    it("lists every policy and every section", () => {
        const text = renderMatrix(allPolicies);
        for (const p of allPolicies) {
            assert.ok(text.includes(`\`${p.meta.name}\``), p.meta.name);
            for (const s of p.meta.sections) {
                assert.ok(text.includes(`| ${s} | \`${p.meta.name}\``), `${s} -> ${p.meta.name}`);
            }
        }
    });
});

describe("metadata", () => {
    it("names are unique kebab-case and every policy has sections, components and a remediation", () => {
        const names = allPolicies.map((p) => p.meta.name);
        assert.equal(new Set(names).size, names.length);
        for (const p of allPolicies) {
            assert.match(p.meta.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(p.meta.sections.every((s) => /^164\.3(0[8-9]|1[0-6])(\([a-zA-Z0-9]+\))*$/.test(s)), `${p.meta.name}: ${p.meta.sections.join(", ")}`);
            assert.ok(p.meta.components.length > 0, p.meta.name);
            assert.ok(p.meta.remediation.length > 10, p.meta.name);
            assert.ok(p.meta.enforcementLevel === "mandatory" || (p.meta.advisoryReason ?? "").length > 20, p.meta.name);
        }
    });

    it("has 55 or more policies", () => {
        assert.ok(allPolicies.length >= 55, `${allPolicies.length}`);
    });

    it("covers every row of the reference table or says why not", { skip: !existsSync(referenceTable) && "shared/reference is not beside the repository" }, () => {
        const rows = referenceRowIDs(readFileSync(referenceTable, "utf8"));
        assert.ok(rows.length >= 60, `parsed only ${rows.length} rows`);
        const covered = new Set(allPolicies.flatMap((p) => p.meta.referenceRows));
        const explained = new Set(uncoveredRows.map((u) => u.row));
        assert.deepEqual(rows.filter((r) => !covered.has(r) && !explained.has(r)), []);
        assert.deepEqual([...covered].filter((r) => !rows.includes(r)), [], "policies name rows the table does not have");
        assert.deepEqual([...explained].filter((r) => covered.has(r)), [], "a row is both covered and explained away");
    });
});
