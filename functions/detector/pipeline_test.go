package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mediguard/mediguard/detection"
)

// episodeIDs lists the episode IDs of events.
func episodeIDs[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	slices.Sort(out)
	return out
}

// TestScenarioAlertsOncePerEpisodeAndCarriesNoPHI runs a whole fall scenario
// through the function with at-least-once delivery: every batch arrives out
// of order and twice, then a sample of old frames arrives late and out of order, then the
// camera goes silent. The function must publish exactly the episodes the
// engine raises on the clean sequence, plus one offline alert, and nothing it
// writes (alerts, logs, audit records, metrics, state and episode items,
// evidence metadata) may carry pixels or the identifiers planted in the
// camera configuration.
func TestScenarioAlertsOncePerEpisodeAndCarriesNoPHI(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	r := newRig(t)
	r.configureCamera(sc.config)
	r.store(sc.frames)
	want := engineEvents(t, sc.config, sc.frames)
	if len(want) == 0 {
		t.Fatal("the engine raises no event on fall-01; the scenario no longer exercises alerts")
	}

	// Every batch delivered in reverse capture order (a standard queue keeps
	// no order), then again (an SQS redelivery after a lost delete).
	for start := 0; start < len(sc.frames); start += 10 {
		batch := slices.Clone(sc.frames[start:min(start+10, len(sc.frames))])
		slices.Reverse(batch)
		for round := range 2 {
			if failed := r.deliverFrames(batch, 10, fmt.Sprintf("m%d-r%d", start, round)); len(failed) > 0 {
				t.Fatalf("batch at %d round %d: failed items %v", start, round, failed)
			}
		}
	}
	// Old frames late and out of order, including every frame that fired.
	var late []frame
	for _, ev := range want {
		i := slices.IndexFunc(sc.frames, func(f frame) bool { return f.Key == ev.FrameRef })
		late = append(late, sc.frames[i])
	}
	for i := len(sc.frames) - 1; i >= 0; i -= 37 {
		late = append(late, sc.frames[i])
	}
	if failed := r.deliverFrames(late, 5, "late"); len(failed) > 0 {
		t.Fatalf("late frames: failed items %v", failed)
	}

	got := r.alerts()
	if g, w := episodeIDs(got, func(a AlertMessage) string { return a.EpisodeID }),
		episodeIDs(want, func(e detection.Event) string { return e.EpisodeID }); !slices.Equal(g, w) {
		t.Fatalf("published episodes %v, want the engine's %v exactly once each", g, w)
	}
	for i, a := range got {
		msg := r.aws.published()[i]
		if a.EvidenceKey != EvidenceKey(a.Event) {
			t.Errorf("alert %s names evidence %q", a.EpisodeID, a.EvidenceKey)
		}
		if msg.Attributes["type"] != string(a.Type) || msg.Attributes["severity"] != string(a.Severity) || msg.Attributes["ward"] != a.Ward || a.Ward == "" {
			t.Errorf("alert %s attributes %v do not match the event", a.EpisodeID, msg.Attributes)
		}
		body, headers, ok := r.aws.object(evidenceBucket, a.EvidenceKey)
		if !ok {
			t.Errorf("no evidence object for episode %s", a.EpisodeID)
			continue
		}
		fired := sc.frames[slices.IndexFunc(sc.frames, func(f frame) bool { return f.Key == a.FrameRef })]
		if bytes.Equal(body, fired.JPEG) {
			t.Errorf("evidence of %s is the unmasked frame", a.EpisodeID)
		}
		if headers.Get("X-Amz-Meta-Episode-Id") != a.EpisodeID {
			t.Errorf("evidence metadata %v", headers)
		}
		until, _ := time.Parse(time.RFC3339, headers.Get("X-Amz-Object-Lock-Retain-Until-Date"))
		if retention := until.Sub(a.DetectedAt); retention < r.config.EvidenceRetention-time.Hour || retention > r.config.EvidenceRetention+time.Hour {
			t.Errorf("evidence of %s is locked until %v, want about %v after the event", a.EpisodeID, until, r.config.EvidenceRetention)
		}
		if item := r.aws.item(episodeTable, a.EpisodeID); item[attrStatus].(map[string]any)["S"] != statusPublished {
			t.Errorf("episode %s item is %v, want published", a.EpisodeID, item)
		}
	}
	last := sc.frames[len(sc.frames)-1]
	state := r.aws.item(stateTable, mustCameraID(t, sc.config))
	if state[attrLastFrameKey].(map[string]any)["S"] != last.Key {
		t.Errorf("late frames moved the arrival clock back: last frame key %v", state[attrLastFrameKey])
	}
	// Every frame was analysed once, in capture order despite the delivery order.
	engine, err := base64.StdEncoding.DecodeString(state[attrEngineState].(map[string]any)["B"].(string))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := detection.ParseCameraConfig(sc.config)
	det, err := detection.RestoreDetector(cfg, engine)
	if err != nil {
		t.Fatalf("restore the saved state: %v", err)
	}
	if got := det.Stats().Frames; got != uint64(len(sc.frames)) {
		t.Errorf("engine analysed %d frames, want all %d", got, len(sc.frames))
	}

	// The camera goes silent: two checks during the outage alert once.
	silentFrom := last.EventTime.Add(cfg.OfflineAfter.Std() + detection.DefaultOfflineAfter)
	for _, at := range []time.Time{silentFrom, silentFrom.Add(time.Minute)} {
		r.setClock(at)
		if _, err := r.invoke(r.scheduled(at)); err != nil {
			t.Fatalf("offline check: %v", err)
		}
	}
	offline := r.alerts()[len(got):]
	if len(offline) != 1 || offline[0].Type != detection.EventCameraOffline || offline[0].EvidenceKey != "" {
		t.Fatalf("offline alerts %+v, want one camera_offline alert without evidence", offline)
	}

	// Nothing emitted carries pixels or the planted identifiers.
	outputs := map[string][]byte{"stdout": r.stdout.Bytes()}
	for _, m := range r.aws.published() {
		attrs, _ := json.Marshal(m.Attributes)
		outputs["alert "+m.ID] = []byte(m.Subject + m.Message + string(attrs))
	}
	for _, table := range []string{stateTable, episodeTable} {
		r.aws.mu.Lock()
		items, _ := json.Marshal(r.aws.tables[table])
		r.aws.mu.Unlock()
		outputs["table "+table] = items
	}
	r.aws.mu.Lock()
	for key, h := range r.aws.puts {
		meta, _ := json.Marshal(h)
		outputs["evidence headers "+key] = meta
	}
	r.aws.mu.Unlock()
	jpegMagic := []byte{0xFF, 0xD8, 0xFF}
	for what, data := range outputs {
		for _, id := range plantedIdentifiers {
			if bytes.Contains(data, []byte(id)) {
				t.Errorf("%s contains a planted patient identifier", what)
			}
		}
		if bytes.Contains(data, jpegMagic) || bytes.Contains(data, []byte(base64.StdEncoding.EncodeToString(jpegMagic))) {
			t.Errorf("%s contains JPEG data", what)
		}
	}
	if n := r.metricSum("Frames", "", ""); n < float64(len(sc.frames)) {
		t.Errorf("Frames metric %v, want at least %d", n, len(sc.frames))
	}
	for _, ev := range want {
		if r.metricSum("Events", "EventType", string(ev.Type)) < 1 {
			t.Errorf("no Events metric for %s", ev.Type)
		}
	}
	if n := len(r.records("alert.publish")); n < len(want)+1 {
		t.Errorf("%d alert.publish audit records, want at least %d", n, len(want)+1)
	}
}

