package monitor_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mediguard/mediguard/auditlog"
	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/evidence"
	"github.com/mediguard/mediguard/monitor"
	"github.com/mediguard/mediguard/monitor/sink"
	"github.com/mediguard/mediguard/monitor/source"
)

const vtestDir = "../../shared/data/vtest"

// plantedNote is the identifying text in testdata/cam-301.yaml's comment.
var plantedNote = []string{"Jane Roe-Example", "00424242", "1941-07-09", "wanders"}

var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func loadConfig(t testing.TB) detection.CameraConfig {
	t.Helper()
	cfg, err := detection.LoadCameraConfig("testdata/cam-301.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// vtestFolder is the real benign footage as a source.
func vtestFolder(t *testing.T) source.Source {
	t.Helper()
	src, err := source.NewFolder(vtestDir, source.FolderOptions{FPS: 5, Start: start})
	if err != nil {
		t.Fatalf("shared footage: %v", err)
	}
	return src
}

func TestWatchRealFootageIsBenign(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	sum, err := monitor.Watch(context.Background(), []monitor.Camera{{Config: loadConfig(t), Source: vtestFolder(t)}},
		monitor.Options{Sinks: []monitor.Sink{sink.NewJSONLines(&out)}, Errors: &errs})
	if err != nil {
		t.Fatal(err)
	}
	cam := sum.Cameras[0]
	if cam.Frames != 100 || cam.BadFrames != 0 || cam.Error != "" {
		t.Fatalf("camera summary = %+v, want 100 clean frames; errors:\n%s", cam, errs.String())
	}
	for _, bad := range []detection.EventType{detection.EventFall, detection.EventCameraTamper, detection.EventCameraOffline} {
		if cam.Events[bad] != 0 {
			t.Fatalf("benign walking footage raised %d %s alerts:\n%s", cam.Events[bad], bad, out.String())
		}
	}
}

// encodeJPEG writes a flat grey frame (a covered lens) of the footage's size.
func encodeJPEG(t *testing.T, level uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = level
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// incidentFolder is 6 s of real footage, 4 s of a covered lens, then, after a
// 15 s gap in the recording (longer than offline_after), 2 s of footage again.
func incidentFolder(t *testing.T) (dir string, coveredFrame []byte) {
	t.Helper()
	dir = t.TempDir()
	real, err := filepath.Glob(filepath.Join(vtestDir, "frame_*.jpg"))
	if err != nil || len(real) < 40 {
		t.Fatalf("shared footage: %d frames, %v", len(real), err)
	}
	sort.Strings(real)
	covered := encodeJPEG(t, 12)
	ts := start
	write := func(data []byte) {
		name := filepath.Join(dir, fmt.Sprintf("frame_%06d.jpg", ts.Sub(start)/(200*time.Millisecond)+1))
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(name, ts, ts); err != nil {
			t.Fatal(err)
		}
		ts = ts.Add(200 * time.Millisecond)
	}
	for i := 0; i < 30; i++ {
		data, err := os.ReadFile(real[i])
		if err != nil {
			t.Fatal(err)
		}
		write(data)
	}
	for i := 0; i < 20; i++ {
		write(covered)
	}
	ts = ts.Add(15 * time.Second)
	for i := 30; i < 40; i++ {
		data, err := os.ReadFile(real[i])
		if err != nil {
			t.Fatal(err)
		}
		write(data)
	}
	return dir, covered
}

// capture is a TLS webhook receiver that keeps every body.
type capture struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, body)
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func TestWatchAllSinksCarryNoPixelsOrPatientNote(t *testing.T) {
	t.Parallel()
	dir, covered := incidentFolder(t)
	src, err := source.NewFolder(dir, source.FolderOptions{UseModTime: true})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("watch-test-webhook-secret-0123456789")
	rcv := &capture{}
	srv := httptest.NewTLSServer(rcv)
	defer srv.Close()
	key := make([]byte, evidence.KeySize)
	rand.Read(key)
	evidenceDir := filepath.Join(t.TempDir(), "evidence")
	store, err := evidence.NewStore(evidenceDir, key)
	if err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	log, err := auditlog.Open(auditPath, auditlog.Options{HMACKey: []byte("audit-hmac-key")})
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	audit := monitor.NewAudit(log, "mediguard-watch", &errs)
	hook, err := sink.NewWebhook(sink.WebhookOptions{URL: srv.URL, Secret: secret, Client: srv.Client(), Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := monitor.Watch(context.Background(), []monitor.Camera{{Config: loadConfig(t), Source: src}}, monitor.Options{
		Sinks:  []monitor.Sink{sink.NewJSONLines(&out), hook, sink.NewEvidence(store, audit)},
		Audit:  audit,
		Errors: &errs,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	cam := sum.Cameras[0]
	if cam.Events[detection.EventCameraTamper] != 1 || cam.Events[detection.EventCameraOffline] != 1 {
		t.Fatalf("events = %v, want one camera_tamper (covered) and one camera_offline; errors:\n%s", cam.Events, errs.String())
	}
	if len(sum.SinkErrors) != 0 || sum.AuditErrors != 0 {
		t.Fatalf("sink errors %v, audit errors %d:\n%s", sum.SinkErrors, sum.AuditErrors, errs.String())
	}

	// Every alert reached every sink.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != sum.Alerts || len(rcv.bodies) != sum.Alerts {
		t.Fatalf("%d alerts, %d JSON lines, %d webhook bodies", sum.Alerts, len(lines), len(rcv.bodies))
	}
	names, err := store.List()
	if err != nil || len(names) != sum.Alerts-1 { // camera_offline has no frame to keep
		t.Fatalf("evidence files %v (%v), want %d", names, err, sum.Alerts-1)
	}
	if _, snapshot, err := store.Open(names[0]); err != nil || len(snapshot) == 0 {
		t.Fatalf("evidence does not open: %v", err)
	}
	if _, err := auditlog.VerifyFile(auditPath, []byte("audit-hmac-key")); err != nil {
		t.Fatal(err)
	}
	auditText, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	wantActions := map[string]int{"watch.started": 1, "camera.started": 1, "alert.raised": sum.Alerts,
		"evidence.stored": sum.Alerts - 1, "webhook.delivered": sum.Alerts, "camera.stopped": 1, "watch.stopped": 1}
	for action, want := range wantActions {
		if got := strings.Count(string(auditText), `"action":"`+action+`"`); got != want {
			t.Fatalf("audit has %d %s entries, want %d", got, action, want)
		}
	}

	// Nothing anyone can read outside the encrypted snapshot holds pixels or
	// the note from the camera configuration.
	outputs := map[string][]byte{"json lines": out.Bytes(), "errors": errs.Bytes()}
	for i, b := range rcv.bodies {
		outputs[fmt.Sprintf("webhook body %d", i)] = b
	}
	outputs["audit"] = auditText
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(evidenceDir, name))
		if err != nil {
			t.Fatal(err)
		}
		meta, _, _ := bytes.Cut(raw, []byte(`"nonce"`))
		outputs["evidence metadata "+name] = meta
	}
	pixelMarkers := [][]byte{{0xFF, 0xD8, 0xFF}, []byte("/9j/"), []byte(base64.StdEncoding.EncodeToString(covered[:48]))}
	for what, data := range outputs {
		for _, note := range plantedNote {
			if bytes.Contains(data, []byte(note)) {
				t.Errorf("%s contains the patient note", what)
			}
		}
		for _, marker := range pixelMarkers {
			if bytes.Contains(data, marker) {
				t.Errorf("%s contains image data", what)
			}
		}
	}
}

// liveSource is a live camera that sends frames, then falls silent until
// cancelled, then (if resume) sends again.
type liveSource struct {
	frames [][]byte
	silent chan struct{} // closed when the source goes quiet
	n      int
	now    func() time.Time
}

func (l *liveSource) Next(ctx context.Context) (source.Frame, error) {
	if l.n < len(l.frames) {
		l.n++
		time.Sleep(20 * time.Millisecond)
		return source.Frame{Ref: fmt.Sprintf("live#%d", l.n), Timestamp: l.now(), JPEG: l.frames[l.n-1]}, nil
	}
	if l.n == len(l.frames) {
		l.n++
		close(l.silent)
	}
	<-ctx.Done()
	return source.Frame{}, ctx.Err()
}

func (l *liveSource) Live() bool   { return true }
func (l *liveSource) Close() error { return nil }

func TestWatchRaisesOfflineOnceForSilentLiveCamera(t *testing.T) {
	t.Parallel()
	frames, err := filepath.Glob(filepath.Join(vtestDir, "frame_*.jpg"))
	if err != nil || len(frames) < 5 {
		t.Fatalf("shared footage: %v", err)
	}
	var data [][]byte
	for _, f := range frames[:5] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b)
	}
	cfg := loadConfig(t)
	cfg.OfflineAfter = detection.Duration(500 * time.Millisecond)
	src := &liveSource{frames: data, silent: make(chan struct{}), now: time.Now}
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-src.silent
		time.Sleep(2 * time.Second) // four times offline_after
		cancel()
	}()
	sum, err := monitor.Watch(ctx, []monitor.Camera{{Config: cfg, Source: src}},
		monitor.Options{Sinks: []monitor.Sink{sink.NewJSONLines(&out)}, OfflineCheck: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Cameras[0].Events[detection.EventCameraOffline]; got != 1 {
		t.Fatalf("camera_offline alerts = %d, want exactly 1 per outage:\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), `"frame_ref":"live#5"`) {
		t.Fatalf("offline alert does not name the last frame seen:\n%s", out.String())
	}
}

// failingSource fails fatally after one bad frame.
type failingSource struct {
	calls  int
	closed bool
}

func (f *failingSource) Next(context.Context) (source.Frame, error) {
	f.calls++
	if f.calls == 1 {
		return source.Frame{}, fmt.Errorf("frame 1: %w", source.ErrBadFrame)
	}
	return source.Frame{}, errors.New("device unplugged")
}
func (f *failingSource) Live() bool { return false }
func (f *failingSource) Close() error {
	f.closed = true
	return nil
}

func TestWatchSeveralCamerasAndFailures(t *testing.T) {
	t.Parallel()
	first := loadConfig(t)
	second := loadConfig(t)
	second.CameraID = "cam-302"
	sum, err := monitor.Watch(context.Background(), []monitor.Camera{
		{Config: first, Source: vtestFolder(t)},
		{Config: second, Source: &failingSource{}},
	}, monitor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Cameras[0].Frames != 100 || sum.Cameras[0].Error != "" {
		t.Fatalf("healthy camera = %+v", sum.Cameras[0])
	}
	if c := sum.Cameras[1]; c.BadFrames != 1 || !strings.Contains(c.Error, "device unplugged") {
		t.Fatalf("failing camera = %+v, want one bad frame and the fatal error", c)
	}

	a, b := &failingSource{}, &failingSource{}
	if _, err := monitor.Watch(context.Background(), []monitor.Camera{
		{Config: first, Source: a}, {Config: first, Source: b},
	}, monitor.Options{}); err == nil {
		t.Fatal("Watch accepted the same camera twice")
	}
	if !a.closed || !b.closed {
		t.Fatal("Watch returned an error without closing the sources it owns")
	}
	if _, err := monitor.Watch(context.Background(), nil, monitor.Options{}); err == nil {
		t.Fatal("Watch accepted no cameras")
	}
}

func TestWatchCountsFramesTheEngineRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real, _ := filepath.Glob(filepath.Join(vtestDir, "frame_000[1-5].jpg"))
	for i, f := range real {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			data = data[:len(data)/3] // a truncated JPEG the decoder refuses
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src, err := source.NewFolder(dir, source.FolderOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	var errs bytes.Buffer
	sum, err := monitor.Watch(context.Background(), []monitor.Camera{{Config: loadConfig(t), Source: src}}, monitor.Options{Errors: &errs})
	if err != nil {
		t.Fatal(err)
	}
	if c := sum.Cameras[0]; c.Frames != 4 || c.BadFrames != 1 {
		t.Fatalf("camera = %+v, want 4 analysed and 1 refused", c)
	}
	if !strings.Contains(errs.String(), "frame_0003.jpg") {
		t.Fatalf("error report does not name the refused frame:\n%s", errs.String())
	}
}
