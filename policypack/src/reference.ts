// Rows of the reference rule table (shared/reference/hipaa-rules.md) that no policy covers, and why.
// Every other row is named by some policy's referenceRows; the reference test keeps both honest.

export interface UncoveredRow {
    readonly row: string;
    readonly reason: string;
}

export const uncoveredRows: readonly UncoveredRow[] = [
    {
        row: "(dashboards)",
        reason: "placeholder row: aws:cloudwatch/dashboard:Dashboard has no check in any anchor rule set, and a dashboard neither stores nor protects PHI.",
    },
];