func mustCameraID(t testing.TB, configYAML []byte) string {
	t.Helper()
	cfg, err := detection.ParseCameraConfig(configYAML)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.CameraID
}

// firingPrefix returns the frames up to and including the first one on
// which the engine raises an event.
func firingPrefix(t *testing.T, sc rendered) []frame {
	t.Helper()
	want := engineEvents(t, sc.config, sc.frames)
	if len(want) == 0 {
		t.Fatal("no event in the scenario")
	}
	i := slices.IndexFunc(sc.frames, func(f frame) bool { return f.Key == want[0].FrameRef })
	return sc.frames[:i+1]
}

// TestStateWriteConflict makes another invocation save the camera's state
// between this one's read and write: the function reads again, analyses
// again and saves, and the alert still goes out once. A conflict on every
// attempt ends in an item failure, so SQS retries the frame later.
func TestStateWriteConflict(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	frames := firingPrefix(t, sc)
	tests := []struct {
		name       string
		conflicts  int
		wantFailed bool
	}{
		{name: "one conflict", conflicts: 1},
		{name: "conflict on every attempt", conflicts: maxStateAttempts, wantFailed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.configureCamera(sc.config)
			r.store(frames)
			if failed := r.deliverFrames(frames[:len(frames)-1], 10, "warm"); len(failed) > 0 {
				t.Fatalf("warm-up failed items %v", failed)
			}
			r.aws.mu.Lock()
			r.aws.stateConflicts = tc.conflicts
			r.aws.ops = nil
			r.aws.mu.Unlock()
			failed := r.deliverFrames(frames[len(frames)-1:], 1, "fire")
			if tc.wantFailed != (len(failed) == 1) {
				t.Fatalf("failed items %v, want failure %v", failed, tc.wantFailed)
			}
			var stateOps []string
			for _, op := range r.aws.operations() {
				if op == "dynamodb:GetItem" || op == "dynamodb:PutItem" {
					stateOps = append(stateOps, op)
				}
			}
			if reads := strings.Count(strings.Join(stateOps, ","), "GetItem"); reads != tc.conflicts+1 && !tc.wantFailed {
				t.Errorf("state reads %d, want %d (one per attempt): %v", reads, tc.conflicts+1, stateOps)
			}
			wantAlerts := 1
			if len(r.alerts()) != wantAlerts {
				t.Errorf("%d alerts, want %d", len(r.alerts()), wantAlerts)
			}
			if tc.wantFailed {
				// The retry after the contention ends publishes nothing again.
				if failed := r.deliverFrames(frames[len(frames)-1:], 1, "retry"); len(failed) > 0 {
					t.Fatalf("retry failed items %v", failed)
				}
				if len(r.alerts()) != 1 {
					t.Errorf("%d alerts after the retry, want 1", len(r.alerts()))
				}
			}
		})
	}
}

