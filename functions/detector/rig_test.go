package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/scenario"
)

// The rig runs the real Function against the AWS doubles: frames rendered
// in memory by the scenario package sit in the frames bucket, the camera's
// configuration document sits under cameras/, and each test feeds SQS
// batches of S3 notifications or scheduled events to Function.Invoke.

const (
	evidenceBucket = "mediguard-dev-evidence"
	testStream     = "detector-cam-stream-4f2a9c1"
	testAccount    = "111122223333"
)

// plantedIdentifiers are written into the camera configuration document as
// a comment, the way an operator might annotate it; nothing the function
// emits may repeat them.
var plantedIdentifiers = []string{"Jane Roe-Example", "MRN-00424242", "1941-07-09"}

func plantedComment() []byte {
	return fmt.Appendf(nil, "# patient %s, %s, born %s: wanders at night\n", plantedIdentifiers[0], plantedIdentifiers[1], plantedIdentifiers[2])
}

// lockedBuffer is stdout shared by the handler's log, audit and metric writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			panic(fmt.Sprintf("stdout line is not JSON: %v", err))
		}
		out = append(out, m)
	}
	return out
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

type rig struct {
	t      testing.TB
	aws    *awsDouble
	fn     *Function
	config PipelineConfig
	stdout *lockedBuffer

	mu    sync.Mutex
	clock time.Time
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{t: t, aws: newAWSDouble(t, evidenceBucket), stdout: &lockedBuffer{}}
	pipeline := PipelineConfig{
		StateTable:         stateTable,
		EpisodeTable:       episodeTable,
		AlertTopicARN:      testTopicARN,
		EvidenceBucket:     evidenceBucket,
		EvidenceKMSKeyARN:  testKMSKeyARN,
		EvidenceLockMode:   "COMPLIANCE",
		EvidenceRetention:  DefaultEvidenceRetentionDays * 24 * time.Hour,
		CameraConfigPrefix: DefaultCameraConfigPrefix,
		Actor:              "detector",
	}
	fn, err := NewFunction(testConfig, pipeline, r.aws.clients(), r.stdout, r.now)
	if err != nil {
		t.Fatal(err)
	}
	r.fn, r.config = fn, pipeline
	return r
}

func (r *rig) now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clock
}

func (r *rig) setClock(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock = t
}

// configureCamera stores the camera's configuration document for testStream.
func (r *rig) configureCamera(configYAML []byte) {
	r.configureStream(testStream, configYAML)
}

// configureStream stores a camera configuration document for stream.
func (r *rig) configureStream(stream string, configYAML []byte) {
	r.aws.putObject(testBucket, DefaultCameraConfigPrefix+stream+".json", append(plantedComment(), configYAML...))
}

// frame is one rendered frame stored as KVS image generation would store it.
type frame struct {
	Key       string
	JPEG      []byte
	Captured  time.Time
	EventTime time.Time
}

type rendered struct {
	frames []frame
	config []byte
	truth  scenario.Truth
}

var renders sync.Map // scenario name -> func() (rendered, error)

// renderScenario renders a catalog scenario once per test binary.
func renderScenario(t testing.TB, name string) rendered {
	t.Helper()
	once, _ := renders.LoadOrStore(name, sync.OnceValues(func() (rendered, error) {
		i := slices.IndexFunc(scenario.Catalog(), func(s scenario.Spec) bool { return s.Name == name })
		if i < 0 {
			return rendered{}, fmt.Errorf("no catalog scenario %s", name)
		}
		var out rendered
		truth, err := scenario.Render(scenario.Catalog()[i], func(index int, ts time.Time, jpeg []byte) error {
			// KVS image timecodes are whole milliseconds.
			captured := ts.Truncate(time.Millisecond).UTC()
			out.frames = append(out.frames, frame{
				Key:       fmt.Sprintf("frames/%s_%s_%d_%08x-0000-4000-8000-%012x.jpg", testAccount, testStream, captured.UnixMilli(), index, index),
				JPEG:      bytes.Clone(jpeg), // Render reuses its buffer
				Captured:  captured,
				EventTime: captured.Add(1500 * time.Millisecond),
			})
			return nil
		})
		out.truth, out.config = truth, truth.CameraConfigYAML()
		return out, err
	}))
	r, err := once.(func() (rendered, error))()
	if err != nil {
		t.Fatalf("render scenario %s: %v", name, err)
	}
	return r
}

// store puts every frame into the frames bucket.
func (r *rig) store(frames []frame) {
	for _, f := range frames {
		r.aws.putObject(testBucket, f.Key, f.JPEG)
	}
}

