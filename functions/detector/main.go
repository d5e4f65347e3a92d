package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		logger.Error("detector configuration is invalid", "error", err.Error())
		os.Exit(1)
	}
	handler, err := NewHandler(cfg, LogSink{Logger: logger}, logger)
	if err != nil {
		logger.Error("detector handler could not start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(handler.Handle)
}
