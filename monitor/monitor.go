// Package monitor is the local watch loop: it runs the detection engine over
// one or more cameras with no cloud account, measures camera-offline on the
// clock of frame arrival, and hands every event to the configured sinks (JSON
// lines, a signed webhook, an encrypted evidence store) while recording what
// it did in the hash-chained audit log.
//
// One goroutine reads each camera's source and one analyses its frames; a
// cancelled context or the end of every finite source stops the watch, after
// which sinks are closed (a webhook drains its queue within a deadline).
package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/monitor/source"
)

// Alert is one event on its way to the sinks, with what the evidence sink
// needs: the frame that fired and the regions to black out before storing
// it. Sinks other than evidence must never emit Frame.
type Alert struct {
	Event          detection.Event
	Frame          []byte              // JPEG of the frame that fired; nil for camera_offline
	PrivacyRegions []detection.Polygon // the camera's privacy_regions
}

// Sink receives alerts. Implementations are shared by all cameras and must be
// safe for concurrent use; a slow destination must queue rather than block
// detection.
type Sink interface {
	// Name identifies the sink in summaries and audit entries.
	Name() string
	// Deliver hands over one alert.
	Deliver(ctx context.Context, a Alert) error
	// Close flushes and releases the sink, giving up on pending work when
	// ctx ends.
	Close(ctx context.Context) error
}

// Camera is one camera to watch: its configuration and its frame source.
type Camera struct {
	Config detection.CameraConfig
	Source source.Source
}

// Options configure a watch.
type Options struct {
	Sinks []Sink
	// Audit records the watch's actions; nil records nothing.
	Audit *Audit
	// Now is the watch clock for live sources (time.Now when nil).
	Now func() time.Time
	// OfflineCheck is how often live cameras are checked for silence
	// (default: a quarter of the shortest offline_after, at most 1s).
	OfflineCheck time.Duration
	// CloseTimeout bounds how long sinks may take to flush at the end
	// (default 30s).
	CloseTimeout time.Duration
	// Errors receives one line per non-fatal problem (bad frame, failed
	// delivery). Lines carry references only, never pixels. Nil discards.
	Errors io.Writer
}

// CameraSummary is what happened on one camera.
type CameraSummary struct {
	CameraID  string                      `json:"camera_id"`
	Frames    int                         `json:"frames"`     // frames the engine analysed
	BadFrames int                         `json:"bad_frames"` // frames the source or the engine refused
	Events    map[detection.EventType]int `json:"events"`
	Error     string                      `json:"error,omitempty"` // why the camera stopped early
}

// Summary is the outcome of a watch.
type Summary struct {
	Cameras     []CameraSummary `json:"cameras"`
	Alerts      int             `json:"alerts"`
	SinkErrors  map[string]int  `json:"sink_errors"`
	AuditErrors int             `json:"audit_errors"`
}

// Watch runs every camera until its source ends or ctx is cancelled, then
// closes the sinks and returns the summary. Watch owns the sources and the
// sinks: it closes all of them before returning, also when it returns an
// error because a camera cannot be watched.
func Watch(ctx context.Context, cameras []Camera, opts Options) (Summary, error) {
	sum, err := watchCameras(ctx, cameras, opts)
	if err != nil {
		for _, c := range cameras {
			c.Source.Close()
		}
		for _, s := range opts.Sinks {
			s.Close(context.WithoutCancel(ctx))
		}
	}
	return sum, err
}

// watchCameras is Watch without the cleanup after an early error.
func watchCameras(ctx context.Context, cameras []Camera, opts Options) (Summary, error) {
	if len(cameras) == 0 {
		return Summary{}, errors.New("watch: no cameras")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CloseTimeout <= 0 {
		opts.CloseTimeout = 30 * time.Second
	}
	if opts.OfflineCheck <= 0 {
		opts.OfflineCheck = time.Second
		for _, c := range cameras {
			opts.OfflineCheck = min(opts.OfflineCheck, offlineAfter(c.Config)/4)
		}
	}
	detectors := make([]*detection.Detector, len(cameras))
	seen := map[string]bool{}
	for i, c := range cameras {
		if seen[c.Config.CameraID] {
			return Summary{}, fmt.Errorf("watch: camera %s listed twice", c.Config.CameraID)
		}
		seen[c.Config.CameraID] = true
		d, err := detection.NewDetector(c.Config)
		if err != nil {
			return Summary{}, fmt.Errorf("watch camera %s: %w", c.Config.CameraID, err)
		}
		detectors[i] = d
	}
	w := &watch{opts: opts, sinkErrors: map[string]int{}}
	w.audit("watch.started", fmt.Sprintf("cameras:%d", len(cameras)))
	summaries := make([]CameraSummary, len(cameras))
	var wg sync.WaitGroup
	for i, c := range cameras {
		wg.Add(1)
		go func() {
			defer wg.Done()
			summaries[i] = w.runCamera(ctx, c, detectors[i])
		}()
	}
	wg.Wait()

	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.CloseTimeout)
	defer cancel()
	for _, s := range opts.Sinks {
		if err := s.Close(closeCtx); err != nil {
			w.sinkFailed(s.Name(), fmt.Errorf("close sink %s: %w", s.Name(), err))
		}
	}
	w.audit("watch.stopped", fmt.Sprintf("alerts:%d", w.alerts))
	return Summary{Cameras: summaries, Alerts: w.alerts, SinkErrors: w.sinkErrors, AuditErrors: opts.Audit.Failures()}, nil
}

