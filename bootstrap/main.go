// Command bootstrap is the MediGuard bootstrap Pulumi program: it creates the
// S3 state bucket and the KMS keys the platform stacks keep their state and
// secrets in. Run it with the Pulumi CLI from this directory; see
// docs/operating.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/bootstrap/statebackend"
)

func main() {
	pulumi.Run(statebackend.Program)
}
