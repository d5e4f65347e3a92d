package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/diagram"
	"github.com/mediguard/mediguard/platform"
)

func init() { rootCmd.AddCommand(newDiagramCmd()) }

func newDiagramCmd() *cobra.Command {
	var (
		stack   string
		dir     string
		out     string
		formats []string
	)
	cmd := &cobra.Command{
		Use:   "diagram",
		Short: "Draw the network and resource diagrams of a stack as Graphviz DOT (and SVG/PNG)",
		Long: `diagram synthesises the stack offline, exactly as synth does, and writes
<out>/<stack>-network.dot and <out>/<stack>-resources.dot: the VPC with its
subnets, routes, NACLs, security groups and endpoints, and the data flows from
the cameras to the alerts and evidence, the audit trail and the operations
topic. Each --format (svg, png) is rendered with Graphviz's dot, which must be
installed; --format none writes DOT only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			syn, err := platform.Synthesize(platform.SynthOptions{
				Dir:     dir,
				Stack:   stack,
				Program: platform.Options{Archive: platform.BuildArchives(dir)},
			})
			if err != nil {
				return err
			}
			diagrams, err := diagram.Build(stack, syn.Recorder.Resources())
			if err != nil {
				return err
			}
			var images []string
			for _, f := range formats {
				switch f {
				case "none":
				case "svg", "png":
					images = append(images, f)
				default:
					return fmt.Errorf("diagram: --format %q: want svg, png or none", f)
				}
			}
			target := out
			if !filepath.IsAbs(target) {
				target = filepath.Join(dir, target)
			}
			written, err := diagram.Write(cmd.Context(), target, diagrams, images...)
			for _, path := range written {
				fmt.Fprintln(cmd.OutOrStdout(), path)
			}
			return err
		},
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	cmd.Flags().StringVar(&stack, "stack", "prod", "stack to draw (reads Pulumi.<stack>.yaml)")
	cmd.Flags().StringVar(&dir, "dir", wd, "project directory holding Pulumi.yaml")
	cmd.Flags().StringVar(&out, "out", "docs/diagrams", "directory to write the diagrams to (relative to --dir)")
	cmd.Flags().StringSliceVar(&formats, "format", []string{"svg"}, "images to render with Graphviz: svg, png, none")
	return cmd
}
