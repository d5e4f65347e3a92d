package camsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"
)

// PutMedia request headers and signing constants.
const (
	headerStreamName     = "X-Amzn-Stream-Name"
	headerTimecodeType   = "X-Amzn-Fragment-Timecode-Type"
	headerProducerStart  = "X-Amzn-Producer-Start-Timestamp"
	headerContentSHA256  = "X-Amz-Content-Sha256"
	unsignedPayload      = "UNSIGNED-PAYLOAD"
	signingService       = "kinesisvideo"
	putMediaPath         = "/putMedia"
	timecodeTypeAbsolute = "ABSOLUTE"
)

// maxErrorBody caps how much of a failed response is read into an error.
const maxErrorBody = 4 << 10

// DataEndpoints is the control-plane call the client needs;
// *kinesisvideo.Client satisfies it.
type DataEndpoints interface {
	GetDataEndpoint(ctx context.Context, in *kinesisvideo.GetDataEndpointInput, optFns ...func(*kinesisvideo.Options)) (*kinesisvideo.GetDataEndpointOutput, error)
}

// RetryPolicy bounds reconnecting after a retryable failure.
type RetryPolicy struct {
	// MaxAttempts is how many connections in a row may fail before Stream
	// gives up; a connection that persisted a fragment resets the count.
	MaxAttempts int
	// InitialBackoff doubles after each failed connection, up to MaxBackoff.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
}

// DefaultRetryPolicy rides out a service restart or a connection reaching
// its maximum duration without holding fragments for long.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 6, InitialBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second}

// Client sends fragments to one stream with PutMedia.
type Client struct {
	// StreamName is the Kinesis video stream.
	StreamName string
	// ControlPlane answers GetDataEndpoint; Region and Credentials sign
	// the PutMedia requests (the same the control-plane client uses).
	ControlPlane DataEndpoints
	Region       string
	Credentials  aws.CredentialsProvider
	// HTTP sends the PutMedia requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Retry bounds reconnection; the zero value means DefaultRetryPolicy.
	Retry RetryPolicy
	// Pace sends each fragment once its last frame would have been
	// captured, as a live camera does; false sends as fast as possible.
	Pace bool
	// Now is the camera clock; nil means time.Now.
	Now func() time.Time
	// OnAck, when set, is told of every acknowledgement (timecodes only).
	OnAck func(Ack)
}

// Stats summarise a Stream call.
type Stats struct {
	Fragments   int // distinct fragments taken from the source
	Persisted   int // fragments KVS acknowledged as persisted
	Connections int // PutMedia requests made
	Resent      int // fragments sent again after a reconnection
}

// stream is the state of one Stream call shared by its connections.
type stream struct {
	c     *Client
	start time.Time // producer start: the absolute time of the video's start
	track Track

	mu      sync.Mutex
	pending []Fragment // sent (or to send again), not yet persisted, in order
	first   *Fragment  // taken from the source before the first connection
	done    bool       // the source is exhausted
	stats   Stats
}

