package videostream

import (
	"errors"
	"fmt"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Token is the component's type token.
const Token = "mediguard:video:VideoStream"

// MediaType is the stream's content: H.264 video from the room cameras.
const MediaType = "video/h264"

// VideoStream is one camera's Kinesis video stream, encrypted with the PHI
// key, and the role its producer assumes to send video to it and nowhere else.
type VideoStream struct {
	pulumi.ResourceState

	StreamARN       pulumi.StringOutput `pulumi:"streamArn"`
	StreamName      pulumi.StringOutput `pulumi:"streamName"`
	ProducerRoleARN pulumi.StringOutput `pulumi:"producerRoleArn"`

	// KMSViaService is the kms:ViaService value for this stream's region,
	// known when NewVideoStream returns; pass it in a ConsumerGrant.
	KMSViaService string
}

// NewVideoStream validates args, then registers the stream and its producer
// role. Invalid args register nothing and name every problem.
func NewVideoStream(ctx *pulumi.Context, name string, args *VideoStreamArgs, opts ...pulumi.ResourceOption) (*VideoStream, error) {
	if name == "" {
		return nil, fmt.Errorf("videostream: name is required")
	}
	cfg, err := args.resolve()
	if err != nil {
		return nil, fmt.Errorf("videostream %s: invalid args: %w", name, err)
	}

	stream := &VideoStream{}
	if err := ctx.RegisterComponentResourceV2(Token, name, pulumi.Map{
		"cameraId":           pulumi.String(cfg.cameraID),
		"wardCode":           pulumi.String(cfg.wardCode),
		"roomCode":           pulumi.String(cfg.roomCode),
		"kmsKeyArn":          cfg.kmsKeyARN,
		"dataRetentionHours": pulumi.Int(cfg.retentionHours),
		"producerPrincipal":  pulumi.String(cfg.producerPrincipal),
		"protect":            pulumi.Bool(cfg.protect),
	}, stream, opts...); err != nil {
		return nil, fmt.Errorf("register videostream %s: %w", name, err)
	}
	parent := pulumi.Parent(stream)

	// Account and region come from invokes parented to the component, so
	// they are those of the provider that creates the stream and are known
	// at preview.
	env, err := awsenv.Lookup(ctx, parent)
	if err != nil {
		return nil, fmt.Errorf("videostream %s: %w", name, err)
	}
	stream.KMSViaService = KMSViaService(env.Region, env.DNSSuffix)

	// A key ARN known only after another resource resolves is checked here,
	// so an alias (including the AWS managed key) never reaches the stream.
	keyARN := cfg.kmsKeyARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		if err := checkKeyARN(arn); err != nil {
			return "", fmt.Errorf("videostream %s: %w", name, err)
		}
		return arn, nil
	}).(pulumi.StringOutput)

	videoStream, err := kinesis.NewVideoStream(ctx, name+"-stream", &kinesis.VideoStreamArgs{
		DataRetentionInHours: pulumi.Int(cfg.retentionHours),
		DeviceName:           pulumi.String(cfg.cameraID),
		KmsKeyId:             keyARN,
		MediaType:            pulumi.String(MediaType),
		Tags:                 cfg.childTags(),
	}, parent, pulumi.Protect(cfg.protect))
	if err != nil {
		return nil, fmt.Errorf("videostream %s: create stream: %w", name, err)
	}

	trust, err := producerTrustPolicy(cfg, env.AccountID).JSON()
	if err != nil {
		return nil, fmt.Errorf("videostream %s: render producer trust policy: %w", name, err)
	}
	producerName := name + "-producer"
	role, err := iam.NewRole(ctx, producerName, &iam.RoleArgs{
		Description:      pulumi.String("Sends video of camera " + cfg.cameraID + " to its Kinesis video stream"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             cfg.childTags(),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("videostream %s: create producer role: %w", name, err)
	}
	policy, err := iam.NewPolicy(ctx, producerName, &iam.PolicyArgs{
		Description: pulumi.String("PutMedia to the stream of camera " + cfg.cameraID + " only"),
		Policy: pulumi.All(videoStream.Arn, keyARN).ApplyT(func(v []any) (string, error) {
			return policydoc.New(producerStatements(v[0].(string), v[1].(string), stream.KMSViaService)...).JSON()
		}).(pulumi.StringOutput),
		Tags: cfg.childTags(),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("videostream %s: create producer policy: %w", name, err)
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, producerName, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, parent); err != nil {
		return nil, fmt.Errorf("videostream %s: attach producer policy: %w", name, err)
	}

	stream.StreamARN = videoStream.Arn
	stream.StreamName = videoStream.Name
	stream.ProducerRoleARN = role.Arn
	if err := ctx.RegisterResourceOutputs(stream, pulumi.Map{
		"streamArn":       stream.StreamARN,
		"streamName":      stream.StreamName,
		"producerRoleArn": stream.ProducerRoleARN,
	}); err != nil {
		return nil, fmt.Errorf("register videostream %s outputs: %w", name, err)
	}
	return stream, nil
}

// ConsumerStatementsOutput returns an output that resolves to the
// []policydoc.Statement a reader of streams needs (see ConsumerStatements),
// all encrypted with keyARN. It fits an ExtraStatements-style pulumi.Output
// argument such as the anomaly detector's. The streams must share a region,
// because the statements name one kms:ViaService.
func ConsumerStatementsOutput(keyARN pulumi.StringInput, streams ...*VideoStream) (pulumi.Output, error) {
	if keyARN == nil {
		return nil, errors.New("consumer statements: key ARN is required")
	}
	if len(streams) == 0 {
		return nil, errors.New("consumer statements: no streams")
	}
	viaService := streams[0].KMSViaService
	arns := make(pulumi.StringArray, 0, len(streams))
	for i, s := range streams {
		if s.KMSViaService != viaService {
			return nil, fmt.Errorf("consumer statements: stream %d is read via %s, stream 0 via %s; grant each region separately", i, s.KMSViaService, viaService)
		}
		arns = append(arns, s.StreamARN)
	}
	return pulumi.All(arns, keyARN).ApplyT(func(v []any) ([]policydoc.Statement, error) {
		return ConsumerStatements(ConsumerGrant{StreamARNs: v[0].([]string), KMSKeyARN: v[1].(string), KMSViaService: viaService})
	}), nil
}
