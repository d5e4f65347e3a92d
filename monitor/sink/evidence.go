package sink

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/evidence"
	"github.com/mediguard/mediguard/monitor"
)

// Evidence stores a privacy-masked, encrypted snapshot of the frame that fired
// each alert. Alerts without a frame (camera_offline) have nothing to store.
type Evidence struct {
	store *evidence.Store
	audit *monitor.Audit
}

// NewEvidence stores into store and records each stored file in audit (nil
// records nothing).
func NewEvidence(store *evidence.Store, audit *monitor.Audit) *Evidence {
	return &Evidence{store: store, audit: audit}
}

// Name is "evidence".
func (e *Evidence) Name() string { return "evidence" }

// Deliver redacts the frame with the camera's privacy regions and stores it.
// Evidence already stored for the episode (a replay of the same footage) is
// kept as it is and not an error.
func (e *Evidence) Deliver(_ context.Context, a monitor.Alert) error {
	if a.Frame == nil {
		return nil
	}
	ev := a.Event
	redacted, err := detection.RedactJPEG(a.Frame, a.PrivacyRegions)
	if err != nil {
		return fmt.Errorf("evidence for episode %s: %w", ev.EpisodeID, err)
	}
	name, err := e.store.Put(evidence.Metadata{
		EpisodeID:   ev.EpisodeID,
		CameraID:    ev.CameraID,
		EventType:   string(ev.Type),
		FrameRef:    ev.FrameRef,
		DetectedAt:  ev.DetectedAt,
		ContentType: "image/jpeg",
	}, redacted)
	if errors.Is(err, evidence.ErrExists) {
		e.audit.Record("evidence.exists", "camera:"+ev.CameraID, "episode:"+ev.EpisodeID, "evidence:"+evidence.FileName(ev.CameraID, ev.EpisodeID))
		return nil
	}
	if err != nil {
		return err
	}
	e.audit.Record("evidence.stored", "camera:"+ev.CameraID, "episode:"+ev.EpisodeID, "evidence:"+name)
	return nil
}

// Close does nothing: every snapshot is synced when stored.
func (e *Evidence) Close(context.Context) error { return nil }
