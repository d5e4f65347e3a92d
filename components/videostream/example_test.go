package videostream_test

import (
	"fmt"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/components/videostream"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func ExampleConsumerStatements() {
	statements, err := videostream.ConsumerStatements(videostream.ConsumerGrant{
		StreamARNs:    []string{"arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-0412-stream/1700000000000"},
		KMSKeyARN:     "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
		KMSViaService: videostream.KMSViaService("us-east-1", "amazonaws.com"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range statements {
		fmt.Println(s.Sid, s.Actions, s.Conditions)
	}
	// Output:
	// ReadVideoStreams [kinesisvideo:DescribeStream kinesisvideo:GetDataEndpoint kinesisvideo:GetImages kinesisvideo:GetMedia kinesisvideo:GetMediaForFragmentList kinesisvideo:ListFragments] map[]
	// DecryptVideoViaKinesisVideo [kms:Decrypt] map[StringEquals:map[kms:ViaService:[kinesisvideo.us-east-1.amazonaws.com]]]
}

// One stream per camera; the detector's own policy is built from
// ConsumerStatements once the stream and key ARNs resolve.
func ExampleNewVideoStream() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "phi", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		stream, err := videostream.NewVideoStream(ctx, "cam-0412", &videostream.VideoStreamArgs{
			CameraID:           "cam-0412",
			WardCode:           "ICU-2",
			RoomCode:           "R-204",
			KMSKeyARN:          key.Arn,
			DataRetentionHours: 720,
			ProducerPrincipal:  videostream.IoTCredentialsProvider,
			Protect:            true,
		})
		if err != nil {
			return err
		}
		readPolicy := pulumi.All(stream.StreamARN, key.Arn).ApplyT(func(v []any) (string, error) {
			statements, err := videostream.ConsumerStatements(videostream.ConsumerGrant{
				StreamARNs:    []string{v[0].(string)},
				KMSKeyARN:     v[1].(string),
				KMSViaService: stream.KMSViaService,
			})
			if err != nil {
				return "", err
			}
			return policydoc.New(statements...).JSON()
		}).(pulumi.StringOutput)
		_, err = iam.NewPolicy(ctx, "detector-read-video", &iam.PolicyArgs{Policy: readPolicy})
		return err
	})
}
