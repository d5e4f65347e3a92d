package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// DefaultMaxFrameBytes is the largest frame object accepted when the
// configuration sets no limit: 4.5 MiB, the decoded size of the largest image
// Kinesis Video Streams hands out (GetImages caps ImageContent at 6,291,456
// base64 characters). A frame this size is far above the 320x240..1080p JPEGs
// detection needs; anything larger is not a frame KVS generated and would only
// cost Lambda memory.
const DefaultMaxFrameBytes int64 = 6291456 / 4 * 3

// Environment variables the function reads; the AnomalyDetector component sets them.
const (
	EnvFramesBucket   = "FRAMES_BUCKET"
	EnvFrameKeyPrefix = "FRAME_KEY_PREFIX"
	EnvMaxFrameBytes  = "MAX_FRAME_BYTES"
)

// Config is what the handler accepts.
type Config struct {
	// FramesBucket is the only bucket whose notifications are accepted.
	FramesBucket string
	// KeyPrefix is the path KVS image generation writes under ("frames/");
	// empty means the bucket root.
	KeyPrefix string
	// MaxFrameBytes rejects larger objects; 0 means DefaultMaxFrameBytes.
	MaxFrameBytes int64
}

// bucketName follows the S3 general purpose bucket naming rules.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ConfigFromEnv reads the handler configuration from the environment through
// getenv (os.Getenv in the function) and validates it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		FramesBucket: getenv(EnvFramesBucket),
		KeyPrefix:    getenv(EnvFrameKeyPrefix),
	}
	var errs []error
	if v := getenv(EnvMaxFrameBytes); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: not an integer", EnvMaxFrameBytes))
		}
		cfg.MaxFrameBytes = n
	}
	errs = append(errs, cfg.Validate())
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if !bucketName.MatchString(c.FramesBucket) || strings.Contains(c.FramesBucket, "..") {
		errs = append(errs, fmt.Errorf("frames bucket %q is not a valid S3 bucket name", c.FramesBucket))
	}
	if c.KeyPrefix != "" && (strings.HasPrefix(c.KeyPrefix, "/") || !strings.HasSuffix(c.KeyPrefix, "/")) {
		errs = append(errs, fmt.Errorf("frame key prefix %q must not start with / and must end with /", c.KeyPrefix))
	}
	if c.MaxFrameBytes < 0 {
		errs = append(errs, fmt.Errorf("max frame bytes %d is negative", c.MaxFrameBytes))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.MaxFrameBytes == 0 {
		c.MaxFrameBytes = DefaultMaxFrameBytes
	}
	return c
}

// FrameRef identifies one frame object KVS image generation wrote. It carries
// no pixels: the object is read by the sink (the Pipeline) only when processed.
type FrameRef struct {
	MessageID  string    // the SQS message that carried the notification
	Bucket     string    // the frames bucket
	Key        string    // URL-decoded object key
	Size       int64     // object size in bytes
	Sequencer  string    // S3's ordering token for events on the same key
	EventTime  time.Time // when S3 stored the object
	StreamName string    // the camera's Kinesis video stream, from the key
	CapturedAt time.Time // the video time of the frame, from the key
}

// FrameSink receives every frame the handler accepted. A returned error makes
// the message carrying the frame a batch item failure, so SQS delivers it
// again: sinks must be idempotent per (Key, Sequencer).
type FrameSink interface {
	AcceptFrame(ctx context.Context, frame FrameRef) error
}

// Handler turns SQS batches of S3 notifications into frames for a sink.
type Handler struct {
	config Config
	sink   FrameSink
	log    *slog.Logger
}

