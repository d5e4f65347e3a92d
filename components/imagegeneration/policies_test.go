package imagegeneration

import "testing"

func TestARNParsers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parse func(string) (string, error)
		arn   string
		want  string // "" means an error
	}{
		{"stream", streamName, stream101, "camera-cam-101-stream"},
		{"stream in GovCloud", streamName, "arn:aws-us-gov:kinesisvideo:us-gov-west-1:123456789012:stream/cam/1", "cam"},
		{"stream name only", streamName, "camera-cam-101-stream", ""},
		{"signaling channel", streamName, "arn:aws:kinesisvideo:us-east-1:123456789012:channel/cam/1", ""},
		{"role", roleName, producer101, "camera-cam-101-producer"},
		{"role with path", roleName, producer102, "camera-cam-102-producer"},
		{"user", roleName, "arn:aws:iam::123456789012:user/camera", ""},
		{"bucket", bucketName, framesBucketARN, framesBucket},
		{"object", bucketName, framesBucketARN + "/frames/x.jpg", ""},
		{"bucket with double dot", bucketName, "arn:aws:s3:::a..b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.parse(tt.arn)
			if tt.want == "" {
				if err == nil {
					t.Errorf("accepted %q as %q", tt.arn, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
