package anomalydetector

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
)

// Assertions shared by the component tests.
var (
	mustNamed   = recordertest.MustNamed
	policyInput = recordertest.Policy
)

const (
	testName         = "detector"
	framesBucket     = "mediguard-dev-frames"
	framesBucketARN  = "arn:aws:s3:::mediguard-dev-frames"
	evidenceARN      = "arn:aws:s3:::mediguard-dev-evidence"
	phiKeyARN        = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	opsTopicARN      = "arn:aws:sns:us-east-1:123456789012:mediguard-ops"
	account          = recorder.Account
	region           = recorder.Region
	subnetA, subnetB = "subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"
	functionSG       = "sg-0f1e2d3c4b5a60001"
)

// Mocked ARNs of the children, as the recorder makes them from resource names.
var (
	queueARN     = fmt.Sprintf("arn:aws:sqs:%s:%s:%s-frames", region, account, testName)
	dlqARN       = fmt.Sprintf("arn:aws:sqs:%s:%s:%s-dlq", region, account, testName)
	tableARN     = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s-state", region, account, testName)
	episodesARN  = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s-episodes", region, account, testName)
	ruleARN      = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:%s-offline-check", region, account, testName)
	topicARN     = fmt.Sprintf("arn:aws:sns:%s:%s:%s-alerts", region, account, testName)
	logGroupARN  = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/lambda/%s", region, account, testName)
	roleARN      = fmt.Sprintf("arn:aws:iam::%s:role/%s-role", account, testName)
	functionARN  = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, testName)
	testArchive  = pulumi.NewAssetArchive(map[string]interface{}{"bootstrap": pulumi.NewStringAsset("test")})
	baseTypeList = map[string]int{
		TypeToken:               1,
		"aws:iam/role:Role":     1,
		"aws:iam/policy:Policy": 1,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
		"aws:cloudwatch/logGroup:LogGroup":                  1,
		"aws:sqs/queue:Queue":                               2,
		"aws:sqs/redriveAllowPolicy:RedriveAllowPolicy":     1,
		"aws:sqs/queuePolicy:QueuePolicy":                   1,
		"aws:s3/bucketNotification:BucketNotification":      1,
		"aws:dynamodb/table:Table":                          2,
		"aws:cloudwatch/eventRule:EventRule":                1,
		"aws:cloudwatch/eventTarget:EventTarget":            1,
		"aws:lambda/permission:Permission":                  1,
		"aws:sns/topic:Topic":                               1,
		"aws:sns/topicPolicy:TopicPolicy":                   1,
		"aws:lambda/function:Function":                      1,
		"aws:lambda/eventSourceMapping:EventSourceMapping":  1,
		"aws:cloudwatch/metricAlarm:MetricAlarm":            4,
	}
)

func testArgs() *AnomalyDetectorArgs {
	return &AnomalyDetectorArgs{
		Code:              testArchive,
		FramesBucketName:  pulumi.String(framesBucket),
		FramesBucketARN:   pulumi.String(framesBucketARN),
		EvidenceBucketARN: pulumi.String(evidenceARN),
		PHIKeyARN:         pulumi.String(phiKeyARN),
		SubnetIDs:         pulumi.ToStringArray([]string{subnetA, subnetB}),
		SecurityGroupIDs:  pulumi.ToStringArray([]string{functionSG}),
		AlarmTopicARN:     pulumi.String(opsTopicARN),
		Environment:       map[string]string{"LOG_LEVEL": "info"},
		Tags:              map[string]string{"environment": "dev"},
	}
}

// run creates the component under the recorder and returns it with the run's error.
func run(t *testing.T, args *AnomalyDetectorArgs, runOpts ...pulumi.RunOption) (*recorder.Recorder, error) {
	t.Helper()
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewAnomalyDetector(ctx, testName, args)
		return err
	}, append([]pulumi.RunOption{r.RunOption()}, runOpts...)...)
	return r, err
}

