package videostream

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Assertions shared by the component tests.
var (
	named = recordertest.MustNamed
)

const (
	testKeyARN     = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	testName       = "cam-0412"
	testViaService = "kinesisvideo.us-east-1.amazonaws.com"
	gatewayRoleARN = "arn:aws:iam::210987654321:role/video-gateway"

	tComponent  = Token
	tStream     = "aws:kinesis/videoStream:VideoStream"
	tRole       = "aws:iam/role:Role"
	tPolicy     = "aws:iam/policy:Policy"
	tAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
)

func validArgs() *VideoStreamArgs {
	return &VideoStreamArgs{
		CameraID:           "cam-0412",
		WardCode:           "ICU-2",
		RoomCode:           "R-204",
		KMSKeyARN:          pulumi.String(testKeyARN),
		DataRetentionHours: 168,
		ProducerPrincipal:  IoTCredentialsProvider,
		Tags:               map[string]string{"environment": "test"},
	}
}

// streamRun is one offline deployment of a VideoStream.
type streamRun struct {
	rec           *recorder.Recorder
	viaService    string
	streamARN     string
	producerRole  string
	streamNameOut string
}

func runStream(t *testing.T, args *VideoStreamArgs, runOpts ...pulumi.RunOption) (*streamRun, error) {
	t.Helper()
	run := &streamRun{rec: recorder.New("mediguard", "test", "")}
	var mu sync.Mutex
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		stream, err := NewVideoStream(ctx, testName, args)
		if err != nil {
			return err
		}
		run.viaService = stream.KMSViaService
		pulumi.All(stream.StreamARN, stream.StreamName, stream.ProducerRoleARN).ApplyT(func(v []any) error {
			mu.Lock()
			defer mu.Unlock()
			run.streamARN, run.streamNameOut, run.producerRole = v[0].(string), v[1].(string), v[2].(string)
			return nil
		})
		return nil
	}, append([]pulumi.RunOption{run.rec.RunOption()}, runOpts...)...)
	return run, err
}

func mustRunStream(t *testing.T, args *VideoStreamArgs) *streamRun {
	t.Helper()
	run, err := runStream(t, args)
	if err != nil {
		t.Fatalf("NewVideoStream: %v", err)
	}
	return run
}

func inputPolicy(t *testing.T, res recorder.Resource, key string) policydoc.Document {
	t.Helper()
	doc, err := policydoc.Parse(res.InputString(key))
	if err != nil {
		t.Fatalf("%s %s %s: %v", res.Type, res.Name, key, err)
	}
	return doc
}

func TestVideoStreamInventoryAndParents(t *testing.T) {
	t.Parallel()
	run := mustRunStream(t, validArgs())
	want := map[string]int{tComponent: 1, tStream: 1, tRole: 1, tPolicy: 1, tAttachment: 1}
	if got := run.rec.TypeCounts(); !maps.Equal(got, want) {
		t.Errorf("inventory %v, want %v", got, want)
	}
	component := named(t, run.rec, tComponent, testName)
	for _, res := range run.rec.Resources() {
		if res.Type == tComponent {
			continue
		}
		if res.Parent != component.URN {
			t.Errorf("%s %s has parent %q, want the component", res.Type, res.Name, res.Parent)
		}
		if !strings.HasPrefix(res.Name, testName+"-") {
			t.Errorf("%s %s: name not derived from the component name", res.Type, res.Name)
		}
	}
	if got := run.rec.OutputsRegistered(); got != 2 {
		t.Errorf("RegisterResourceOutputs called %d times, want 2 (stack and component)", got)
	}
	if run.streamARN == "" || run.streamNameOut == "" || run.producerRole == "" {
		t.Errorf("outputs did not resolve: stream %q name %q role %q", run.streamARN, run.streamNameOut, run.producerRole)
	}
	if run.viaService != testViaService {
		t.Errorf("KMSViaService %q, want %q", run.viaService, testViaService)
	}
}

func TestVideoStreamStream(t *testing.T) {
	t.Parallel()
	for _, protect := range []bool{false, true} {
		args := validArgs()
		args.Protect = protect
		run := mustRunStream(t, args)
		s := named(t, run.rec, tStream, testName+"-stream")
		if got := s.InputString("kmsKeyId"); got != testKeyARN {
			t.Errorf("kmsKeyId %q, want the PHI key", got)
		}
		if v := s.Inputs["dataRetentionInHours"]; !v.IsNumber() || v.NumberValue() != 168 {
			t.Errorf("dataRetentionInHours %v, want 168", v)
		}
		if got := s.InputString("mediaType"); got != MediaType {
			t.Errorf("mediaType %q", got)
		}
		if got := s.InputString("deviceName"); got != "cam-0412" {
			t.Errorf("deviceName %q", got)
		}
		if s.Protect != protect {
			t.Errorf("Protect=%v: stream protect %v", protect, s.Protect)
		}
		for _, res := range run.rec.Resources() {
			if res.Type == tComponent || res.Type == tAttachment {
				continue
			}
			tags := res.Inputs["tags"].ObjectValue()
			want := map[string]string{
				CameraIDTag: "cam-0412", WardCodeTag: "ICU-2", RoomCodeTag: "R-204", ManagedByTag: ManagedByValue, "environment": "test",
				DataClassificationTag: DataClassificationPHI,
			}
			got := map[string]string{}
			for k, v := range tags {
				got[string(k)] = v.StringValue()
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s tags %v, want %v", res.Type, got, want)
			}
		}
	}
}

