package sink

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/monitor"
)

var testSecret = []byte("webhook-secret-for-tests-0123456789")

func testAlert(episode string) monitor.Alert {
	return monitor.Alert{
		Event: detection.Event{
			EpisodeID: episode, CameraID: "cam-301", Ward: "W3", Room: "301",
			Type: detection.EventFall, Severity: detection.SeverityCritical, Confidence: 0.9,
			StartedAt:  time.Date(2026, 3, 2, 2, 0, 31, 0, time.UTC),
			DetectedAt: time.Date(2026, 3, 2, 2, 0, 35, 0, time.UTC),
			FrameRef:   "frame_000176.jpg",
		},
		Frame: []byte("\xff\xd8PIXELS\xff\xd9"),
	}
}

// receiver is a TLS webhook endpoint answering with a scripted status
// sequence (the last status repeats) and verifying every signature.
type receiver struct {
	t        *testing.T
	mu       sync.Mutex
	statuses []int
	attempts atomic.Int64
	bodies   [][]byte
	block    chan struct{} // when set, requests wait for it to close
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rc.block != nil {
		select {
		case <-rc.block:
		case <-r.Context().Done():
			return
		}
	}
	n := int(rc.attempts.Add(1))
	body, _ := io.ReadAll(r.Body)
	if err := VerifySignature(testSecret, r.Header.Get(SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("attempt %d: %v", n, err)
	}
	if r.Header.Get("Idempotency-Key") == "" || r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("attempt %d: missing headers", n)
	}
	rc.mu.Lock()
	rc.bodies = append(rc.bodies, body)
	status := rc.statuses[min(n, len(rc.statuses))-1]
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func newTestWebhook(t *testing.T, rc *receiver, queue int) (*Webhook, *httptest.Server) {
	t.Helper()
	srv := httptest.NewTLSServer(rc)
	t.Cleanup(srv.Close)
	w, err := NewWebhook(WebhookOptions{
		URL: srv.URL + "/alerts", Secret: testSecret, Client: srv.Client(), QueueSize: queue,
		MaxAttempts: 4, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, srv
}

func TestWebhookDeliveryAndRetries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		statuses     []int
		wantAttempts int64
		wantStats    WebhookStats
	}{
		{"first try", []int{200}, 1, WebhookStats{Delivered: 1}},
		{"retries 5xx then succeeds", []int{500, 503, 204}, 3, WebhookStats{Delivered: 1}},
		{"retries 429", []int{429, 200}, 2, WebhookStats{Delivered: 1}},
		{"no retry on 400", []int{400}, 1, WebhookStats{Failed: 1}},
		{"no retry on 401", []int{401, 200}, 1, WebhookStats{Failed: 1}},
		{"gives up after max attempts", []int{502}, 4, WebhookStats{Failed: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rc := &receiver{t: t, statuses: tc.statuses}
			w, _ := newTestWebhook(t, rc, 4)
			if err := w.Deliver(context.Background(), testAlert("ep-1")); err != nil {
				t.Fatal(err)
			}
			err := w.Close(context.Background())
			if (err != nil) != (tc.wantStats.Failed > 0) {
				t.Fatalf("Close = %v", err)
			}
			if got := rc.attempts.Load(); got != tc.wantAttempts {
				t.Fatalf("attempts = %d, want %d", got, tc.wantAttempts)
			}
			if got := w.Stats(); got != tc.wantStats {
				t.Fatalf("stats = %+v, want %+v", got, tc.wantStats)
			}
			var ev detection.Event
			if err := json.Unmarshal(rc.bodies[0], &ev); err != nil || ev.EpisodeID != "ep-1" {
				t.Fatalf("body is not the event: %v", err)
			}
		})
	}
}

func TestWebhookRetriesNetworkErrors(t *testing.T) {
	t.Parallel()
	rc := &receiver{t: t, statuses: []int{200}}
	srv := httptest.NewUnstartedServer(rc)
	srv.StartTLS()
	client := srv.Client()
	url := srv.URL
	srv.Close() // nothing listens now: every attempt is a connection error
	w, err := NewWebhook(WebhookOptions{URL: url, Secret: testSecret, Client: client, MaxAttempts: 3,
		InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Deliver(context.Background(), testAlert("ep-1")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err == nil {
		t.Fatal("Close reported success for an undeliverable alert")
	}
	if got := w.Stats(); got.Failed != 1 {
		t.Fatalf("stats = %+v, want one failure", got)
	}
}

func TestWebhookQueueFullNeverBlocks(t *testing.T) {
	t.Parallel()
	rc := &receiver{t: t, statuses: []int{200}, block: make(chan struct{})}
	w, _ := newTestWebhook(t, rc, 2)
	var full int
	start := time.Now()
	for i := 0; i < 10; i++ {
		err := w.Deliver(context.Background(), testAlert("ep"))
		if errors.Is(err, ErrQueueFull) {
			full++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("Deliver blocked for %s behind a dead webhook", elapsed)
	}
	// One body is in flight, two are queued: the other seven are refused.
	if full < 7 {
		t.Fatalf("%d of 10 alerts refused, want at least 7", full)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); err == nil {
		t.Fatal("Close reported success with undelivered alerts")
	}
	close(rc.block)
	if got := w.Stats(); got.Delivered != 0 || got.Dropped+got.Failed != 10 {
		t.Fatalf("stats = %+v, want all 10 dropped or failed", got)
	}
}

func TestNewWebhookRefusesInsecureTargets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url    string
		secret []byte
		ok     bool
	}{
		{"https://alerts.example.org/hook", testSecret, true},
		{"http://127.0.0.1:8080/hook", testSecret, true},
		{"http://[::1]:8080/hook", testSecret, true},
		{"http://localhost/hook", testSecret, true},
		{"http://alerts.example.org/hook", testSecret, false},
		{"http://10.0.0.5/hook", testSecret, false},
		{"ftp://alerts.example.org/hook", testSecret, false},
		{"https://user:pw@alerts.example.org/hook", testSecret, false},
		{"https://alerts.example.org/hook", []byte("short"), false},
		{"/relative", testSecret, false},
	}
	for _, tc := range cases {
		w, err := NewWebhook(WebhookOptions{URL: tc.url, Secret: tc.secret})
		if (err == nil) != tc.ok {
			t.Fatalf("NewWebhook(%s) error = %v, want ok %v", tc.url, err, tc.ok)
		}
		if w != nil {
			w.Close(context.Background())
		}
	}
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"episode_id":"ep-1"}`)
	now := time.Unix(1_780_000_000, 0)
	good := Sign(testSecret, now, body)
	cases := []struct {
		name   string
		secret []byte
		header string
		body   []byte
		at     time.Time
		ok     bool
	}{
		{"valid", testSecret, good, body, now, true},
		{"within tolerance", testSecret, good, body, now.Add(4 * time.Minute), true},
		{"stale", testSecret, good, body, now.Add(10 * time.Minute), false},
		{"body changed", testSecret, good, []byte(`{"episode_id":"ep-2"}`), now, false},
		{"wrong secret", []byte("another-secret-of-enough-length"), good, body, now, false},
		{"garbage", testSecret, "nonsense", body, now, false},
		{"timestamp swapped", testSecret, "t=" + strconv.FormatInt(now.Unix()+60, 10) + good[strings.Index(good, ","):], body, now, false},
	}
	for _, tc := range cases {
		err := VerifySignature(tc.secret, tc.header, tc.body, tc.at, 5*time.Minute)
		if (err == nil) != tc.ok {
			t.Fatalf("%s: VerifySignature = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
