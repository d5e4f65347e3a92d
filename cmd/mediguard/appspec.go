package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/components/anomalydetector"
)

func init() { rootCmd.AddCommand(newAppSpecCmd()) }

func newAppSpecCmd() *cobra.Command {
	var in, out, format string
	cmd := &cobra.Command{
		Use:   "appspec",
		Short: "Write the CodeDeploy appspec.yml of a pending detector release from the stack's detectorAppSpec output",
		Long: `appspec reads the AppSpec the Pulumi program generated for the detector (the
detectorAppSpec stack output: the version the live alias serves and the version
the last update published), checks it, and writes it for aws deploy
create-deployment: as appspec.yml (--format yaml), JSON (--format json), or the
whole --revision argument with the content's SHA-256 (--format revision):

  pulumi stack output detectorAppSpec --stack prod | mediguard appspec --format revision --out revision.json
  aws deploy create-deployment --application-name ... --deployment-group-name live --revision file://revision.json

When the alias already serves the published version there is nothing to release:
it says so on stderr and writes nothing (no --out file is created).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var source io.Reader = cmd.InOrStdin()
			if in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return fmt.Errorf("read AppSpec: %w", err)
				}
				defer f.Close()
				source = f
			}
			data, err := io.ReadAll(source)
			if err != nil {
				return fmt.Errorf("read AppSpec from %s: %w", in, err)
			}
			// `pulumi stack output --json` quotes the output as a JSON string.
			var quoted string
			if json.Unmarshal(data, &quoted) == nil {
				data = []byte(quoted)
			}
			spec, err := anomalydetector.ParseAppSpec(data)
			if err != nil {
				return err
			}
			f := spec.Function()
			if !spec.Pending() {
				fmt.Fprintf(cmd.ErrOrStderr(), "no release pending: alias %s of %s already serves version %s\n", f.Alias, f.Name, f.TargetVersion)
				return nil
			}
			var text []byte
			switch format {
			case "yaml":
				text, err = spec.YAML()
			case "json":
				text, err = json.MarshalIndent(spec, "", "  ")
				text = append(text, '\n')
			case "revision":
				text, err = spec.Revision()
			default:
				return fmt.Errorf("--format %q: want yaml, json or revision", format)
			}
			if err != nil {
				return err
			}
			if out == "-" {
				_, err = cmd.OutOrStdout().Write(text)
				return err
			}
			if err := os.WriteFile(out, text, 0o644); err != nil {
				return fmt.Errorf("write AppSpec: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "release pending: alias %s of %s from version %s to %s (%s)\n", f.Alias, f.Name, f.CurrentVersion, f.TargetVersion, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&in, "in", "-", "file holding the detectorAppSpec output (- for stdin)")
	cmd.Flags().StringVar(&out, "out", "-", "file to write the AppSpec to (- for stdout)")
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml (appspec.yml), json, or revision (the create-deployment --revision document)")
	return cmd
}
