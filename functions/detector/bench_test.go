package main

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkHandleFrame measures the handler's time per frame against the
// local doubles: one SQS message per invocation, the full path (S3 read,
// state read, engine, conditional state write) over a benign scenario played
// back continuously. It reports the median and 99th percentile per frame.
func BenchmarkHandleFrame(b *testing.B) {
	sc := renderScenario(b, "walk-and-sit-01")
	r := newRig(b)
	r.configureCamera(sc.config)
	start := sc.frames[0].Captured
	step := sc.frames[1].Captured.Sub(start)
	frames := make([]frame, b.N)
	for i := range frames {
		src := sc.frames[i%len(sc.frames)]
		captured := start.Add(time.Duration(i) * step)
		frames[i] = frame{
			Key:       fmt.Sprintf("frames/%s_%s_%d_%08x-0000-4000-8000-%012x.jpg", testAccount, testStream, captured.UnixMilli(), i, i),
			JPEG:      src.JPEG,
			Captured:  captured,
			EventTime: captured.Add(time.Second),
		}
	}
	r.store(frames)
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		f := frames[i]
		r.setClock(f.EventTime)
		begin := time.Now()
		if failed := r.deliver(frameMessage(fmt.Sprint(i), f, len(f.JPEG))); len(failed) > 0 {
			b.Fatalf("frame %d failed", i)
		}
		latencies = append(latencies, time.Since(begin))
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "ms/frame-p50")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "ms/frame-p99")
}

// BenchmarkFirstInvocation is the in-process part of the cold-start proxy:
// building the function (clients, pipeline) and its first invocation, which
// reads the camera configuration, finds no state, builds a detector from
// scratch and saves its first state. Process start and package
// initialisation are measured separately by running the built binary.
func BenchmarkFirstInvocation(b *testing.B) {
	sc := renderScenario(b, "walk-and-sit-01")
	f := sc.frames[0]
	for b.Loop() {
		b.StopTimer()
		r := newRig(b)
		r.configureCamera(sc.config)
		r.store([]frame{f})
		r.setClock(f.EventTime)
		b.StartTimer()
		fn, err := NewFunction(testConfig, r.config, r.aws.clients(), r.stdout, r.now)
		if err != nil {
			b.Fatal(err)
		}
		r.fn = fn
		if failed := r.deliver(frameMessage("first", f, len(f.JPEG))); len(failed) > 0 {
			b.Fatal("first frame failed")
		}
	}
}
