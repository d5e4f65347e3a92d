package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestRecord(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 19, 30, 0, 0, time.FixedZone("EST", -5*3600))
	tests := []struct {
		name    string
		ctx     context.Context
		objects []string
		want    Record
	}{
		{
			name:    "inside an invocation",
			ctx:     lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"}),
			objects: []string{"s3://b/k"},
			want:    Record{Audit: true, Time: at.UTC(), Actor: "detector", RequestID: "req-1", Action: "frame.analyse", Outcome: Succeeded, Objects: []string{"s3://b/k"}},
		},
		{
			name: "no objects",
			ctx:  context.Background(),
			want: Record{Audit: true, Time: at.UTC(), Actor: "detector", Action: "frame.analyse", Outcome: Succeeded, Objects: []string{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			w := NewWriter(&buf, "detector", func() time.Time { return at })
			if err := w.Record(tc.ctx, "frame.analyse", Succeeded, "", tc.objects...); err != nil {
				t.Fatal(err)
			}
			var got Record
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("record is not JSON: %v", err)
			}
			if got.Time.Location() != time.UTC || !got.Time.Equal(tc.want.Time) {
				t.Errorf("time = %v, want %v in UTC", got.Time, tc.want.Time)
			}
			got.Time = tc.want.Time
			if got.Actor != tc.want.Actor || got.RequestID != tc.want.RequestID || got.Action != tc.want.Action ||
				got.Outcome != tc.want.Outcome || !got.Audit || len(got.Objects) != len(tc.want.Objects) {
				t.Errorf("record = %+v, want %+v", got, tc.want)
			}
		})
	}
}