// offlineAfter is the camera's silence limit.
func offlineAfter(cfg detection.CameraConfig) time.Duration {
	if d := cfg.OfflineAfter.Std(); d > 0 {
		return d
	}
	return detection.DefaultOfflineAfter
}

// watch is the state shared by the camera goroutines.
type watch struct {
	opts       Options
	mu         sync.Mutex // guards alerts, sinkErrors and writes to opts.Errors
	alerts     int
	sinkErrors map[string]int
}

func (w *watch) audit(action string, objects ...string) {
	w.opts.Audit.Record(action, objects...)
}

func (w *watch) report(format string, args ...any) {
	if w.opts.Errors == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.opts.Errors, format+"\n", args...)
}

func (w *watch) sinkFailed(name string, err error) {
	w.mu.Lock()
	w.sinkErrors[name]++
	w.mu.Unlock()
	w.report("sink %s: %v", name, err)
}

// dispatch records and delivers one alert to every sink.
func (w *watch) dispatch(ctx context.Context, a Alert) {
	w.mu.Lock()
	w.alerts++
	w.mu.Unlock()
	ev := a.Event
	w.audit("alert.raised", "camera:"+ev.CameraID, "episode:"+ev.EpisodeID, "event:"+string(ev.Type), "frame:"+ev.FrameRef)
	for _, s := range w.opts.Sinks {
		if err := s.Deliver(ctx, a); err != nil {
			w.sinkFailed(s.Name(), err)
		}
	}
}

// sourceResult is one outcome of Source.Next.
type sourceResult struct {
	frame source.Frame
	err   error
}

// runCamera reads and analyses one camera until its source ends or fails.
func (w *watch) runCamera(ctx context.Context, cam Camera, det *detection.Detector) CameraSummary {
	cfg := cam.Config
	sum := CameraSummary{CameraID: cfg.CameraID, Events: map[detection.EventType]int{}}
	w.audit("camera.started", "camera:"+cfg.CameraID)

	readCtx, stopReading := context.WithCancel(ctx)
	results := make(chan sourceResult)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(results)
		for {
			f, err := cam.Source.Next(readCtx)
			select {
			case results <- sourceResult{f, err}:
			case <-readCtx.Done():
				return
			}
			if err != nil && !errors.Is(err, source.ErrBadFrame) {
				return
			}
		}
	}()
	defer func() {
		stopReading()
		<-readerDone
		if err := cam.Source.Close(); err != nil {
			w.report("camera %s: close source: %v", cfg.CameraID, err)
		}
		w.audit("camera.stopped", "camera:"+cfg.CameraID, fmt.Sprintf("frames:%d", sum.Frames))
	}()

	limit := offlineAfter(cfg)
	live := cam.Source.Live()
	var tick <-chan time.Time
	if live {
		t := time.NewTicker(w.opts.OfflineCheck)
		defer t.Stop()
		tick = t.C
	}
	// Silence is measured from the last frame, or from the start for a
	// live camera that never sends one.
	last, lastRef, haveFrame, offline := w.opts.Now(), "", false, false
	raise := func(ev detection.Event, frame []byte) {
		sum.Events[ev.Type]++
		w.dispatch(ctx, Alert{Event: ev, Frame: frame, PrivacyRegions: cfg.PrivacyRegions})
	}
	for {
		select {
		case <-ctx.Done():
			return sum
		case <-tick:
			if t := w.opts.Now(); !offline && t.Sub(last) >= limit {
				offline = true
				raise(detection.OfflineEvent(cfg, last, t, lastRef), nil)
			}
		case r, ok := <-results:
			if !ok {
				return sum
			}
			switch {
			case errors.Is(r.err, io.EOF):
				return sum
			case errors.Is(r.err, source.ErrBadFrame):
				sum.BadFrames++
				w.report("camera %s: %v", cfg.CameraID, r.err)
				continue
			case r.err != nil:
				if ctx.Err() == nil {
					sum.Error = r.err.Error()
					w.report("camera %s: source stopped: %v", cfg.CameraID, r.err)
				}
				return sum
			}
			f := r.frame
			arrival := f.Timestamp
			if live {
				arrival = w.opts.Now()
			} else if haveFrame && arrival.Sub(last) >= limit {
				// A recording's gap longer than offline_after is an outage.
				raise(detection.OfflineEvent(cfg, last, arrival, lastRef), nil)
			}
			last, lastRef, haveFrame, offline = arrival, f.Ref, true, false
			events, err := det.Process(detection.Frame{CameraID: cfg.CameraID, Ref: f.Ref, Timestamp: f.Timestamp, JPEG: f.JPEG})
			if err != nil {
				sum.BadFrames++
				w.report("camera %s: frame %s refused: %v", cfg.CameraID, f.Ref, err)
				continue
			}
			sum.Frames = int(det.Stats().Frames)
			for _, ev := range events {
				raise(ev, f.JPEG)
			}
		}
	}
}
