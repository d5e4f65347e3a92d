// Every policy of the pack, grouped by HIPAA safeguard.

import { HipaaPolicy } from "../lib/hipaa";
import { accessControlPolicies } from "./accessControl";
import { auditControlPolicies } from "./auditControls";
import { contingencyPolicies } from "./contingency";
import { encryptionPolicies } from "./encryption";
import { integrityPolicies } from "./integrity";
import { securityManagementPolicies } from "./securityManagement";
import { transmissionSecurityPolicies } from "./transmissionSecurity";

export const allPolicies: readonly HipaaPolicy[] = [
    ...securityManagementPolicies,
    ...contingencyPolicies,
    ...accessControlPolicies,
    ...encryptionPolicies,
    ...auditControlPolicies,
    ...integrityPolicies,
    ...transmissionSecurityPolicies,
];