func TestVideoStreamProducerTrust(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		principal     string
		externalID    string
		wantPrincipal policydoc.Principal
		wantCondition policydoc.Conditions
	}{
		{
			name:          "IoT credentials provider",
			principal:     IoTCredentialsProvider,
			wantPrincipal: policydoc.Principal{Service: []string{IoTCredentialsProvider}},
			wantCondition: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {recorder.Account}}},
		},
		{
			name:          "gateway role with external ID",
			principal:     gatewayRoleARN,
			externalID:    "mediguard-ward-7",
			wantPrincipal: policydoc.Principal{AWS: []string{gatewayRoleARN}},
			wantCondition: policydoc.Conditions{"StringEquals": {"sts:ExternalId": {"mediguard-ward-7"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := validArgs()
			args.ProducerPrincipal, args.ProducerExternalID = tt.principal, tt.externalID
			run := mustRunStream(t, args)
			doc := inputPolicy(t, named(t, run.rec, tRole, testName+"-producer"), "assumeRolePolicy")
			if len(doc.Statements) != 1 {
				t.Fatalf("trust policy has %d statements, want 1", len(doc.Statements))
			}
			st := doc.Statements[0]
			if st.Effect != policydoc.Allow || !slices.Equal(st.Actions, []string{"sts:AssumeRole"}) {
				t.Errorf("trust statement effect %s actions %v", st.Effect, st.Actions)
			}
			if st.Principal == nil || !reflect.DeepEqual(*st.Principal, tt.wantPrincipal) {
				t.Errorf("trust principal %+v, want %+v", st.Principal, tt.wantPrincipal)
			}
			if !reflect.DeepEqual(st.Conditions, tt.wantCondition) {
				t.Errorf("trust conditions %v, want %v", st.Conditions, tt.wantCondition)
			}
		})
	}
}

func TestVideoStreamProducerPolicy(t *testing.T) {
	t.Parallel()
	run := mustRunStream(t, validArgs())
	policy := named(t, run.rec, tPolicy, testName+"-producer")
	doc := inputPolicy(t, policy, "policy")
	want := []policydoc.Statement{
		{
			Sid:       "PutMediaToThisStream",
			Effect:    policydoc.Allow,
			Actions:   []string{"kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:PutMedia"},
			Resources: []string{run.streamARN},
		},
		{
			Sid:        "GenerateDataKeysViaKinesisVideo",
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:GenerateDataKey"},
			Resources:  []string{testKeyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {testViaService}}},
		},
	}
	if len(doc.Statements) != len(want) {
		t.Fatalf("producer policy has %d statements, want %d", len(doc.Statements), len(want))
	}
	for i, w := range want {
		if got := doc.Statements[i]; !reflect.DeepEqual(got, w) {
			t.Errorf("statement %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
	for _, st := range doc.Statements {
		if slices.Contains(st.Actions, "kms:Decrypt") || slices.Contains(st.Actions, "kinesisvideo:GetMedia") {
			t.Errorf("producer may read video: %v", st.Actions)
		}
	}
	stream := named(t, run.rec, tStream, testName+"-stream")
	attachment := named(t, run.rec, tAttachment, testName+"-producer")
	if !policy.DependsOn(stream) {
		t.Error("producer policy is not built from the stream's ARN")
	}
	if !attachment.DependsOn(policy) || !attachment.DependsOn(named(t, run.rec, tRole, testName+"-producer")) {
		t.Error("producer policy is not attached to the producer role")
	}
}

func TestConsumerStatements(t *testing.T) {
	t.Parallel()
	first := "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-0412/1700000000000"
	other := "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-0413/1700000000001"
	got, err := ConsumerStatements(ConsumerGrant{StreamARNs: []string{first, other}, KMSKeyARN: testKeyARN, KMSViaService: testViaService})
	if err != nil {
		t.Fatalf("ConsumerStatements: %v", err)
	}
	want := []policydoc.Statement{
		{
			Sid:    "ReadVideoStreams",
			Effect: policydoc.Allow,
			Actions: []string{
				"kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:GetImages",
				"kinesisvideo:GetMedia", "kinesisvideo:GetMediaForFragmentList", "kinesisvideo:ListFragments",
			},
			Resources: []string{first, other},
		},
		{
			Sid:        "DecryptVideoViaKinesisVideo",
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:Decrypt"},
			Resources:  []string{testKeyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {testViaService}}},
		},
	}
	// Round-trip through JSON, as a consumer's role policy would.
	text, err := policydoc.New(got...).JSON()
	if err != nil {
		t.Fatalf("render consumer statements: %v", err)
	}
	doc, err := policydoc.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc.Statements, want) {
		t.Errorf("consumer statements:\n got %+v\nwant %+v", doc.Statements, want)
	}
}