func mustRun(t *testing.T, args *AnomalyDetectorArgs) *recorder.Recorder {
	t.Helper()
	r, err := run(t, args)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

// inputs returns a resource's inputs as plain Go values.
func inputs(res recorder.Resource) map[string]any {
	return res.Inputs.Mappable()
}

func TestInventory(t *testing.T) {
	t.Parallel()
	withSubscribers := func(a *AnomalyDetectorArgs) {
		a.Subscribers = []Subscriber{
			{Protocol: "email", Endpoint: pulumi.ToSecret(pulumi.String("charge-nurse@example.org")).(pulumi.StringOutput)},
			{Protocol: "https", Endpoint: pulumi.String("https://pager.example.org/hook")},
		}
	}
	tests := []struct {
		name   string
		modify func(*AnomalyDetectorArgs)
		extra  map[string]int
	}{
		{name: "defaults"},
		{name: "with subscribers", modify: withSubscribers, extra: map[string]int{"aws:sns/topicSubscription:TopicSubscription": 2}},
		{name: "protected", modify: func(a *AnomalyDetectorArgs) { a.Protect = true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			if tc.modify != nil {
				tc.modify(args)
			}
			r := mustRun(t, args)
			want := maps.Clone(baseTypeList)
			maps.Copy(want, tc.extra)
			if got := r.TypeCounts(); !maps.Equal(got, want) {
				t.Errorf("inventory =\n%v\nwant\n%v", got, want)
			}
			// Once for the component, once for the root stack.
			if got := r.OutputsRegistered(); got != 2 {
				t.Errorf("RegisterResourceOutputs called %d times, want 2", got)
			}
		})
	}
}

func TestChildrenAreParentedToTheComponent(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Subscribers = []Subscriber{{Protocol: "sqs", Endpoint: pulumi.String("arn:aws:sqs:us-east-1:123456789012:pager")}}
	r := mustRun(t, args)
	component := mustNamed(t, r, TypeToken, testName)
	for _, res := range r.Resources() {
		if res.Type == TypeToken {
			continue
		}
		if res.Parent != component.URN {
			t.Errorf("%s %s parent = %q, want the component", res.Type, res.Name, res.Parent)
		}
		if !strings.HasPrefix(res.Name, testName+"-") {
			t.Errorf("%s %s: name is not derived from the component name", res.Type, res.Name)
		}
	}
}

func TestProtectAppliesToStatefulChildren(t *testing.T) {
	t.Parallel()
	for _, protect := range []bool{false, true} {
		t.Run(fmt.Sprint(protect), func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.Protect = protect
			r := mustRun(t, args)
			stateful := map[string]bool{testName + "-state": true, testName + "-episodes": true, testName + "-frames": true, testName + "-dlq": true}
			for _, res := range r.Resources() {
				want := protect && stateful[res.Name] && res.Type != "aws:s3/bucketNotification:BucketNotification"
				if res.Protect != want {
					t.Errorf("%s %s protect = %v, want %v", res.Type, res.Name, res.Protect, want)
				}
			}
			for _, name := range []string{testName + "-state", testName + "-episodes"} {
				table := mustNamed(t, r, "aws:dynamodb/table:Table", name)
				if got := inputs(table)["deletionProtectionEnabled"]; got != protect {
					t.Errorf("table %s deletionProtectionEnabled = %v, want %v", name, got, protect)
				}
			}
		})
	}
}

