// Package compliance holds the HIPAA facts the program is checked against,
// as typed Go data: Eligible, the repository's copy of the AWS services on
// the HIPAA Eligible Services Reference that the program may use, each with
// the safeguards the program applies to it.
//
// Its tests synthesise the programs in every Variant (the platform's dev and
// prod stacks, prod with the options no stack file turns on yet, and the
// bootstrap project that creates the state backend) and fail when a
// resource belongs to a service not on the list, so a new service cannot
// reach a PHI account without someone checking its eligibility. The BAA
// checklist in docs/baa-checklist.md is generated from the same data
// (`go generate ./compliance`), and a test fails when it is stale.
package compliance
