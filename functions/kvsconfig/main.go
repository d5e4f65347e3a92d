package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mediguard/mediguard/functions/internal/awsclient"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	awsConfig, err := awsclient.Load(context.Background())
	if err != nil {
		logger.Error("kvsconfig could not load its AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	handler, err := NewHandler(newKinesisVideo(awsConfig), logger)
	if err != nil {
		logger.Error("kvsconfig could not start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(handler.Invoke)
}
