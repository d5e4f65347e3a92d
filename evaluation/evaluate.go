package evaluation

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/mediguard/mediguard/detection"
)

// DefaultGrace is how long after a truth episode ends an event still
// matches it: the rules deliberately wait (fall stillness, tamper
// persistence), so an event may land just after a short episode.
const DefaultGrace = 5 * time.Second

// Options tune an evaluation.
type Options struct {
	Grace   time.Duration // matching window after an episode's end (DefaultGrace when 0)
	Workers int           // clips evaluated in parallel (1 when 0)
}

// ClipResult is what the engine did on one clip.
type ClipResult struct {
	Name          string            `json:"name"`
	Benign        bool              `json:"benign"`
	Frames        int               `json:"frames"`
	Seconds       float64           `json:"seconds"`
	Events        []detection.Event `json:"events"`
	Missed        []Episode         `json:"missed,omitempty"`
	FalsePositive []detection.Event `json:"false_positives,omitempty"`
	matches       []match
}

// match is one event matched to one truth episode.
type match struct {
	Type    detection.EventType
	Latency time.Duration
}

// TypeMetrics summarises one event type over all clips.
type TypeMetrics struct {
	Type           detection.EventType `json:"type"`
	Episodes       int                 `json:"episodes"`        // truth episodes
	TruePositives  int                 `json:"true_positives"`  // episodes detected
	FalsePositives int                 `json:"false_positives"` // events matching no episode (duplicates included)
	Precision      float64             `json:"precision"`       // NaN-free: 1 when the type raised no event
	Recall         float64             `json:"recall"`          // 1 when there were no episodes
	LatencyMedian  float64             `json:"latency_median_s"`
	LatencyP95     float64             `json:"latency_p95_s"`
	BenignAlarms   int                 `json:"benign_false_alarms"`
	AlarmsPerHour  float64             `json:"false_alarms_per_camera_hour"`
}

// Report is the result of an evaluation.
type Report struct {
	Clips          int           `json:"clips"`
	Frames         int           `json:"frames"`
	VideoHours     float64       `json:"video_hours"`
	BenignHours    float64       `json:"benign_hours"`
	BenignAlarms   int           `json:"benign_false_alarms"`
	AlarmsPerHour  float64       `json:"false_alarms_per_camera_hour"`
	Types          []TypeMetrics `json:"types"`
	Results        []ClipResult  `json:"clip_results"`
	ProcessSeconds float64       `json:"process_seconds"` // wall time spent in Detector.Process
}

// ReportedTypes are the event types the engine raises from frames, in
// report order (camera_offline is raised by the caller's clock, not here).
var ReportedTypes = []detection.EventType{
	detection.EventFall, detection.EventBedExit, detection.EventZoneIntrusion,
	detection.EventInactivity, detection.EventCameraTamper,
}

// Evaluate runs a fresh detector over every clip and scores the events
// against the ground truth.
func Evaluate(clips []Clip, opts Options) (Report, error) {
	if opts.Grace == 0 {
		opts.Grace = DefaultGrace
	}
	workers := max(1, opts.Workers)
	results := make([]ClipResult, len(clips))
	errs := make([]error, len(clips))
	durations := make([]time.Duration, len(clips))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], durations[i], errs[i] = RunClip(clips[i], opts.Grace)
			}
		}()
	}
	for i := range clips {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Report{}, err
		}
	}
	rep := Report{Clips: len(clips), Results: results}
	for _, d := range durations {
		rep.ProcessSeconds += d.Seconds()
	}
	rep.summarise(clips)
	return rep, nil
}

// RunClip runs one detector over a clip and matches its events to the
// truth; it also returns the time spent inside Detector.Process.
func RunClip(c Clip, grace time.Duration) (ClipResult, time.Duration, error) {
	cfg, err := detection.ParseCameraConfig(c.Camera)
	if err != nil {
		return ClipResult{}, 0, fmt.Errorf("evaluate %s: %w", c.Name, err)
	}
	d, err := detection.NewDetector(cfg)
	if err != nil {
		return ClipResult{}, 0, fmt.Errorf("evaluate %s: %w", c.Name, err)
	}
	res := ClipResult{Name: c.Name, Benign: c.Benign, Seconds: c.Duration.Seconds()}
	var spent time.Duration
	err = c.Frames(func(f detection.Frame) error {
		if f.CameraID == "" {
			f.CameraID = cfg.CameraID
		}
		t0 := time.Now()
		ev, err := d.Process(f)
		spent += time.Since(t0)
		if err != nil {
			return err
		}
		res.Frames++
		res.Events = append(res.Events, ev...)
		return nil
	})
	if err != nil {
		return ClipResult{}, 0, fmt.Errorf("evaluate %s: %w", c.Name, err)
	}
	res.score(c, grace)
	return res, spent, nil
}

