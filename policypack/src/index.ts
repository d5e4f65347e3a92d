// Entry point the Pulumi CLI (and `node @pulumi/pulumi/cmd/run-policy-pack`) loads: registering the
// PolicyPack starts the analyzer gRPC server and prints its port.

import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("mediguard-hipaa", {
    enforcementLevel: "mandatory",
    policies: allPolicies.map((p) => p.policy),
});
