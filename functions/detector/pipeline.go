package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/functions/internal/audit"
	"github.com/mediguard/mediguard/functions/internal/emf"
)

// Names of the detector's CloudWatch metrics (embedded metric format). The
// platform dashboard charts them; contract_test.go holds the two to the same names.
const (
	// MetricNamespace is the CloudWatch namespace of the detector's metrics.
	MetricNamespace = "MediGuard/Detector"
	// MetricEvents counts raised events, one data point per event.
	MetricEvents = "Events"
	// DimensionFunctionName and DimensionEventType are the dimensions of
	// MetricEvents: counts per function and event type, never per camera.
	DimensionFunctionName = "FunctionName"
	DimensionEventType    = "EventType"
)

// maxStateAttempts bounds the load-analyse-save loop when other invocations
// keep saving the same camera's state first; after that the message is
// retried by SQS.
const maxStateAttempts = 4

// Reasons a frame is recorded and acknowledged without analysis, in addition
// to the notification Reasons.
const (
	ReasonCameraNotConfigured Reason = "camera_not_configured"
	ReasonFrameMissing        Reason = "frame_missing"
	ReasonFrameCorrupt        Reason = "frame_corrupt"
)

// Pipeline is the FrameSink that does the detection: for each frame it reads
// the object, runs the camera's engine from its stored state, alerts each new
// episode once with masked evidence, and saves the state back.
//
// Order matters for exactly-once alerts. Events are alerted before the state
// is saved: if anything fails the frame is retried from the old state, the
// engine raises the same episodes again (episode IDs are derived from the
// footage), and the episode table turns the repeats into no-ops. Saving first
// would lose an alert whose publish failed, since the engine drops a frame it
// has already seen.
type Pipeline struct {
	Cameras       *CameraDirectory
	Frames        *s3.Client
	MaxFrameBytes int64
	State         *StateStore
	Alerts        *Alerter
	Evidence      *EvidenceStore
	Log           *slog.Logger
	Audit         *audit.Writer
	Metrics       *emf.Writer
	Now           func() time.Time
}

// AcceptFrame analyses one frame. It returns an error only when retrying the
// message can help; frames that can never be analysed are recorded (log,
// audit, metric) and acknowledged.
func (p *Pipeline) AcceptFrame(ctx context.Context, f FrameRef) error {
	start := p.Now()
	object := "s3://" + f.Bucket + "/" + f.Key
	events, err := p.analyse(ctx, f, object)
	var rej *Rejection
	switch {
	case errors.As(err, &rej):
		p.Log.WarnContext(ctx, "frame recorded and acknowledged without analysis",
			"message_id", f.MessageID, "key", f.Key, "reason", string(rej.Reason), "detail", rej.Detail)
		p.audit(ctx, "frame.analyse", audit.Rejected, string(rej.Reason), object)
		p.metric(map[string]string{"Reason": string(rej.Reason)}, emf.Metric{Name: "FramesRejected", Unit: emf.Count, Values: []float64{1}})
		return nil
	case err != nil:
		p.Log.ErrorContext(ctx, "frame analysis failed; message will be retried",
			"message_id", f.MessageID, "key", f.Key, "error", err.Error())
		p.audit(ctx, "frame.analyse", audit.Failed, "retry", object)
		p.metric(nil, emf.Metric{Name: "FrameErrors", Unit: emf.Count, Values: []float64{1}})
		return err
	}
	end := p.Now()
	p.metric(nil,
		emf.Metric{Name: "Frames", Unit: emf.Count, Values: []float64{1}},
		emf.Metric{Name: "FrameLatency", Unit: emf.Milliseconds, Values: []float64{float64(end.Sub(start).Microseconds()) / 1000}},
		emf.Metric{Name: "FrameAge", Unit: emf.Milliseconds, Values: []float64{float64(end.Sub(f.CapturedAt).Milliseconds())}},
	)
	for _, ev := range events {
		p.metric(map[string]string{DimensionEventType: string(ev.Type)}, emf.Metric{Name: MetricEvents, Unit: emf.Count, Values: []float64{1}})
	}
	return nil
}

