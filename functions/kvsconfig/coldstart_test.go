package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkProcessStartToReady is the cold-start proxy: the time from
// starting the built handler (as Lambda builds it, for this machine's
// architecture) to its first request for an event on a local stand-in of
// the Lambda runtime API. It reports the process's peak resident memory at
// that point as peak-KiB.
func BenchmarkProcessStartToReady(b *testing.B) {
	binary := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build handler: %v\n%s", err, out)
	}
	ready := make(chan struct{}, 1)
	runtimeAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/runtime/invocation/next") {
			ready <- struct{}{}
			<-r.Context().Done() // no event: the process is stopped
			return
		}
		http.NotFound(w, r)
	}))
	defer runtimeAPI.Close()

	var peakKiB int
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(binary)
		cmd.Env = []string{
			"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(runtimeAPI.URL, "http://"),
			"AWS_REGION=us-east-1",
			"AWS_ACCESS_KEY_ID=AKIDCOLDSTART", "AWS_SECRET_ACCESS_KEY=cold-start",
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			b.Fatal("handler never asked for an event")
		}
		b.StopTimer()
		peakKiB = max(peakKiB, peakResidentKiB(cmd.Process.Pid))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		b.StartTimer()
	}
	b.ReportMetric(float64(peakKiB), "peak-KiB")
}

// peakResidentKiB reads VmHWM of a Linux process; 0 elsewhere.
func peakResidentKiB(pid int) int {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kib
		}
	}
	return 0
}
