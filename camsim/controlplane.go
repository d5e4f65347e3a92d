package camsim

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"
)

// NewControlPlane returns the Kinesis Video Streams control-plane client
// for [Client.ControlPlane], at endpoint when it is not empty. KVS throttles
// with ClientLimitExceededException (HTTP 400), which the SDK's standard
// retryer does not take for a throttle; it is made retryable, so a busy
// account delays the data endpoint lookup instead of failing it.
func NewControlPlane(cfg aws.Config, endpoint string) *kinesisvideo.Client {
	throttled := (&types.ClientLimitExceededException{}).ErrorCode()
	return kinesisvideo.NewFromConfig(cfg, func(o *kinesisvideo.Options) {
		if o.Retryer == nil {
			o.Retryer = retry.NewStandard()
		}
		o.Retryer = retry.AddWithErrorCodes(o.Retryer, throttled)
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}
