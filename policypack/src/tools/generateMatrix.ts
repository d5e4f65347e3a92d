// Writes docs/hipaa-matrix.md (path given as the only argument) from the policies' metadata.

import { writeFileSync } from "node:fs";
import { renderMatrix } from "../matrix";
import { allPolicies } from "../policies";

const target = process.argv[2];
if (target === undefined) {
    process.stderr.write("usage: node bin/tools/generateMatrix.js <path of hipaa-matrix.md>\n");
    process.exit(2);
}
writeFileSync(target, renderMatrix(allPolicies));
process.stdout.write(`wrote ${target} (${allPolicies.length} policies)\n`);
