// The MediGuard Pulumi program. `pulumi up` runs it once per stack
// (Pulumi.dev.yaml, Pulumi.prod.yaml); its body is platform.Program, which the
// offline commands and tests run under mocks.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/platform"
)

func main() {
	// Pulumi starts the program in the project directory, which is the module root.
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mediguard: find the project directory:", err)
		os.Exit(1)
	}
	pulumi.Run(platform.Program(platform.Options{Archive: platform.BuildArchives(dir)}))
}
