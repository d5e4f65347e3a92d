// Package sink holds the destinations of the local watch loop's alerts: JSON
// lines on a stream, a signed HTTPS webhook with a bounded retry queue, and
// the encrypted evidence store. Only the evidence sink ever touches the frame
// of an alert, and only after blacking out the camera's privacy regions.
package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/mediguard/mediguard/monitor"
)

// The sinks of this package.
var (
	_ monitor.Sink = (*JSONLines)(nil)
	_ monitor.Sink = (*Webhook)(nil)
	_ monitor.Sink = (*Evidence)(nil)
)

// JSONLines writes each alert's event as one JSON line.
type JSONLines struct {
	mu sync.Mutex
	w  io.Writer
}

// NewJSONLines writes to w (usually stdout).
func NewJSONLines(w io.Writer) *JSONLines { return &JSONLines{w: w} }

// Name is "jsonl".
func (j *JSONLines) Name() string { return "jsonl" }

// Deliver writes the event, without the frame.
func (j *JSONLines) Deliver(_ context.Context, a monitor.Alert) error {
	line, err := json.Marshal(a.Event)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", a.Event.EpisodeID, err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write event %s: %w", a.Event.EpisodeID, err)
	}
	return nil
}

// Close does nothing: writes are not buffered.
func (j *JSONLines) Close(context.Context) error { return nil }