func TestExecutionRolePolicy(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	doc := policyInput(t, mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy"), "policy")
	subnetARNs := []string{
		fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", region, account, subnetA),
		fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", region, account, subnetB),
	}
	want := []policydoc.Statement{
		{Sid: SidConsumeFrameQueue, Effect: policydoc.Allow, Actions: []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, Resources: []string{queueARN}},
		{Sid: SidReadFrames, Effect: policydoc.Allow, Actions: []string{"s3:GetObject"}, Resources: []string{framesBucketARN + "/frames/*"}},
		{Sid: SidReadCameraConfigs, Effect: policydoc.Allow, Actions: []string{"s3:GetObject"}, Resources: []string{framesBucketARN + "/cameras/*"}},
		{
			Sid: SidListCameraConfigs, Effect: policydoc.Allow, Actions: []string{"s3:ListBucket"}, Resources: []string{framesBucketARN},
			Conditions: policydoc.Conditions{"StringEquals": {"s3:prefix": {"cameras/"}}},
		},
		{Sid: SidWriteEvidence, Effect: policydoc.Allow, Actions: []string{"s3:PutObject", "s3:PutObjectRetention"}, Resources: []string{evidenceARN + "/evidence/*"}},
		{Sid: SidCameraState, Effect: policydoc.Allow, Actions: []string{"dynamodb:GetItem", "dynamodb:PutItem"}, Resources: []string{tableARN}},
		{Sid: SidEpisodeRecords, Effect: policydoc.Allow, Actions: []string{"dynamodb:PutItem", "dynamodb:UpdateItem"}, Resources: []string{episodesARN}},
		{Sid: SidPublishAlerts, Effect: policydoc.Allow, Actions: []string{"sns:Publish"}, Resources: []string{topicARN}},
		{Sid: SidUsePHIKey, Effect: policydoc.Allow, Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []string{phiKeyARN}},
		{Sid: SidWriteOwnLogs, Effect: policydoc.Allow, Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []string{logGroupARN, logGroupARN + ":*"}},
		{Sid: SidSendToDeadLetterQueue, Effect: policydoc.Allow, Actions: []string{"sqs:SendMessage"}, Resources: []string{dlqARN}},
		{
			Sid: SidVPCNetworkInterfaces, Effect: policydoc.Allow,
			Actions: []string{
				"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
				"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
			},
			Resources:  []string{"*"},
			Conditions: policydoc.Conditions{"ArnEqualsIfExists": {"ec2:Subnet": subnetARNs}},
		},
		{Sid: SidUploadTraces, Effect: policydoc.Allow, Actions: []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, Resources: []string{"*"}},
	}
	if len(doc.Statements) != len(want) {
		t.Fatalf("policy has %d statements, want %d", len(doc.Statements), len(want))
	}
	for i, w := range want {
		if got := doc.Statements[i]; !reflect.DeepEqual(got, w) {
			t.Errorf("statement %d =\n%+v\nwant\n%+v", i, got, w)
		}
	}
	for _, s := range doc.Statements {
		for _, a := range s.Actions {
			if a == "*" || strings.HasSuffix(a, ":*") {
				t.Errorf("statement %s grants wildcard action %s", s.Sid, a)
			}
		}
		if slices.Contains(s.Resources, "*") && s.Sid != SidVPCNetworkInterfaces && s.Sid != SidUploadTraces {
			t.Errorf("statement %s uses Resource \"*\" without a documented reason", s.Sid)
		}
	}
}

func TestExtraStatementsAreAppended(t *testing.T) {
	t.Parallel()
	kvs := policydoc.Statement{
		Sid:       "ReadCameraStreams",
		Effect:    policydoc.Allow,
		Actions:   []string{"kinesisvideo:GetImages", "kinesisvideo:GetDataEndpoint"},
		Resources: []string{"arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-301/1690000000000"},
	}
	args := testArgs()
	args.ExtraStatements = pulumi.ToOutput([]policydoc.Statement{kvs})
	r := mustRun(t, args)
	doc := policyInput(t, mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy"), "policy")
	got, ok := doc.Statement(kvs.Sid)
	if !ok {
		t.Fatalf("extra statement %s missing", kvs.Sid)
	}
	if !reflect.DeepEqual(got, kvs) {
		t.Errorf("extra statement = %+v, want %+v", got, kvs)
	}
	if last := doc.Statements[len(doc.Statements)-1].Sid; last != kvs.Sid {
		t.Errorf("last statement %s, want the extra statement appended", last)
	}
}

func TestExtraStatementsOfTheWrongTypeFail(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.ExtraStatements = pulumi.ToOutput("not statements")
	_, err := run(t, args)
	if err == nil || !strings.Contains(err.Error(), "ExtraStatements") {
		t.Fatalf("run error = %v, want one naming ExtraStatements", err)
	}
}

func TestTrustPolicy(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	doc := policyInput(t, mustNamed(t, r, "aws:iam/role:Role", testName+"-role"), "assumeRolePolicy")
	want := []policydoc.Statement{{
		Sid:        SidLambdaAssumeRole,
		Effect:     policydoc.Allow,
		Principal:  &policydoc.Principal{Service: []string{"lambda.amazonaws.com"}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {account}}},
	}}
	if !reflect.DeepEqual(doc.Statements, want) {
		t.Errorf("trust policy = %+v, want %+v", doc.Statements, want)
	}
}

func TestQueuePolicy(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	doc := policyInput(t, mustNamed(t, r, "aws:sqs/queuePolicy:QueuePolicy", testName+"-frames-policy"), "policy")
	want := []policydoc.Statement{
		{
			Sid:       SidS3FrameNotifications,
			Effect:    policydoc.Allow,
			Principal: &policydoc.Principal{Service: []string{"s3.amazonaws.com"}},
			Actions:   []string{"sqs:SendMessage"},
			Resources: []string{queueARN},
			Conditions: policydoc.Conditions{
				"ArnEquals":    {"aws:SourceArn": {framesBucketARN}},
				"StringEquals": {"aws:SourceAccount": {account}},
			},
		},
		{
			Sid:        SidDenyInsecureTransport,
			Effect:     policydoc.Deny,
			Principal:  &policydoc.Principal{Any: true},
			Actions:    []string{"sqs:*"},
			Resources:  []string{queueARN},
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	}
	if !reflect.DeepEqual(doc.Statements, want) {
		t.Errorf("queue policy =\n%+v\nwant\n%+v", doc.Statements, want)
	}
}

func TestTopicPolicy(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	doc := policyInput(t, mustNamed(t, r, "aws:sns/topicPolicy:TopicPolicy", testName+"-alerts-policy"), "policy")
	want := []policydoc.Statement{
		{Sid: SidDetectorPublishes, Effect: policydoc.Allow, Principal: &policydoc.Principal{AWS: []string{roleARN}}, Actions: []string{"sns:Publish"}, Resources: []string{topicARN}},
		{
			Sid: SidDenyPublishFromOthers, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"sns:Publish"}, Resources: []string{topicARN},
			Conditions: policydoc.Conditions{"ArnNotEquals": {"aws:PrincipalArn": {roleARN}}},
		},
		{
			Sid: SidDenyInsecurePublishing, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"sns:Publish"}, Resources: []string{topicARN},
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	}
	if !reflect.DeepEqual(doc.Statements, want) {
		t.Errorf("topic policy =\n%+v\nwant\n%+v", doc.Statements, want)
	}
	for _, s := range doc.Statements {
		if s.Effect == policydoc.Allow && s.Principal.Any {
			t.Errorf("statement %s allows everyone", s.Sid)
		}
	}
}

func TestFunctionInputs(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	fn := mustNamed(t, r, "aws:lambda/function:Function", testName+"-function")
	in := inputs(fn)
	for key, want := range map[string]any{
		"name":                         testName,
		"runtime":                      "provided.al2023",
		"architectures":                []any{"arm64"},
		"handler":                      "bootstrap",
		"memorySize":                   float64(DefaultMemorySizeMB),
		"timeout":                      float64(DefaultTimeoutSeconds),
		"reservedConcurrentExecutions": float64(DefaultReservedConcurrency),
		"kmsKeyArn":                    phiKeyARN,
		"role":                         roleARN,
		"vpcConfig":                    map[string]any{"subnetIds": []any{subnetA, subnetB}, "securityGroupIds": []any{functionSG}},
		"tracingConfig":                map[string]any{"mode": "Active"},
		"deadLetterConfig":             map[string]any{"targetArn": dlqARN},
		"loggingConfig": map[string]any{
			"logFormat": "JSON", "logGroup": "/aws/lambda/" + testName, "applicationLogLevel": "INFO", "systemLogLevel": "WARN",
		},
		"environment": map[string]any{"variables": map[string]any{
			EnvFramesBucket:   framesBucket,
			EnvFrameKeyPrefix: DefaultFrameKeyPrefix,
			EnvStateTable:     testName + "-state",
			EnvAlertTopicARN:  topicARN,
			EnvEvidenceBucket: "mediguard-dev-evidence",
			"LOG_LEVEL":       "info",

			EnvEpisodeTable:          testName + "-episodes",
			EnvEvidenceKMSKeyARN:     phiKeyARN,
			EnvEvidenceLockMode:      DefaultEvidenceLockMode,
			EnvEvidenceRetentionDays: "2192",
			EnvCameraConfigPrefix:    DefaultCameraConfigPrefix,
		}},
	} {
		if got := in[key]; !reflect.DeepEqual(got, want) {
			t.Errorf("function %s = %#v, want %#v", key, got, want)
		}
	}
	if _, ok := fn.Inputs["code"]; !ok || !fn.Inputs["code"].IsArchive() {
		t.Errorf("function code is not the injected archive")
	}
	tags, _ := in["tags"].(map[string]any)
	for k, v := range map[string]any{"managed-by": "mediguard", "data-classification": "PHI", "environment": "dev"} {
		if tags[k] != v {
			t.Errorf("function tag %s = %v, want %v", k, tags[k], v)
		}
	}
}

func TestQueuesTableAndTopic(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	queue := inputs(mustNamed(t, r, "aws:sqs/queue:Queue", testName+"-frames"))
	if got := queue["visibilityTimeoutSeconds"]; got != float64(6*DefaultTimeoutSeconds) {
		t.Errorf("queue visibility timeout = %v, want %d", got, 6*DefaultTimeoutSeconds)
	}
	if got, want := queue["redrivePolicy"], fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, dlqARN, DefaultMaxReceiveCount); got != want {
		t.Errorf("queue redrive policy = %v, want %v", got, want)
	}
	dlq := inputs(mustNamed(t, r, "aws:sqs/queue:Queue", testName+"-dlq"))
	if got := dlq["messageRetentionSeconds"]; got != float64(1209600) {
		t.Errorf("dead-letter queue retention = %v, want 1209600 (14 days)", got)
	}
	for name, q := range map[string]map[string]any{"frames": queue, "dlq": dlq} {
		if q["kmsMasterKeyId"] != phiKeyARN {
			t.Errorf("%s queue kmsMasterKeyId = %v, want the PHI key", name, q["kmsMasterKeyId"])
		}
	}
	allow := inputs(mustNamed(t, r, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", testName+"-dlq-redrive-allow"))
	if got, want := allow["redriveAllowPolicy"], fmt.Sprintf(`{"redrivePermission":"byQueue","sourceQueueArns":[%q]}`, queueARN); got != want {
		t.Errorf("redrive allow policy = %v, want %v", got, want)
	}

	for name, key := range map[string][2]string{
		testName + "-state":    {StateTableHashKey, StateTableTTLAttribute},
		testName + "-episodes": {EpisodeTableHashKey, EpisodeTableTTLAttribute},
	} {
		table := inputs(mustNamed(t, r, "aws:dynamodb/table:Table", name))
		for field, want := range map[string]any{
			"billingMode":          "PAY_PER_REQUEST",
			"hashKey":              key[0],
			"attributes":           []any{map[string]any{"name": key[0], "type": "S"}},
			"serverSideEncryption": map[string]any{"enabled": true, "kmsKeyArn": phiKeyARN},
			"pointInTimeRecovery":  map[string]any{"enabled": true},
			"ttl":                  map[string]any{"attributeName": key[1], "enabled": true},
		} {
			if got := table[field]; !reflect.DeepEqual(got, want) {
				t.Errorf("table %s %s = %#v, want %#v", name, field, got, want)
			}
		}
	}
	topic := inputs(mustNamed(t, r, "aws:sns/topic:Topic", testName+"-alerts"))
	if topic["kmsMasterKeyId"] != phiKeyARN {
		t.Errorf("topic kmsMasterKeyId = %v, want the PHI key", topic["kmsMasterKeyId"])
	}
	logs := inputs(mustNamed(t, r, "aws:cloudwatch/logGroup:LogGroup", testName+"-logs"))
	for key, want := range map[string]any{"name": "/aws/lambda/" + testName, "kmsKeyId": phiKeyARN, "retentionInDays": float64(DefaultLogRetentionDays)} {
		if logs[key] != want {
			t.Errorf("log group %s = %v, want %v", key, logs[key], want)
		}
	}
}

func TestFrameNotificationAndMapping(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	notification := mustNamed(t, r, "aws:s3/bucketNotification:BucketNotification", testName+"-frames-notification")
	want := map[string]any{
		"bucket": framesBucket,
		"queues": []any{map[string]any{
			"id": testName + "-frames", "queueArn": queueARN, "events": []any{"s3:ObjectCreated:*"},
			"filterPrefix": DefaultFrameKeyPrefix, "filterSuffix": ".jpg",
		}},
	}
	if got := inputs(notification); !reflect.DeepEqual(got, want) {
		t.Errorf("bucket notification = %#v, want %#v", got, want)
	}
	mapping := inputs(mustNamed(t, r, "aws:lambda/eventSourceMapping:EventSourceMapping", testName+"-frames-mapping"))
	for key, want := range map[string]any{
		"eventSourceArn":        queueARN,
		"functionName":          functionARN,
		"batchSize":             float64(DefaultBatchSize),
		"functionResponseTypes": []any{"ReportBatchItemFailures"},
		"scalingConfig":         map[string]any{"maximumConcurrency": float64(DefaultReservedConcurrency)},
	} {
		if got := mapping[key]; !reflect.DeepEqual(got, want) {
			t.Errorf("event source mapping %s = %#v, want %#v", key, got, want)
		}
	}
}

func TestOrdering(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	fn := mustNamed(t, r, "aws:lambda/function:Function", testName+"-function")
	logGroup := mustNamed(t, r, "aws:cloudwatch/logGroup:LogGroup", testName+"-logs")
	attachment := mustNamed(t, r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", testName+"-policy-attachment")
	queuePolicy := mustNamed(t, r, "aws:sqs/queuePolicy:QueuePolicy", testName+"-frames-policy")
	notification := mustNamed(t, r, "aws:s3/bucketNotification:BucketNotification", testName+"-frames-notification")
	mapping := mustNamed(t, r, "aws:lambda/eventSourceMapping:EventSourceMapping", testName+"-frames-mapping")
	tests := []struct {
		from, to recorder.Resource
		why      string
	}{
		{fn, logGroup, "the log group must exist before Lambda creates an unencrypted one"},
		{fn, attachment, "Lambda checks the role's VPC and dead-letter permissions at creation"},
		{notification, queuePolicy, "S3 checks it may send to the queue when the notification is saved"},
		{mapping, attachment, "the mapping needs the role's queue permissions"},
	}
	for _, tc := range tests {
		if !tc.from.DependsOn(tc.to) {
			t.Errorf("%s does not depend on %s: %s", tc.from.Name, tc.to.Name, tc.why)
		}
	}
}

func TestAlarmsNotifyTheOperationsTopic(t *testing.T) {
	t.Parallel()
	r := mustRun(t, testArgs())
	alarms := r.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
	metrics := map[string]string{}
	for _, res := range alarms {
		in := inputs(res)
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			if got := in[key]; !reflect.DeepEqual(got, []any{opsTopicARN}) {
				t.Errorf("alarm %s %s = %v, want the operations topic", res.Name, key, got)
			}
		}
		if in["actionsEnabled"] != true {
			t.Errorf("alarm %s has actions disabled", res.Name)
		}
		dims, _ := in["dimensions"].(map[string]any)
		metrics[in["metricName"].(string)] = fmt.Sprint(dims)
	}
	want := map[string]string{
		"Errors":                             fmt.Sprint(map[string]any{"FunctionName": testName}),
		"Throttles":                          fmt.Sprint(map[string]any{"FunctionName": testName}),
		"ApproximateNumberOfMessagesVisible": fmt.Sprint(map[string]any{"QueueName": testName + "-dlq"}),
		"ApproximateAgeOfOldestMessage":      fmt.Sprint(map[string]any{"QueueName": testName + "-frames"}),
	}
	if !maps.Equal(metrics, want) {
		t.Errorf("alarm metrics = %v, want %v", metrics, want)
	}
	age := inputs(mustNamed(t, r, "aws:cloudwatch/metricAlarm:MetricAlarm", testName+"-queue-age"))
	if age["threshold"] != float64(DefaultQueueAgeAlarmSeconds) {
		t.Errorf("queue age threshold = %v, want %d", age["threshold"], DefaultQueueAgeAlarmSeconds)
	}
}

func TestSubscriptions(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Subscribers = []Subscriber{
		{Protocol: "email", Endpoint: pulumi.ToSecret(pulumi.String("charge-nurse@example.org")).(pulumi.StringOutput)},
		{Protocol: "lambda", Endpoint: pulumi.String("arn:aws:lambda:us-east-1:123456789012:function:pager")},
	}
	r := mustRun(t, args)
	if n := len(r.ByType("aws:sns/topicSubscription:TopicSubscription")); n != 2 {
		t.Fatalf("%d subscriptions, want 2", n)
	}
	// By name: Pulumi registers resources concurrently, so the recorded order varies.
	subs := []recorder.Resource{
		mustNamed(t, r, "aws:sns/topicSubscription:TopicSubscription", testName+"-alerts-sub-0"),
		mustNamed(t, r, "aws:sns/topicSubscription:TopicSubscription", testName+"-alerts-sub-1"),
	}
	first := subs[0].Inputs
	if !first["endpoint"].IsSecret() {
		t.Errorf("secret endpoint was registered in plain text")
	}
	if got := subs[0].InputString("protocol"); got != "email" {
		t.Errorf("subscription 0 protocol = %q, want email", got)
	}
	if got := subs[1].InputString("topic"); got != topicARN {
		t.Errorf("subscription 1 topic = %q, want %q", got, topicARN)
	}
	if got := first["topic"]; got != resource.NewStringProperty(topicARN) {
		t.Errorf("subscription 0 topic = %v, want %q", got, topicARN)
	}
}

// TestDryRun previews the component with the inputs other resources of the
// same stack produce still unknown, as in a first preview.
func TestDryRun(t *testing.T) {
	t.Parallel()
	unknown := func() pulumi.Output { return pulumi.UnsafeUnknownOutput(nil) }
	args := testArgs()
	args.FramesBucketName = unknown().ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	args.FramesBucketARN = unknown().ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	args.EvidenceBucketARN = unknown().ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	args.PHIKeyARN = unknown().ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
	args.SubnetIDs = unknown().ApplyT(func(any) []string { return nil }).(pulumi.StringArrayOutput)
	args.Subscribers = []Subscriber{{Protocol: "email", Endpoint: pulumi.String("ops@example.org")}}
	r, err := run(t, args, func(i *pulumi.RunInfo) { i.DryRun = true })
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	want := maps.Clone(baseTypeList)
	want["aws:sns/topicSubscription:TopicSubscription"] = 1
	if got := r.TypeCounts(); !maps.Equal(got, want) {
		t.Errorf("preview inventory =\n%v\nwant\n%v", got, want)
	}
	policy := mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy")
	// The mock monitor receives unknown inputs as computed or null values.
	if v := policy.Inputs["policy"]; !v.IsComputed() && !v.IsNull() {
		t.Errorf("execution policy is known in preview although the subnets are not; the test no longer previews unknowns")
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   *AnomalyDetectorArgs
		wantIn []string
	}{
		{name: "nil args", args: nil, wantIn: []string{"args are required"}},
		{
			name:   "everything missing",
			args:   &AnomalyDetectorArgs{},
			wantIn: []string{"Code", "FramesBucketName", "FramesBucketARN", "EvidenceBucketARN", "PHIKeyARN", "AlarmTopicARN", "SubnetIDs", "SecurityGroupIDs"},
		},
		{
			name: "bad values",
			args: func() *AnomalyDetectorArgs {
				a := testArgs()
				a.FunctionName = "detector.prod"
				a.FrameKeyPrefix = "frames"
				a.ReservedConcurrency = -1
				a.MemorySizeMB = 64
				a.TimeoutSeconds = 901
				a.BatchSize = 11
				a.MaxReceiveCount = 1001
				a.LogRetentionDays = 90
				a.QueueAgeAlarmSeconds = 10
				a.CameraConfigPrefix = "frames/cameras/"
				a.EvidenceLockMode = "LEGAL_HOLD"
				a.EvidenceRetentionDays = -1
				a.OfflineCheckSchedule = "every minute"
				a.SubnetIDs = pulumi.StringArray{}
				a.Subscribers = []Subscriber{{Protocol: "http", Endpoint: pulumi.String("http://x")}, {Protocol: "fax"}}
				a.Environment = map[string]string{"AWS_REGION": "x", "FRAMES_BUCKET": "y", "DB_PASSWORD": "z", "1BAD": "w"}
				a.Tags = map[string]string{"aws:cloudformation": "x"}
				return a
			}(),
			wantIn: []string{
				"FunctionName", "FrameKeyPrefix", "ReservedConcurrency", "MemorySizeMB", "TimeoutSeconds",
				"BatchSize", "MaxReceiveCount", "LogRetentionDays", "QueueAgeAlarmSeconds", "SubnetIDs",
				"CameraConfigPrefix", "EvidenceLockMode", "EvidenceRetentionDays", "OfflineCheckSchedule",
				"Subscribers[0].Protocol", "http sends alerts unencrypted", "Subscribers[1].Protocol", "Subscribers[1].Endpoint",
				`Environment["AWS_REGION"]`, `Environment["FRAMES_BUCKET"]`, `Environment["DB_PASSWORD"]`, `Environment["1BAD"]`,
				`Tags["aws:cloudformation"]`,
			},
		},
		{
			name:   "retention not a CloudWatch value",
			args:   func() *AnomalyDetectorArgs { a := testArgs(); a.LogRetentionDays = 1000; return a }(),
			wantIn: []string{"LogRetentionDays"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := run(t, tc.args)
			if err == nil {
				t.Fatal("run succeeded with invalid args")
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
			if got := r.Resources(); len(got) != 0 {
				t.Errorf("invalid args registered %d resources", len(got))
			}
		})
	}
}

func TestArgsAreNotMutated(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.Subscribers = []Subscriber{{Protocol: "sms", Endpoint: pulumi.String("+15555550100")}}
	before := *args
	before.Environment = maps.Clone(args.Environment)
	before.Tags = maps.Clone(args.Tags)
	before.Subscribers = slices.Clone(args.Subscribers)
	mustRun(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args changed:\n%+v\nwas\n%+v", *args, before)
	}
	if args.FunctionName != "" || args.ReservedConcurrency != 0 || args.LogRetentionDays != 0 {
		t.Errorf("defaults were written into the caller's args")
	}
	if _, ok := args.Tags["managed-by"]; ok {
		t.Errorf("component tags were merged into the caller's map")
	}
}

func TestCustomSettings(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.FunctionName = "mediguard-prod-detector"
	args.FrameKeyPrefix = "kvs/images/"
	args.TimeoutSeconds = 120
	args.ReservedConcurrency = 1
	args.LogRetentionDays = 3653
	r := mustRun(t, args)
	fn := inputs(mustNamed(t, r, "aws:lambda/function:Function", testName+"-function"))
	if fn["name"] != "mediguard-prod-detector" {
		t.Errorf("function name = %v", fn["name"])
	}
	queue := inputs(mustNamed(t, r, "aws:sqs/queue:Queue", testName+"-frames"))
	if got := queue["visibilityTimeoutSeconds"]; got != float64(720) {
		t.Errorf("visibility timeout = %v, want 720 (6 x 120 s)", got)
	}
	mapping := inputs(mustNamed(t, r, "aws:lambda/eventSourceMapping:EventSourceMapping", testName+"-frames-mapping"))
	if _, ok := mapping["scalingConfig"]; ok {
		t.Errorf("scaling config set for reserved concurrency 1 (SQS needs at least 2)")
	}
	logs := inputs(mustNamed(t, r, "aws:cloudwatch/logGroup:LogGroup", testName+"-logs"))
	if logs["name"] != "/aws/lambda/mediguard-prod-detector" || logs["retentionInDays"] != float64(3653) {
		t.Errorf("log group = %v", logs)
	}
	doc := policyInput(t, mustNamed(t, r, "aws:iam/policy:Policy", testName+"-policy"), "policy")
	read, _ := doc.Statement(SidReadFrames)
	if !slices.Equal(read.Resources, []string{framesBucketARN + "/kvs/images/*"}) {
		t.Errorf("frame read scope = %v", read.Resources)
	}
}

// TestOfflineCheckSchedule checks the rule, its target and the permission
// that lets only that rule, from this account, invoke the function.
func TestOfflineCheckSchedule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		schedule string
		want     string
	}{
		{name: "default", want: DefaultOfflineCheckSchedule},
		{name: "custom", schedule: "cron(0/5 * * * ? *)", want: "cron(0/5 * * * ? *)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.OfflineCheckSchedule = tc.schedule
			r := mustRun(t, args)
			rule := inputs(mustNamed(t, r, "aws:cloudwatch/eventRule:EventRule", testName+"-offline-check"))
			if rule["scheduleExpression"] != tc.want {
				t.Errorf("schedule = %v, want %s", rule["scheduleExpression"], tc.want)
			}
			target := inputs(mustNamed(t, r, "aws:cloudwatch/eventTarget:EventTarget", testName+"-offline-check"))
			if target["arn"] != functionARN || target["input"] != nil {
				t.Errorf("target = %v, want the function with EventBridge's scheduled event", target)
			}
			permission := inputs(mustNamed(t, r, "aws:lambda/permission:Permission", testName+"-offline-check"))
			for key, want := range map[string]any{
				"action": "lambda:InvokeFunction", "principal": "events.amazonaws.com",
				"sourceArn": ruleARN, "sourceAccount": account, "function": testName,
			} {
				if permission[key] != want {
					t.Errorf("permission %s = %v, want %v", key, permission[key], want)
				}
			}
		})
	}
}
