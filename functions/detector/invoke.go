package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Function is the Lambda entry point: one binary serves the frame queue and
// the offline-check schedule, told apart by the shape of the event. One
// function keeps one role, one log group and one set of alarms, and the
// offline check needs the same camera directory, state table and alerter as
// the frames.
type Function struct {
	Frames   *Handler
	Pipeline *Pipeline
}

// invocation holds the members that tell the two event shapes apart.
type invocation struct {
	Records []struct {
		EventSource string `json:"eventSource"`
	} `json:"Records"`
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
}

// Invoke dispatches an SQS batch to the frame handler and an EventBridge
// scheduled event to the offline check; anything else is an error (the
// function is invoked only by those two).
func (fn *Function) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe invocation
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, errors.New("invoke detector: event is not a JSON object")
	}
	switch {
	case len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:sqs":
		var batch events.SQSEvent
		if err := json.Unmarshal(payload, &batch); err != nil {
			return nil, fmt.Errorf("invoke detector: decode SQS batch: %w", err)
		}
		return fn.Frames.Handle(ctx, batch)
	case probe.Source == "aws.events" && probe.DetailType == "Scheduled Event":
		var scheduled events.EventBridgeEvent
		if err := json.Unmarshal(payload, &scheduled); err != nil {
			return nil, fmt.Errorf("invoke detector: decode scheduled event: %w", err)
		}
		now := scheduled.Time
		if now.IsZero() {
			now = fn.Pipeline.Now()
		}
		return nil, fn.Pipeline.CheckOffline(ctx, now)
	default:
		return nil, errors.New("invoke detector: event is neither an SQS batch nor a scheduled event")
	}
}
