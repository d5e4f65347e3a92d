package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// BenchmarkBinaryColdStart runs the function as Lambda does: the built
// linux binary (same flags as internal/lambdaarchive, for the machine's own
// architecture) is started against a fake Lambda runtime API, with its AWS
// traffic sent through an HTTP proxy to the wire doubles (service endpoints
// on a .test domain, so S3 keeps virtual-hosted addressing). Each iteration
// measures process start to the first invocation's response: Go runtime and
// package initialisation, configuration, SDK setup, and one frame analysed
// from scratch (camera config read, no state, detector built, state saved).
// After the loop one process analyses 300 frames and its peak resident
// memory is reported.
func BenchmarkBinaryColdStart(b *testing.B) {
	if testing.Short() || runtime.GOOS != "linux" {
		b.Skip("builds the function binary and reads /proc")
	}
	binary := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid=", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build function: %v\n%s", err, out)
	}
	sc := renderScenario(b, "walk-and-sit-01")

	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		r := newRig(b)
		r.configureCamera(sc.config)
		r.store(sc.frames[:1])
		b.StartTimer()
		elapsed, _ := runBinary(b, binary, r, sc.frames[:1])
		total += elapsed
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/cold-start")

	r := newRig(b)
	r.configureCamera(sc.config)
	frames := sc.frames[:min(300, len(sc.frames))]
	r.store(frames)
	_, maxRSS := runBinary(b, binary, r, frames)
	b.ReportMetric(float64(maxRSS), "KB-peak-RSS")
}

// runBinary starts the function, feeds it one SQS message per frame through
// the runtime API, and returns the time from start to the first response and
// the process's peak resident set size in KB.
func runBinary(b *testing.B, binary string, r *rig, frames []frame) (time.Duration, int64) {
	b.Helper()
	rt := &fakeRuntime{b: b, responses: make(chan time.Time, len(frames))}
	for i, f := range frames {
		payload, _ := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{frameMessage(fmt.Sprint(i), f, len(f.JPEG))}})
		rt.queue = append(rt.queue, payload)
	}
	runtime := httptest.NewServer(rt)
	defer runtime.Close()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		host := req.Host
		switch {
		case strings.HasSuffix(host, ".s3.mediguard.test"):
			bucket := strings.TrimSuffix(host, ".s3.mediguard.test")
			req.URL.Path = "/" + bucket + req.URL.Path
			r.aws.handlers["s3"].ServeHTTP(w, req)
		case host == "dynamodb.mediguard.test":
			r.aws.handlers["dynamodb"].ServeHTTP(w, req)
		case host == "sns.mediguard.test":
			r.aws.handlers["sns"].ServeHTTP(w, req)
		default:
			b.Errorf("function called unexpected host %s", host)
			http.Error(w, "unexpected host", http.StatusBadGateway)
		}
	}))
	defer proxy.Close()

	cmd := exec.Command(binary)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(runtime.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=detector",
		"AWS_REGION=" + testRegion,
		"AWS_ACCESS_KEY_ID=" + testAccessKey,
		"AWS_SECRET_ACCESS_KEY=test-secret",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"HTTP_PROXY=" + proxy.URL,
		"AWS_ENDPOINT_URL_S3=http://s3.mediguard.test",
		"AWS_ENDPOINT_URL_DYNAMODB=http://dynamodb.mediguard.test",
		"AWS_ENDPOINT_URL_SNS=http://sns.mediguard.test",
		EnvFramesBucket + "=" + testBucket,
		EnvFrameKeyPrefix + "=frames/",
		EnvStateTable + "=" + stateTable,
		EnvEpisodeTable + "=" + episodeTable,
		EnvAlertTopicARN + "=" + testTopicARN,
		EnvEvidenceBucket + "=" + evidenceBucket,
		EnvEvidenceKMSKeyARN + "=" + testKMSKeyARN,
	}
	var stdout lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var first time.Duration
	for i := range frames {
		select {
		case at := <-rt.responses:
			if i == 0 {
				first = at.Sub(start)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatalf("function gave no response to invocation %d; output:\n%s", i, stdout.Bytes())
		}
	}
	// VmHWM is the peak resident set of the process's own address space. (The
	// rusage of a waited-for child is no good here: it counts the parent's
	// memory shared before exec.)
	maxRSS, err := peakRSS(cmd.Process.Pid)
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil {
		b.Fatal(err)
	}
	if rt.failed != "" {
		b.Fatalf("invocation failed: %s\noutput:\n%s", rt.failed, stdout.Bytes())
	}
	// Every frame was analysed (not merely acknowledged): one state save each.
	config, _, _ := r.aws.object(testBucket, DefaultCameraConfigPrefix+testStream+".json")
	cameraID := mustCameraID(b, config)
	if state := r.aws.item(stateTable, cameraID); state == nil || versionOf(state) != len(frames) {
		b.Fatalf("state after %d frames is %v; output:\n%s", len(frames), state, stdout.Bytes())
	}
	return first, maxRSS
}

// peakRSS reads VmHWM (in KB) from /proc/<pid>/status.
func peakRSS(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak memory of the function process: %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("parse VmHWM %q: %w", strings.TrimSpace(rest), err)
			}
			return kb, nil
		}
	}
	return 0, errors.New("no VmHWM in the function process's status")
}

// fakeRuntime serves the Lambda runtime API: queued events on
// invocation/next (blocking once they run out), and the responses.
type fakeRuntime struct {
	b         *testing.B
	mu        sync.Mutex
	queue     [][]byte
	next      int
	failed    string
	responses chan time.Time
}

func (rt *fakeRuntime) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	const base = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(req.URL.Path, base)
	switch {
	case req.Method == http.MethodGet && path == "invocation/next":
		rt.mu.Lock()
		if rt.next >= len(rt.queue) {
			rt.mu.Unlock()
			<-req.Context().Done() // no more work: the process is killed while waiting
			return
		}
		payload, id := rt.queue[rt.next], fmt.Sprintf("req-%d", rt.next)
		rt.next++
		rt.mu.Unlock()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111122223333:function:detector")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		w.Write(payload)
	case req.Method == http.MethodPost && strings.HasSuffix(path, "/response"):
		body, _ := io.ReadAll(req.Body)
		var resp events.SQSEventResponse
		if err := json.Unmarshal(body, &resp); err != nil || len(resp.BatchItemFailures) > 0 {
			rt.mu.Lock()
			rt.failed = "response " + string(body)
			rt.mu.Unlock()
		}
		w.WriteHeader(http.StatusAccepted)
		rt.responses <- time.Now()
	case req.Method == http.MethodPost:
		body, _ := io.ReadAll(req.Body)
		rt.mu.Lock()
		rt.failed = path + ": " + string(body)
		rt.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		rt.responses <- time.Now()
	default:
		http.NotFound(w, req)
	}
}