// score matches events to episodes: an event matches an unmatched episode
// of its type (and reason, where the episode names one) when DetectedAt lies
// within [Start, End+grace]. Each episode matches at most one event.
func (r *ClipResult) score(c Clip, grace time.Duration) {
	matched := make([]bool, len(c.Truth))
	for _, e := range r.Events {
		hit := -1
		for i, ep := range c.Truth {
			if matched[i] || ep.Type != e.Type || (ep.Reason != "" && ep.Reason != e.Reason) {
				continue
			}
			if !e.DetectedAt.Before(ep.Start) && !e.DetectedAt.After(ep.End.Add(grace)) {
				hit = i
				break
			}
		}
		if hit < 0 {
			r.FalsePositive = append(r.FalsePositive, e)
			continue
		}
		matched[hit] = true
		r.matches = append(r.matches, match{Type: e.Type, Latency: e.DetectedAt.Sub(c.Truth[hit].Start)})
	}
	for i, ep := range c.Truth {
		if !matched[i] {
			r.Missed = append(r.Missed, ep)
		}
	}
}

func (rep *Report) summarise(clips []Clip) {
	byType := map[detection.EventType]*TypeMetrics{}
	latencies := map[detection.EventType][]float64{}
	for _, t := range ReportedTypes {
		byType[t] = &TypeMetrics{Type: t}
	}
	get := func(t detection.EventType) *TypeMetrics {
		m, ok := byType[t]
		if !ok {
			m = &TypeMetrics{Type: t}
			byType[t] = m
		}
		return m
	}
	for i, r := range rep.Results {
		rep.Frames += r.Frames
		rep.VideoHours += r.Seconds / 3600
		if r.Benign {
			rep.BenignHours += r.Seconds / 3600
			rep.BenignAlarms += len(r.Events)
		}
		for _, ep := range clips[i].Truth {
			get(ep.Type).Episodes++
		}
		for _, m := range r.matches {
			get(m.Type).TruePositives++
			latencies[m.Type] = append(latencies[m.Type], m.Latency.Seconds())
		}
		for _, e := range r.FalsePositive {
			m := get(e.Type)
			m.FalsePositives++
			if r.Benign {
				m.BenignAlarms++
			}
		}
	}
	if rep.BenignHours > 0 {
		rep.AlarmsPerHour = float64(rep.BenignAlarms) / rep.BenignHours
	}
	types := make([]detection.EventType, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	order := func(t detection.EventType) int {
		if i := slices.Index(ReportedTypes, t); i >= 0 {
			return i
		}
		return len(ReportedTypes)
	}
	sort.Slice(types, func(i, j int) bool {
		if order(types[i]) != order(types[j]) {
			return order(types[i]) < order(types[j])
		}
		return types[i] < types[j]
	})
	for _, t := range types {
		m := byType[t]
		m.Precision = ratio(m.TruePositives, m.TruePositives+m.FalsePositives)
		m.Recall = ratio(m.TruePositives, m.Episodes)
		m.LatencyMedian = percentile(latencies[t], 0.5)
		m.LatencyP95 = percentile(latencies[t], 0.95)
		if rep.BenignHours > 0 {
			m.AlarmsPerHour = float64(m.BenignAlarms) / rep.BenignHours
		}
		rep.Types = append(rep.Types, *m)
	}
}

// ratio is num/den, and 1 when den is 0 (nothing to get wrong).
func ratio(num, den int) float64 {
	if den == 0 {
		return 1
	}
	return float64(num) / float64(den)
}

// percentile uses the nearest-rank method; 0 for no values.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// WriteTable prints the report as a text table.
func (rep Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\tepisodes\tdetected\tfalse pos\tprecision\trecall\tlatency p50 s\tlatency p95 s\tbenign alarms/cam-h\t")
	for _, m := range rep.Types {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.1f\t%.1f\t%.2f\t\n", m.Type, m.Episodes, m.TruePositives,
			m.FalsePositives, m.Precision, m.Recall, m.LatencyMedian, m.LatencyP95, m.AlarmsPerHour)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d clips, %d frames, %.2f h of video (%.2f h benign): %d false alarms on benign footage = %.2f per camera-hour; engine time %.1f s (%.2f ms/frame)\n",
		rep.Clips, rep.Frames, rep.VideoHours, rep.BenignHours, rep.BenignAlarms, rep.AlarmsPerHour,
		rep.ProcessSeconds, 1000*rep.ProcessSeconds/float64(max(1, rep.Frames)))
	if err != nil {
		return err
	}
	for _, r := range rep.Results {
		for _, ep := range r.Missed {
			if _, err := fmt.Fprintf(w, "missed: %s %s %s at %s\n", r.Name, ep.Type, ep.Reason, ep.Start.Format(time.RFC3339Nano)); err != nil {
				return err
			}
		}
		for _, e := range r.FalsePositive {
			if _, err := fmt.Fprintf(w, "false alarm: %s %s %s at %s\n", r.Name, e.Type, e.Reason, e.DetectedAt.Format(time.RFC3339Nano)); err != nil {
				return err
			}
		}
	}
	return nil
}
