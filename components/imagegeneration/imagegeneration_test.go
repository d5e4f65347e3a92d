package imagegeneration

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/components/videostream"
	"github.com/mediguard/mediguard/functions/kvsconfig/invocation"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed = recordertest.MustNamed
)

const (
	testName        = "frames"
	framesBucket    = "mediguard-dev-frames"
	framesBucketARN = "arn:aws:s3:::" + framesBucket
	phiKeyARN       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	subnetA         = "subnet-0a1b2c3d4e5f60001"
	subnetB         = "subnet-0a1b2c3d4e5f60002"
	functionSG      = "sg-0f1e2d3c4b5a60001"
	stream101       = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera-cam-101-stream/1700000000001"
	stream102       = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera-cam-102-stream/1700000000002"
	producer101     = "arn:aws:iam::123456789012:role/camera-cam-101-producer"
	producer102     = "arn:aws:iam::123456789012:role/cameras/camera-cam-102-producer"
)

const (
	tComponent  = Token
	tRole       = "aws:iam/role:Role"
	tPolicy     = "aws:iam/policy:Policy"
	tAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tQueue      = "aws:sqs/queue:Queue"
	tFunction   = "aws:lambda/function:Function"
	tInvocation = "aws:lambda/invocation:Invocation"
)

var testArchive = pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("test")})

func testArgs() *ImageGenerationArgs {
	return &ImageGenerationArgs{
		Code: testArchive,
		Streams: []Stream{
			{StreamARN: pulumi.String(stream101), ProducerRoleARN: pulumi.String(producer101)},
			{StreamARN: pulumi.String(stream102), ProducerRoleARN: pulumi.String(producer102)},
		},
		FramesBucketARN:  pulumi.String(framesBucketARN),
		PHIKeyARN:        pulumi.String(phiKeyARN),
		SubnetIDs:        pulumi.ToStringArray([]string{subnetA, subnetB}),
		SecurityGroupIDs: pulumi.ToStringArray([]string{functionSG}),
		Tags:             map[string]string{"environment": "dev"},
	}
}

func run(t *testing.T, args *ImageGenerationArgs, runOpts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewImageGeneration(ctx, testName, args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, runOpts...)...)
	return r, err
}

func mustRun(t *testing.T, args *ImageGenerationArgs) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func policyInput(t *testing.T, res recorder.Resource) policydoc.Document {
	t.Helper()
	doc, err := policydoc.Parse(res.InputString("policy"))
	if err != nil {
		t.Fatalf("%s %s policy: %v", res.Type, res.Name, err)
	}
	return doc
}

func mustStatement(t *testing.T, doc policydoc.Document, sid string) policydoc.Statement {
	t.Helper()
	s, ok := doc.Statement(sid)
	if !ok {
		t.Fatalf("no statement %s in %+v", sid, doc)
	}
	return s
}

func TestInventory(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	want := map[string]int{
		tComponent:  1,
		tRole:       1,
		tPolicy:     3, // execution + one per producer
		tAttachment: 3,
		tLogGroup:   1,
		tQueue:      1,
		tFunction:   1,
		tInvocation: 1,
	}
	if got := r.TypeCounts(); !maps.Equal(got, want) {
		t.Errorf("types = %v, want %v", got, want)
	}
	component := mustNamed(t, r, tComponent, testName)
	for _, res := range r.Resources() {
		if res.Custom && res.Parent != component.URN {
			t.Errorf("%s %s is parented to %q, not the component", res.Type, res.Name, res.Parent)
		}
	}
	// The component's outputs, and the stack's.
	if got := r.OutputsRegistered(); got != 2 {
		t.Errorf("outputs registered %d times, want 2", got)
	}
}

