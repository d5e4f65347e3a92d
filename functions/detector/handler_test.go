package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const testBucket = "mediguard-dev-frames"

var testConfig = Config{FramesBucket: testBucket, KeyPrefix: "frames/"}

// recordingSink keeps accepted frames and fails for the keys in failKeys.
type recordingSink struct {
	frames   []FrameRef
	failKeys map[string]bool
}

func (s *recordingSink) AcceptFrame(_ context.Context, f FrameRef) error {
	if s.failKeys[f.Key] {
		return errors.New("downstream unavailable")
	}
	s.frames = append(s.frames, f)
	return nil
}

func loadEvent(t *testing.T, name string) events.SQSEvent {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var event events.SQSEvent
	if err := json.Unmarshal(data, &event); err != nil {
		t.Fatalf("decode fixture %s: %v", name, err)
	}
	return event
}

// logLines decodes the JSON log lines the handler wrote.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		lines = append(lines, m)
	}
	return lines
}

func reasons(lines []map[string]any) []string {
	var out []string
	for _, l := range lines {
		if r, ok := l["reason"].(string); ok {
			out = append(out, r)
		}
	}
	return out
}

func failureIDs(resp events.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestHandleFixtures(t *testing.T) {
	t.Parallel()
	const (
		k1 = "frames/111122223333_cam-301_1796412601000_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"
		k2 = "frames/111122223333_cam-302_1796412601200_0b8e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5.jpg"
	)
	tests := []struct {
		fixture      string
		wantKeys     []string
		wantReasons  []string
		wantFailures []string
	}{
		{fixture: "frame-created.json", wantKeys: []string{k1}},
		{fixture: "s3-test-event.json"},
		{fixture: "malformed-json.json", wantReasons: []string{"malformed"}},
		{fixture: "wrong-event-type.json", wantReasons: []string{"wrong_event_type"}},
		{fixture: "oversized-object.json", wantReasons: []string{"object_too_large"}},
		{fixture: "url-encoded-key.json", wantKeys: []string{"frames/night shift_111122223333_cam-301_1796412601000_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"}},
		{fixture: "batch-one-bad.json", wantKeys: []string{k1, k2}, wantReasons: []string{"key_layout"}},
		{fixture: "bad-url-escape.json", wantReasons: []string{"malformed"}},
		{fixture: "not-a-notification.json", wantReasons: []string{"not_s3_notification"}},
		{fixture: "other-bucket.json", wantReasons: []string{"unexpected_bucket"}},
		{fixture: "two-records-one-bad.json", wantKeys: []string{k1}, wantReasons: []string{"empty_object"}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			sink := &recordingSink{}
			h, err := NewHandler(testConfig, sink, slog.New(slog.NewJSONHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := h.Handle(context.Background(), loadEvent(t, tc.fixture))
			if err != nil {
				t.Fatalf("Handle returned an error (would retry the whole batch): %v", err)
			}
			if got := failureIDs(resp); !slices.Equal(got, tc.wantFailures) {
				t.Errorf("batch item failures = %v, want %v", got, tc.wantFailures)
			}
			var keys []string
			for _, f := range sink.frames {
				keys = append(keys, f.Key)
			}
			if !slices.Equal(keys, tc.wantKeys) {
				t.Errorf("accepted keys = %v, want %v", keys, tc.wantKeys)
			}
			if got := reasons(logLines(t, &logs)); !slices.Equal(got, tc.wantReasons) {
				t.Errorf("rejection reasons = %v, want %v", got, tc.wantReasons)
			}
		})
	}
}

func TestHandleParsesFrameFields(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{}
	h, err := NewHandler(testConfig, sink, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Handle(context.Background(), loadEvent(t, "frame-created.json")); err != nil {
		t.Fatal(err)
	}
	if len(sink.frames) != 1 {
		t.Fatalf("accepted %d frames, want 1", len(sink.frames))
	}
	want := FrameRef{
		MessageID:  "4d8c4a4e-0001-4c1b-9a0e-000000000001",
		Bucket:     testBucket,
		Key:        "frames/111122223333_cam-301_1796412601000_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg",
		Size:       23811,
		Sequencer:  "0065A7B3C1D2E3F401",
		EventTime:  time.Date(2026, 12, 4, 19, 30, 1, 412e6, time.UTC),
		StreamName: "cam-301",
		CapturedAt: time.UnixMilli(1796412601000).UTC(),
	}
	if got := sink.frames[0]; got != want {
		t.Errorf("frame = %+v\nwant    %+v", got, want)
	}
}

func TestHandleRetriesOnlyMessagesWhoseSinkFailed(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{failKeys: map[string]bool{
		"frames/111122223333_cam-302_1796412601200_0b8e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5.jpg": true,
	}}
	h, err := NewHandler(testConfig, sink, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.Handle(context.Background(), loadEvent(t, "batch-one-bad.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := failureIDs(resp), []string{"4d8c4a4e-0009-4c1b-9a0e-000000000009"}; !slices.Equal(got, want) {
		t.Errorf("batch item failures = %v, want %v (the malformed message is acknowledged, not retried)", got, want)
	}
	if len(sink.frames) != 1 {
		t.Errorf("accepted %d frames, want 1", len(sink.frames))
	}
}

func TestHandleDefersEveryMessageWhenOutOfTime(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{}
	h, err := NewHandler(testConfig, sink, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	event := loadEvent(t, "batch-one-bad.json")
	resp, err := h.Handle(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(resp.BatchItemFailures); got != len(event.Records) {
		t.Errorf("%d batch item failures, want all %d messages", got, len(event.Records))
	}
	if len(sink.frames) != 0 {
		t.Errorf("accepted %d frames after the deadline", len(sink.frames))
	}
}

// TestLogsCarryNoBodyContent feeds bodies holding a fake patient name and checks
// the log never repeats it, whichever way the message fails.
func TestLogsCarryNoBodyContent(t *testing.T) {
	t.Parallel()
	const marker = "PATIENT-JANE-DOE"
	var logs bytes.Buffer
	h, err := NewHandler(testConfig, &recordingSink{}, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{
		`{"Records":[{"eventSource":"aws:s3","s3":{"object":{"key":"frames/` + marker,
		`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-12-04T19:30:01Z","s3":{"bucket":{"name":"` + testBucket + `"},"object":{"key":"frames/` + marker + `.jpg","size":10,"sequencer":"0A"}}}]}`,
		`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"` + marker + `"}]}`,
		`{"Note":"` + marker + `"}`,
	}
	var event events.SQSEvent
	for i, b := range bodies {
		event.Records = append(event.Records, events.SQSMessage{MessageId: string(rune('a' + i)), Body: b})
	}
	if _, err := h.Handle(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if got := len(reasons(logLines(t, &logs))); got != len(bodies) {
		t.Errorf("%d rejections logged, want %d", got, len(bodies))
	}
	if strings.Contains(logs.String(), marker) {
		t.Errorf("log repeats message body content")
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr []string
	}{
		{
			name: "defaults",
			env:  map[string]string{EnvFramesBucket: testBucket, EnvFrameKeyPrefix: "frames/"},
			want: Config{FramesBucket: testBucket, KeyPrefix: "frames/", MaxFrameBytes: DefaultMaxFrameBytes},
		},
		{
			name: "explicit limit and bucket root",
			env:  map[string]string{EnvFramesBucket: testBucket, EnvMaxFrameBytes: "1048576"},
			want: Config{FramesBucket: testBucket, MaxFrameBytes: 1 << 20},
		},
		{
			name:    "every problem named",
			env:     map[string]string{EnvFramesBucket: "Bad_Bucket", EnvFrameKeyPrefix: "/frames", EnvMaxFrameBytes: "lots"},
			wantErr: []string{"frames bucket", "frame key prefix", EnvMaxFrameBytes},
		},
		{
			name:    "negative limit",
			env:     map[string]string{EnvFramesBucket: testBucket, EnvMaxFrameBytes: "-1"},
			wantErr: []string{"negative"},
		},
		{
			name:    "missing bucket",
			env:     map[string]string{},
			wantErr: []string{"frames bucket"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("ConfigFromEnv succeeded, want errors naming %v", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("config = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestNewHandlerRejectsMissingDependencies(t *testing.T) {
	t.Parallel()
	_, err := NewHandler(Config{}, nil, nil)
	if err == nil {
		t.Fatal("NewHandler succeeded without config, sink or logger")
	}
	for _, w := range []string{"frames bucket", "sink", "logger"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %q", err, w)
		}
	}
}

// TestHandleOrdersFramesAndDefersBehindFailures delivers a batch out of
// capture order: the sink sees each stream's frames oldest first, and after a
// frame fails, the later frames of its stream are deferred while other
// streams carry on.
func TestHandleOrdersFramesAndDefersBehindFailures(t *testing.T) {
	t.Parallel()
	message := func(id, stream string, millis int64) events.SQSMessage {
		key := fmt.Sprintf("frames/111122223333_%s_%d_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg", stream, millis)
		body := `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-12-04T19:30:01Z",` +
			`"s3":{"bucket":{"name":"` + testBucket + `"},"object":{"key":"` + key + `","size":100,"sequencer":"0A"}}}]}`
		return events.SQSMessage{MessageId: id, Body: body}
	}
	batch := events.SQSEvent{Records: []events.SQSMessage{
		message("a3", "cam-a", 3000), message("b2", "cam-b", 2000), message("a1", "cam-a", 1000),
		message("b1", "cam-b", 1000), message("a2", "cam-a", 2000),
	}}
	tests := []struct {
		name       string
		failKey    string // the frame the sink refuses
		wantOrder  []string
		wantFailed []string
	}{
		{name: "all succeed", wantOrder: []string{"a1", "b1", "b2", "a2", "a3"}}, // ties keep delivery order
		{
			name:       "oldest frame of a stream fails",
			failKey:    "a1",
			wantOrder:  []string{"b1", "b2"},
			wantFailed: []string{"a3", "a1", "a2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sink := &recordingSink{failKeys: map[string]bool{}}
			for _, m := range batch.Records {
				if m.MessageId == tc.failKey {
					var n struct {
						Records []events.S3EventRecord
					}
					_ = json.Unmarshal([]byte(m.Body), &n)
					sink.failKeys[n.Records[0].S3.Object.Key] = true
				}
			}
			h, err := NewHandler(testConfig, sink, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := h.Handle(context.Background(), batch)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			for _, f := range sink.frames {
				order = append(order, f.MessageID)
			}
			if !slices.Equal(order, tc.wantOrder) {
				t.Errorf("sink order = %v, want %v", order, tc.wantOrder)
			}
			if got := failureIDs(resp); !slices.Equal(got, tc.wantFailed) {
				t.Errorf("batch item failures = %v, want %v", got, tc.wantFailed)
			}
		})
	}
}
