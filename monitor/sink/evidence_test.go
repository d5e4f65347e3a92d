package sink

import (
	"bytes"
	"context"
	"crypto/rand"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mediguard/mediguard/auditlog"
	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/evidence"
	"github.com/mediguard/mediguard/monitor"
)

const vtestFrame = "../../../shared/data/vtest/frame_0001.jpg"

func TestEvidenceStoresRedactedEncryptedSnapshot(t *testing.T) {
	t.Parallel()
	frame, err := os.ReadFile(vtestFrame)
	if err != nil {
		t.Fatalf("shared footage: %v", err)
	}
	key := make([]byte, evidence.KeySize)
	rand.Read(key)
	store, err := evidence.NewStore(filepath.Join(t.TempDir(), "evidence"), key)
	if err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	log, err := auditlog.Open(auditPath, auditlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink := NewEvidence(store, monitor.NewAudit(log, "test", nil))

	alert := testAlert("ep-1")
	alert.Frame = frame
	alert.PrivacyRegions = []detection.Polygon{{{X: 0, Y: 0}, {X: 0.5, Y: 0}, {X: 0.5, Y: 0.5}, {X: 0, Y: 0.5}}}
	for i := 0; i < 2; i++ { // the second delivery is a replay of the same episode
		if err := sink.Deliver(context.Background(), alert); err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
	}
	offline := testAlert("ep-offline")
	offline.Event.Type, offline.Frame = detection.EventCameraOffline, nil
	if err := sink.Deliver(context.Background(), offline); err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}

	names, err := store.List()
	if err != nil || len(names) != 1 {
		t.Fatalf("stored %v (%v), want exactly one snapshot", names, err)
	}
	meta, snapshot, err := store.Open(names[0])
	if err != nil {
		t.Fatal(err)
	}
	if meta.EpisodeID != "ep-1" || meta.EventType != "fall" || meta.FrameRef != "frame_000176.jpg" {
		t.Fatalf("metadata = %+v", meta)
	}
	if bytes.Equal(snapshot, frame) {
		t.Fatal("snapshot is the unredacted frame")
	}
	img, err := jpeg.Decode(bytes.NewReader(snapshot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	luma := func(x, y int) uint32 { r, g, bl, _ := img.At(x, y).RGBA(); return (r + g + bl) / 3 >> 8 }
	if v := luma(b.Dx()/4, b.Dy()/4); v > 16 {
		t.Fatalf("privacy region not blacked out: luma %d", v)
	}
	var bright int
	for y := b.Dy() / 2; y < b.Dy(); y += 8 {
		for x := b.Dx() / 2; x < b.Dx(); x += 8 {
			if luma(x, y) > 40 {
				bright++
			}
		}
	}
	if bright == 0 {
		t.Fatal("the rest of the frame was blacked out too")
	}

	audit, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(audit), `"evidence.stored"`) || !strings.Contains(string(audit), `"evidence.exists"`) {
		t.Fatalf("audit lacks evidence entries:\n%s", audit)
	}
	if _, err := auditlog.VerifyFile(auditPath, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEvidenceRefusesUndecodableFrame(t *testing.T) {
	t.Parallel()
	key := make([]byte, evidence.KeySize)
	store, err := evidence.NewStore(t.TempDir(), key)
	if err != nil {
		t.Fatal(err)
	}
	if err := NewEvidence(store, nil).Deliver(context.Background(), testAlert("ep-1")); err == nil {
		t.Fatal("stored a frame that does not decode")
	}
	if names, _ := store.List(); len(names) != 0 {
		t.Fatalf("stored %v", names)
	}
}

func TestJSONLinesWritesEventsOnly(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	sink := NewJSONLines(&out)
	for _, ep := range []string{"ep-1", "ep-2"} {
		if err := sink.Deliver(context.Background(), testAlert(ep)); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"episode_id":"ep-2"`) {
		t.Fatalf("output = %q", out.String())
	}
	if strings.Contains(out.String(), "PIXELS") {
		t.Fatal("JSON lines carry frame bytes")
	}
}
