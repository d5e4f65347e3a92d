package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/mediguard/mediguard/functions/internal/awsclient"
)

// The doubles below speak the wire protocols of S3 (REST, path-style
// addressing), DynamoDB (JSON 1.0, X-Amz-Target) and SNS (query protocol,
// Action=) to the real aws-sdk-go-v2 clients, and check what those clients
// send: the SigV4 credential scope, the operation, required headers and the
// condition expressions. Anything unexpected is recorded as a problem and
// answered with an error, so a test fails when the handler's requests drift
// from what AWS accepts.

const (
	testRegion    = "us-east-1"
	testAccessKey = "AKIDMEDIGUARDTEST"
	testTopicARN  = "arn:aws:sns:us-east-1:111122223333:detector-alerts"
	testKMSKeyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// awsDouble holds the state of the three services.
type awsDouble struct {
	t testing.TB

	mu       sync.Mutex
	objects  map[string][]byte      // "bucket/key" -> body
	puts     map[string]http.Header // "bucket/key" -> headers of the last PutObject
	tables   map[string]map[string]map[string]any
	messages []publishedMessage
	ops      []string // operations in arrival order
	problems []string

	// Fault injection.
	failPublishes    int            // answer this many Publish requests with 500
	failGets         map[string]int // "bucket/key" -> GetObject requests to answer with 500
	stateConflicts   int            // state PutItems to preempt with a concurrent save
	lockedBuckets    map[string]bool
	publishAttempts  int
	s3, dynamo, snsS *httptest.Server
	// handlers serve each service by name ("s3", "dynamodb", "sns"), for
	// the proxy a separately running function process talks through.
	handlers map[string]http.Handler
}

type publishedMessage struct {
	ID         string
	Subject    string
	Message    string
	Attributes map[string]string
}

func newAWSDouble(t testing.TB, lockedBuckets ...string) *awsDouble {
	t.Helper()
	d := &awsDouble{
		t:             t,
		objects:       map[string][]byte{},
		puts:          map[string]http.Header{},
		tables:        map[string]map[string]map[string]any{},
		failGets:      map[string]int{},
		lockedBuckets: map[string]bool{},
	}
	for _, b := range lockedBuckets {
		d.lockedBuckets[b] = true
	}
	d.handlers = map[string]http.Handler{
		"s3":       d.signed("s3", d.serveS3),
		"dynamodb": d.signed("dynamodb", d.serveDynamoDB),
		"sns":      d.signed("sns", d.serveSNS),
	}
	d.s3 = httptest.NewServer(d.handlers["s3"])
	d.dynamo = httptest.NewServer(d.handlers["dynamodb"])
	d.snsS = httptest.NewServer(d.handlers["sns"])
	t.Cleanup(func() {
		d.s3.Close()
		d.dynamo.Close()
		d.snsS.Close()
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, p := range d.problems {
			t.Errorf("AWS double: %s", p)
		}
	})
	return d
}

// clients returns real SDK clients aimed at the doubles, with static
// credentials and the production retry policy (backoff shortened).
func (d *awsDouble) clients() Clients {
	cfg := aws.Config{
		Region:      testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, "test-secret", ""),
		Retryer:     func() aws.Retryer { return awsclient.NewRetryer(time.Millisecond) },
	}
	return Clients{
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.BaseEndpoint = aws.String(d.s3.URL)
			o.UsePathStyle = true
		}),
		DynamoDB: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(d.dynamo.URL) }),
		SNS:      sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(d.snsS.URL) }),
	}
}

func (d *awsDouble) problem(format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
}

var credentialScope = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/[0-9]{8}/([^/]+)/([^/]+)/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`)

// signed checks every request's SigV4 Authorization header names the test
// key, the region and service before handing it on, holding the lock.
func (d *awsDouble) signed(service string, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil || m[1] != testAccessKey || m[2] != testRegion || m[3] != service {
			d.problem("%s request %s %s is not SigV4-signed for %s in %s", service, r.Method, r.URL.Path, service, testRegion)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		if r.Header.Get("X-Amz-Date") == "" {
			d.problem("%s request has no X-Amz-Date", service)
		}
		next(w, r, body)
	})
}

// putObject seeds an object, as KVS image generation or an operator would.
func (d *awsDouble) putObject(bucket, key string, body []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.objects[bucket+"/"+key] = body
}

func (d *awsDouble) object(bucket, key string) ([]byte, http.Header, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.objects[bucket+"/"+key]
	return b, d.puts[bucket+"/"+key], ok
}

func (d *awsDouble) published() []publishedMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.messages)
}

func (d *awsDouble) operations() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.ops)
}

func (d *awsDouble) item(table, key string) map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.tables[table][key])
}

// ---- S3 ----

func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>r</RequestId></Error>`, code, code)
}

