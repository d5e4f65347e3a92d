package camsim

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"github.com/mediguard/mediguard/scenario"
)

// vtestFrames is the real pedestrian footage shared by the project (100
// JPEG frames, see its README).
var vtestFrames = filepath.Join("..", "..", "shared", "data", "vtest", "frame_%04d.jpg")

const vtestFrameCount = 100

// requireFFmpeg fails (never skips) when ffmpeg is missing: CI installs it.
func requireFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is not installed: run make deps")
	}
}

// fixtureFragments returns n one-second fragments of testdata/fragment.mkv,
// one after the other.
func fixtureFragments(t testing.TB, n int) []Fragment {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fragment.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frag, err := ReadFragment(f)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	out := make([]Fragment, n)
	for i := range out {
		out[i] = frag
		out[i].Start = time.Duration(i) * time.Second
	}
	return out
}

func feed(fragments []Fragment) <-chan Fragment {
	ch := make(chan Fragment, len(fragments))
	for _, f := range fragments {
		ch <- f
	}
	close(ch)
	return ch
}

func TestReadFragmentOfTheFixture(t *testing.T) {
	t.Parallel()
	frag := fixtureFragments(t, 1)[0]
	if frag.Track.CodecID != CodecH264 || frag.Track.Width != 160 || frag.Track.Height != 120 || len(frag.Track.CodecPrivate) == 0 {
		t.Errorf("track = %+v", frag.Track)
	}
	if len(frag.Frames) != 5 || !frag.Frames[0].Keyframe || frag.End() != 800*time.Millisecond {
		t.Errorf("%d frames, first keyframe %t, end %v; want 5 frames from a keyframe ending at 800ms", len(frag.Frames), frag.Frames[0].Keyframe, frag.End())
	}
}

func TestReadFragmentRejectsWhatKVSCannotUse(t *testing.T) {
	t.Parallel()
	if _, err := ReadFragment(strings.NewReader("not matroska at all")); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := ReadFragment(strings.NewReader("")); err == nil {
		t.Error("empty input accepted")
	}
}

func TestStreamSendsEveryFragmentOnce(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	c := d.client()
	var acks []string
	c.OnAck = func(a Ack) { acks = append(acks, a.EventType) }
	fragments := fixtureFragments(t, 4)
	stats, err := c.Stream(context.Background(), feed(fragments))
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	clusters, frames, connections := d.persisted()
	if stats != (Stats{Fragments: 4, Persisted: 4, Connections: 1}) || len(clusters) != 4 || frames != 20 || connections != 1 {
		t.Errorf("stats %+v; double persisted %d clusters, %d frames over %d connections", stats, len(clusters), frames, connections)
	}
	// Fragment timecodes are the producer start plus each fragment's start.
	for i := 1; i < len(clusters); i++ {
		if clusters[i]-clusters[i-1] != 1000 {
			t.Errorf("clusters %d and %d are %d ms apart, want 1000", i-1, i, clusters[i]-clusters[i-1])
		}
	}
	if want := slices.Repeat([]string{AckBuffering, AckReceived, AckPersisted}, 4); !slices.Equal(acks, want) {
		t.Errorf("acks = %v", acks)
	}
}

func TestErrorAckReconnectsAndResendsFromTheFailedFragment(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	d.failAfter[1] = 2 // the second fragment of the first connection
	d.failID = 5000    // INTERNAL_ERROR: retryable
	stats, err := d.client().Stream(context.Background(), feed(fixtureFragments(t, 4)))
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	clusters, frames, connections := d.persisted()
	if connections != 2 || stats.Connections != 2 || stats.Persisted != 4 || stats.Resent < 1 {
		t.Errorf("stats %+v over %d connections, want 2 connections, 4 persisted, the failed one resent", stats, connections)
	}
	if len(clusters) != 4 || frames != 20 || !slices.IsSorted(clusters) || len(slices.Compact(slices.Clone(clusters))) != 4 {
		t.Errorf("persisted clusters %v (%d frames), want 4 distinct in order", clusters, frames)
	}
}