// TestSNSFailureRetriesThenItemFailure lets SNS fail every attempt of the
// first publish: the SDK tries MaxAttempts times, the frame's message becomes
// a batch item failure (and only it), the episode claim is released, and the
// redelivered message publishes the alert exactly once.
func TestSNSFailureRetriesThenItemFailure(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	frames := firingPrefix(t, sc)
	r := newRig(t)
	r.configureCamera(sc.config)
	r.store(frames)
	if failed := r.deliverFrames(frames[:len(frames)-1], 10, "warm"); len(failed) > 0 {
		t.Fatalf("warm-up failed items %v", failed)
	}
	r.aws.mu.Lock()
	r.aws.failPublishes = 3
	r.aws.mu.Unlock()

	fired := frames[len(frames)-1]
	unrelated := frameMessage("other", fired, len(fired.JPEG))
	unrelated.Body = "{}"
	failed := r.deliver(frameMessage("fire", fired, len(fired.JPEG)), unrelated)
	if !slices.Equal(failed, []string{"fire"}) {
		t.Fatalf("failed items %v, want only the firing frame's message", failed)
	}
	r.aws.mu.Lock()
	attempts := r.aws.publishAttempts
	r.aws.mu.Unlock()
	if attempts != 3 {
		t.Errorf("SNS saw %d publish attempts, want 3 (the SDK's retries)", attempts)
	}
	if len(r.alerts()) != 0 {
		t.Fatalf("alerts published despite SNS failing")
	}
	ev := engineEvents(t, sc.config, frames)[0]
	if lease := r.aws.item(episodeTable, ev.EpisodeID)[attrLeaseUntil].(map[string]any)["N"]; lease != "0" {
		t.Errorf("episode claim not released: lease %v", lease)
	}
	// SQS redelivers the message; SNS works again.
	for range 2 {
		if failed := r.deliver(frameMessage("fire", fired, len(fired.JPEG))); len(failed) > 0 {
			t.Fatalf("redelivery failed items %v", failed)
		}
	}
	if got := r.alerts(); len(got) != 1 || got[0].EpisodeID != ev.EpisodeID {
		t.Fatalf("alerts after redelivery %+v, want one for %s", got, ev.EpisodeID)
	}
}

