package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/mediguard/mediguard/functions/internal/awsclient"
)

// kvsDouble speaks the Kinesis Video Streams control plane's REST-JSON
// protocol (POST /<operation> with a JSON body) to the real aws-sdk-go-v2
// client and checks what it sends: path, method, content type, the SigV4
// credential scope of the kinesisvideo service, and the body's exact shape
// (unknown or missing required fields are problems). Stream configurations
// live in memory, so tests observe the effect of each call.
type kvsDouble struct {
	t testing.TB

	mu       sync.Mutex
	streams  map[string]*wireImageConfig // stream ARN -> configuration; nil: none yet
	ops      []string                    // "<Operation> <stream ARN>" in arrival order
	problems []string
	// failUpdates answers UpdateImageGenerationConfiguration for these
	// streams with InvalidArgumentException.
	failUpdates map[string]bool
	// throttles answers this many requests (any operation) with
	// ClientLimitExceededException, as KVS throttles.
	throttles int

	server *httptest.Server
}

// The wire shapes of the two operations, as the KVS API reference defines
// them.
type wireImageConfig struct {
	Status            string            `json:"Status"`
	ImageSelectorType string            `json:"ImageSelectorType"`
	DestinationConfig *wireDestination  `json:"DestinationConfig"`
	SamplingInterval  *int              `json:"SamplingInterval"`
	Format            string            `json:"Format"`
	FormatConfig      map[string]string `json:"FormatConfig,omitempty"`
	WidthPixels       *int              `json:"WidthPixels,omitempty"`
	HeightPixels      *int              `json:"HeightPixels,omitempty"`
}

type wireDestination struct {
	Uri               string `json:"Uri"`
	DestinationRegion string `json:"DestinationRegion"`
}

type wireStreamRequest struct {
	StreamARN                    string           `json:"StreamARN"`
	StreamName                   string           `json:"StreamName,omitempty"`
	ImageGenerationConfiguration *wireImageConfig `json:"ImageGenerationConfiguration,omitempty"`
}

const (
	testRegion    = "us-east-1"
	testAccessKey = "AKIDKVSCONFIGTEST"
)

// credentialScope is what the Authorization header of a kinesisvideo
// request in testRegion must carry.
var credentialScope = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + testAccessKey + `/[0-9]{8}/` + testRegion + `/kinesisvideo/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`)

// newKVSDouble serves the given streams, none configured yet.
func newKVSDouble(t testing.TB, streamARNs ...string) *kvsDouble {
	t.Helper()
	d := &kvsDouble{t: t, streams: map[string]*wireImageConfig{}, failUpdates: map[string]bool{}}
	for _, arn := range streamARNs {
		d.streams[arn] = nil
	}
	d.server = httptest.NewServer(http.HandlerFunc(d.serve))
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

// client is the handler's kinesisvideo client (newKinesisVideo) pointed at
// the double, with static test credentials and the handlers' retry policy
// with a short backoff.
func (d *kvsDouble) client() *kinesisvideo.Client {
	return newKinesisVideo(aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, "test-secret", ""),
		Retryer:     func() aws.Retryer { return awsclient.NewRetryer(10 * time.Millisecond) },
	}, func(o *kinesisvideo.Options) { o.BaseEndpoint = aws.String(d.server.URL) })
}

func (d *kvsDouble) problem(format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
}

func (d *kvsDouble) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := strings.TrimPrefix(r.URL.Path, "/")
	if r.Method != http.MethodPost {
		d.problem("%s %s: want POST", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		d.problem("%s: Content-Type %q, want application/json", op, ct)
	}
	if auth := r.Header.Get("Authorization"); !credentialScope.MatchString(auth) {
		d.problem("%s: Authorization %q is not a SigV4 kinesisvideo signature for %s", op, auth, testRegion)
	}
	if r.Header.Get("X-Amz-Date") == "" {
		d.problem("%s: no X-Amz-Date header", op)
	}
	var req wireStreamRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		d.problem("%s: body does not decode: %v", op, err)
		writeError(w, http.StatusBadRequest, "SerializationException", "bad body")
		return
	}
	if req.StreamARN == "" || req.StreamName != "" {
		d.problem("%s: want StreamARN only, got ARN %q name %q", op, req.StreamARN, req.StreamName)
	}
	d.ops = append(d.ops, op+" "+req.StreamARN)
	if d.throttles > 0 {
		d.throttles--
		writeError(w, http.StatusBadRequest, "ClientLimitExceededException", "Kinesis Video Streams has throttled the request.")
		return
	}
	current, known := d.streams[req.StreamARN]
	if !known {
		writeError(w, http.StatusNotFound, "ResourceNotFoundException", "The requested stream is not found or not active.")
		return
	}
	switch op {
	case "describeImageGenerationConfiguration":
		if req.ImageGenerationConfiguration != nil {
			d.problem("%s: carries a configuration", op)
		}
		body := map[string]any{}
		if current != nil {
			body["ImageGenerationConfiguration"] = current
		}
		writeJSON(w, body)
	case "updateImageGenerationConfiguration":
		cfg := req.ImageGenerationConfiguration
		if cfg == nil {
			// A null configuration deletes it: the handler never means that.
			d.problem("%s %s: no ImageGenerationConfiguration", op, req.StreamARN)
			writeError(w, http.StatusBadRequest, "InvalidArgumentException", "missing configuration")
			return
		}
		if missing := missingRequired(cfg); missing != "" {
			d.problem("%s %s: required field %s is missing", op, req.StreamARN, missing)
		}
		if d.failUpdates[req.StreamARN] {
			writeError(w, http.StatusBadRequest, "InvalidArgumentException", "The destination bucket is not accessible.")
			return
		}
		d.streams[req.StreamARN] = cfg
		writeJSON(w, map[string]any{})
	default:
		d.problem("unexpected operation %q", op)
		writeError(w, http.StatusBadRequest, "UnknownOperationException", "unknown operation")
	}
}

// missingRequired names the first required ImageGenerationConfiguration
// field that is absent.
func missingRequired(c *wireImageConfig) string {
	switch {
	case c.Status == "":
		return "Status"
	case c.ImageSelectorType == "":
		return "ImageSelectorType"
	case c.DestinationConfig == nil || c.DestinationConfig.Uri == "":
		return "DestinationConfig.Uri"
	case c.DestinationConfig.DestinationRegion == "":
		return "DestinationConfig.DestinationRegion"
	case c.SamplingInterval == nil:
		return "SamplingInterval"
	case c.Format == "":
		return "Format"
	}
	return ""
}

func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(buf.Bytes())
}

// writeError answers in the REST-JSON error shape: the error code in
// x-amzn-ErrorType and a message body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"message":%q}`, message)
}

// config returns a copy of the stream's configuration.
func (d *kvsDouble) config(arn string) *wireImageConfig {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.streams[arn]; c != nil {
		copied := *c
		return &copied
	}
	return nil
}

// takeOps returns and clears the operations seen so far.
func (d *kvsDouble) takeOps() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	ops := d.ops
	d.ops = nil
	return ops
}