func TestConsumerStatementsRejectsIncompleteGrants(t *testing.T) {
	t.Parallel()
	_, err := ConsumerStatements(ConsumerGrant{StreamARNs: []string{""}, KMSKeyARN: "alias/aws/kinesisvideo"})
	if err == nil {
		t.Fatal("ConsumerStatements accepted an incomplete grant")
	}
	for _, w := range []string{"stream ARN 0 is empty", "not a KMS key ARN", "KMSViaService is empty"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
	if _, err := ConsumerStatements(ConsumerGrant{KMSKeyARN: testKeyARN, KMSViaService: testViaService}); err == nil || !strings.Contains(err.Error(), "no stream ARNs") {
		t.Errorf("err = %v, want no stream ARNs", err)
	}
}

func TestConsumerStatementsOutput(t *testing.T) {
	t.Parallel()
	rec := recorder.New("mediguard", "test", "")
	var (
		mu         sync.Mutex
		got        []policydoc.Statement
		streamARNs []string
	)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var streams []*VideoStream
		for _, camera := range []string{"cam-1", "cam-2"} {
			args := validArgs()
			args.CameraID = camera
			s, err := NewVideoStream(ctx, camera, args)
			if err != nil {
				return err
			}
			streams = append(streams, s)
		}
		pulumi.All(streams[0].StreamARN, streams[1].StreamARN).ApplyT(func(v []any) error {
			mu.Lock()
			defer mu.Unlock()
			streamARNs = []string{v[0].(string), v[1].(string)}
			return nil
		})
		out, err := ConsumerStatementsOutput(pulumi.String(testKeyARN), streams...)
		if err != nil {
			return err
		}
		out.ApplyT(func(v any) error {
			mu.Lock()
			defer mu.Unlock()
			got = v.([]policydoc.Statement)
			return nil
		})
		return nil
	}, rec.RunOption())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	want, err := ConsumerStatements(ConsumerGrant{
		StreamARNs:    streamARNs,
		KMSKeyARN:     testKeyARN,
		KMSViaService: testViaService,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statements:\n got %+v\nwant %+v", got, want)
	}
}

func TestConsumerStatementsOutputRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     pulumi.StringInput
		streams []*VideoStream
		want    string
	}{
		{"no key", nil, []*VideoStream{{KMSViaService: testViaService}}, "key ARN is required"},
		{"no streams", pulumi.String(testKeyARN), nil, "no streams"},
		{"two regions", pulumi.String(testKeyARN), []*VideoStream{
			{KMSViaService: testViaService}, {KMSViaService: "kinesisvideo.eu-west-1.amazonaws.com"},
		}, "stream 1 is read via kinesisvideo.eu-west-1.amazonaws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ConsumerStatementsOutput(tt.key, tt.streams...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestVideoStreamDryRun(t *testing.T) {
	t.Parallel()
	args := validArgs()
	// In a real first preview the key is created in the same run: its ARN
	// is unknown, and so are the stream's and the role's.
	args.KMSKeyARN = pulumi.UnsafeUnknownOutput(nil).(pulumi.AnyOutput).AsStringOutput()
	run, err := runStream(t, args, func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := len(run.rec.ByType(tStream)); got != 1 {
		t.Errorf("preview registered %d streams, want 1", got)
	}
	// The trust policy needs only invoke results, so the policy pack can read
	// it at preview.
	inputPolicy(t, named(t, run.rec, tRole, testName+"-producer"), "assumeRolePolicy")
}

func TestVideoStreamRejectsAliasFromAnotherResource(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.KMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo").ToStringOutput()
	_, err := runStream(t, args)
	if err == nil || !strings.Contains(err.Error(), "not a KMS key ARN") {
		t.Errorf("err = %v, want the alias rejected when the output resolves", err)
	}
}

func TestVideoStreamInvalidArgs(t *testing.T) {
	t.Parallel()
	// Values shaped like patient identifiers; none may appear in the error.
	phiLike := []string{"MRN12345678", "123-45-6789", "jane.doe@example.org", "1984-03-07"}
	tests := []struct {
		name string
		args *VideoStreamArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"everything missing", &VideoStreamArgs{}, []string{
			"CameraID is required", "WardCode is required", "RoomCode is required",
			"KMSKeyARN is required", "DataRetentionHours 0", "ProducerPrincipal is required",
		}},
		{"patient identifiers", &VideoStreamArgs{
			CameraID: phiLike[0], WardCode: phiLike[1], RoomCode: phiLike[2],
			KMSKeyARN: pulumi.String(testKeyARN), DataRetentionHours: 24, ProducerPrincipal: IoTCredentialsProvider,
			Tags: map[string]string{"owner": phiLike[3]},
		}, []string{
			"CameraID looks like it carries a patient identifier",
			"WardCode looks like it carries a patient identifier",
			"RoomCode looks like it carries a patient identifier",
			`Tags: value of "owner" looks like it carries a patient identifier`,
		}},
		{"names and bad values", &VideoStreamArgs{
			CameraID: "Room of J Smith", WardCode: "ICU-2", RoomCode: "R-204",
			KMSKeyARN: pulumi.String("alias/aws/kinesisvideo"), DataRetentionHours: 87601,
			ProducerPrincipal: "arn:aws:iam::*:role/any", Tags: map[string]string{CameraIDTag: "x", "aws:x": "y"},
		}, []string{
			"CameraID must be a code",
			"not a KMS key ARN",
			"DataRetentionHours 87601",
			"is neither credentials.iot.amazonaws.com nor an IAM role",
			`Tags: "camera-id" is set by the component`,
			`Tags: "aws:x" uses the reserved aws: prefix`,
		}},
		{"retention shorter than a day", &VideoStreamArgs{
			CameraID: "cam-1", WardCode: "W1", RoomCode: "R1", KMSKeyARN: pulumi.String(testKeyARN), DataRetentionHours: 23,
			ProducerPrincipal: IoTCredentialsProvider,
		}, []string{"DataRetentionHours 23: must be 24 to 87600"}},
		{"IAM principal without external ID", &VideoStreamArgs{
			CameraID: "cam-1", WardCode: "W1", RoomCode: "R1", KMSKeyARN: pulumi.String(testKeyARN), DataRetentionHours: 24,
			ProducerPrincipal: gatewayRoleARN,
		}, []string{"ProducerExternalID is required with an IAM principal"}},
		{"IoT provider with external ID", &VideoStreamArgs{
			CameraID: "cam-1", WardCode: "W1", RoomCode: "R1", KMSKeyARN: pulumi.String(testKeyARN), DataRetentionHours: 24,
			ProducerPrincipal: IoTCredentialsProvider, ProducerExternalID: "abc",
		}, []string{"ProducerExternalID applies to IAM principals only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run, err := runStream(t, tt.args)
			if err == nil {
				t.Fatal("NewVideoStream accepted invalid args")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			for _, p := range phiLike {
				if strings.Contains(err.Error(), p) {
					t.Error("error echoes a patient-identifier-shaped value")
				}
			}
			if got := run.rec.Resources(); len(got) != 0 {
				t.Errorf("invalid args registered %d resources, want none", len(got))
			}
		})
	}
}

func TestLooksLikePatientIdentifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  bool
	}{
		{"cam-0412", false},
		{"ICU-2", false},
		{"R-204", false},
		{"cam-000123", false},
		{"1234567", true},
		{"MRN0012345678", true},
		{"123-45-6789", true},
		{"nurse@example.org", true},
		{"1984-03-07", true},
		{"07/03/1984", true},
	}
	for _, tt := range tests {
		if got := looksLikePatientIdentifier(tt.value); got != tt.want {
			t.Errorf("looksLikePatientIdentifier(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestVideoStreamDoesNotMutateArgs(t *testing.T) {
	t.Parallel()
	args := validArgs()
	before := *args
	before.Tags = maps.Clone(args.Tags)
	mustRunStream(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args changed:\n got %+v\nwant %+v", *args, before)
	}
}

func TestVideoStreamRecordsComponentInputs(t *testing.T) {
	t.Parallel()
	run := mustRunStream(t, validArgs())
	inputs := named(t, run.rec, tComponent, testName).Inputs
	for key, want := range map[resource.PropertyKey]string{
		"cameraId": "cam-0412", "wardCode": "ICU-2", "roomCode": "R-204", "kmsKeyArn": testKeyARN, "producerPrincipal": IoTCredentialsProvider,
	} {
		if v := inputs[key]; !v.IsString() || v.StringValue() != want {
			t.Errorf("component input %s = %v, want %q", key, v, want)
		}
	}
}
