// Preview semantics: values unknown at preview never make a mandatory policy pass silently.
// Security switches that are unknown are violations; references are checked through property
// dependencies; documents that are unknown are deferred and reported by an advisory policy.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { cloudtrailS3DataEvents } from "../policies/auditControls";
import { kmsCustomerManagedKeyInStack, kmsKeyRotationEnabled, s3SseKmsCmk } from "../policies/encryption";
import { s3VersioningEnabled } from "../policies/integrity";
import { previewUnverifiableInputs } from "../policies/securityManagement";
import { s3BucketPolicyTLSOnly, sgNoPublicSSH } from "../policies/transmissionSecurity";
import { unknownBoolean, unknownObject } from "../lib/values";
import { baseline, build, find, run, setPath, U } from "./fixtures";

// The unknown-checking proxy @pulumi/policy wraps every resource's props in; it has no typings.
const proxyModule = require("@pulumi/policy/proxy") as { unknownCheckingProxy: (o: object) => Record<string, unknown> };

function messages(vs: { message: string }[]): string[] {
    return vs.map((v) => v.message.split(" Remediation: ")[0] ?? v.message);
}

describe("unknown values at preview", () => {
    it("an unknown security switch is a violation, not a pass", async () => {
        const f = baseline();
        setPath(find(f, "Key", "phi-key").props, "enableKeyRotation", unknownBoolean);
        assert.deepEqual(messages(await run(kmsKeyRotationEnabled, f)), [
            "enableKeyRotation is unknown at preview, so it cannot be verified; set it to a literal value.",
        ]);
    });

    it("an unknown side-resource switch is a violation of the stack policy", async () => {
        const f = baseline();
        setPath(find(f, "BucketVersioningV2", "frames-versioning").props, "versioningConfiguration.status", U);
        assert.deepEqual(messages(await run(s3VersioningEnabled, f)), [
            "frames-versioning.versioningConfiguration.status is unknown at preview, so it cannot be verified; set it to a literal value.",
        ]);
    });

    it("an unknown KMS key ARN passes only when it is derived from a key in the stack", async () => {
        const f = baseline();
        assert.deepEqual(messages(await run(kmsCustomerManagedKeyInStack, f)), []);
        find(f, "BucketServerSideEncryptionConfigurationV2", "frames-encryption").deps["rules"] = [];
        assert.deepEqual(messages(await run(kmsCustomerManagedKeyInStack, f)), [
            "frames-encryption: the KMS key in rules is not derived from an aws.kms.Key or aws.kms.Alias in this stack.",
        ]);
    });

    it("trail selectors unknown as a whole cover a bucket only if built from it", async () => {
        const f = baseline();
        const trail = find(f, "Trail", "audit-trail");
        setPath(trail.props, "advancedEventSelectors", unknownObject);
        assert.deepEqual(messages(await run(cloudtrailS3DataEvents, f)), []);
        trail.deps["advancedEventSelectors"] = ["frames"];
        assert.deepEqual(messages(await run(cloudtrailS3DataEvents, f)), ["PHI bucket evidence is not covered by any trail's S3 data events."]);
    });

    it("an unknown document is deferred by the mandatory policy and reported by the advisory one", async () => {
        const f = baseline();
        setPath(find(f, "BucketPolicy", "frames-policy").props, "policy", U);
        assert.deepEqual(messages(await run(s3BucketPolicyTLSOnly, f)), []);
        assert.equal(previewUnverifiableInputs.meta.enforcementLevel, "advisory");
        assert.equal(messages(await run(previewUnverifiableInputs, f)).length, 1);
    });

    it("an unknown CIDR is deferred, an unknown port on a world-open rule is not", async () => {
        const f = baseline();
        const sg = find(f, "SecurityGroup", "net-endpoints");
        setPath(sg.props, "ingress", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [U] }]);
        assert.deepEqual(messages(await run(sgNoPublicSSH, f)), []);
        setPath(sg.props, "ingress", [{ protocol: "tcp", fromPort: "3eeb2bf0-c639-47a8-9e75-3b44932eb421", toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]);
        assert.equal(messages(await run(sgNoPublicSSH, f)).length, 1);
    });
});

describe("reading through @pulumi/policy's unknown-checking proxy", () => {
    function proxied(resources: PolicyResource[]): PolicyResource[] {
        for (const r of resources) {
            r.props = proxyModule.unknownCheckingProxy(r.props);
        }
        return resources;
    }

    it("the proxy throws on a direct read of an unknown (why the pack unwraps it)", () => {
        const props = proxyModule.unknownCheckingProxy({ kmsKeyId: U });
        assert.throws(() => props["kmsKeyId"], /can't be known during preview/);
    });

    it("a stack policy over proxied props with unknowns everywhere still runs to the end", async () => {
        const f = baseline();
        find(f, "BucketServerSideEncryptionConfigurationV2", "audit-encryption").props["rules"] = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }];
        const resources = proxied(build(f));
        const policy = s3SseKmsCmk.policy as StackValidationPolicy;
        const found: string[] = [];
        await policy.validateStack(
            {
                resources,
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable: (): never => {
                    throw new Error("not applicable");
                },
            },
            (message) => found.push(message.split(" Remediation: ")[0] ?? message),
        );
        assert.deepEqual(found, ["bucket audit uses SSE-S3 (AES256) but is not a server-access-log target; SSE-KMS with a customer-managed key is required."]);
    });
});