func TestFunctionRunsInTheVPCWithTracingAndItsOwnEncryptedLogs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	fn := mustNamed(t, r, tFunction, testName+"-function")
	in := fn.Inputs.Mappable()
	checks := map[string]any{
		"name": testName, "runtime": "provided.al2023", "handler": "bootstrap",
		"reservedConcurrentExecutions": float64(1), "memorySize": float64(functionMemoryMB),
	}
	for k, want := range checks {
		if in[k] != want {
			t.Errorf("function %s = %v, want %v", k, in[k], want)
		}
	}
	if got := in["architectures"]; !slices.Equal(toStrings(got), []string{"arm64"}) {
		t.Errorf("architectures = %v", got)
	}
	vpc := in["vpcConfig"].(map[string]any)
	if !slices.Equal(toStrings(vpc["subnetIds"]), []string{subnetA, subnetB}) || !slices.Equal(toStrings(vpc["securityGroupIds"]), []string{functionSG}) {
		t.Errorf("vpcConfig = %v", vpc)
	}
	if mode := in["tracingConfig"].(map[string]any)["mode"]; mode != "Active" {
		t.Errorf("tracing mode = %v", mode)
	}
	queue := mustNamed(t, r, tQueue, testName+"-dlq")
	if target := in["deadLetterConfig"].(map[string]any)["targetArn"]; target == "" || !fn.DependsOn(queue) {
		t.Errorf("dead-letter target %v does not come from the queue", target)
	}
	if got := queue.InputString("kmsMasterKeyId"); got != phiKeyARN {
		t.Errorf("dead-letter queue key = %q", got)
	}

	logs := mustNamed(t, r, tLogGroup, testName+"-logs")
	if logs.InputString("name") != "/aws/lambda/"+testName || logs.InputString("kmsKeyId") != phiKeyARN ||
		logs.Inputs.Mappable()["retentionInDays"] != float64(DefaultLogRetentionDays) {
		t.Errorf("log group inputs = %v", logs.Inputs.Mappable())
	}
	if group := in["loggingConfig"].(map[string]any)["logGroup"]; group != "/aws/lambda/"+testName {
		t.Errorf("logging group = %v", group)
	}
	attachment := mustNamed(t, r, tAttachment, testName+"-policy-attachment")
	if !fn.DependsOn(logs) || !fn.DependsOn(attachment) {
		t.Error("function is not created after its log group and role policy")
	}
}

func TestExecutionPolicyIsLimitedToTheStreams(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	doc := policyInput(t, mustNamed(t, r, tPolicy, testName+"-policy"))
	configure := mustStatement(t, doc, SidConfigureImageGeneration)
	if !slices.Equal(configure.Actions, []string{
		"kinesisvideo:DescribeImageGenerationConfiguration", "kinesisvideo:UpdateImageGenerationConfiguration",
	}) {
		t.Errorf("configure actions = %v", configure.Actions)
	}
	if !slices.Equal(configure.Resources, []string{stream101, stream102}) {
		t.Errorf("configure resources = %v, want exactly the two streams", configure.Resources)
	}
	var sids []string
	for _, s := range doc.Statements {
		sids = append(sids, s.Sid)
		if s.Effect != policydoc.Allow {
			t.Errorf("%s is not an Allow", s.Sid)
		}
		for _, a := range s.Actions {
			if strings.HasPrefix(a, "kinesisvideo:") && s.Sid != SidConfigureImageGeneration {
				t.Errorf("%s grants %s", s.Sid, a)
			}
			if strings.Contains(a, "*") || strings.Contains(a, "Notification") || strings.HasPrefix(a, "s3:") {
				t.Errorf("%s grants %s, which the function never calls", s.Sid, a)
			}
		}
		if slices.Contains(s.Resources, "*") && s.Sid != SidVPCNetworkInterfaces && s.Sid != SidUploadTraces {
			t.Errorf("%s uses Resource *", s.Sid)
		}
	}
	want := []string{SidConfigureImageGeneration, SidWriteOwnLogs, SidSendToDeadLetterQueue, SidUsePHIKey, SidVPCNetworkInterfaces, SidUploadTraces}
	if !slices.Equal(sids, want) {
		t.Errorf("statements = %v, want %v", sids, want)
	}
	vpc := mustStatement(t, doc, SidVPCNetworkInterfaces)
	wantSubnets := []string{
		fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", recorder.Region, recorder.Account, subnetA),
		fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", recorder.Region, recorder.Account, subnetB),
	}
	if got := vpc.Conditions["ArnEqualsIfExists"]["ec2:Subnet"]; !slices.Equal(got, wantSubnets) {
		t.Errorf("network interfaces limited to %v, want %v", got, wantSubnets)
	}
	kms := mustStatement(t, doc, SidUsePHIKey)
	if !slices.Equal(kms.Resources, []string{phiKeyARN}) || kms.Conditions["StringEquals"]["kms:ViaService"][0] != "sqs.us-east-1.amazonaws.com" {
		t.Errorf("PHI key statement = %+v", kms)
	}

	trust, err := policydoc.Parse(mustNamed(t, r, tRole, testName+"-role").InputString("assumeRolePolicy"))
	if err != nil {
		t.Fatal(err)
	}
	assume := mustStatement(t, trust, SidLambdaAssumeRole)
	if !slices.Equal(assume.Principal.Service, []string{"lambda.amazonaws.com"}) || assume.Conditions["StringEquals"]["aws:SourceAccount"][0] != recorder.Account {
		t.Errorf("trust = %+v", assume)
	}
}

