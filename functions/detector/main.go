package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/mediguard/mediguard/functions/internal/awsclient"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	notifications, err := ConfigFromEnv(os.Getenv)
	pipeline, pipelineErr := PipelineConfigFromEnv(os.Getenv)
	if err := errors.Join(err, pipelineErr); err != nil {
		logger.Error("detector configuration is invalid", "error", err.Error())
		os.Exit(1)
	}
	awsConfig, err := awsclient.Load(context.Background())
	if err != nil {
		logger.Error("detector could not load its AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	fn, err := NewFunction(notifications, pipeline, Clients{
		S3:       s3.NewFromConfig(awsConfig),
		DynamoDB: dynamodb.NewFromConfig(awsConfig),
		SNS:      sns.NewFromConfig(awsConfig),
	}, os.Stdout, time.Now)
	if err != nil {
		logger.Error("detector could not start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(fn.Invoke)
}
