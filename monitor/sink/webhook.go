package sink

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/mediguard/mediguard/monitor"
)

// SignatureHeader carries the webhook signature: "t=<unix seconds>,v1=<hex>"
// where the hex is HMAC-SHA256(secret, "<t>.<body>").
const SignatureHeader = "X-MediGuard-Signature"

// MinSecretBytes is the shortest webhook secret accepted.
const MinSecretBytes = 16

// ErrQueueFull is returned by Deliver when the webhook is so far behind that
// its queue is full; the alert is dropped for this sink (other sinks still
// get it) rather than block detection.
var ErrQueueFull = errors.New("webhook queue full")

// WebhookOptions configure a webhook sink.
type WebhookOptions struct {
	URL    string
	Secret []byte
	// Client sends the requests (default: 10s timeout per attempt).
	Client *http.Client
	// QueueSize bounds alerts waiting for delivery (default 256).
	QueueSize int
	// MaxAttempts per alert, first try included (default 6).
	MaxAttempts int
	// InitialBackoff and MaxBackoff bound the exponential, jittered wait
	// between attempts (defaults 500ms and 30s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Audit records deliveries, failures and drops (nil records nothing).
	Audit *monitor.Audit
	// Now is the signing clock (time.Now when nil).
	Now func() time.Time
}

// WebhookStats count what became of the alerts handed to a webhook.
type WebhookStats struct {
	Delivered int64
	Failed    int64 // gave up: 4xx answer or attempts exhausted
	Dropped   int64 // queue full, or still queued when the sink closed
}

// Webhook POSTs each alert's event JSON to an HTTPS endpoint, signed with
// HMAC-SHA256. A single worker delivers from a bounded queue, retrying 5xx,
// 408, 429 and network errors with exponential backoff and jitter; other 4xx
// answers are final.
type Webhook struct {
	opts     WebhookOptions
	target   string // scheme://host of the URL, for errors and audit
	queue    chan []byte
	stop     chan struct{} // closed to abandon in-flight retries
	done     chan struct{} // closed when the worker exits
	closing  sync.Once
	stopping sync.Once
	mu       sync.RWMutex // guards closed against concurrent Deliver
	closed   bool

	delivered, failed, dropped atomic.Int64
}

// NewWebhook validates the options and starts the delivery worker. Plain
// http:// is refused except to a loopback address (for local testing): alert
// metadata must not cross a network unencrypted.
func NewWebhook(opts WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Host == "" {
		return nil, errors.New("webhook: URL is not absolute")
	}
	target := u.Scheme + "://" + u.Host
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("webhook %s: plain http is only allowed to loopback; use https", target)
		}
	default:
		return nil, fmt.Errorf("webhook %s: scheme must be https", target)
	}
	if u.User != nil {
		return nil, fmt.Errorf("webhook %s: credentials in the URL are refused; the HMAC secret authenticates", target)
	}
	if len(opts.Secret) < MinSecretBytes {
		return nil, fmt.Errorf("webhook %s: secret is %d bytes, want at least %d", target, len(opts.Secret), MinSecretBytes)
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 256
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 6
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &Webhook{
		opts:   opts,
		target: target,
		queue:  make(chan []byte, opts.QueueSize),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go w.run()
	return w, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Name is "webhook".
func (w *Webhook) Name() string { return "webhook" }

// Stats returns the delivery counters.
func (w *Webhook) Stats() WebhookStats {
	return WebhookStats{Delivered: w.delivered.Load(), Failed: w.failed.Load(), Dropped: w.dropped.Load()}
}

// Deliver queues the event (never the frame) without blocking.
func (w *Webhook) Deliver(_ context.Context, a monitor.Alert) error {
	body, err := json.Marshal(a.Event)
	if err != nil {
		return fmt.Errorf("webhook %s: encode event %s: %w", w.target, a.Event.EpisodeID, err)
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return fmt.Errorf("webhook %s: event %s: sink closed", w.target, a.Event.EpisodeID)
	}
	select {
	case w.queue <- body:
		return nil
	default:
		w.dropped.Add(1)
		w.opts.Audit.Record("webhook.dropped", "episode:"+a.Event.EpisodeID, "webhook:"+w.target)
		return fmt.Errorf("webhook %s: event %s: %w", w.target, a.Event.EpisodeID, ErrQueueFull)
	}
}

// Close stops accepting alerts and waits for the queue to drain until ctx
// ends; whatever is still queued then is dropped and counted.
func (w *Webhook) Close(ctx context.Context) error {
	w.closing.Do(func() {
		w.mu.Lock()
		w.closed = true
		close(w.queue)
		w.mu.Unlock()
	})
	select {
	case <-w.done:
	case <-ctx.Done():
		w.stopping.Do(func() { close(w.stop) })
		<-w.done
	}
	if n := w.dropped.Load() + w.failed.Load(); n > 0 {
		return fmt.Errorf("webhook %s: %d alerts not delivered", w.target, n)
	}
	return nil
}

// run delivers queued bodies in order.
func (w *Webhook) run() {
	defer close(w.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-w.stop:
			cancel()
		case <-w.done:
		}
	}()
	for body := range w.queue {
		episode := episodeOf(body)
		if ctx.Err() != nil {
			w.dropped.Add(1)
			w.opts.Audit.Record("webhook.dropped", "episode:"+episode, "webhook:"+w.target)
			continue
		}
		if err := w.send(ctx, body); err != nil {
			w.failed.Add(1)
			w.opts.Audit.Record("webhook.failed", "episode:"+episode, "webhook:"+w.target)
			continue
		}
		w.delivered.Add(1)
		w.opts.Audit.Record("webhook.delivered", "episode:"+episode, "webhook:"+w.target)
	}
}

// episodeOf recovers the episode ID of a queued body for audit entries.
func episodeOf(body []byte) string {
	var ev struct {
		EpisodeID string `json:"episode_id"`
	}
	json.Unmarshal(body, &ev)
	return ev.EpisodeID
}

// send makes the attempts for one body.
func (w *Webhook) send(ctx context.Context, body []byte) error {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = w.opts.InitialBackoff
	b.MaxInterval = w.opts.MaxBackoff
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		return struct{}{}, w.attempt(ctx, body)
	}, backoff.WithBackOff(b), backoff.WithMaxTries(uint(w.opts.MaxAttempts)), backoff.WithMaxElapsedTime(0))
	return err
}

// attempt makes one signed POST. 4xx answers other than 408 and 429 are
// permanent; everything else is worth another try.
func (w *Webhook) attempt(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.URL, bytes.NewReader(body))
	if err != nil {
		return backoff.Permanent(fmt.Errorf("webhook %s: %w", w.target, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(w.opts.Secret, w.opts.Now(), body))
	req.Header.Set("Idempotency-Key", episodeOf(body))
	resp, err := w.opts.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook %s: %w", w.target, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64*1024))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("webhook %s: answered %s", w.target, resp.Status)
	default:
		return backoff.Permanent(fmt.Errorf("webhook %s: answered %s", w.target, resp.Status))
	}
}

// Sign returns the signature header value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifySignature checks a signature header against body for a receiver: the
// MAC must match one v1 value and the timestamp must be within tolerance of
// now (replay protection).
func VerifySignature(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, field := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(field), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("verify webhook signature: malformed header")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return errors.New("verify webhook signature: timestamp outside tolerance")
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return errors.New("verify webhook signature: signature does not match")
}
