// Every policy against the compliant baseline, every failing case with its expected messages, and
// the types each resource policy must ignore.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allPolicies } from "../policies";
import { Case, cases } from "./cases";
import { baseline, Fixture, run, Violation } from "./fixtures";

/** Advisory findings the baseline is expected to produce (each policy also has a passing case). */
const advisoryOnBaseline = new Set(["account-security-services-declared", "iam-no-inline-policies", "security-event-metric-alarms"]);

function fixtureFor(c: Case): Fixture {
    const f = baseline();
    c.mutate(f);
    return f;
}

function strip(v: Violation): string {
    return v.message.split(" Remediation: ")[0] ?? v.message;
}

describe("baseline", () => {
    for (const p of allPolicies) {
        it(`${p.meta.name} passes the compliant baseline`, async () => {
            const violations = await run(p, baseline());
            if (advisoryOnBaseline.has(p.meta.name)) {
                assert.equal(p.meta.enforcementLevel, "advisory");
                assert.ok(violations.length > 0, "the advisory finding on the baseline disappeared: update advisoryOnBaseline");
                return;
            }
            assert.deepEqual(violations.map(strip), []);
        });
    }
});

describe("cases", () => {
    for (const c of cases) {
        it(`${c.policy.meta.name}: ${c.name}`, async () => {
            const violations = await run(c.policy, fixtureFor(c), c.config);
            const messages = violations.map(strip);
            if (c.expect.length === 0) {
                assert.deepEqual(messages, []);
                return;
            }
            for (const want of c.expect) {
                assert.ok(messages.some((m) => m.includes(want)), `no violation contains ${JSON.stringify(want)}; got ${JSON.stringify(messages)}`);
            }
            for (const m of messages) {
                assert.ok(c.expect.some((want) => m.includes(want)), `unexpected violation ${JSON.stringify(m)}`);
            }
            for (const v of violations) {
                assert.ok(v.message.includes(` Remediation: ${c.policy.meta.remediation}`), "violation carries the remediation");
                assert.ok(v.urn.startsWith("urn:pulumi:"), "violation names a resource");
            }
        });
    }
});

describe("coverage of the cases", () => {
    it("every policy has at least one failing case", () => {
        const failing = new Set(cases.filter((c) => c.expect.length > 0).map((c) => c.policy.meta.name));
        const missing = allPolicies.map((p) => p.meta.name).filter((n) => !failing.has(n));
        assert.deepEqual(missing, []);
    });
    it("every advisory policy that fires on the baseline has a passing case", () => {
        const passing = new Set(cases.filter((c) => c.expect.length === 0).map((c) => c.policy.meta.name));
        assert.deepEqual([...advisoryOnBaseline].filter((n) => !passing.has(n)), []);
    });
});

describe("types a resource policy must ignore", () => {
    for (const c of cases.filter((x) => x.expect.length > 0 && x.policy.kind === "resource")) {
        // Policies for every AWS type must still ignore component and provider resources.
        const foreignType = c.policy.types.includes("*") ? "mediguard:index:PhiBucket" : "aws:ssm/parameter:Parameter";
        it(`${c.policy.meta.name}: ${c.name} under another type`, async () => {
            const f = fixtureFor(c);
            const offending = new Set((await run(c.policy, f, c.config)).map((v) => v.urn));
            assert.ok(offending.size > 0);
            for (const s of f) {
                if (offending.has(`urn:pulumi:dev::mediguard::${s.type}::${s.name}`)) {
                    s.type = foreignType;
                }
            }
            const after = await run(c.policy, f, c.config);
            assert.deepEqual(after.filter((v) => v.urn.includes(foreignType)).map(strip), []);
        });
    }
});

/** Rewrites pulumi-aws v6 S3 tokens to v7's: BucketV2 becomes Bucket, side resources lose "V2". */
function toV7(f: Fixture): void {
    for (const s of f) {
        s.type = s.type.replace("aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket").replace(/^aws:s3\/(bucket\w+)V2:(Bucket\w+)V2$/, "aws:s3/$1:$2");
    }
}

describe("pulumi-aws v7 tokens", () => {
    it("the baseline rewritten to v7 tokens passes every mandatory policy", async () => {
        const f = baseline();
        toV7(f);
        assert.ok(f.some((s) => s.type === "aws:s3/bucketVersioning:BucketVersioning"));
        for (const p of allPolicies.filter((x) => x.meta.enforcementLevel === "mandatory")) {
            assert.deepEqual((await run(p, f)).map(strip), [], p.meta.name);
        }
    });
    for (const c of cases.filter((x) => x.expect.length > 0 && x.policy.types.some((t) => t.startsWith("aws:s3/")))) {
        it(`${c.policy.meta.name}: ${c.name} is found with v7 tokens too`, async () => {
            const v6 = (await run(c.policy, fixtureFor(c), c.config)).map(strip);
            const f = fixtureFor(c);
            toV7(f);
            assert.deepEqual((await run(c.policy, f, c.config)).map(strip), v6);
        });
    }
});
