package camsim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testRegion     = "us-east-1"
	testAccessKey  = "AKIDCAMSIMTEST"
	testSecretKey  = "camsim-test-secret"
	testStreamName = "camera-cam-101-stream"
)

var testCredentials = credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, "")

// kvsDouble plays Kinesis Video Streams for a producer: the control plane's
// GetDataEndpoint (REST-JSON, answered with the double's own URL) and the
// data plane's PutMedia. For PutMedia it checks the request headers,
// recomputes the SigV4 signature with the same signer and the test
// credentials and compares it with the Authorization header, parses the
// Matroska stream as it arrives (EBML header, Segment, Tracks, then every
// Cluster and the Tags after it) and streams back acknowledgements as each
// cluster is complete. Faults are scripted per connection.
type kvsDouble struct {
	t      testing.TB
	server *httptest.Server

	mu       sync.Mutex
	problems []string
	// connections counts PutMedia requests; clusters holds the timecodes
	// persisted, in order, across connections.
	connections int
	clusters    []uint64
	frames      int
	// failAfter[n] makes connection n (1-based) answer its cluster number
	// failAfter[n] (1-based) with an ERROR acknowledgement of failID.
	failAfter map[int]int
	failID    int
	// rejectStatus, when set, answers PutMedia with this HTTP status.
	rejectStatus int
	// throttles answers this many GetDataEndpoint calls with
	// ClientLimitExceededException, as KVS throttles.
	throttles int
}

func newKVSDouble(t testing.TB) *kvsDouble {
	t.Helper()
	d := &kvsDouble{t: t, failAfter: map[int]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /getDataEndpoint", d.getDataEndpoint)
	mux.HandleFunc("POST /putMedia", d.putMedia)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		d.problem("unexpected request %s %s", r.Method, r.URL.Path)
		http.Error(w, "unexpected", http.StatusNotFound)
	})
	d.server = httptest.NewServer(mux)
	t.Cleanup(func() {
		d.server.Close()
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, p := range d.problems {
			t.Errorf("KVS double: %s", p)
		}
	})
	return d
}

func (d *kvsDouble) problem(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
}

// client is a producer pointed at the double through the real SDK client.
func (d *kvsDouble) client() *Client {
	controlPlane := NewControlPlane(aws.Config{Region: testRegion, Credentials: testCredentials}, d.server.URL)
	return &Client{
		StreamName:   testStreamName,
		ControlPlane: controlPlane,
		Region:       testRegion,
		Credentials:  testCredentials,
		Retry:        RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	}
}

func (d *kvsDouble) getDataEndpoint(w http.ResponseWriter, r *http.Request) {
	d.checkSignature(r, "")
	var in struct {
		StreamName string `json:"StreamName"`
		APIName    string `json:"APIName"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		d.problem("GetDataEndpoint body: %v", err)
	}
	if in.APIName != "PUT_MEDIA" {
		d.problem("GetDataEndpoint for API %q, want PUT_MEDIA", in.APIName)
	}
	d.mu.Lock()
	throttled := d.throttles > 0
	if throttled {
		d.throttles--
	}
	d.mu.Unlock()
	if throttled {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "ClientLimitExceededException")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"Kinesis Video Streams has throttled the request."}`))
		return
	}
	if in.StreamName != testStreamName {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"The requested stream is not found or not active."}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"DataEndpoint": d.server.URL})
}

var signedHeadersRE = regexp.MustCompile(`SignedHeaders=([^,]+)`)

