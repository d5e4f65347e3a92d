package anomalydetector

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CameraDocument is the detection configuration of one camera, stored where the
// function reads it: <CameraConfigPrefix><stream name>.json in the frames
// bucket. The function keys configurations by stream name because that is what
// KVS image generation writes into each frame's key.
type CameraDocument struct {
	// CameraID names the document's resource; it must match the camera_id
	// inside Config.
	CameraID string
	// StreamName is the camera's Kinesis video stream name (an output of the
	// videostream component).
	StreamName pulumi.StringInput
	// Config is the camera configuration as JSON (the detection package's
	// CameraConfig: zones, masks, privacy regions, schedules, risk flags). It
	// holds facility codes and risk flags only, never patient identifiers.
	Config string
}

// cameraDocuments writes each camera's configuration document into the frames
// bucket, encrypted with the PHI key. Producers cannot write under the
// configuration prefix (their roles only reach Kinesis Video), so a camera
// cannot rewrite its own zones.
func (b builder) cameraDocuments() error {
	for _, cam := range b.cfg.Cameras {
		key := cam.StreamName.ToStringOutput().ApplyT(func(stream string) string {
			return b.cfg.CameraConfigPrefix + stream + ".json"
		}).(pulumi.StringOutput)
		if _, err := s3.NewBucketObjectv2(b.ctx, fmt.Sprintf("%s-camera-%s", b.name, cam.CameraID), &s3.BucketObjectv2Args{
			Bucket:               b.cfg.FramesBucketName,
			Key:                  key,
			Content:              pulumi.String(cam.Config),
			ContentType:          pulumi.String("application/json"),
			ServerSideEncryption: pulumi.String("aws:kms"),
			KmsKeyId:             b.cfg.PHIKeyARN,
			Tags:                 b.cfg.tags(),
		}, b.parent); err != nil {
			return fmt.Errorf("write camera %s configuration: %w", cam.CameraID, err)
		}
	}
	return nil
}