// analyse runs the frame through the engine and returns the events it
// raised. A *Rejection error means the frame can never be analysed.
func (p *Pipeline) analyse(ctx context.Context, f FrameRef, object string) ([]detection.Event, error) {
	cfg, err := p.Cameras.Camera(ctx, f.StreamName)
	if errors.Is(err, errCameraNotConfigured) {
		return nil, reject(ReasonCameraNotConfigured, "the stream has no valid camera configuration document")
	}
	if err != nil {
		return nil, err
	}
	jpeg, err := p.fetch(ctx, f)
	if err != nil {
		return nil, err
	}
	frame := detection.Frame{CameraID: cfg.CameraID, Ref: f.Key, Timestamp: f.CapturedAt, JPEG: jpeg}
	for attempt := 1; ; attempt++ {
		loaded, err := p.State.Load(ctx, cfg.CameraID)
		if err != nil {
			return nil, err
		}
		det, err := p.restore(ctx, cfg, loaded)
		if err != nil {
			return nil, err
		}
		events, err := det.Process(frame)
		if err != nil {
			// The decode guard refused the frame; the state is untouched.
			return nil, reject(ReasonFrameCorrupt, "the frame does not decode as an acceptable JPEG")
		}
		for _, ev := range events {
			if _, err := p.raise(ctx, cfg, ev, jpeg); err != nil {
				return nil, err
			}
		}
		engine, err := det.MarshalState()
		if err != nil {
			return nil, fmt.Errorf("marshal state of camera %s: %w", cfg.CameraID, err)
		}
		next := cameraState{Engine: engine, LastFrameAt: f.EventTime, LastFrameKey: f.Key}
		if loaded.LastFrameAt.After(next.LastFrameAt) {
			// An older frame delivered late must not move the arrival clock back.
			next.LastFrameAt, next.LastFrameKey = loaded.LastFrameAt, loaded.LastFrameKey
		}
		err = p.State.Save(ctx, cfg.CameraID, loaded, next)
		if errors.Is(err, errStateConflict) && attempt < maxStateAttempts {
			p.Log.InfoContext(ctx, "camera state changed concurrently; analysing again", "camera_id", cfg.CameraID, "attempt", attempt)
			continue
		}
		if err != nil {
			return nil, err
		}
		p.audit(ctx, "frame.analyse", audit.Succeeded, "", object, "camera:"+cfg.CameraID, fmt.Sprintf("state-version:%d", loaded.Version+1))
		return events, nil
	}
}

// restore rebuilds the camera's detector from its saved state. A state the
// engine cannot restore (for example after the camera's zones changed) is
// replaced by a fresh detector, and the reset is audited.
func (p *Pipeline) restore(ctx context.Context, cfg detection.CameraConfig, loaded cameraState) (*detection.Detector, error) {
	if len(loaded.Engine) > 0 {
		det, err := detection.RestoreDetector(cfg, loaded.Engine)
		if err == nil {
			return det, nil
		}
		p.Log.WarnContext(ctx, "camera state does not fit its configuration; starting afresh", "camera_id", cfg.CameraID, "error", err.Error())
		p.audit(ctx, "state.reset", audit.Succeeded, "state_incompatible", "camera:"+cfg.CameraID)
	}
	det, err := detection.NewDetector(cfg)
	if err != nil {
		return nil, fmt.Errorf("new detector for camera %s: %w", cfg.CameraID, err)
	}
	return det, nil
}