// Stream sends every fragment from fragments (until it is closed) and
// returns once all are persisted, a failure is not retryable, or retries are
// exhausted. Fragments must share one track.
func (c *Client) Stream(ctx context.Context, fragments <-chan Fragment) (Stats, error) {
	if c.StreamName == "" || c.ControlPlane == nil || c.Credentials == nil || c.Region == "" {
		return Stats{}, errors.New("putmedia: stream name, control plane client, region and credentials are required")
	}
	s := &stream{c: c}
	select {
	case f, ok := <-fragments:
		if !ok {
			return Stats{}, errors.New("putmedia: the source produced no fragments")
		}
		s.first, s.track = &f, f.Track
		s.stats.Fragments = 1
	case <-ctx.Done():
		return Stats{}, ctx.Err()
	}
	s.start = c.now()

	policy := c.retryPolicy()
	failures := 0
	for {
		persistedBefore := s.persisted()
		err := s.connect(ctx, fragments)
		if err == nil {
			return s.snapshot(), nil
		}
		if ctx.Err() != nil {
			return s.snapshot(), ctx.Err()
		}
		if !retryable(err) {
			return s.snapshot(), fmt.Errorf("putmedia %s: %w", c.StreamName, err)
		}
		if s.persisted() > persistedBefore {
			failures = 0
		}
		failures++
		if failures >= policy.MaxAttempts {
			return s.snapshot(), fmt.Errorf("putmedia %s: giving up after %d failed connections: %w", c.StreamName, failures, err)
		}
		wait := policy.InitialBackoff << (failures - 1)
		if wait > policy.MaxBackoff || wait <= 0 {
			wait = policy.MaxBackoff
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return s.snapshot(), ctx.Err()
		}
	}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) retryPolicy() RetryPolicy {
	if c.Retry.MaxAttempts <= 0 {
		return DefaultRetryPolicy
	}
	return c.Retry
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// requestError is a connection that failed outside an acknowledgement:
// the data endpoint lookup, the request, or the response.
type requestError struct {
	status    int // HTTP status; 0 when no response arrived
	message   string
	retryable bool
	err       error // the cause, when there is one
}

func (e *requestError) Error() string {
	message := e.message
	if e.err != nil {
		message += ": " + e.err.Error()
	}
	if e.status == 0 {
		return "PutMedia connection failed: " + message
	}
	return fmt.Sprintf("PutMedia request failed: HTTP %d: %s", e.status, message)
}

func (e *requestError) Unwrap() error { return e.err }

func (e *requestError) canRetry() bool { return e.retryable }

// retryable reports whether a new connection may succeed where err failed;
// errors that do not say are taken as connection trouble.
func retryable(err error) bool {
	var classified interface{ canRetry() bool }
	if errors.As(err, &classified) {
		return classified.canRetry()
	}
	return true
}

// connect makes one PutMedia connection: it resends the pending fragments,
// then sends new ones from the source, and reads the acknowledgements. It
// returns nil once the source is exhausted and every fragment persisted.
func (s *stream) connect(ctx context.Context, fragments <-chan Fragment) error {
	c := s.c
	endpoint, err := c.ControlPlane.GetDataEndpoint(ctx, &kinesisvideo.GetDataEndpointInput{
		StreamName: aws.String(c.StreamName),
		APIName:    types.APINamePutMedia,
	})
	if err != nil {
		// The SDK has already retried throttling and service errors; what is
		// left (no such stream, access denied) a reconnection cannot fix.
		return &requestError{message: "get PUT_MEDIA data endpoint", err: err}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	body, bodyWriter := io.Pipe()
	req, err := s.request(ctx, aws.ToString(endpoint.DataEndpoint), body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.stats.Connections++
	resend := append([]Fragment(nil), s.pending...)
	if s.stats.Connections > 1 {
		s.stats.Resent += len(resend)
	}
	s.mu.Unlock()

	writerDone := make(chan error, 1)
	go func() {
		err := s.write(ctx, bodyWriter, resend, fragments)
		bodyWriter.CloseWithError(err)
		writerDone <- err
	}()
	defer func() {
		cancel()
		body.CloseWithError(context.Canceled)
		<-writerDone
	}()

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return &requestError{message: "send", err: err, retryable: true}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		retryable := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return &requestError{status: resp.StatusCode, message: strings.TrimSpace(string(text)), retryable: retryable}
	}
	if err := s.readAcks(resp.Body); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done && len(s.pending) == 0 && s.first == nil {
		return nil
	}
	return &requestError{status: http.StatusOK, message: fmt.Sprintf("connection closed with %d fragments not persisted", len(s.pending)), retryable: true}
}

// request builds the signed PutMedia request streaming body.
func (s *stream) request(ctx context.Context, endpoint string, body io.Reader) (*http.Request, error) {
	c := s.c
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+putMediaPath, body)
	if err != nil {
		return nil, fmt.Errorf("build PutMedia request: %w", err)
	}
	req.ContentLength = -1 // chunked: the stream has no length
	req.Header.Set(headerStreamName, c.StreamName)
	req.Header.Set(headerTimecodeType, timecodeTypeAbsolute)
	req.Header.Set(headerProducerStart, producerTimestamp(s.start))
	req.Header.Set(headerContentSHA256, unsignedPayload)
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieve AWS credentials: %w", err)
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, unsignedPayload, signingService, c.Region, c.now()); err != nil {
		return nil, fmt.Errorf("sign PutMedia request: %w", err)
	}
	return req, nil
}

