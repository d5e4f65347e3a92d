package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/camsim"
	"github.com/mediguard/mediguard/scenario"
)

func init() { rootCmd.AddCommand(newCamsimCmd()) }

// camsimFlags are the flags of `mediguard camsim`.
type camsimFlags struct {
	stream          string
	region          string
	source          string
	scenario        string
	endpoint        string
	fragmentSeconds int
	fast            bool
}

func newCamsimCmd() *cobra.Command {
	var f camsimFlags
	cmd := &cobra.Command{
		Use:   "camsim",
		Short: "Stream a video file or a generated scenario to a Kinesis video stream, as a room camera does",
		Long: `camsim is a camera producer for Kinesis Video Streams. It encodes the video to
H.264 with ffmpeg (run make deps), sends it with PutMedia in fragments of
--fragment-seconds, each tagged for KVS image generation, to the stream's data
endpoint, and reports every fragment KVS persists. It reconnects and resends
after retryable failures.

Credentials come from the default AWS chain (environment, shared config, SSO,
instance or container role); use the stream's producer role. --scenario takes a
catalog name (mediguard scenario list). Video is sent at capture pace unless
--fast is given; only fragment timecodes are printed, never pixels.`,
		Example: `  mediguard camsim --stream camera-cam-101-stream --region us-east-1 --scenario fall-01
  mediguard camsim --stream camera-cam-101-stream --region us-east-1 --source room.mp4 --fragment-seconds 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := f.videoSource()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			client, err := f.client(ctx)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			client.OnAck = func(a camsim.Ack) {
				switch a.EventType {
				case camsim.AckPersisted:
					fmt.Fprintf(out, "fragment %d persisted\n", a.FragmentTimecode)
				case camsim.AckError:
					fmt.Fprintf(out, "fragment %d failed: error %d\n", a.FragmentTimecode, a.ErrorID)
				}
			}
			stats, err := camsim.Run(ctx, src, camsim.EncodeOptions{FragmentDuration: time.Duration(f.fragmentSeconds) * time.Second}, client)
			fmt.Fprintf(out, "%d fragments, %d persisted, %d connections, %d resent\n", stats.Fragments, stats.Persisted, stats.Connections, stats.Resent)
			return err
		},
	}
	cmd.Flags().StringVar(&f.stream, "stream", "", "Kinesis video stream name (required)")
	cmd.Flags().StringVar(&f.region, "region", "", "AWS region of the stream (default: from the AWS configuration)")
	cmd.Flags().StringVar(&f.source, "source", "", "video file to stream (any format ffmpeg reads)")
	cmd.Flags().StringVar(&f.scenario, "scenario", "", "catalog scenario to render and stream (see mediguard scenario list)")
	cmd.Flags().StringVar(&f.endpoint, "endpoint", "", "Kinesis Video Streams control-plane endpoint URL (default: the region's)")
	cmd.Flags().IntVar(&f.fragmentSeconds, "fragment-seconds", 2, "fragment length in seconds, 1..10 (a keyframe starts each)")
	cmd.Flags().BoolVar(&f.fast, "fast", false, "send as fast as possible instead of at capture pace")
	_ = cmd.MarkFlagRequired("stream")
	cmd.MarkFlagsMutuallyExclusive("source", "scenario")
	cmd.MarkFlagsOneRequired("source", "scenario")
	return cmd
}

// videoSource is the file or catalog scenario the flags name.
func (f camsimFlags) videoSource() (camsim.Source, error) {
	if f.fragmentSeconds < 1 || f.fragmentSeconds > 10 {
		return camsim.Source{}, fmt.Errorf("--fragment-seconds %d is outside 1..10", f.fragmentSeconds)
	}
	if f.source != "" {
		if _, err := os.Stat(f.source); err != nil {
			return camsim.Source{}, errors.New("--source: the video file cannot be read")
		}
		return camsim.FileSource(f.source), nil
	}
	for _, spec := range scenario.Catalog() {
		if spec.Name == f.scenario {
			return camsim.ScenarioSource(spec)
		}
	}
	return camsim.Source{}, fmt.Errorf("--scenario %q is not a catalog scenario (see mediguard scenario list)", f.scenario)
}

// client builds the producer from the default credential chain.
func (f camsimFlags) client(ctx context.Context) (*camsim.Client, error) {
	var opts []func(*config.LoadOptions) error
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: pass --region or set AWS_REGION")
	}
	return &camsim.Client{
		StreamName:   f.stream,
		ControlPlane: camsim.NewControlPlane(cfg, f.endpoint),
		Region:       cfg.Region,
		Credentials:  cfg.Credentials,
		Pace:         !f.fast,
	}, nil
}