// checkSignature recomputes the request's SigV4 signature from the headers
// it says it signed, the test credentials and its X-Amz-Date, and compares
// it with the Authorization header. payloadHash "" hashes the body (which is
// then put back for the handler), as AWS does for JSON operations.
func (d *kvsDouble) checkSignature(r *http.Request, payloadHash string) {
	auth := r.Header.Get("Authorization")
	m := signedHeadersRE.FindStringSubmatch(auth)
	if m == nil {
		d.problem("%s: no SigV4 Authorization header: %q", r.URL.Path, auth)
		return
	}
	signed := strings.Split(m[1], ";")
	date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		d.problem("%s: X-Amz-Date: %v", r.URL.Path, err)
		return
	}
	if payloadHash == "" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			d.problem("%s: read body: %v", r.URL.Path, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	// The server moves Content-Length out of the header map.
	again.ContentLength = r.ContentLength
	for _, name := range signed {
		if name == "host" {
			continue
		}
		for _, v := range r.Header.Values(name) {
			again.Header.Add(name, v)
		}
	}
	creds, _ := testCredentials.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, payloadHash, "kinesisvideo", testRegion, date); err != nil {
		d.problem("%s: re-sign: %v", r.URL.Path, err)
		return
	}
	if got, want := auth, again.Header.Get("Authorization"); got != want {
		d.problem("%s: signature does not verify:\n got  %s\n want %s", r.URL.Path, got, want)
	}
	for _, required := range []string{"host", "x-amz-date"} {
		if !strings.Contains(";"+m[1]+";", ";"+required+";") {
			d.problem("%s: %s is not signed", r.URL.Path, required)
		}
	}
}

// incomingStream is the Matroska stream of one PutMedia request; clusters
// and their tags arrive on channels as the parser completes them.
type incomingStream struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment struct {
		Info    webm.Info         `ebml:"Info"`
		Tracks  webm.Tracks       `ebml:"Tracks"`
		Cluster chan webm.Cluster `ebml:"Cluster"`
		Tags    chan mkvTags      `ebml:"Tags"`
	} `ebml:"Segment"`
}

func (d *kvsDouble) putMedia(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.connections++
	conn := d.connections
	failAt, failID, reject := d.failAfter[conn], d.failID, d.rejectStatus
	d.mu.Unlock()

	d.checkSignature(r, "UNSIGNED-PAYLOAD")
	checks := map[string]string{
		"X-Amzn-Stream-Name":            testStreamName,
		"X-Amzn-Fragment-Timecode-Type": "ABSOLUTE",
		"X-Amz-Content-Sha256":          "UNSIGNED-PAYLOAD",
	}
	for h, want := range checks {
		if got := r.Header.Get(h); got != want {
			d.problem("PutMedia %s = %q, want %q", h, got, want)
		}
	}
	start, err := strconv.ParseFloat(r.Header.Get("X-Amzn-Producer-Start-Timestamp"), 64)
	if err != nil {
		d.problem("PutMedia producer start timestamp: %v", err)
	}
	if r.ContentLength != -1 || len(r.TransferEncoding) != 1 || r.TransferEncoding[0] != "chunked" {
		d.problem("PutMedia body is not chunked: length %d, transfer encoding %v", r.ContentLength, r.TransferEncoding)
	}
	if reject != 0 {
		http.Error(w, `{"message":"rejected by the test"}`, reject)
		return
	}

	// Acknowledgements flow while the body is still arriving.
	if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
		d.problem("full duplex: %v", err)
	}
	w.WriteHeader(http.StatusOK)
	flusher := w.(http.Flusher)
	flusher.Flush()
	ack := func(a Ack) {
		_ = json.NewEncoder(w).Encode(a)
		flusher.Flush()
	}

	var in incomingStream
	in.Segment.Cluster = make(chan webm.Cluster)
	in.Segment.Tags = make(chan mkvTags)
	parsed := make(chan error, 1)
	go func() {
		parsed <- ebml.Unmarshal(r.Body, &in)
		close(in.Segment.Cluster)
	}()
	clusters, failed, awaitingTag := 0, false, false
	var lastTimecode uint64
	for clusterCh := in.Segment.Cluster; clusterCh != nil; {
		var cluster webm.Cluster
		select {
		case tags := <-in.Segment.Tags:
			if !awaitingTag {
				d.problem("connection %d: tags without a cluster before them", conn)
			}
			awaitingTag = false
			d.checkTags(tags)
			continue
		case c, ok := <-clusterCh:
			if !ok {
				clusterCh = nil
				continue
			}
			cluster = c
		}
		clusters++
		if clusters == 1 {
			d.checkHeader(in)
		}
		if awaitingTag {
			d.problem("connection %d: cluster %d is not followed by the image generation tag", conn, clusters-1)
		}
		awaitingTag = true
		if failed {
			// The producer abandons this connection after the error: what
			// still arrives may be a cluster cut off mid-way, as the parser
			// sees the body end. Only clusters up to the error are checked.
			continue
		}
		d.checkCluster(cluster, start, lastTimecode)
		lastTimecode = cluster.Timecode
		ack(Ack{EventType: AckBuffering, FragmentTimecode: cluster.Timecode})
		ack(Ack{EventType: AckReceived, FragmentTimecode: cluster.Timecode})
		if clusters == failAt {
			ack(Ack{EventType: AckError, FragmentTimecode: cluster.Timecode, ErrorID: failID})
			failed = true
			continue
		}
		d.mu.Lock()
		d.clusters = append(d.clusters, cluster.Timecode)
		d.frames += len(cluster.SimpleBlock)
		number := fmt.Sprintf("91343852333181432392682062%06d", len(d.clusters))
		d.mu.Unlock()
		ack(Ack{EventType: AckPersisted, FragmentTimecode: cluster.Timecode, FragmentNumber: number})
	}
	if awaitingTag && !failed {
		d.problem("connection %d: the last cluster is not followed by the image generation tag", conn)
	}
	if err := <-parsed; err != nil && !failed {
		d.problem("connection %d: Matroska stream does not parse: %v", conn, err)
	}
}