// producerTimestamp formats t as PutMedia expects: seconds since the epoch
// with millisecond decimals.
func producerTimestamp(t time.Time) string {
	ms := t.UnixMilli()
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}

// write sends the stream header, the fragments to resend, then new
// fragments until the source is exhausted.
func (s *stream) write(ctx context.Context, w io.Writer, resend []Fragment, fragments <-chan Fragment) error {
	if err := writeStreamHeader(w, s.track); err != nil {
		return err
	}
	for _, f := range resend {
		if err := writeCluster(w, f, s.start.Add(f.Start)); err != nil {
			return err
		}
	}
	for {
		f, ok, err := s.next(ctx, fragments)
		if err != nil || !ok {
			return err
		}
		// Pending from now on, so a connection that ends while the fragment
		// waits for its capture time still sends it on the next one.
		s.mu.Lock()
		s.pending = append(s.pending, f)
		s.mu.Unlock()
		if err := s.pace(ctx, f); err != nil {
			return err
		}
		if err := writeCluster(w, f, s.start.Add(f.Start)); err != nil {
			return err
		}
	}
}

// next takes the next fragment: the one read before the first connection,
// then the source's. ok is false once the source is exhausted.
func (s *stream) next(ctx context.Context, fragments <-chan Fragment) (f Fragment, ok bool, err error) {
	s.mu.Lock()
	if s.first != nil {
		f, s.first = *s.first, nil
		s.mu.Unlock()
		return f, true, nil
	}
	done := s.done
	s.mu.Unlock()
	if done {
		return Fragment{}, false, nil
	}
	select {
	case f, ok := <-fragments:
		s.mu.Lock()
		defer s.mu.Unlock()
		if !ok {
			s.done = true
			return Fragment{}, false, nil
		}
		if f.Track.CodecID != s.track.CodecID || f.Track.Width != s.track.Width || f.Track.Height != s.track.Height {
			return Fragment{}, false, errors.New("fragment track differs from the stream's")
		}
		s.stats.Fragments++
		return f, true, nil
	case <-ctx.Done():
		return Fragment{}, false, ctx.Err()
	}
}

// pace waits until the fragment's last frame has been captured.
func (s *stream) pace(ctx context.Context, f Fragment) error {
	if !s.c.Pace {
		return nil
	}
	wait := s.start.Add(f.End()).Sub(s.c.now())
	if wait <= 0 {
		return nil
	}
	select {
	case <-time.After(wait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readAcks applies acknowledgements until the response ends or reports an
// error.
func (s *stream) readAcks(body io.Reader) error {
	dec := json.NewDecoder(body)
	for {
		var ack Ack
		if err := dec.Decode(&ack); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return &requestError{status: http.StatusOK, message: "read acknowledgements", err: err, retryable: true}
		}
		if s.c.OnAck != nil {
			s.c.OnAck(ack)
		}
		switch ack.EventType {
		case AckPersisted:
			s.persist(ack.FragmentTimecode)
		case AckError:
			return ackError(ack)
		}
	}
}

// persist forgets the fragments up to the persisted one.
func (s *stream) persist(timecode uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for n < len(s.pending) && uint64(s.start.Add(s.pending[n].Start).UnixMilli()) <= timecode {
		n++
	}
	s.pending = s.pending[n:]
	s.stats.Persisted += n
}

func (s *stream) persisted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Persisted
}

func (s *stream) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}
