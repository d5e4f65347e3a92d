// Policy config: every policy accepts exemptions by resource name with a required justification,
// schema defaults apply when the user gives no config, and given values override them.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allPolicies } from "../policies";
import { logGroupRetention } from "../policies/auditControls";
import { s3VersioningEnabled } from "../policies/integrity";
import { baseline, find, run, setPath } from "./fixtures";

describe("config", () => {
    it("every policy's schema has exemptions with a required, non-trivial justification", () => {
        for (const p of allPolicies) {
            const exemptions = p.policy.configSchema?.properties["exemptions"];
            assert.ok(exemptions, p.meta.name);
            const items = exemptions.items as { required?: string[]; properties?: Record<string, { minLength?: number }> };
            assert.deepEqual(items.required, ["resource", "justification"], p.meta.name);
            assert.ok((items.properties?.["justification"]?.minLength ?? 0) >= 20, p.meta.name);
        }
    });

    it("log-group-retention defaults to 2192 days", async () => {
        const f = baseline();
        setPath(find(f, "LogGroup", "detector-logs").props, "retentionInDays", 2191);
        assert.equal((await run(logGroupRetention, f)).length, 1);
        assert.equal((await run(logGroupRetention, f, { "log-group-retention": { minimumRetentionDays: 2191 } })).length, 0);
    });

    it("an exemption silences only the named resource of that policy", async () => {
        const f = baseline();
        dropNamed(f, "frames-versioning");
        dropNamed(f, "audit-versioning");
        const exemption = { exemptions: [{ resource: "frames", justification: "scratch bucket for the load test, deleted after the run" }] };
        const violations = await run(s3VersioningEnabled, f, { "s3-versioning-enabled": exemption });
        assert.deepEqual(violations.map((v) => v.urn.split("::").pop()), ["audit"]);
        assert.equal((await run(s3VersioningEnabled, f, { "s3-object-lock-enabled": exemption })).length, 2);
    });
});

function dropNamed(f: ReturnType<typeof baseline>, name: string): void {
    const i = f.findIndex((s) => s.name === name);
    assert.ok(i >= 0, name);
    f.splice(i, 1);
}
