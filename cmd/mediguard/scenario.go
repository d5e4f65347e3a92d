package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/scenario"
)

func init() { rootCmd.AddCommand(newScenarioCmd()) }

// scenarioFlags are the selection flags shared by list and render.
type scenarioFlags struct {
	seeds int
}

// newScenarioCmd builds `mediguard scenario`: list the catalog, render
// scenario sets to disk.
func newScenarioCmd() *cobra.Command {
	var f scenarioFlags
	cmd := &cobra.Command{
		Use:   "scenario",
		Short: "Synthetic patient-room video with ground truth (falls, bed exits, zones, tampering, false-alarm traps)",
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if f.seeds < 1 {
				return fmt.Errorf("scenario: --seeds must be at least 1, got %d", f.seeds)
			}
			return nil
		},
	}
	cmd.PersistentFlags().IntVar(&f.seeds, "seeds", 1, "render the regression set with this many seeds per entry")
	cmd.AddCommand(newScenarioListCmd(&f), newScenarioRenderCmd(&f))
	return cmd
}

// newScenarioListCmd builds `mediguard scenario list`.
func newScenarioListCmd(f *scenarioFlags) *cobra.Command {
	var kinds bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the catalog scenarios (or, with --kinds, the scenario kinds and layouts)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			if kinds {
				fmt.Fprintln(w, "KIND\tBENIGN\tDESCRIPTION")
				for _, k := range scenario.Kinds() {
					fmt.Fprintf(w, "%s\t%t\t%s\n", k, k.Benign(), k.Description())
				}
				fmt.Fprintln(w)
				fmt.Fprintln(w, "LAYOUT\tDESCRIPTION")
				layouts := scenario.Layouts()
				for _, name := range scenario.LayoutNames() {
					fmt.Fprintf(w, "%s\t%s\n", name, layouts[name])
				}
				return w.Flush()
			}
			fmt.Fprintln(w, "NAME\tKIND\tLAYOUT\tSEED\tDURATION\tSIZE\tBENIGN")
			for _, s := range scenario.CatalogSeeds(f.seeds) {
				n, err := s.Normalize()
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%dx%d@%d\t%t\n", n.Name, n.Kind, n.Layout, n.Seed, n.Duration, n.Width, n.Height, n.FPS, n.Kind.Benign())
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&kinds, "kinds", false, "list kinds and layouts instead of catalog scenarios")
	return cmd
}

// newScenarioRenderCmd builds `mediguard scenario render`.
func newScenarioRenderCmd(f *scenarioFlags) *cobra.Command {
	var (
		out, format, kind, layout string
		names                     []string
		all                       bool
		width, height, fps        int
		seed                      int64
		duration                  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "render --out DIR (--all | --name NAME... | --kind KIND)",
		Short: "Render scenarios: frames (or an MJPEG stream), camera.yaml and truth.json per scenario",
		Long: `Render writes <out>/<name>/camera.yaml, truth.json and frames/frame_000001.jpg...
(or stream.mjpeg with --format mjpeg). --all renders the catalog (--seeds N for more
variants); --name picks catalog scenarios; --kind renders one ad-hoc scenario of that
kind. --width/--height/--fps/--seed/--duration override the catalog values.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("scenario render: --out is required")
			}
			var specs []scenario.Spec
			switch {
			case kind != "":
				if all || len(names) > 1 {
					return fmt.Errorf("scenario render: --kind renders one ad-hoc scenario; do not combine it with --all or several --name")
				}
				name := kind
				if len(names) == 1 {
					name = names[0]
				}
				specs = []scenario.Spec{scenario.NewSpec(name, scenario.Kind(kind), 1)}
			case all:
				specs = scenario.CatalogSeeds(f.seeds)
			case len(names) > 0:
				byName := map[string]scenario.Spec{}
				for _, s := range scenario.CatalogSeeds(f.seeds) {
					byName[s.Name] = s
				}
				for _, n := range names {
					s, ok := byName[n]
					if !ok {
						return fmt.Errorf("scenario render: no catalog scenario named %q (see mediguard scenario list)", n)
					}
					specs = append(specs, s)
				}
			default:
				return fmt.Errorf("scenario render: choose --all, --name or --kind")
			}
			for i := range specs {
				s := &specs[i]
				if cmd.Flags().Changed("width") || cmd.Flags().Changed("height") {
					s.Width, s.Height = width, height
				}
				if cmd.Flags().Changed("fps") {
					s.FPS = fps
				}
				if cmd.Flags().Changed("seed") {
					s.Seed = seed
				}
				if cmd.Flags().Changed("duration") {
					s.Duration = duration
				}
				if cmd.Flags().Changed("layout") {
					s.Layout = layout
				}
			}
			start := time.Now()
			if err := scenario.WriteSet(out, specs, strings.ToLower(format)); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rendered %d scenarios into %s in %s\n", len(specs), out, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "output directory")
	fl.StringVar(&format, "format", scenario.FormatJPEG, "jpeg (frames/*.jpg) or mjpeg (stream.mjpeg)")
	fl.StringSliceVar(&names, "name", nil, "catalog scenario name (repeatable); with --kind, the name of the ad-hoc scenario")
	fl.BoolVar(&all, "all", false, "render the whole catalog")
	fl.StringVar(&kind, "kind", "", "render one ad-hoc scenario of this kind (see scenario list --kinds)")
	fl.StringVar(&layout, "layout", "", "room layout (default: the catalog's, or the first layout)")
	fl.IntVar(&width, "width", scenario.DefaultWidth, "frame width in pixels")
	fl.IntVar(&height, "height", scenario.DefaultHeight, "frame height in pixels")
	fl.IntVar(&fps, "fps", scenario.DefaultFPS, "frames per second")
	fl.Int64Var(&seed, "seed", 1, "seed (positions, people, timing, noise)")
	fl.DurationVar(&duration, "duration", 0, "video length (default: the catalog's, or the kind's minimum)")
	return cmd
}
