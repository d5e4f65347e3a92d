package monitor_test

import (
	"context"
	"io"
	"testing"

	"github.com/mediguard/mediguard/monitor"
	"github.com/mediguard/mediguard/monitor/sink"
	"github.com/mediguard/mediguard/monitor/source"
)

// BenchmarkWatchRealFootage measures the whole local path (folder source,
// engine, JSON lines sink) over the 100 real 320x240 frames.
func BenchmarkWatchRealFootage(b *testing.B) {
	cfg := loadConfig(b)
	frames := 0
	for b.Loop() {
		src, err := source.NewFolder(vtestDir, source.FolderOptions{FPS: 5, Start: start})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := monitor.Watch(context.Background(), []monitor.Camera{{Config: cfg, Source: src}},
			monitor.Options{Sinks: []monitor.Sink{sink.NewJSONLines(io.Discard)}})
		if err != nil {
			b.Fatal(err)
		}
		frames += sum.Cameras[0].Frames
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}