func (d *kvsDouble) checkHeader(in incomingStream) {
	if in.Header.DocType != "matroska" || in.Header.EBMLVersion != 1 {
		d.problem("EBML header = %+v", in.Header)
	}
	if in.Segment.Info.TimecodeScale != uint64(time.Millisecond) {
		d.problem("timecode scale %d, want 1 ms", in.Segment.Info.TimecodeScale)
	}
	tracks := in.Segment.Tracks.TrackEntry
	if len(tracks) != 1 || tracks[0].TrackNumber != 1 || tracks[0].CodecID != "V_MPEG4/ISO/AVC" || tracks[0].TrackType != 1 ||
		len(tracks[0].CodecPrivate) < 7 || tracks[0].CodecPrivate[0] != 1 || tracks[0].Video == nil {
		d.problem("tracks = %+v, want one H.264 video track 1 with an AVCC record", tracks)
	}
}

// checkCluster checks a fragment: absolute timecode at or after the
// producer start and after the previous one, then video blocks of track 1,
// the first a keyframe.
func (d *kvsDouble) checkCluster(c webm.Cluster, producerStart float64, previous uint64) {
	if float64(c.Timecode) < producerStart*1000-1 || c.Timecode <= previous {
		d.problem("cluster timecode %d: before the producer start %.3f s or not after %d", c.Timecode, producerStart, previous)
	}
	if len(c.SimpleBlock) == 0 || !c.SimpleBlock[0].Keyframe {
		d.problem("cluster %d does not start with a keyframe", c.Timecode)
	}
	for _, b := range c.SimpleBlock {
		if b.TrackNumber != 1 || len(b.Data) != 1 || len(b.Data[0]) == 0 || b.Timecode < 0 {
			d.problem("cluster %d: block %+v is not a video frame of track 1", c.Timecode, b.TrackNumber)
		}
	}
}

func (d *kvsDouble) checkTags(tags mkvTags) {
	if len(tags.Tag) != 1 || len(tags.Tag[0].SimpleTag) != 1 || tags.Tag[0].SimpleTag[0].TagName != ImageGenerationTag {
		d.problem("tags = %+v, want the image generation tag", tags)
	}
}

// persisted returns the persisted cluster timecodes and frame count.
func (d *kvsDouble) persisted() ([]uint64, int, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]uint64(nil), d.clusters...), d.frames, d.connections
}