// NewHandler validates cfg and returns a handler that hands accepted frames to
// sink and writes structured log lines to logger.
func NewHandler(cfg Config, sink FrameSink, logger *slog.Logger) (*Handler, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if sink == nil {
		errs = append(errs, errors.New("frame sink is nil"))
	}
	if logger == nil {
		errs = append(errs, errors.New("logger is nil"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("new detector handler: %w", err)
	}
	return &Handler{config: cfg.withDefaults(), sink: sink, log: logger}, nil
}

// Handle processes one SQS batch. It never fails the whole batch: messages
// that cannot succeed are logged and acknowledged, and only messages worth
// retrying are returned as batch item failures (the event source mapping sets
// ReportBatchItemFailures).
//
// The batch's frames go to the sink in capture order, not delivery order: a
// standard queue does not keep order, and the engine drops a frame older than
// one it has already analysed. After a frame fails, the later frames of the
// same stream in the batch are deferred too, so a retry does not arrive
// behind frames that overtook it.
func (h *Handler) Handle(ctx context.Context, event events.SQSEvent) (events.SQSEventResponse, error) {
	retry := map[string]bool{}
	var frames []FrameRef
	for _, msg := range event.Records {
		if err := ctx.Err(); err != nil {
			h.postpone(ctx, msg.MessageId, "invocation_ending")
			retry[msg.MessageId] = true
			continue
		}
		frames = append(frames, h.parseMessage(ctx, msg)...)
	}
	slices.SortStableFunc(frames, func(a, b FrameRef) int { return a.CapturedAt.Compare(b.CapturedAt) })
	failedStreams := map[string]bool{}
	for _, frame := range frames {
		switch {
		case retry[frame.MessageID]:
			// An earlier record of the same message already failed.
		case ctx.Err() != nil:
			h.postpone(ctx, frame.MessageID, "invocation_ending")
			retry[frame.MessageID] = true
		case failedStreams[frame.StreamName]:
			h.postpone(ctx, frame.MessageID, "behind_failed_frame")
			retry[frame.MessageID] = true
		default:
			if err := h.sink.AcceptFrame(ctx, frame); err != nil {
				h.log.ErrorContext(ctx, "frame sink failed; message will be retried",
					"message_id", frame.MessageID, "key", frame.Key, "error", err.Error())
				retry[frame.MessageID] = true
				failedStreams[frame.StreamName] = true
			}
		}
	}
	var resp events.SQSEventResponse
	for _, msg := range event.Records {
		if retry[msg.MessageId] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
		}
	}
	return resp, nil
}

// postpone logs a message left for SQS to deliver again.
func (h *Handler) postpone(ctx context.Context, messageID, reason string) {
	h.log.WarnContext(ctx, "message deferred", "message_id", messageID, "reason", reason)
}

// parseMessage returns the frames of msg, logging and acknowledging the
// notifications and records that can never be processed.
func (h *Handler) parseMessage(ctx context.Context, msg events.SQSMessage) []FrameRef {
	note, err := parseNotification(msg.Body)
	if err != nil {
		h.reject(ctx, msg, -1, err)
		return nil
	}
	if note.testEvent {
		h.log.InfoContext(ctx, "s3 test event acknowledged", "message_id", msg.MessageId)
		return nil
	}
	var frames []FrameRef
	for i, record := range note.records {
		frame, err := h.frameFromRecord(msg.MessageId, record)
		if err != nil {
			h.reject(ctx, msg, i, err)
			continue
		}
		frames = append(frames, frame)
	}
	return frames
}

// reject logs a notification (record -1: the whole message) that can never be
// processed. Rejections carry fixed reason codes and descriptions only.
func (h *Handler) reject(ctx context.Context, msg events.SQSMessage, record int, err error) {
	var rej *Rejection
	if !errors.As(err, &rej) {
		rej = &Rejection{Reason: ReasonMalformed, Detail: "unclassified parse failure"}
	}
	h.log.WarnContext(ctx, "notification rejected and acknowledged",
		"message_id", msg.MessageId, "record", record, "reason", string(rej.Reason), "detail", rej.Detail,
		"receive_count", msg.Attributes["ApproximateReceiveCount"])
}

// Reason is a fixed code for why a notification was not accepted.
type Reason string

// Rejection reasons.
const (
	ReasonMalformed        Reason = "malformed"           // not JSON, or fields of the wrong type
	ReasonNotNotification  Reason = "not_s3_notification" // JSON, but neither an S3 event nor a test event
	ReasonWrongEventSource Reason = "wrong_event_source"  // a record not from aws:s3
	ReasonWrongEventType   Reason = "wrong_event_type"    // not an ObjectCreated event
	ReasonUnexpectedBucket Reason = "unexpected_bucket"   // not the frames bucket
	ReasonKeyLayout        Reason = "key_layout"          // not a KVS frame key under the prefix
	ReasonEmptyObject      Reason = "empty_object"        // zero bytes
	ReasonObjectTooLarge   Reason = "object_too_large"    // above MaxFrameBytes
	ReasonMissingField     Reason = "missing_field"       // sequencer or event time absent
)

// Rejection says why a notification or record cannot be processed. Detail is
// fixed text: it never quotes the message body.
type Rejection struct {
	Reason Reason
	Detail string
}

func (r *Rejection) Error() string { return string(r.Reason) + ": " + r.Detail }

func reject(reason Reason, detail string) *Rejection {
	return &Rejection{Reason: reason, Detail: detail}
}

// notification is a parsed SQS body: either the s3:TestEvent S3 sends when a
// notification configuration is saved, or S3 event records.
type notification struct {
	testEvent bool
	records   []events.S3EventRecord
}

func parseNotification(body string) (notification, error) {
	var probe struct {
		Event   string            `json:"Event"`
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal([]byte(body), &probe); err != nil {
		return notification{}, reject(ReasonMalformed, "body is not a JSON object")
	}
	if probe.Event == "s3:TestEvent" {
		return notification{testEvent: true}, nil
	}
	if len(probe.Records) == 0 {
		return notification{}, reject(ReasonNotNotification, "body has no S3 event records")
	}
	var event events.S3Event
	if err := json.Unmarshal([]byte(body), &event); err != nil {
		// Wrong field types, an unparsable eventTime or a key with a bad URL escape.
		return notification{}, reject(ReasonMalformed, "S3 event records do not decode")
	}
	return notification{records: event.Records}, nil
}

// sequencer is S3's hexadecimal ordering token.
var sequencer = regexp.MustCompile(`^[0-9A-Fa-f]{1,64}$`)

func (h *Handler) frameFromRecord(messageID string, r events.S3EventRecord) (FrameRef, error) {
	if r.EventSource != "aws:s3" {
		return FrameRef{}, reject(ReasonWrongEventSource, "record is not from aws:s3")
	}
	if !strings.HasPrefix(r.EventName, "ObjectCreated:") {
		return FrameRef{}, reject(ReasonWrongEventType, "record is not an ObjectCreated event")
	}
	if r.S3.Bucket.Name != h.config.FramesBucket {
		return FrameRef{}, reject(ReasonUnexpectedBucket, "record is for another bucket")
	}
	key, err := ParseFrameKey(r.S3.Object.URLDecodedKey, h.config.KeyPrefix)
	if err != nil {
		return FrameRef{}, reject(ReasonKeyLayout, err.Error())
	}
	switch size := r.S3.Object.Size; {
	case size <= 0:
		return FrameRef{}, reject(ReasonEmptyObject, "object is empty")
	case size > h.config.MaxFrameBytes:
		return FrameRef{}, reject(ReasonObjectTooLarge, fmt.Sprintf("object is larger than %d bytes", h.config.MaxFrameBytes))
	}
	if !sequencer.MatchString(r.S3.Object.Sequencer) {
		return FrameRef{}, reject(ReasonMissingField, "record has no hexadecimal sequencer")
	}
	if r.EventTime.IsZero() {
		return FrameRef{}, reject(ReasonMissingField, "record has no event time")
	}
	return FrameRef{
		MessageID:  messageID,
		Bucket:     r.S3.Bucket.Name,
		Key:        r.S3.Object.URLDecodedKey,
		Size:       r.S3.Object.Size,
		Sequencer:  r.S3.Object.Sequencer,
		EventTime:  r.EventTime.UTC(),
		StreamName: key.StreamName,
		CapturedAt: key.CapturedAt,
	}, nil
}
