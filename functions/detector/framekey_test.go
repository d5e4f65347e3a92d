package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseFrameKey(t *testing.T) {
	t.Parallel()
	const guid = "f20f9add-75e7-4399-a30f-fc7aefb1bab7"
	captured := time.UnixMilli(1690707290324).UTC()
	tests := []struct {
		name    string
		key     string
		prefix  string
		want    FrameKey
		wantErr string
	}{
		{
			name: "AWS documentation example",
			key:  "111122223333_demo-stream_1690707290324_" + guid + ".jpg",
			want: FrameKey{AccountID: "111122223333", StreamName: "demo-stream", CapturedAt: captured, RandomID: guid},
		},
		{
			name:   "under the destination prefix",
			key:    "frames/111122223333_cam-301_1690707290324_" + guid + ".jpg",
			prefix: "frames/",
			want:   FrameKey{AccountID: "111122223333", StreamName: "cam-301", CapturedAt: captured, RandomID: guid},
		},
		{
			name:   "with an image prefix",
			key:    "frames/ward3_111122223333_cam-301_1690707290324_" + guid + ".jpg",
			prefix: "frames/",
			want:   FrameKey{ImagePrefix: "ward3", AccountID: "111122223333", StreamName: "cam-301", CapturedAt: captured, RandomID: guid},
		},
		{
			name: "stream name with underscores and dots",
			key:  "111122223333_ward_3.cam_301_1690707290324_" + guid + ".jpg",
			want: FrameKey{AccountID: "111122223333", StreamName: "ward_3.cam_301", CapturedAt: captured, RandomID: guid},
		},
		{name: "outside the prefix", key: "other/111122223333_cam-301_1690707290324_" + guid + ".jpg", prefix: "frames/", wantErr: "outside"},
		{name: "nested", key: "frames/x/111122223333_cam-301_1690707290324_" + guid + ".jpg", prefix: "frames/", wantErr: "nested"},
		{name: "png", key: "111122223333_cam-301_1690707290324_" + guid + ".png", wantErr: "layout"},
		{name: "no guid", key: "111122223333_cam-301_1690707290324.jpg", wantErr: "layout"},
		{name: "short account", key: "11112222333_cam-301_1690707290324_" + guid + ".jpg", wantErr: "layout"},
		{name: "timecode not numeric", key: "111122223333_cam-301_16907O7290324_" + guid + ".jpg", wantErr: "layout"},
		{name: "camera folder layout", key: "frames/cam-301/frame_0001.jpg", prefix: "frames/", wantErr: "nested"},
		{name: "too long", key: strings.Repeat("a", 1025), wantErr: "longer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFrameKey(tc.key, tc.prefix)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseFrameKey error = %v, want one mentioning %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tc.key) {
					t.Errorf("error repeats the key")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ParseFrameKey = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzParseFrameKey checks that any key either parses into fields that
// rebuild it exactly or is rejected without a panic.
func FuzzParseFrameKey(f *testing.F) {
	f.Add("frames/111122223333_cam-301_1690707290324_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg")
	f.Add("frames/p_111122223333_a_b_1_00000000-0000-0000-0000-000000000000.jpg")
	f.Add("frames/111122223333_111122223333_1_00000000-0000-0000-0000-000000000000.jpg")
	f.Add("frames/")
	f.Fuzz(func(t *testing.T, key string) {
		got, err := ParseFrameKey(key, "frames/")
		if err != nil {
			return
		}
		rebuilt := "frames/"
		if got.ImagePrefix != "" {
			rebuilt += got.ImagePrefix + "_"
		}
		rebuilt += got.AccountID + "_" + got.StreamName + "_"
		suffix := "_" + got.RandomID + ".jpg"
		timecode, ok := strings.CutPrefix(key, rebuilt)
		if !ok {
			t.Fatalf("fields %+v do not rebuild the key's start", got)
		}
		timecode, ok = strings.CutSuffix(timecode, suffix)
		if !ok {
			t.Fatalf("random ID %q is not the key's last field", got.RandomID)
		}
		millis, err := strconv.ParseInt(timecode, 10, 64)
		if err != nil || millis != got.CapturedAt.UnixMilli() {
			t.Fatalf("timecode field %q does not match captured time %v", timecode, got.CapturedAt)
		}
		if got.CapturedAt.Location() != time.UTC {
			t.Fatalf("captured time is not UTC")
		}
	})
}