// TestFramesThatCanNeverBeAnalysed covers corrupt, huge and missing objects,
// an unconfigured camera and malformed messages: each is recorded (log line,
// audit record, metric) and acknowledged, never retried. A transient S3
// error, by contrast, is retried.
func TestFramesThatCanNeverBeAnalysed(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	good := sc.frames[0]
	tests := []struct {
		name       string
		setup      func(r *rig, f *frame)
		size       int // notification size; 0 = the object's
		body       string
		wantReason string
		wantRetry  bool
	}{
		{name: "corrupt object", setup: func(r *rig, f *frame) { r.aws.putObject(testBucket, f.Key, []byte("\xff\xd8\xffnot really a jpeg")) }, wantReason: string(ReasonFrameCorrupt)},
		{name: "object larger than the limit", setup: func(r *rig, f *frame) {
			r.aws.putObject(testBucket, f.Key, bytes.Repeat([]byte{0xff}, int(DefaultMaxFrameBytes)+1))
		}, size: 1000, wantReason: string(ReasonObjectTooLarge)},
		{name: "notification announces a huge object", setup: func(r *rig, f *frame) { r.store([]frame{*f}) }, size: int(DefaultMaxFrameBytes) + 1, wantReason: string(ReasonObjectTooLarge)},
		{name: "missing object", setup: func(*rig, *frame) {}, wantReason: string(ReasonFrameMissing)},
		{name: "camera not configured", setup: func(r *rig, f *frame) {
			r.store([]frame{*f})
			r.aws.putObject(testBucket, DefaultCameraConfigPrefix+testStream+".json", []byte("camera_id: Not A Valid ID\n"))
		}, wantReason: string(ReasonCameraNotConfigured)},
		{name: "malformed message", setup: func(*rig, *frame) {}, body: `{"Records": [`, wantReason: string(ReasonMalformed)},
		{name: "transient S3 error", setup: func(r *rig, f *frame) {
			r.store([]frame{*f})
			r.aws.mu.Lock()
			r.aws.failGets[testBucket+"/"+f.Key] = 3
			r.aws.mu.Unlock()
		}, wantRetry: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.configureCamera(sc.config)
			f := good
			tc.setup(r, &f)
			size := tc.size
			if size == 0 {
				size = len(good.JPEG)
			}
			msg := frameMessage("m-1", f, size)
			if tc.body != "" {
				msg.Body = tc.body
			}
			r.setClock(f.EventTime)
			failed := r.deliver(msg)
			if tc.wantRetry != (len(failed) == 1) {
				t.Fatalf("failed items %v, want retry %v", failed, tc.wantRetry)
			}
			if tc.wantRetry {
				if n := r.metricSum("FrameErrors", "", ""); n != 1 {
					t.Errorf("FrameErrors metric %v, want 1", n)
				}
				return
			}
			var reasons []string
			for _, l := range r.stdout.Lines() {
				if s, ok := l["reason"].(string); ok && l["audit"] != true {
					reasons = append(reasons, s)
				}
			}
			if !slices.Contains(reasons, tc.wantReason) {
				t.Errorf("log reasons %v, want %s", reasons, tc.wantReason)
			}
			if tc.wantReason == string(ReasonMalformed) || tc.name == "notification announces a huge object" {
				return // refused before the pipeline: the notification handler's log line is the record
			}
			audited := r.records("frame.analyse")
			if len(audited) != 1 || audited[0]["outcome"] != "rejected" || audited[0]["reason"] != tc.wantReason {
				t.Errorf("audit records %v, want one rejected %s", audited, tc.wantReason)
			}
			if n := r.metricSum("FramesRejected", "Reason", tc.wantReason); n != 1 {
				t.Errorf("FramesRejected{Reason=%s} = %v, want 1", tc.wantReason, n)
			}
			if item := r.aws.item(stateTable, mustCameraID(t, sc.config)); item != nil {
				t.Errorf("a frame that was not analysed saved state %v", item)
			}
		})
	}
}

