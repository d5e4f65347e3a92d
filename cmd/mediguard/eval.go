package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/evaluation"
	"github.com/mediguard/mediguard/scenario"
)

func init() { rootCmd.AddCommand(newEvalCmd()) }

// evalFlags select what `mediguard eval` runs the engine over.
type evalFlags struct {
	catalog bool
	seeds   int
	only    string
	sets    []string
	clips   []string
	fps     int
	camera  string
	grace   time.Duration
	workers int
	json    bool
}

func newEvalCmd() *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the detection engine: precision, recall, latency and false alarms per event type",
		Long: `eval runs a fresh detector per camera over scenario sets with ground truth and
over real clips (treated as benign: every event there is a false alarm), and
reports per event type precision, recall, detection latency (median and p95,
video seconds from the episode start to the event) and false alarms per
camera-hour on benign footage.

With no source flags it evaluates the standard scenario catalogue, rendered
in memory. Examples:

  mediguard eval                                   # the regression catalogue
  mediguard eval --seeds 3 --workers 2             # three seed variants per entry
  mediguard eval --set ./scenarios --json          # a set written by 'mediguard scenario render'
  mediguard eval --clip ../shared/data/vtest --fps 5`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clips, err := f.load()
			if err != nil {
				return err
			}
			rep, err := evaluation.Evaluate(clips, evaluation.Options{Grace: f.grace, Workers: f.workers})
			if err != nil {
				return err
			}
			if f.json {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return rep.WriteTable(cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.catalog, "catalog", false, "evaluate the standard scenario catalogue in memory (the default when no --set or --clip is given)")
	fl.IntVar(&f.seeds, "seeds", 1, "catalogue seed variants per entry")
	fl.StringVar(&f.only, "only", "", "keep only catalogue scenarios whose name contains this text")
	fl.StringArrayVar(&f.sets, "set", nil, "scenario set directory written by 'mediguard scenario render' (repeatable)")
	fl.StringArrayVar(&f.clips, "clip", nil, "folder of real JPEG frames, treated as benign (repeatable)")
	fl.IntVar(&f.fps, "fps", 5, "frame rate of --clip folders")
	fl.StringVar(&f.camera, "camera", "", "camera configuration for --clip folders (default: a camera with no zones)")
	fl.DurationVar(&f.grace, "grace", evaluation.DefaultGrace, "how long after an episode ends an event still matches it")
	fl.IntVar(&f.workers, "workers", 1, "clips evaluated in parallel")
	fl.BoolVar(&f.json, "json", false, "print the full report as JSON")
	return cmd
}

// load gathers the clips the flags name.
func (f *evalFlags) load() ([]evaluation.Clip, error) {
	var clips []evaluation.Clip
	if f.catalog || (len(f.sets) == 0 && len(f.clips) == 0) {
		var specs []scenario.Spec
		for _, s := range scenario.CatalogSeeds(f.seeds) {
			if strings.Contains(s.Name, f.only) {
				specs = append(specs, s)
			}
		}
		if len(specs) == 0 {
			return nil, fmt.Errorf("eval: no catalogue scenario matches --only %q", f.only)
		}
		c, err := evaluation.CatalogClips(specs)
		if err != nil {
			return nil, err
		}
		clips = append(clips, c...)
	}
	for _, dir := range f.sets {
		c, err := evaluation.DirClips(dir)
		if err != nil {
			return nil, err
		}
		clips = append(clips, c...)
	}
	var camera []byte
	if f.camera != "" {
		var err error
		if camera, err = os.ReadFile(f.camera); err != nil {
			return nil, fmt.Errorf("eval: read camera config: %w", err)
		}
	}
	for _, dir := range f.clips {
		c, err := evaluation.FolderClip(dir, f.fps, camera)
		if err != nil {
			return nil, err
		}
		clips = append(clips, c)
	}
	if f.workers < 1 {
		return nil, errors.New("eval: --workers must be at least 1")
	}
	return clips, nil
}
