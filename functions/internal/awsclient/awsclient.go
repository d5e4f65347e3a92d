// Package awsclient builds the AWS configuration every MediGuard Lambda
// handler shares, so production and the wire-level tests use the same retry
// policy.
//
// The handlers run inside an SQS event source mapping that already redelivers
// failed messages, so the SDK's own retries are kept short: a few attempts with
// a capped backoff, enough to ride out a throttle or a 5xx without spending
// the invocation's time budget on one call.
package awsclient

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
)

// MaxAttempts is how many times a call is sent before its error is returned
// (the first try plus two retries): the SDK's standard mode.
const MaxAttempts = 3

// DefaultMaxBackoff caps the jittered exponential backoff between attempts.
const DefaultMaxBackoff = 2 * time.Second

// NewRetryer returns the standard-mode retryer (retrying throttles, 5xx,
// timeouts and connection errors, with a client-side retry token bucket)
// limited to MaxAttempts and backing off at most maxBackoff.
func NewRetryer(maxBackoff time.Duration) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = MaxAttempts
		o.MaxBackoff = maxBackoff
	})
}

// Load reads the Lambda environment's region and credentials (the execution
// role) and installs the shared retry policy.
func Load(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
		return NewRetryer(DefaultMaxBackoff)
	}))
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}
