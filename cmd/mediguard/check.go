package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/internal/policycheck"
	"github.com/mediguard/mediguard/platform"
)

func init() { rootCmd.AddCommand(newCheckCmd()) }

func newCheckCmd() *cobra.Command {
	var (
		stack      string
		dir        string
		packDir    string
		configFile string
		preview    bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a stack against the HIPAA policy pack offline, as `pulumi preview --policy-pack` would",
		Long: `check runs the real MediGuard Pulumi program for the stack under Pulumi's mocks (as synth
does), starts the policy pack in policypack/ exactly as the Pulumi CLI starts it, sends every
registered resource to the pack over Pulumi's Analyzer gRPC protocol and then the whole stack,
and prints the policy violations (policy, enforcement level, resource, message). It exits
non-zero when any mandatory policy is violated. --preview runs the program as a preview does,
with the outputs of resources unknown. The stack's policy config (exemptions with their
justification) is read from policypack/config/<stack>.json when present.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if packDir == "" {
				packDir = filepath.Join(dir, "policypack")
			}
			if configFile == "" {
				configFile = policycheck.StackConfigPath(packDir, stack)
			}
			config, err := policycheck.LoadConfig(configFile)
			if err != nil {
				return err
			}
			syn, err := platform.Synthesize(platform.SynthOptions{
				Dir:     dir,
				Stack:   stack,
				DryRun:  preview,
				Program: platform.Options{Archive: platform.BuildArchives(dir)},
			})
			if err != nil {
				return err
			}
			if err := policycheck.Build(ctx, packDir); err != nil {
				return err
			}
			pack, err := policycheck.Start(ctx, packDir)
			if err != nil {
				return err
			}
			defer pack.Close()
			if config != nil {
				if err := pack.Configure(ctx, config); err != nil {
					return err
				}
			}
			res, err := pack.Check(ctx, policycheck.Stack{
				Project:   syn.StackFile.Project,
				Name:      stack,
				Region:    syn.StackFile.Region,
				Resources: syn.Recorder.Resources(),
			})
			if err != nil {
				return err
			}
			if err := res.Write(cmd.OutOrStdout()); err != nil {
				return err
			}
			info, err := pack.Info(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\nPolicy Packs run:\n    %s (local: %s)  v%s  %d policies\n",
				info.GetName(), packDir, info.GetVersion(), len(info.GetPolicies()))
			if n := len(res.Mandatory()); n > 0 {
				return fmt.Errorf("stack %s: %d mandatory policy violations", stack, n)
			}
			return nil
		},
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	cmd.Flags().StringVar(&stack, "stack", "dev", "stack to check (reads Pulumi.<stack>.yaml)")
	cmd.Flags().StringVar(&dir, "dir", wd, "project directory holding Pulumi.yaml")
	cmd.Flags().StringVar(&packDir, "policy-pack", "", "policy pack directory (default <dir>/policypack)")
	cmd.Flags().StringVar(&configFile, "policy-pack-config", "", "JSON policy config, policy name -> settings (default <policy-pack>/config/<stack>.json when present)")
	cmd.Flags().BoolVar(&preview, "preview", false, "run the program as a preview does, with unknown outputs")
	return cmd
}
