package anomalydetector

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestCameraDocumentsAreWrittenWhereTheFunctionReadsThem(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Cameras = []CameraDocument{
		{CameraID: "cam-1", StreamName: pulumi.String("cam-1-stream-abc"), Config: `{"camera_id":"cam-1"}`},
		{CameraID: "cam-2", StreamName: pulumi.String("cam-2-stream-def"), Config: `{"camera_id":"cam-2"}`},
	}
	r := mustRun(t, args)
	objects := r.ByType("aws:s3/bucketObjectv2:BucketObjectv2")
	if len(objects) != 2 {
		t.Fatalf("%d camera documents, want 2", len(objects))
	}
	for i, want := range []struct{ key, content string }{
		{"cameras/cam-1-stream-abc.json", `{"camera_id":"cam-1"}`},
		{"cameras/cam-2-stream-def.json", `{"camera_id":"cam-2"}`},
	} {
		in := inputs(objects[i])
		if in["key"] != want.key || in["content"] != want.content || in["bucket"] != framesBucket {
			t.Errorf("document %d: bucket %v key %v content %v", i, in["bucket"], in["key"], in["content"])
		}
		if in["serverSideEncryption"] != "aws:kms" || in["kmsKeyId"] != phiKeyARN {
			t.Errorf("document %d is not encrypted with the PHI key: %v %v", i, in["serverSideEncryption"], in["kmsKeyId"])
		}
	}
}

func TestInvalidCameraDocumentsRegisterNothing(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Cameras = []CameraDocument{
		{CameraID: "cam-1", StreamName: pulumi.String("s1"), Config: `{"camera_id":`},
		{CameraID: "cam-1", Config: `{}`},
	}
	r, err := run(t, args)
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"Cameras[0].Config", "Cameras[1].CameraID", "Cameras[1].StreamName"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if n := len(r.Resources()); n != 0 {
		t.Errorf("%d resources registered for invalid args", n)
	}
}
