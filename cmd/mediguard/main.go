// Command mediguard is the offline toolbox of the MediGuard platform: it
// synthesises the Pulumi program under mocks, checks it against the HIPAA policy
// pack, generates synthetic room scenarios, evaluates the detection engine and
// watches cameras locally with no cloud account.
//
// Each subcommand lives in its own file and registers itself on rootCmd in an
// init function, as cobra-generated CLIs do.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:           "mediguard",
	Short:         "MediGuard: HIPAA-grade patient-room video monitoring platform tools",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "mediguard:", err)
		os.Exit(1)
	}
}