// TestCameraOffline checks the schedule: a camera within its limit, one past
// it (one alert, however many checks), and one that never sent a frame.
func TestCameraOffline(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	cfg, err := detection.ParseCameraConfig(sc.config)
	if err != nil {
		t.Fatal(err)
	}
	limit := cfg.OfflineAfter.Std()
	if limit == 0 {
		limit = detection.DefaultOfflineAfter
	}
	first := sc.frames[0]
	tests := []struct {
		name       string
		sendFrame  bool
		checks     []time.Duration // after the frame's arrival
		wantAlerts int
	}{
		{name: "within the limit", sendFrame: true, checks: []time.Duration{limit / 2, limit}},
		{name: "past the limit", sendFrame: true, checks: []time.Duration{limit + time.Second, limit + time.Minute, limit + time.Hour}, wantAlerts: 1},
		{name: "never sent a frame", checks: []time.Duration{limit + time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.configureCamera(sc.config)
			r.store([]frame{first})
			if tc.sendFrame {
				if failed := r.deliverFrames([]frame{first}, 1, "m"); len(failed) > 0 {
					t.Fatalf("failed items %v", failed)
				}
			}
			for _, after := range tc.checks {
				at := first.EventTime.Add(after)
				r.setClock(at)
				if _, err := r.invoke(r.scheduled(at)); err != nil {
					t.Fatalf("offline check at +%v: %v", after, err)
				}
			}
			got := r.alerts()
			if len(got) != tc.wantAlerts {
				t.Fatalf("%d alerts, want %d", len(got), tc.wantAlerts)
			}
			for _, a := range got {
				if a.Type != detection.EventCameraOffline || a.CameraID != cfg.CameraID || !a.StartedAt.Equal(first.EventTime.Add(limit)) {
					t.Errorf("offline alert %+v", a)
				}
			}
			if n := r.metricSum("Events", "EventType", string(detection.EventCameraOffline)); n != float64(tc.wantAlerts) {
				t.Errorf("Events{EventType=camera_offline} = %v, want %d (once per outage)", n, tc.wantAlerts)
			}
			if n := r.metricSum("CamerasChecked", "", ""); n != float64(len(tc.checks)) {
				t.Errorf("CamerasChecked = %v, want %d", n, len(tc.checks))
			}
		})
	}
}

// TestInvokeRefusesUnknownEvents checks that only SQS batches and scheduled
// events are accepted.
func TestInvokeRefusesUnknownEvents(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, payload := range []string{`[]`, `{"Records":[{"eventSource":"aws:s3"}]}`, `{"source":"aws.s3","detail-type":"Object Created"}`, `not json`} {
		if _, err := r.fn.Invoke(t.Context(), json.RawMessage(payload)); err == nil {
			t.Errorf("Invoke(%s) succeeded", payload)
		}
	}
	if ops := r.aws.operations(); len(ops) != 0 {
		t.Errorf("refused events reached AWS: %v", ops)
	}
}

// TestInvokeFixtures sends the recorded SQS events of testdata through the
// whole function, with a frame stored at every key they name and only the
// stream cam-301 configured: each fixture's frames for cam-301 are analysed,
// everything else is acknowledged, and nothing is retried.
func TestInvokeFixtures(t *testing.T) {
	t.Parallel()
	sc := renderScenario(t, "fall-01")
	cameraID := mustCameraID(t, sc.config)
	tests := []struct {
		fixture      string
		wantAnalysed int
	}{
		{fixture: "frame-created.json", wantAnalysed: 1},
		{fixture: "url-encoded-key.json", wantAnalysed: 1},
		{fixture: "batch-one-bad.json", wantAnalysed: 1},       // cam-302 has no configuration
		{fixture: "two-records-one-bad.json", wantAnalysed: 1}, // likewise
		{fixture: "bad-url-escape.json"},
		{fixture: "malformed-json.json"},
		{fixture: "not-a-notification.json"},
		{fixture: "other-bucket.json"},
		{fixture: "oversized-object.json"},
		{fixture: "s3-test-event.json"},
		{fixture: "wrong-event-type.json"},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.configureStream("cam-301", sc.config)
			event := loadEvent(t, tc.fixture)
			for _, msg := range event.Records {
				var n events.S3Event
				if json.Unmarshal([]byte(msg.Body), &n) != nil {
					continue
				}
				for _, rec := range n.Records {
					r.aws.putObject(testBucket, rec.S3.Object.URLDecodedKey, sc.frames[0].JPEG)
				}
			}
			r.setClock(time.Date(2026, 12, 4, 19, 30, 2, 0, time.UTC))
			raw, err := os.ReadFile(filepath.Join("testdata", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.fn.Invoke(t.Context(), raw)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if failed := failureIDs(out.(events.SQSEventResponse)); len(failed) > 0 {
				t.Errorf("failed items %v, want none", failed)
			}
			analysed := 0
			if state := r.aws.item(stateTable, cameraID); state != nil {
				analysed = versionOf(state)
			}
			if analysed != tc.wantAnalysed {
				t.Errorf("%d frames analysed, want %d", analysed, tc.wantAnalysed)
			}
		})
	}
}