// imageKey is the key KVS gives an image of stream (see the detector's
// framekey.go for the layout).
func imageKey(imagePrefix, stream string) string {
	name := recorder.Account + "_" + stream + "_1700000000123_f20f9add-7e57-4399-a30f-fc7aefb1bab7.jpg"
	if imagePrefix != "" {
		name = imagePrefix + "_" + name
	}
	return framesBucketARN + "/frames/" + name
}

func TestProducersMayWriteOnlyTheirOwnStreamsImages(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	tests := []struct {
		index        int
		role, stream string
		other        string
	}{
		{0, "camera-cam-101-producer", "camera-cam-101-stream", "camera-cam-102-stream"},
		{1, "camera-cam-102-producer", "camera-cam-102-stream", "camera-cam-101-stream"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s-producer-%d", testName, tt.index)
		attachment := mustNamed(t, r, tAttachment, name)
		if got := attachment.InputString("role"); got != tt.role {
			t.Errorf("%s attaches to role %q, want %q", name, got, tt.role)
		}
		doc := policyInput(t, mustNamed(t, r, tPolicy, name))
		write := mustStatement(t, doc, SidWriteStreamImages)
		if !slices.Equal(write.Actions, []string{"s3:PutObject"}) || len(write.Resources) != 1 {
			t.Fatalf("%s write statement = %+v", name, write)
		}
		// IAM's * matches any characters; keys below the prefix hold no "/",
		// so path.Match decides the same way here.
		pattern := write.Resources[0]
		allowed := map[string]bool{
			imageKey("", tt.stream):                             true,
			imageKey("motion", tt.stream):                       true,
			imageKey("", tt.other):                              false,
			framesBucketARN + "/cameras/" + tt.stream + ".json": false,
			framesBucketARN + "/frames/" + recorder.Account + "_" + tt.stream + "_1.png": false,
		}
		for key, want := range allowed {
			got, err := path.Match(pattern, key)
			if err != nil {
				t.Fatalf("pattern %q: %v", pattern, err)
			}
			if got != want {
				t.Errorf("%s: %s allowed = %t, want %t", name, key, got, want)
			}
		}
		encrypt := mustStatement(t, doc, SidEncryptImages)
		if !slices.Equal(encrypt.Actions, []string{"kms:GenerateDataKey"}) || !slices.Equal(encrypt.Resources, []string{phiKeyARN}) ||
			!slices.Equal(encrypt.Conditions["StringEquals"]["kms:ViaService"], []string{"s3.us-east-1.amazonaws.com"}) {
			t.Errorf("%s encrypt statement = %+v", name, encrypt)
		}
	}
}

func TestInvocationAppliesTheConfigurationToEveryStream(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.SamplingIntervalMillis = 200
	args.ImageSelectorType = invocation.SelectorServerTimestamp
	r := mustRun(t, args)
	inv := mustNamed(t, r, tInvocation, testName+"-apply")
	if got := inv.InputString("lifecycleScope"); got != "CRUD" {
		t.Errorf("lifecycleScope = %q, want CRUD", got)
	}
	if got := inv.InputString("functionName"); got != testName {
		t.Errorf("functionName = %q", got)
	}
	var req invocation.Request
	dec := json.NewDecoder(strings.NewReader(inv.InputString("input")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Fatalf("input does not decode as the function's request: %v", err)
	}
	if err := req.Validate(); err != nil {
		t.Errorf("input is rejected by the function's rules: %v", err)
	}
	want := invocation.Request{
		Image: invocation.Image{
			DestinationURI: "s3://" + framesBucket + "/frames", DestinationRegion: recorder.Region,
			SamplingIntervalMillis: 200, ImageSelectorType: invocation.SelectorServerTimestamp,
			WidthPixels: DefaultWidthPixels, HeightPixels: DefaultHeightPixels, JPEGQuality: DefaultJPEGQuality,
		},
		Streams: []string{stream101, stream102},
	}
	if req.Image != want.Image || !slices.Equal(req.Streams, want.Streams) || req.Lifecycle != nil {
		t.Errorf("input = %+v, want %+v", req, want)
	}
	// Grants first, so KVS can write as soon as generation starts; the
	// function's own permissions first, so it can call KVS.
	for _, name := range []string{testName + "-producer-0", testName + "-producer-1", testName + "-policy-attachment"} {
		if !inv.DependsOn(mustNamed(t, r, tAttachment, name)) {
			t.Errorf("invocation does not wait for %s", name)
		}
	}
	if !inv.DependsOn(mustNamed(t, r, tFunction, testName+"-function")) {
		t.Error("invocation does not depend on the function")
	}
}

func TestInvalidArgsRegisterNothingAndNameEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*ImageGenerationArgs)
		want   []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"everything missing", func(a *ImageGenerationArgs) { *a = ImageGenerationArgs{} }, []string{
			"Code", "Streams: at least one", "FramesBucketARN", "PHIKeyARN", "SubnetIDs", "SecurityGroupIDs",
		}},
		{"stream fields missing", func(a *ImageGenerationArgs) { a.Streams = []Stream{{}} }, []string{
			"Streams[0].StreamARN", "Streams[0].ProducerRoleARN",
		}},
		{"settings out of range", func(a *ImageGenerationArgs) {
			a.SamplingIntervalMillis = 100
			a.ImageSelectorType = "FRAME_TIMESTAMP"
			a.WidthPixels = 4000
			a.JPEGQuality = 101
			a.FrameKeyPrefix = "/frames"
			a.LogRetentionDays = 30
			a.FunctionName = "bad name"
			a.Tags = map[string]string{"aws:reserved": "x"}
		}, []string{
			"samplingIntervalMs", "imageSelectorType", "widthPixels", "jpegQuality", "FrameKeyPrefix",
			"LogRetentionDays", "FunctionName", `Tags["aws:reserved"]`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var args *ImageGenerationArgs
			if tt.modify != nil {
				args = testArgs()
				tt.modify(args)
			}
			r, err := run(t, args)
			if err == nil {
				t.Fatal("invalid args accepted")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not name %s:\n%v", want, err)
				}
			}
			if n := len(r.Resources()); n != 0 {
				t.Errorf("registered %d resources: %v", n, r.TypeCounts())
			}
		})
	}
}

