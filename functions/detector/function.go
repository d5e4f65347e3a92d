package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/mediguard/mediguard/functions/internal/audit"
	"github.com/mediguard/mediguard/functions/internal/emf"
)

// Clients are the AWS service clients the function uses.
type Clients struct {
	S3       *s3.Client
	DynamoDB *dynamodb.Client
	SNS      *sns.Client
}

// NewFunction assembles the frame handler and the detection pipeline. Log
// lines, audit records and metric records all go to stdout (the function's
// log group); now is the wall clock.
func NewFunction(notifications Config, pipeline PipelineConfig, clients Clients, stdout io.Writer, now func() time.Time) (*Function, error) {
	if clients.S3 == nil || clients.DynamoDB == nil || clients.SNS == nil {
		return nil, errors.New("new detector function: S3, DynamoDB and SNS clients are required")
	}
	if err := errors.Join(notifications.Validate(), pipeline.Validate()); err != nil {
		return nil, fmt.Errorf("new detector function: %w", err)
	}
	notifications = notifications.withDefaults()
	logger := slog.New(slog.NewJSONHandler(stdout, nil))
	p := &Pipeline{
		Cameras:       NewCameraDirectory(clients.S3, notifications.FramesBucket, pipeline.CameraConfigPrefix, DefaultCameraCacheTTL, now),
		Frames:        clients.S3,
		MaxFrameBytes: notifications.MaxFrameBytes,
		State:         NewStateStore(clients.DynamoDB, pipeline.StateTable),
		Alerts:        NewAlerter(clients.DynamoDB, pipeline.EpisodeTable, clients.SNS, pipeline.AlertTopicARN, DefaultPublishLease, now),
		Evidence:      NewEvidenceStore(clients.S3, pipeline, now),
		Log:           logger,
		Audit:         audit.NewWriter(stdout, pipeline.Actor, now),
		Metrics:       emf.NewWriter(stdout, MetricNamespace, map[string]string{DimensionFunctionName: pipeline.Actor}),
		Now:           now,
	}
	frames, err := NewHandler(notifications, p, logger)
	if err != nil {
		return nil, fmt.Errorf("new detector function: %w", err)
	}
	return &Function{Frames: frames, Pipeline: p}, nil
}
