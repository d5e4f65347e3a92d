package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// HTTPOptions configure an HTTP multipart MJPEG camera.
type HTTPOptions struct {
	// Client makes the requests. The default has connect, TLS handshake and
	// response-header timeouts and no overall timeout (the stream is endless).
	Client *http.Client
	// FrameTimeout is the longest wait for the next frame before the
	// connection is dropped and re-established (default 10s).
	FrameTimeout time.Duration
	// InitialBackoff and MaxBackoff bound the exponential, jittered wait
	// between reconnection attempts (defaults 500ms and 30s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxFrameBytes bounds one part (DefaultMaxFrameBytes when <= 0).
	MaxFrameBytes int
	// Now timestamps frames on arrival (time.Now when nil).
	Now func() time.Time
}

// HTTPCamera reads a camera serving multipart/x-mixed-replace JPEG parts. It
// reconnects with backoff whenever the connection fails, stalls or ends; a 4xx
// answer (wrong URL, credentials) stops it with an error.
type HTTPCamera struct {
	url     string
	display string // URL without credentials or query, for errors
	opts    HTTPOptions
	backoff *backoff.ExponentialBackOff

	mu     sync.Mutex // guards cancel, used from context.AfterFunc
	cancel context.CancelFunc
	body   io.ReadCloser
	parts  *multipart.Reader
	seq    int
	closed bool
}

// NewHTTPCamera returns a camera for rawURL (http or https). It connects on the
// first Next.
func NewHTTPCamera(rawURL string, opts HTTPOptions) (*HTTPCamera, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("open HTTP camera: not an http(s) URL")
	}
	display := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	if opts.Client == nil {
		opts.Client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
		}}
	}
	if opts.FrameTimeout <= 0 {
		opts.FrameTimeout = 10 * time.Second
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.MaxFrameBytes <= 0 {
		opts.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = opts.InitialBackoff
	b.MaxInterval = opts.MaxBackoff
	return &HTTPCamera{url: rawURL, display: display, opts: opts, backoff: b}, nil
}

// Live is true: frames are timestamped on arrival.
func (c *HTTPCamera) Live() bool { return true }

// Next returns the next JPEG part, reconnecting as needed. Refs are
// "http#<n>" counting frames since the source opened.
func (c *HTTPCamera) Next(ctx context.Context) (Frame, error) {
	// Cancelling ctx aborts whatever connection Next is blocked on.
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	for {
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		if c.parts == nil {
			if err := c.connect(ctx); err != nil {
				var perm *backoff.PermanentError
				if errors.As(err, &perm) {
					return Frame{}, perm.Unwrap()
				}
				if ctx.Err() != nil {
					return Frame{}, ctx.Err()
				}
				if err := c.wait(ctx); err != nil {
					return Frame{}, err
				}
				continue
			}
		}
		data, err := c.readPart()
		if err == nil || errors.Is(err, ErrBadFrame) {
			c.backoff.Reset()
			c.seq++
			ref := fmt.Sprintf("http#%06d", c.seq)
			if err != nil {
				return Frame{}, fmt.Errorf("read %s: %w", ref, err)
			}
			return Frame{Ref: ref, Timestamp: c.opts.Now(), JPEG: data}, nil
		}
		// The connection ended, stalled or broke: drop it and reconnect.
		c.disconnect()
		if ctx.Err() != nil {
			return Frame{}, ctx.Err()
		}
		if err := c.wait(ctx); err != nil {
			return Frame{}, err
		}
	}
}

// wait sleeps for the next backoff interval or until ctx ends.
func (c *HTTPCamera) wait(ctx context.Context) error {
	t := time.NewTimer(c.backoff.NextBackOff())
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// connect opens the stream and checks it is multipart.
func (c *HTTPCamera) connect(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return backoff.Permanent(fmt.Errorf("read HTTP camera %s: source closed", c.display))
	}
	connCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(connCtx, http.MethodGet, c.url, nil)
	if err != nil {
		cancel()
		return backoff.Permanent(fmt.Errorf("open HTTP camera %s: %w", c.display, err))
	}
	timer := time.AfterFunc(c.opts.FrameTimeout, cancel)
	resp, err := c.opts.Client.Do(req)
	timer.Stop()
	if err != nil {
		cancel()
		return fmt.Errorf("connect HTTP camera %s: %w", c.display, redactURLError(err))
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		resp.Body.Close()
		cancel()
		return backoff.Permanent(fmt.Errorf("connect HTTP camera %s: server answered %s", c.display, resp.Status))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return fmt.Errorf("connect HTTP camera %s: server answered %s", c.display, resp.Status)
	}
	mediaType, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") || params["boundary"] == "" {
		resp.Body.Close()
		cancel()
		return backoff.Permanent(fmt.Errorf("connect HTTP camera %s: content type %q is not a multipart stream", c.display, resp.Header.Get("Content-Type")))
	}
	// Some cameras put the leading dashes into the declared boundary.
	boundary := strings.TrimPrefix(params["boundary"], "--")
	c.body = resp.Body
	c.parts = multipart.NewReader(resp.Body, boundary)
	return nil
}

// readPart reads one JPEG part within the frame timeout. The part is scanned
// as a JPEG and returned at its end-of-image marker, without waiting for the
// next boundary: cameras send that boundary only with the next frame, so
// reading the part to its end would delay every frame by one frame interval.
// The part is not closed here (closing would wait for that boundary); the next
// NextPart skips whatever is left of it.
func (c *HTTPCamera) readPart() ([]byte, error) {
	c.mu.Lock()
	cancel := c.cancel
	c.mu.Unlock()
	timer := time.AfterFunc(c.opts.FrameTimeout, cancel)
	defer timer.Stop()
	part, err := c.parts.NextPart()
	if err != nil {
		return nil, fmt.Errorf("read HTTP camera %s: %w", c.display, err)
	}
	data, err := NewMJPEGScanner(part, c.opts.MaxFrameBytes).Next()
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("part holds no JPEG: %w", ErrBadFrame)
	case err != nil && !errors.Is(err, ErrBadFrame):
		return nil, fmt.Errorf("read HTTP camera %s: %w", c.display, err)
	}
	return data, err
}

// abort cancels the current connection, unblocking a pending read.
func (c *HTTPCamera) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
}

// disconnect closes the current connection.
func (c *HTTPCamera) disconnect() {
	c.abort()
	if c.body != nil {
		c.body.Close()
	}
	c.body, c.parts = nil, nil
}

// Close drops the connection; later calls to Next fail.
func (c *HTTPCamera) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.disconnect()
	return nil
}

// redactURLError strips the request URL (which may hold credentials or
// tokens) from a client error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