func TestArgsAreNotModified(t *testing.T) {
	t.Parallel()
	args := testArgs()
	mustRun(t, args)
	if args.FunctionName != "" || args.FrameKeyPrefix != "" || args.SamplingIntervalMillis != 0 || len(args.Tags) != 1 {
		t.Errorf("caller's args were modified: %+v", args)
	}
}

func TestMalformedARNsFailTheDeployment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*ImageGenerationArgs)
		want   string
	}{
		{"stream name instead of ARN", func(a *ImageGenerationArgs) {
			a.Streams[0].StreamARN = pulumi.String("camera-cam-101-stream").ToStringOutput()
		}, "not a Kinesis video stream ARN"},
		{"user instead of role", func(a *ImageGenerationArgs) {
			a.Streams[1].ProducerRoleARN = pulumi.String("arn:aws:iam::123456789012:user/camera").ToStringOutput()
		}, "not an IAM role ARN"},
		{"stream in another region", func(a *ImageGenerationArgs) {
			a.Streams[1].StreamARN = pulumi.String("arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam/1").ToStringOutput()
		}, "is in eu-west-1, not in us-east-1"},
		{"bucket name instead of ARN", func(a *ImageGenerationArgs) {
			a.FramesBucketARN = pulumi.String(framesBucket).ToStringOutput()
		}, "not an S3 bucket ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			tt.modify(args)
			if _, err := run(t, args); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDryRunWithUnknownStreamsAndKey(t *testing.T) {
	t.Parallel()
	args := testArgs()
	unknown := func() pulumi.StringOutput { return pulumi.UnsafeUnknownOutput(nil).(pulumi.AnyOutput).AsStringOutput() }
	args.Streams[0].StreamARN = unknown()
	args.PHIKeyARN = unknown()
	r, err := run(t, args, func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := len(r.ByType(tInvocation)); got != 1 {
		t.Errorf("preview registered %d invocations, want 1", got)
	}
	// The trust policy needs only invoke results, so the policy pack can
	// read it at preview.
	if _, err := policydoc.Parse(mustNamed(t, r, tRole, testName+"-role").InputString("assumeRolePolicy")); err != nil {
		t.Errorf("trust policy at preview: %v", err)
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func TestVideoStreamsPairsStreamsWithTheirProducers(t *testing.T) {
	t.Parallel()
	streams := []*videostream.VideoStream{
		{StreamARN: pulumi.String(stream101).ToStringOutput(), ProducerRoleARN: pulumi.String(producer101).ToStringOutput()},
		{StreamARN: pulumi.String(stream102).ToStringOutput(), ProducerRoleARN: pulumi.String(producer102).ToStringOutput()},
	}
	args := testArgs()
	args.Streams = VideoStreams(streams...)
	r := mustRun(t, args)
	if got := mustNamed(t, r, tAttachment, testName+"-producer-1").InputString("role"); got != "camera-cam-102-producer" {
		t.Errorf("second grant goes to %q", got)
	}
	doc := policyInput(t, mustNamed(t, r, tPolicy, testName+"-policy"))
	if got := mustStatement(t, doc, SidConfigureImageGeneration).Resources; !slices.Equal(got, []string{stream101, stream102}) {
		t.Errorf("configured streams = %v", got)
	}
}