// frameMessage is the SQS message S3 sends for a stored frame.
func frameMessage(id string, f frame, size int) events.SQSMessage {
	body, _ := json.Marshal(map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": testRegion,
		"eventTime": f.EventTime.Format(time.RFC3339Nano), "eventName": "ObjectCreated:Put",
		"s3": map[string]any{
			"bucket": map[string]any{"name": testBucket, "arn": "arn:aws:s3:::" + testBucket},
			"object": map[string]any{"key": f.Key, "size": size, "sequencer": fmt.Sprintf("%016X", f.Captured.UnixMilli())},
		},
	}}})
	return events.SQSMessage{MessageId: id, EventSource: "aws:sqs", Body: string(body)}
}

// invoke sends payload through Function.Invoke as the Lambda runtime would.
func (r *rig) invoke(payload any) (any, error) {
	r.t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.fn.Invoke(r.t.Context(), raw)
}

// deliver sends one SQS batch and returns the IDs of the failed items.
func (r *rig) deliver(msgs ...events.SQSMessage) []string {
	r.t.Helper()
	out, err := r.invoke(events.SQSEvent{Records: msgs})
	if err != nil {
		r.t.Fatalf("invoke with SQS batch: %v", err)
	}
	return failureIDs(out.(events.SQSEventResponse))
}

// deliverFrames sends each frame in its own message, in batches of batch,
// advancing the clock past each batch's latest arrival, and returns the failed IDs.
func (r *rig) deliverFrames(frames []frame, batch int, idPrefix string) []string {
	var failed []string
	for start := 0; start < len(frames); start += batch {
		end := min(start+batch, len(frames))
		var msgs []events.SQSMessage
		for i := start; i < end; i++ {
			msgs = append(msgs, frameMessage(fmt.Sprintf("%s-%d", idPrefix, i), frames[i], len(frames[i].JPEG)))
		}
		latest := slices.MaxFunc(frames[start:end], func(a, b frame) int { return a.EventTime.Compare(b.EventTime) })
		r.setClock(latest.EventTime.Add(time.Second))
		failed = append(failed, r.deliver(msgs...)...)
	}
	return failed
}

// scheduled is testdata/scheduled-event.json, the event the offline-check
// rule sends, with its time set to at.
func (r *rig) scheduled(at time.Time) map[string]any {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "scheduled-event.json"))
	if err != nil {
		r.t.Fatal(err)
	}
	var event map[string]any
	if err := json.Unmarshal(data, &event); err != nil {
		r.t.Fatalf("decode scheduled-event.json: %v", err)
	}
	event["time"] = at.UTC().Format(time.RFC3339)
	return event
}

// engineEvents runs the engine directly over frames in order: what the
// function must alert, exactly once each.
func engineEvents(t testing.TB, configYAML []byte, frames []frame) []detection.Event {
	t.Helper()
	cfg, err := detection.ParseCameraConfig(configYAML)
	if err != nil {
		t.Fatal(err)
	}
	det, err := detection.NewDetector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []detection.Event
	for _, f := range frames {
		evs, err := det.Process(detection.Frame{CameraID: cfg.CameraID, Ref: f.Key, Timestamp: f.Captured, JPEG: f.JPEG})
		if err != nil {
			t.Fatalf("engine refused frame %s: %v", f.Key, err)
		}
		out = append(out, evs...)
	}
	return out
}

// alerts decodes the published messages.
func (r *rig) alerts() []AlertMessage {
	r.t.Helper()
	var out []AlertMessage
	for _, m := range r.aws.published() {
		var a AlertMessage
		if err := json.Unmarshal([]byte(m.Message), &a); err != nil {
			r.t.Fatalf("alert %s is not JSON: %v", m.ID, err)
		}
		out = append(out, a)
	}
	return out
}

// records returns the stdout lines that are audit records (with the given
// action, or all when empty).
func (r *rig) records(action string) []map[string]any {
	var out []map[string]any
	for _, l := range r.stdout.Lines() {
		if l["audit"] == true && (action == "" || l["action"] == action) {
			out = append(out, l)
		}
	}
	return out
}

// metricSum adds up a metric's values over the EMF records, optionally only
// those with a dimension value.
func (r *rig) metricSum(name, dimension, value string) float64 {
	var sum float64
	for _, l := range r.stdout.Lines() {
		if _, ok := l["_aws"]; !ok {
			continue
		}
		if dimension != "" && l[dimension] != value {
			continue
		}
		switch v := l[name].(type) {
		case float64:
			sum += v
		case []any:
			for _, x := range v {
				sum += x.(float64)
			}
		}
	}
	return sum
}