func TestErrorAcks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		failAfter   map[int]int
		id          int
		wantErr     string
		connections int
	}{
		{"invalid data fails at once", map[int]int{1: 1}, 4006, "4006 INVALID_MKV_DATA", 1},
		{"key access denied fails at once", map[int]int{1: 2}, 4500, "KMS_KEY_ACCESS_DENIED", 1},
		{"retryable error gives up after the attempts", map[int]int{1: 1, 2: 1, 3: 1}, 5000, "giving up after 3 failed connections", 3},
		{"unknown service error is retried", map[int]int{1: 1}, 5999, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newKVSDouble(t)
			d.failAfter, d.failID = tt.failAfter, tt.id
			_, err := d.client().Stream(context.Background(), feed(fixtureFragments(t, 3)))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Stream: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if _, _, connections := d.persisted(); connections != tt.connections {
				t.Errorf("%d connections, want %d", connections, tt.connections)
			}
		})
	}
}

func TestHTTPFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status      int
		connections int
	}{
		{403, 1}, // access denied: resending cannot help
		{404, 1},
		{500, 3}, // retried until the attempts run out
		{429, 3},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			d := newKVSDouble(t)
			d.rejectStatus = tt.status
			_, err := d.client().Stream(context.Background(), feed(fixtureFragments(t, 1)))
			var rejected *requestError
			if !errors.As(err, &rejected) || rejected.status != tt.status {
				t.Fatalf("err = %v, want the HTTP %d", err, tt.status)
			}
			if _, _, connections := d.persisted(); connections != tt.connections {
				t.Errorf("%d connections, want %d", connections, tt.connections)
			}
		})
	}
}

func TestStreamNeedsFragmentsAndSettings(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	if _, err := d.client().Stream(context.Background(), feed(nil)); err == nil || !strings.Contains(err.Error(), "no fragments") {
		t.Errorf("empty source: %v", err)
	}
	if _, err := (&Client{}).Stream(context.Background(), feed(nil)); err == nil {
		t.Error("a client without settings streamed")
	}
}

func TestRunStreamsRealFootage(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	d := newKVSDouble(t)
	d.failAfter[1] = 3
	d.failID = 4003 // MAX_CONNECTION_DURATION_REACHED: reconnect
	stats, err := Run(context.Background(), FileSource(vtestFrames), EncodeOptions{FragmentDuration: time.Second}, d.client())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	clusters, frames, connections := d.persisted()
	if frames != vtestFrameCount || stats.Persisted != len(clusters) || stats.Fragments != len(clusters) || connections != 2 {
		t.Errorf("stats %+v; double persisted %d clusters with %d frames (want %d) over %d connections",
			stats, len(clusters), frames, vtestFrameCount, connections)
	}
}

func TestRunStreamsAScenario(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	spec := scenario.NewSpec("camsim-lights", scenario.KindLights, 7)
	src, err := ScenarioSource(spec)
	if err != nil {
		t.Fatal(err)
	}
	d := newKVSDouble(t)
	stats, err := Run(context.Background(), src, EncodeOptions{FragmentDuration: 2 * time.Second}, d.client())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	n, _ := spec.Normalize()
	clusters, frames, _ := d.persisted()
	wantFragments := int(n.Duration / (2 * time.Second))
	if frames != n.Frames() || len(clusters) != wantFragments || stats.Persisted != wantFragments {
		t.Errorf("persisted %d clusters with %d frames, want %d fragments with %d frames (stats %+v)", len(clusters), frames, wantFragments, n.Frames(), stats)
	}
}

func TestEncodeOptions(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, 500 * time.Millisecond, 1500 * time.Millisecond, 11 * time.Second} {
		err := Encode(context.Background(), FileSource("unused.mp4"), EncodeOptions{FragmentDuration: d}, func(Fragment) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "fragment duration") {
			t.Errorf("fragment duration %v: err = %v", d, err)
		}
	}
}

