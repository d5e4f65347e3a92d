package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mediguard/mediguard/auditlog"
	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/evidence"
	"github.com/mediguard/mediguard/monitor"
	"github.com/mediguard/mediguard/monitor/sink"
	"github.com/mediguard/mediguard/monitor/source"
)

func init() { rootCmd.AddCommand(newWatchCmd()) }

// auditKeyMinBytes is the shortest audit HMAC key accepted.
const auditKeyMinBytes = 16

// watchFlags are the flags of `mediguard watch`.
type watchFlags struct {
	cameras []string
	site    string
	jsonl   bool

	webhookURL        string
	webhookSecretEnv  string
	webhookSecretFile string

	evidenceDir     string
	evidenceKeyFile string
	evidenceKeyEnv  string

	auditLog     string
	auditKeyFile string
	auditKeyEnv  string
	auditActor   string
}

func newWatchCmd() *cobra.Command {
	var f watchFlags
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Watch cameras locally: run the detection engine and send alerts to JSON lines, a webhook, evidence and audit",
		Long: `Watch one or more cameras with the detection engine, no cloud needed.

Cameras: --camera CONFIG=SOURCE (repeatable), --camera SCENARIO_DIR (a rendered
scenario: its camera.yaml, frames and timing), or --site FILE listing cameras.
Sources: frames:DIR[?fps=5&start=RFC3339&mtime=true], mjpeg:FILE[?fps=&start=],
scenario:DIR, http(s)://camera/stream (multipart MJPEG), ffmpeg:INPUT[#fps=5&live=true].

Alerts are printed as JSON lines on stdout; a summary goes to stderr at the end
(when every file source is finished, or on Ctrl-C). See docs/local-monitoring.md.`,
		Example: `  mediguard scenario render --out /tmp/scn --name fall-01
  mediguard watch --camera /tmp/scn/fall-01
  mediguard watch --camera cam-301.yaml=http://10.20.0.31/video.mjpg \
      --webhook https://alerts.example.org/mediguard --webhook-secret-env MEDIGUARD_WEBHOOK_SECRET \
      --evidence-dir /var/lib/mediguard/evidence --evidence-key-file /etc/mediguard/evidence.key \
      --audit-log /var/lib/mediguard/audit.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// After the first signal the watch shuts down cleanly (sinks
			// drain for up to 30s); restoring the default handling lets a
			// second Ctrl-C end the process at once.
			context.AfterFunc(ctx, stop)
			return runWatch(ctx, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.cameras, "camera", nil, "camera as CONFIG=SOURCE, or a rendered scenario directory (repeatable)")
	fl.StringVar(&f.site, "site", "", "site file listing cameras (config and source of each)")
	fl.BoolVar(&f.jsonl, "jsonl", true, "print alerts as JSON lines on stdout")
	fl.StringVar(&f.webhookURL, "webhook", "", "POST alerts to this HTTPS URL, HMAC-signed")
	fl.StringVar(&f.webhookSecretEnv, "webhook-secret-env", "", "environment variable holding the webhook HMAC secret")
	fl.StringVar(&f.webhookSecretFile, "webhook-secret-file", "", "file (mode 0600) holding the webhook HMAC secret")
	fl.StringVar(&f.evidenceDir, "evidence-dir", "", "store an encrypted, privacy-masked snapshot per alert in this directory")
	fl.StringVar(&f.evidenceKeyFile, "evidence-key-file", "", "file (mode 0600) holding the 32-byte evidence key as hex or base64")
	fl.StringVar(&f.evidenceKeyEnv, "evidence-key-env", "", "environment variable holding the 32-byte evidence key as hex or base64")
	fl.StringVar(&f.auditLog, "audit-log", "", "append a hash-chained audit trail to this file")
	fl.StringVar(&f.auditKeyFile, "audit-key-file", "", "file (mode 0600) holding an HMAC key for the audit chain")
	fl.StringVar(&f.auditKeyEnv, "audit-key-env", "", "environment variable holding an HMAC key for the audit chain")
	fl.StringVar(&f.auditActor, "audit-actor", "mediguard-watch", "actor named in audit entries")
	return cmd
}

// runWatch builds cameras and sinks from the flags and runs the watch.
func runWatch(ctx context.Context, f watchFlags, stdout, stderr io.Writer) error {
	specs, err := cameraSpecs(f)
	if err != nil {
		return err
	}

	// Every camera configuration is validated before anything is opened or
	// written.
	configs := make([]detection.CameraConfig, len(specs))
	for i, s := range specs {
		if configs[i], err = detection.LoadCameraConfig(s.Config); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
	}

	var audit *monitor.Audit
	var log *auditlog.Log
	if f.auditLog != "" {
		key, err := monitor.LoadSecret("audit key", f.auditKeyFile, f.auditKeyEnv, auditKeyMinBytes)
		if err != nil {
			return err
		}
		if log, err = auditlog.Open(f.auditLog, auditlog.Options{HMACKey: key}); err != nil {
			return err
		}
		defer log.Close()
		audit = monitor.NewAudit(log, f.auditActor, stderr)
	} else if f.auditKeyFile != "" || f.auditKeyEnv != "" {
		return errors.New("watch: --audit-key-file/--audit-key-env need --audit-log")
	}

	sinks, webhook, err := buildSinks(f, stdout, audit)
	if err != nil {
		return err
	}
	closeSinks := func() {
		for _, s := range sinks {
			s.Close(context.Background())
		}
	}

	cameras := make([]monitor.Camera, 0, len(specs))
	closeSources := func() {
		for _, c := range cameras {
			c.Source.Close()
		}
	}
	for i, s := range specs {
		src, err := source.Open(s.Source, nil)
		if err != nil {
			closeSources()
			closeSinks()
			return fmt.Errorf("watch camera %s: %w", configs[i].CameraID, err)
		}
		cameras = append(cameras, monitor.Camera{Config: configs[i], Source: src})
	}

	sum, err := monitor.Watch(ctx, cameras, monitor.Options{Sinks: sinks, Audit: audit, Errors: stderr})
	if err != nil {
		return err
	}
	printSummary(stderr, sum, webhook, log)
	if log != nil {
		if err := log.Close(); err != nil {
			return err
		}
	}
	for _, c := range sum.Cameras {
		if c.Error != "" {
			return fmt.Errorf("watch: camera %s stopped: %s", c.CameraID, c.Error)
		}
	}
	return nil
}

// cameraSpecs collects the cameras from --camera and --site.
func cameraSpecs(f watchFlags) ([]monitor.CameraSpec, error) {
	var specs []monitor.CameraSpec
	for _, v := range f.cameras {
		s, err := monitor.ParseCameraFlag(v)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		specs = append(specs, s)
	}
	if f.site != "" {
		site, err := monitor.LoadSite(f.site)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		specs = append(specs, site...)
	}
	if len(specs) == 0 {
		return nil, errors.New("watch: no cameras: give --camera CONFIG=SOURCE, --camera SCENARIO_DIR or --site FILE")
	}
	return specs, nil
}

// buildSinks makes the sinks the flags ask for.
func buildSinks(f watchFlags, stdout io.Writer, audit *monitor.Audit) ([]monitor.Sink, *sink.Webhook, error) {
	var sinks []monitor.Sink
	if f.jsonl {
		sinks = append(sinks, sink.NewJSONLines(stdout))
	}
	if f.evidenceDir != "" {
		var key []byte
		var err error
		switch {
		case f.evidenceKeyFile != "" && f.evidenceKeyEnv != "":
			return nil, nil, errors.New("watch: give one of --evidence-key-file and --evidence-key-env")
		case f.evidenceKeyFile != "":
			key, err = evidence.ReadKeyFile(f.evidenceKeyFile)
		case f.evidenceKeyEnv != "":
			key, err = evidence.KeyFromEnv(f.evidenceKeyEnv)
		default:
			return nil, nil, errors.New("watch: --evidence-dir needs --evidence-key-file or --evidence-key-env")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("watch: evidence key: %w", err)
		}
		store, err := evidence.NewStore(f.evidenceDir, key)
		if err != nil {
			return nil, nil, fmt.Errorf("watch: %w", err)
		}
		sinks = append(sinks, sink.NewEvidence(store, audit))
	}
	var webhook *sink.Webhook
	if f.webhookURL != "" {
		secret, err := monitor.LoadSecret("webhook secret", f.webhookSecretFile, f.webhookSecretEnv, sink.MinSecretBytes)
		if err != nil {
			return nil, nil, err
		}
		if secret == nil {
			return nil, nil, errors.New("watch: --webhook needs --webhook-secret-env or --webhook-secret-file")
		}
		if webhook, err = sink.NewWebhook(sink.WebhookOptions{URL: f.webhookURL, Secret: secret, Audit: audit}); err != nil {
			return nil, nil, fmt.Errorf("watch: %w", err)
		}
		sinks = append(sinks, webhook)
	}
	return sinks, webhook, nil
}

// printSummary writes the human summary to w.
func printSummary(w io.Writer, sum monitor.Summary, webhook *sink.Webhook, log *auditlog.Log) {
	fmt.Fprintf(w, "watched %d camera(s): %d alert(s)\n", len(sum.Cameras), sum.Alerts)
	for _, c := range sum.Cameras {
		var parts []string
		for t, n := range c.Events {
			parts = append(parts, fmt.Sprintf("%s=%d", t, n))
		}
		sort.Strings(parts)
		line := fmt.Sprintf("  %s: %d frames analysed, %d bad", c.CameraID, c.Frames, c.BadFrames)
		if len(parts) > 0 {
			line += ", alerts: " + strings.Join(parts, " ")
		}
		if c.Error != "" {
			line += ", stopped: " + c.Error
		}
		fmt.Fprintln(w, line)
	}
	if webhook != nil {
		s := webhook.Stats()
		fmt.Fprintf(w, "  webhook: %d delivered, %d failed, %d dropped\n", s.Delivered, s.Failed, s.Dropped)
	}
	for name, n := range sum.SinkErrors {
		fmt.Fprintf(w, "  sink %s: %d error(s)\n", name, n)
	}
	if log != nil {
		n, head := log.Head()
		fmt.Fprintf(w, "  audit: %d entries, head %s (%d append failures)\n", n, head, sum.AuditErrors)
	}
}
