// Small checks shared by policies of several safeguards.

import { Inputs, UNKNOWN } from "./values";

/**
 * The message for a security switch (flag, mode, number) that is unknown at preview. Such inputs
 * come from plain configuration in MediGuard's components; one computed from another resource's
 * output cannot be reviewed before it reaches AWS, so the policy reports it at its own level.
 */
export function unknownSwitch(path: string): string {
    return `${path} is unknown at preview, so it cannot be verified; set it to a literal value.`;
}

/** Reports unless the boolean at path is literally true. */
export function requireTrue(inputs: Inputs, path: string, report: (m: string) => void, finding: string): void {
    const v = inputs.bool(path);
    if (v === UNKNOWN) {
        report(unknownSwitch(path));
    } else if (v !== true) {
        report(finding);
    }
}

/** Reports when the boolean at path is literally true (or unknown). */
export function requireNotTrue(inputs: Inputs, path: string, report: (m: string) => void, finding: string): void {
    const v = inputs.bool(path);
    if (v === UNKNOWN) {
        report(unknownSwitch(path));
    } else if (v === true) {
        report(finding);
    }
}

/** True when a literal KMS reference names an AWS-managed key (alias/aws/...). */
export function isAWSManagedKeyReference(ref: string): boolean {
    return /(^|:)alias\/aws\//.test(ref);
}

/**
 * Checks a KMS key reference input: it must be set and must not be an AWS-managed alias. The
 * value is usually a key ARN, unknown at preview: presence is what can be checked here, and the
 * stack policy kms-customer-managed-key-in-stack checks it is derived from a key in the stack.
 */
export function requireCustomerManagedKey(
    inputs: Inputs,
    path: string,
    report: (m: string) => void,
    what: string,
): void {
    const v = inputs.str(path);
    if (v === undefined || v === "") {
        report(`${what} has no ${path}: it is not encrypted with a customer-managed KMS key.`);
    } else if (v !== UNKNOWN && isAWSManagedKeyReference(v)) {
        report(`${what} uses the AWS-managed key ${v} in ${path}; a customer-managed key is required.`);
    }
}
