package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/functions/internal/audit"
	"github.com/mediguard/mediguard/functions/internal/emf"
)

// CheckOffline raises a camera_offline alert for every configured camera
// whose last frame arrived more than its offline_after before now. It runs
// on the EventBridge schedule. The episode of an outage starts at the last
// frame plus the limit, so every check during one outage names the same
// episode and the episode table lets only the first one alert. A camera that
// never sent a frame has no arrival clock and is logged, not alerted.
//
// It returns an error when any camera could not be checked (EventBridge then
// retries the invocation); the other cameras are still checked.
func (p *Pipeline) CheckOffline(ctx context.Context, now time.Time) error {
	streams, err := p.Cameras.Streams(ctx)
	if err != nil {
		return fmt.Errorf("offline check: %w", err)
	}
	var errs []error
	offline := 0
	for _, stream := range streams {
		isOffline, err := p.checkCamera(ctx, stream, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if isOffline {
			offline++
		}
	}
	p.metric(nil,
		emf.Metric{Name: "CamerasChecked", Unit: emf.Count, Values: []float64{float64(len(streams))}},
		emf.Metric{Name: "CamerasOffline", Unit: emf.Count, Values: []float64{float64(offline)}},
	)
	if err := errors.Join(errs...); err != nil {
		p.metric(nil, emf.Metric{Name: "OfflineCheckErrors", Unit: emf.Count, Values: []float64{float64(len(errs))}})
		return fmt.Errorf("offline check: %w", err)
	}
	return nil
}

// checkCamera checks the camera behind stream and reports whether it is offline.
func (p *Pipeline) checkCamera(ctx context.Context, stream string, now time.Time) (bool, error) {
	cfg, err := p.Cameras.Camera(ctx, stream)
	if errors.Is(err, errCameraNotConfigured) {
		p.Log.WarnContext(ctx, "camera configuration is not valid; camera not checked", "stream", stream)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	st, err := p.State.Load(ctx, cfg.CameraID)
	if err != nil {
		return false, err
	}
	if st.Version == 0 {
		p.Log.WarnContext(ctx, "camera has sent no frame yet", "camera_id", cfg.CameraID)
		return false, nil
	}
	limit := cfg.OfflineAfter.Std()
	if limit <= 0 {
		limit = detection.DefaultOfflineAfter
	}
	if now.Sub(st.LastFrameAt) <= limit {
		return false, nil
	}
	ev := detection.OfflineEvent(cfg, st.LastFrameAt, now, st.LastFrameKey)
	published, err := p.raise(ctx, cfg, ev, nil)
	if err != nil {
		return true, err
	}
	if published {
		// Later checks during the same outage find the episode published.
		p.audit(ctx, "camera.offline", audit.Succeeded, "", "camera:"+cfg.CameraID, "episode:"+ev.EpisodeID)
		p.metric(map[string]string{DimensionEventType: string(ev.Type)}, emf.Metric{Name: MetricEvents, Unit: emf.Count, Values: []float64{1}})
	}
	return true, nil
}
