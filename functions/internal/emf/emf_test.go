package emf

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEmit(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 19, 30, 0, 0, time.UTC)
	many := make([]float64, 150)
	tests := []struct {
		name        string
		extra       map[string]string
		metrics     []Metric
		wantRecords int
		wantDims    []string
		wantErr     string
	}{
		{name: "one value", metrics: []Metric{{Name: "Frames", Unit: Count, Values: []float64{3}}}, wantRecords: 1, wantDims: []string{"FunctionName"}},
		{name: "extra dimension", extra: map[string]string{"EventType": "fall"}, metrics: []Metric{{Name: "Events", Unit: Count, Values: []float64{1}}}, wantRecords: 1, wantDims: []string{"EventType", "FunctionName"}},
		{name: "no values", metrics: []Metric{{Name: "Errors", Unit: Count}}, wantRecords: 0},
		{name: "split above 100 values", metrics: []Metric{{Name: "FrameLatency", Unit: Milliseconds, Values: many}}, wantRecords: 2, wantDims: []string{"FunctionName"}},
		{name: "metric named like a dimension", metrics: []Metric{{Name: "FunctionName", Unit: Count, Values: []float64{1}}}, wantErr: "clashes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			w := NewWriter(&buf, "MediGuard/Test", map[string]string{"FunctionName": "detector"})
			err := w.Emit(at, tc.extra, tc.metrics...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Emit error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if buf.Len() == 0 {
				lines = nil
			}
			if len(lines) != tc.wantRecords {
				t.Fatalf("%d records, want %d", len(lines), tc.wantRecords)
			}
			values := 0
			for _, line := range lines {
				var rec struct {
					AWS struct {
						Timestamp         int64
						CloudWatchMetrics []struct {
							Namespace  string
							Dimensions [][]string
							Metrics    []struct{ Name, Unit string }
						}
					} `json:"_aws"`
				}
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("record is not JSON: %v", err)
				}
				var raw map[string]any
				_ = json.Unmarshal([]byte(line), &raw)
				d := rec.AWS.CloudWatchMetrics[0]
				if rec.AWS.Timestamp != at.UnixMilli() || d.Namespace != "MediGuard/Test" {
					t.Errorf("metadata = %+v", rec.AWS)
				}
				if !reflect.DeepEqual(d.Dimensions, [][]string{tc.wantDims}) {
					t.Errorf("dimensions = %v, want %v", d.Dimensions, tc.wantDims)
				}
				for _, dim := range tc.wantDims {
					if _, ok := raw[dim].(string); !ok {
						t.Errorf("dimension %s has no value member", dim)
					}
				}
				for _, m := range d.Metrics {
					switch v := raw[m.Name].(type) {
					case float64:
						values++
					case []any:
						values += len(v)
					default:
						t.Errorf("metric %s has no value member", m.Name)
					}
				}
			}
			want := 0
			for _, m := range tc.metrics {
				want += len(m.Values)
			}
			if values != want {
				t.Errorf("records carry %d values, want %d", values, want)
			}
		})
	}
}
