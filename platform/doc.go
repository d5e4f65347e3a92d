// Package platform is the body of the MediGuard Pulumi program: it reads the
// stack's typed configuration and composes the components (network, keys, PHI
// buckets, video streams, detector, audit trail) into the whole AWS platform.
//
// main.go only hands Program to pulumi.Run; the offline commands (`mediguard
// synth`, `mediguard check`) and the tests run the very same Program under
// Pulumi's mocks through Synthesize, so what is inspected offline is what
// `pulumi up` deploys.
package platform