func (d *awsDouble) serveS3(w http.ResponseWriter, r *http.Request, body []byte) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && key == "" && r.URL.Query().Get("list-type") == "2":
		d.ops = append(d.ops, "s3:ListObjectsV2")
		d.listObjects(w, bucket, r.URL.Query().Get("prefix"))
	case r.Method == http.MethodGet && key != "":
		d.ops = append(d.ops, "s3:GetObject")
		if d.failGets[bucket+"/"+key] > 0 {
			d.failGets[bucket+"/"+key]--
			s3Error(w, http.StatusInternalServerError, "InternalError")
			return
		}
		obj, ok := d.objects[bucket+"/"+key]
		if !ok {
			s3Error(w, http.StatusNotFound, "NoSuchKey")
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(obj)))
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(obj)
	case r.Method == http.MethodPut && key != "":
		d.ops = append(d.ops, "s3:PutObject")
		d.putObjectRequest(w, r, bucket, key, body)
	default:
		d.problem("unexpected S3 request %s %s", r.Method, r.URL.String())
		s3Error(w, http.StatusBadRequest, "InvalidRequest")
	}
}

func (d *awsDouble) putObjectRequest(w http.ResponseWriter, r *http.Request, bucket, key string, body []byte) {
	h := r.Header
	if enc := h.Get("Content-Encoding"); strings.Contains(enc, "aws-chunked") {
		d.problem("PutObject %s uses aws-chunked encoding the double does not decode", key)
		s3Error(w, http.StatusBadRequest, "InvalidRequest")
		return
	}
	sum := sha256.Sum256(body)
	if got := h.Get("X-Amz-Checksum-Sha256"); got != base64.StdEncoding.EncodeToString(sum[:]) {
		// S3 requires an integrity check on PutObject with object-lock headers.
		d.problem("PutObject %s: x-amz-checksum-sha256 %q does not match the body", key, got)
		s3Error(w, http.StatusBadRequest, "BadDigest")
		return
	}
	if d.lockedBuckets[bucket] {
		mode := h.Get("X-Amz-Object-Lock-Mode")
		until, err := time.Parse(time.RFC3339, h.Get("X-Amz-Object-Lock-Retain-Until-Date"))
		switch {
		case mode != "COMPLIANCE" && mode != "GOVERNANCE":
			d.problem("PutObject %s: object lock mode %q", key, mode)
		case err != nil:
			d.problem("PutObject %s: retain-until date %q: %v", key, h.Get("X-Amz-Object-Lock-Retain-Until-Date"), err)
		case h.Get("X-Amz-Server-Side-Encryption") != "aws:kms" || h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != testKMSKeyARN:
			d.problem("PutObject %s: not SSE-KMS with the PHI key", key)
		default:
			_ = until
			d.objects[bucket+"/"+key] = body
			d.puts[bucket+"/"+key] = h.Clone()
			w.Header().Set("ETag", `"etag"`)
			return
		}
		s3Error(w, http.StatusBadRequest, "InvalidRequest")
		return
	}
	d.problem("PutObject to bucket %s, which the detector must not write", bucket)
	s3Error(w, http.StatusForbidden, "AccessDenied")
}

func (d *awsDouble) listObjects(w http.ResponseWriter, bucket, prefix string) {
	type content struct {
		Key  string `xml:"Key"`
		Size int    `xml:"Size"`
	}
	result := struct {
		XMLName     xml.Name  `xml:"ListBucketResult"`
		Name        string    `xml:"Name"`
		Prefix      string    `xml:"Prefix"`
		KeyCount    int       `xml:"KeyCount"`
		IsTruncated bool      `xml:"IsTruncated"`
		Contents    []content `xml:"Contents"`
	}{Name: bucket, Prefix: prefix}
	for _, k := range slices.Sorted(maps.Keys(d.objects)) {
		if name, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(name, prefix) {
			result.Contents = append(result.Contents, content{Key: name, Size: len(d.objects[k])})
		}
	}
	result.KeyCount = len(result.Contents)
	w.Header().Set("Content-Type", "application/xml")
	xml.NewEncoder(w).Encode(result)
}