// fetch reads the frame object, refusing more than MaxFrameBytes.
func (p *Pipeline) fetch(ctx context.Context, f FrameRef) ([]byte, error) {
	out, err := p.Frames.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(f.Bucket), Key: aws.String(f.Key)})
	if err != nil {
		var missing *types.NoSuchKey
		if errors.As(err, &missing) {
			return nil, reject(ReasonFrameMissing, "the frame object does not exist")
		}
		return nil, fmt.Errorf("read frame %s: %w", f.Key, err)
	}
	defer out.Body.Close()
	if n := aws.ToInt64(out.ContentLength); n > p.MaxFrameBytes {
		return nil, reject(ReasonObjectTooLarge, fmt.Sprintf("object is larger than %d bytes", p.MaxFrameBytes))
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, p.MaxFrameBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read frame %s: %w", f.Key, err)
	}
	if int64(len(data)) > p.MaxFrameBytes {
		return nil, reject(ReasonObjectTooLarge, fmt.Sprintf("object is larger than %d bytes", p.MaxFrameBytes))
	}
	return data, nil
}

// raise alerts one episode once: claim it, store the masked snapshot (when
// there is a frame), publish, and mark it published. A failure after the
// claim releases it so a retry publishes. It reports whether this call
// published (false: the episode was already published).
func (p *Pipeline) raise(ctx context.Context, cfg detection.CameraConfig, ev detection.Event, frame []byte) (bool, error) {
	won, err := p.Alerts.Claim(ctx, ev)
	if err != nil {
		return false, err
	}
	if won == claimPublished {
		p.audit(ctx, "alert.publish", audit.Skipped, "already_published", "episode:"+ev.EpisodeID)
		return false, nil
	}
	evidenceKey, messageID, err := p.deliver(ctx, cfg, ev, frame)
	if err != nil {
		p.audit(ctx, "alert.publish", audit.Failed, "retry", "episode:"+ev.EpisodeID)
		if releaseErr := p.Alerts.Release(ctx, ev.EpisodeID); releaseErr != nil {
			return false, errors.Join(err, releaseErr)
		}
		return false, err
	}
	if err := p.Alerts.MarkPublished(ctx, ev.EpisodeID, messageID, evidenceKey); err != nil {
		return false, err
	}
	objects := []string{"episode:" + ev.EpisodeID, "sns-message:" + messageID}
	if evidenceKey != "" {
		objects = append(objects, "s3://"+p.Evidence.bucket+"/"+evidenceKey)
	}
	p.audit(ctx, "alert.publish", audit.Succeeded, "", objects...)
	p.Log.InfoContext(ctx, "alert published", "episode_id", ev.EpisodeID, "camera_id", ev.CameraID,
		"type", string(ev.Type), "severity", string(ev.Severity), "sns_message_id", messageID)
	return true, nil
}

// deliver stores the evidence (when there is a frame) and publishes the alert.
func (p *Pipeline) deliver(ctx context.Context, cfg detection.CameraConfig, ev detection.Event, frame []byte) (evidenceKey, messageID string, err error) {
	if frame != nil {
		masked, err := detection.RedactJPEG(frame, cfg.PrivacyRegions)
		if err != nil {
			return "", "", fmt.Errorf("mask evidence for episode %s: %w", ev.EpisodeID, err)
		}
		if evidenceKey, err = p.Evidence.Put(ctx, ev, masked); err != nil {
			return "", "", err
		}
		p.audit(ctx, "evidence.store", audit.Succeeded, "", "s3://"+p.Evidence.bucket+"/"+evidenceKey, "episode:"+ev.EpisodeID)
	}
	messageID, err = p.Alerts.Publish(ctx, ev, evidenceKey)
	if err != nil {
		return "", "", err
	}
	return evidenceKey, messageID, nil
}

// audit writes an audit record; a failure to write one is logged, since
// stdout is the only place either goes.
func (p *Pipeline) audit(ctx context.Context, action string, outcome audit.Outcome, reason string, objects ...string) {
	if err := p.Audit.Record(ctx, action, outcome, reason, objects...); err != nil {
		p.Log.ErrorContext(ctx, "audit record lost", "action", action, "error", err.Error())
	}
}

// metric emits one EMF record at the current time.
func (p *Pipeline) metric(dimensions map[string]string, metrics ...emf.Metric) {
	if err := p.Metrics.Emit(p.Now(), dimensions, metrics...); err != nil {
		p.Log.Error("metric record lost", "error", err.Error())
	}
}
