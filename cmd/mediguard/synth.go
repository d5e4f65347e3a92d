package main

import (
	"encoding/json"
	"os"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/platform"
)

func init() { rootCmd.AddCommand(newSynthCmd()) }

func newSynthCmd() *cobra.Command {
	var (
		stack  string
		dir    string
		asJSON bool
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Run the Pulumi program for a stack offline and print every resource it would create",
		Long: `synth runs the real MediGuard Pulumi program with the stack's Pulumi.<stack>.yaml under
Pulumi's mocks: no AWS account, no Pulumi CLI. It builds the Lambda deployment
packages exactly as a deployment does, then prints the resource tree (by parent,
with type and name) and the counts per type, or the same as JSON with --json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			syn, err := platform.Synthesize(platform.SynthOptions{
				Dir:     dir,
				Stack:   stack,
				DryRun:  dryRun,
				Program: platform.Options{Archive: platform.BuildArchives(dir)},
			})
			if err != nil {
				return err
			}
			inv := platform.NewInventory(syn.StackFile.Project, stack, syn.Recorder.Resources())
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(inv)
			}
			return inv.WriteText(cmd.OutOrStdout())
		},
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	cmd.Flags().StringVar(&stack, "stack", "dev", "stack to synthesise (reads Pulumi.<stack>.yaml)")
	cmd.Flags().StringVar(&dir, "dir", wd, "project directory holding Pulumi.yaml")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the inventory as JSON")
	cmd.Flags().BoolVar(&dryRun, "preview", false, "synthesise as a preview does, with unknown outputs")
	return cmd
}
