package main

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"
)

// newKinesisVideo returns the control-plane client the handler uses. KVS
// throttles with ClientLimitExceededException (HTTP 400), which the SDK's
// standard retryer does not take for a throttle, so it is made retryable:
// a deployment with many cameras calls the control plane in a burst.
func newKinesisVideo(cfg aws.Config, optFns ...func(*kinesisvideo.Options)) *kinesisvideo.Client {
	throttled := (&types.ClientLimitExceededException{}).ErrorCode()
	retryThrottles := func(o *kinesisvideo.Options) {
		if o.Retryer == nil {
			o.Retryer = retry.NewStandard()
		}
		o.Retryer = retry.AddWithErrorCodes(o.Retryer, throttled)
	}
	return kinesisvideo.NewFromConfig(cfg, append([]func(*kinesisvideo.Options){retryThrottles}, optFns...)...)
}
