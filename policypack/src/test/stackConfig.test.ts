// The per-stack policy configs in policypack/config/ (read by `mediguard check` and meant for
// `pulumi preview --policy-pack-config`) name real policies and justify every exemption.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { allPolicies } from "../policies";

const configDir = join(__dirname, "..", "..", "config");

describe("stack policy configs", () => {
    const files = readdirSync(configDir).filter((f) => f.endsWith(".json"));
    it("there is at least one", () => assert.ok(files.length > 0));
    for (const file of files) {
        it(`${file} names policies of the pack and justifies each exemption`, () => {
            const config = JSON.parse(readFileSync(join(configDir, file), "utf8")) as Record<string, Record<string, unknown>>;
            const names = new Set(allPolicies.map((p) => p.meta.name));
            for (const [policy, settings] of Object.entries(config)) {
                assert.ok(names.has(policy), `${policy} is not a policy`);
                const schema = allPolicies.find((p) => p.meta.name === policy)?.policy.configSchema?.properties ?? {};
                for (const key of Object.keys(settings)) {
                    assert.ok(key === "enforcementLevel" || key in schema, `${policy}.${key} is not in the policy's schema`);
                }
                const exemptions = (settings["exemptions"] ?? []) as { resource?: unknown; justification?: unknown }[];
                for (const e of exemptions) {
                    assert.equal(typeof e.resource, "string");
                    assert.ok(typeof e.justification === "string" && e.justification.length >= 20, `${policy}: ${String(e.resource)} needs a justification`);
                }
            }
        });
    }
});