// ---- DynamoDB ----

// Tables of the test function and their hash keys.
const (
	stateTable   = "detector-state"
	episodeTable = "detector-episodes"
)

var tableKeys = map[string]string{stateTable: attrCameraID, episodeTable: attrEpisodeID}

func dynamoError(w http.ResponseWriter, status int, code, message string, extra map[string]any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	body := map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message}
	maps.Copy(body, extra)
	json.NewEncoder(w).Encode(body)
}

type dynamoRequest struct {
	TableName                           string
	Key                                 map[string]any
	Item                                map[string]any
	ConsistentRead                      bool
	ConditionExpression                 string
	UpdateExpression                    string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           map[string]any
	ReturnValuesOnConditionCheckFailure string
}

func (d *awsDouble) serveDynamoDB(w http.ResponseWriter, r *http.Request, body []byte) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	if !ok || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		d.problem("DynamoDB request without the JSON 1.0 target and content type: %q", r.Header.Get("X-Amz-Target"))
		dynamoError(w, 400, "ValidationException", "bad request", nil)
		return
	}
	d.ops = append(d.ops, "dynamodb:"+op)
	var req dynamoRequest
	if err := json.Unmarshal(body, &req); err != nil {
		d.problem("DynamoDB %s body is not JSON: %v", op, err)
		dynamoError(w, 400, "SerializationException", "bad json", nil)
		return
	}
	hashKey, known := tableKeys[req.TableName]
	if !known {
		d.problem("DynamoDB %s on unknown table %q", op, req.TableName)
		dynamoError(w, 400, "ResourceNotFoundException", "no table", nil)
		return
	}
	table := d.tables[req.TableName]
	if table == nil {
		table = map[string]map[string]any{}
		d.tables[req.TableName] = table
	}
	keyOf := func(attrs map[string]any) (string, bool) {
		v, ok := attrs[hashKey].(map[string]any)["S"].(string)
		return v, ok && v != ""
	}
	switch op {
	case "GetItem":
		id, ok := keyOf(req.Key)
		if !ok || len(req.Key) != 1 {
			d.problem("GetItem key %v is not the hash key %s", req.Key, hashKey)
			dynamoError(w, 400, "ValidationException", "key", nil)
			return
		}
		if req.TableName == stateTable && !req.ConsistentRead {
			// An eventually consistent read would make conflicts needlessly likely.
			d.problem("GetItem on the state table without ConsistentRead")
		}
		out := map[string]any{}
		if item, ok := table[id]; ok {
			out["Item"] = item
		}
		json.NewEncoder(w).Encode(out)
	case "PutItem":
		id, ok := keyOf(req.Item)
		if !ok {
			d.problem("PutItem item has no hash key %s", hashKey)
			dynamoError(w, 400, "ValidationException", "key", nil)
			return
		}
		if req.ConditionExpression == "" {
			d.problem("unconditional PutItem on %s", req.TableName)
		}
		if req.TableName == stateTable && d.stateConflicts > 0 {
			// Another invocation saves the camera's state first.
			d.stateConflicts--
			if old, ok := table[id]; ok {
				bumped := maps.Clone(old)
				bumped[attrVersion] = map[string]any{"N": fmt.Sprint(versionOf(old) + 1)}
				table[id] = bumped
			} else {
				table[id] = map[string]any{hashKey: req.Item[hashKey], attrVersion: map[string]any{"N": "1"}}
			}
		}
		d.conditional(w, req, table, id, func() { table[id] = req.Item })
	case "UpdateItem":
		id, ok := keyOf(req.Key)
		if !ok {
			d.problem("UpdateItem key has no hash key %s", hashKey)
			dynamoError(w, 400, "ValidationException", "key", nil)
			return
		}
		d.conditional(w, req, table, id, func() {
			item := maps.Clone(table[id])
			if item == nil {
				item = maps.Clone(req.Key)
			}
			if err := applySet(item, req); err != nil {
				d.problem("UpdateItem %s: %v", req.TableName, err)
			}
			table[id] = item
		})
	default:
		d.problem("unexpected DynamoDB operation %s", op)
		dynamoError(w, 400, "UnknownOperationException", op, nil)
	}
}

func versionOf(item map[string]any) int {
	var v int
	fmt.Sscan(item[attrVersion].(map[string]any)["N"].(string), &v)
	return v
}

