package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
)

// referenceLogger is a FrameSink that logs each accepted frame's reference
// (never its contents); the function's sink is the Pipeline.
type referenceLogger struct{ logger *slog.Logger }

func (s referenceLogger) AcceptFrame(ctx context.Context, f FrameRef) error {
	s.logger.InfoContext(ctx, "frame accepted",
		"message_id", f.MessageID, "bucket", f.Bucket, "key", f.Key, "size", f.Size,
		"sequencer", f.Sequencer, "event_time", f.EventTime, "stream", f.StreamName, "captured_at", f.CapturedAt)
	return nil
}

// Example shows one SQS batch with a KVS frame notification and a malformed
// message: the whole batch is parsed first (the malformed message is logged by
// ID and acknowledged), then the frame reaches the sink, and nothing is retried.
func Example() {
	// Drop the time so the output is stable.
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	handler, err := NewHandler(Config{FramesBucket: "mediguard-dev-frames", KeyPrefix: "frames/"}, referenceLogger{logger: logger}, logger)
	if err != nil {
		fmt.Println(err)
		return
	}
	frame := `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-12-04T19:30:01.412Z",` +
		`"s3":{"bucket":{"name":"mediguard-dev-frames"},"object":{"key":"frames/111122223333_cam-301_1796412601000_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg",` +
		`"size":23811,"sequencer":"0065A7B3C1D2E3F401"}}}]}`
	resp, err := handler.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "m-1", Body: frame},
		{MessageId: "m-2", Body: "not json"},
	}})
	fmt.Println(len(resp.BatchItemFailures), err)
	// Output:
	// {"level":"WARN","msg":"notification rejected and acknowledged","message_id":"m-2","record":-1,"reason":"malformed","detail":"body is not a JSON object","receive_count":""}
	// {"level":"INFO","msg":"frame accepted","message_id":"m-1","bucket":"mediguard-dev-frames","key":"frames/111122223333_cam-301_1796412601000_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg","size":23811,"sequencer":"0065A7B3C1D2E3F401","event_time":"2026-12-04T19:30:01.412Z","stream":"cam-301","captured_at":"2026-12-04T19:30:01Z"}
	// 0 <nil>
}
