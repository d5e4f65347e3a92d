package monitor

import (
	"fmt"
	"io"
	"sync"

	"github.com/mediguard/mediguard/auditlog"
)

// Audit records the watch's actions in an audit log under one actor. An
// append that fails is counted and reported, not fatal: detection and
// alerting must go on, and the count appears in the summary.
type Audit struct {
	log      *auditlog.Log
	actor    string
	errs     io.Writer
	mu       sync.Mutex
	failures int
}

// NewAudit records into log as actor; failures are reported to errs (nil
// discards).
func NewAudit(log *auditlog.Log, actor string, errs io.Writer) *Audit {
	return &Audit{log: log, actor: actor, errs: errs}
}

// Record appends one entry. Objects are references ("camera:cam-301",
// "episode:<id>"), never pixels or patient identifiers.
func (a *Audit) Record(action string, objects ...string) {
	if a == nil {
		return
	}
	if _, err := a.log.Append(a.actor, action, objects...); err != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.failures++
		if a.errs != nil {
			fmt.Fprintf(a.errs, "audit: %v\n", err)
		}
	}
}

// Failures is the number of entries that could not be recorded.
func (a *Audit) Failures() int {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failures
}