// conditional evaluates the request's condition on the stored item and runs
// write when it holds, answering as DynamoDB does.
func (d *awsDouble) conditional(w http.ResponseWriter, req dynamoRequest, table map[string]map[string]any, id string, write func()) {
	existing, exists := table[id]
	ok, err := evalCondition(req.ConditionExpression, existing, exists, req)
	if err != nil {
		d.problem("condition %q: %v", req.ConditionExpression, err)
		dynamoError(w, 400, "ValidationException", err.Error(), nil)
		return
	}
	if !ok {
		var extra map[string]any
		if req.ReturnValuesOnConditionCheckFailure == "ALL_OLD" && exists {
			extra = map[string]any{"Item": existing}
		}
		dynamoError(w, 400, "ConditionalCheckFailedException", "The conditional request failed", extra)
		return
	}
	write()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Write([]byte("{}"))
}

var (
	notExistsClause = regexp.MustCompile(`^attribute_not_exists\((#[a-z]+)\)$`)
	equalsClause    = regexp.MustCompile(`^(#[a-z]+) = (:[a-z]+)$`)
	setClause       = regexp.MustCompile(`^(#[a-z]+) = (:[a-z]+)$`)
)

// evalCondition understands the forms the handler may use: clauses
// "attribute_not_exists(#n)" and "#n = :v" joined by AND. Every name and
// value must be bound.
func evalCondition(expr string, item map[string]any, exists bool, req dynamoRequest) (bool, error) {
	result := true
	for _, clause := range strings.Split(expr, " AND ") {
		if m := notExistsClause.FindStringSubmatch(clause); m != nil {
			name, ok := req.ExpressionAttributeNames[m[1]]
			if !ok {
				return false, fmt.Errorf("unbound name %s", m[1])
			}
			_, has := item[name]
			result = result && (!exists || !has)
			continue
		}
		if m := equalsClause.FindStringSubmatch(clause); m != nil {
			name, ok := req.ExpressionAttributeNames[m[1]]
			value, bound := req.ExpressionAttributeValues[m[2]]
			if !ok || !bound {
				return false, fmt.Errorf("unbound %s or %s", m[1], m[2])
			}
			got, _ := json.Marshal(item[name])
			want, _ := json.Marshal(value)
			result = result && exists && bytes.Equal(got, want)
			continue
		}
		return false, fmt.Errorf("clause %q is not understood", clause)
	}
	return result, nil
}

// applySet applies "SET #a = :x, #b = :y".
func applySet(item map[string]any, req dynamoRequest) error {
	assignments, ok := strings.CutPrefix(req.UpdateExpression, "SET ")
	if !ok {
		return fmt.Errorf("update %q is not a SET", req.UpdateExpression)
	}
	for _, a := range strings.Split(assignments, ", ") {
		m := setClause.FindStringSubmatch(a)
		if m == nil {
			return fmt.Errorf("assignment %q is not understood", a)
		}
		name, ok := req.ExpressionAttributeNames[m[1]]
		value, bound := req.ExpressionAttributeValues[m[2]]
		if !ok || !bound {
			return fmt.Errorf("unbound %s or %s", m[1], m[2])
		}
		item[name] = value
	}
	return nil
}

// ---- SNS ----

func (d *awsDouble) serveSNS(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		d.problem("SNS request is not a form post")
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	d.ops = append(d.ops, "sns:"+form.Get("Action"))
	if form.Get("Action") != "Publish" || form.Get("Version") != "2010-03-31" {
		d.problem("unexpected SNS action %q version %q", form.Get("Action"), form.Get("Version"))
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	d.publishAttempts++
	if d.failPublishes > 0 {
		d.failPublishes--
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>internal</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		return
	}
	if form.Get("TopicArn") != testTopicARN {
		d.problem("Publish to topic %q", form.Get("TopicArn"))
	}
	attributes := map[string]string{}
	for i := 1; form.Has(fmt.Sprintf("MessageAttributes.entry.%d.Name", i)); i++ {
		prefix := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		if form.Get(prefix+"Value.DataType") != "String" {
			d.problem("message attribute %s is not a String", form.Get(prefix+"Name"))
		}
		attributes[form.Get(prefix+"Name")] = form.Get(prefix + "Value.StringValue")
	}
	msg := publishedMessage{ID: fmt.Sprintf("msg-%d", len(d.messages)+1), Subject: form.Get("Subject"), Message: form.Get("Message"), Attributes: attributes}
	d.messages = append(d.messages, msg)
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>%s</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`, msg.ID)
}
