// Package audit writes the structured audit records of the MediGuard Lambda
// handlers: who (the function and the invocation's request ID) did what
// (a fixed action word) to which objects (bucket keys, table items, episode
// IDs), when, and with what outcome.
//
// Records are JSON lines on the function's stdout, so they land in its
// KMS-encrypted log group kept for six years; CloudTrail data events record
// the same S3 and DynamoDB calls from the service side. Records name objects
// only: never pixels, message bodies or patient identifiers.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Outcome is how an audited action ended.
type Outcome string

// Outcomes.
const (
	Succeeded Outcome = "succeeded"
	Skipped   Outcome = "skipped"  // nothing to do (already done, duplicate)
	Rejected  Outcome = "rejected" // input refused and acknowledged
	Failed    Outcome = "failed"   // will be retried
)

// Record is one audit line. The "audit" member marks the line for metric
// filters and log queries.
type Record struct {
	Audit     bool      `json:"audit"`
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	RequestID string    `json:"request_id,omitempty"`
	Action    string    `json:"action"`
	Outcome   Outcome   `json:"outcome"`
	Reason    string    `json:"reason,omitempty"`
	Objects   []string  `json:"objects"`
}

// Writer writes audit records for one actor. It is safe for concurrent use.
type Writer struct {
	mu    sync.Mutex
	w     io.Writer
	actor string
	now   func() time.Time
}

// NewWriter writes records naming actor (the function name) to w; now is the
// wall clock (time.Now in the function).
func NewWriter(w io.Writer, actor string, now func() time.Time) *Writer {
	return &Writer{w: w, actor: actor, now: now}
}

// Record writes one record. reason is a fixed code (empty when the outcome
// needs none). The Lambda request ID is taken from ctx when present.
func (a *Writer) Record(ctx context.Context, action string, outcome Outcome, reason string, objects ...string) error {
	r := Record{
		Audit:   true,
		Time:    a.now().UTC(),
		Actor:   a.actor,
		Action:  action,
		Outcome: outcome,
		Reason:  reason,
		Objects: objects,
	}
	if r.Objects == nil {
		r.Objects = []string{}
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.RequestID = lc.AwsRequestID
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode audit record %s: %w", action, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write audit record %s: %w", action, err)
	}
	return nil
}