func TestEncodeFailureNamesTheSourceButNotItsPath(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	path := filepath.Join(t.TempDir(), "patient-jane-doe-room-4.mp4")
	if err := os.WriteFile(path, []byte("not a video"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Encode(context.Background(), FileSource(path), EncodeOptions{FragmentDuration: time.Second}, func(Fragment) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "encode source video") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "jane") {
		t.Errorf("error repeats the file path: %v", err)
	}
}

func TestEncodeWithoutFFmpegSaysRunMakeDeps(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := Encode(context.Background(), FileSource("video.mp4"), EncodeOptions{FragmentDuration: time.Second}, func(Fragment) error { return nil })
	if !errors.Is(err, ErrFFmpegMissing) || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("err = %v, want ErrFFmpegMissing", err)
	}
}

func TestAckErrorClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id    int
		name  string
		retry bool
	}{
		{4000, "STREAM_READ_ERROR", true},
		{4003, "MAX_CONNECTION_DURATION_REACHED", true},
		{4503, "KMS_KEY_UNAVAILABLE", true},
		{5000, "INTERNAL_ERROR", true},
		{5001, "ARCHIVAL_ERROR", true},
		{4001, "MAX_FRAGMENT_SIZE_REACHED", false},
		{4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", false},
		{4008, "STREAM_NOT_ACTIVE", false},
		{4500, "KMS_KEY_ACCESS_DENIED", false},
		{4999, "UNKNOWN", false},
		{5555, "UNKNOWN", true},
	}
	for _, tt := range tests {
		got := ackError(Ack{EventType: AckError, ErrorID: tt.id, FragmentTimecode: 42})
		if got.Name != tt.name || got.Retryable != tt.retry || got.FragmentTimecode != 42 {
			t.Errorf("ackError(%d) = %+v, want %s retry %t", tt.id, got, tt.name, tt.retry)
		}
	}
}

func TestProducerTimestamp(t *testing.T) {
	t.Parallel()
	if got := producerTimestamp(time.UnixMilli(1700000000045)); got != "1700000000.045" {
		t.Errorf("producerTimestamp = %q", got)
	}
}

func TestPaceWaitsForEachFragmentsCaptureTime(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	c := d.client()
	c.Pace = true
	fragments := fixtureFragments(t, 3)
	for i := range fragments {
		fragments[i].Start = time.Duration(i) * 100 * time.Millisecond // last frame at 1.0 s
	}
	began := time.Now()
	if _, err := c.Stream(context.Background(), feed(fragments)); err != nil {
		t.Fatalf("Stream: %v", err)
	}
	// A live camera cannot send a fragment before its last frame exists.
	if elapsed := time.Since(began); elapsed < fragments[2].End() {
		t.Errorf("sent in %v, before the last frame's capture time %v", elapsed, fragments[2].End())
	}
}

func TestUnknownStreamFailsWithoutRetrying(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	c := d.client()
	c.StreamName = "camera-cam-999-stream"
	_, err := c.Stream(context.Background(), feed(fixtureFragments(t, 1)))
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) || !strings.Contains(err.Error(), "PUT_MEDIA data endpoint") {
		t.Errorf("err = %v, want the endpoint lookup's ResourceNotFoundException", err)
	}
	if _, _, connections := d.persisted(); connections != 0 {
		t.Errorf("%d PutMedia requests for a stream that does not exist", connections)
	}
}

func TestThrottledEndpointLookupIsRetried(t *testing.T) {
	t.Parallel()
	d := newKVSDouble(t)
	d.throttles = 1
	if _, err := d.client().Stream(context.Background(), feed(fixtureFragments(t, 1))); err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if clusters, _, _ := d.persisted(); len(clusters) != 1 {
		t.Errorf("persisted %d fragments, want 1", len(clusters))
	}
}
