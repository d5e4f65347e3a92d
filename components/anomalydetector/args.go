package anomalydetector

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
)

// Defaults for the plain settings of AnomalyDetectorArgs.
const (
	DefaultReservedConcurrency  = 10
	DefaultMemorySizeMB         = 512
	DefaultTimeoutSeconds       = 30
	DefaultBatchSize            = 10
	DefaultMaxReceiveCount      = 5
	DefaultLogRetentionDays     = vpcfunction.DefaultLogRetentionDays
	DefaultQueueAgeAlarmSeconds = 300
	DefaultFrameKeyPrefix       = "frames/"
	// DefaultCameraConfigPrefix is where the per-stream camera configuration
	// documents live in the frames bucket (<prefix><stream name>.json).
	DefaultCameraConfigPrefix = "cameras/"
	// DefaultEvidenceLockMode and DefaultEvidenceRetentionDays set the object
	// lock of each evidence snapshot: six years, the HIPAA documentation period.
	DefaultEvidenceLockMode      = "COMPLIANCE"
	DefaultEvidenceRetentionDays = 2192
	// DefaultOfflineCheckSchedule runs the camera offline check every minute,
	// the granularity of EventBridge schedules and of the default offline_after.
	DefaultOfflineCheckSchedule = "rate(1 minute)"
)

// EvidenceKeyPrefix is where the function writes evidence snapshots in the
// evidence bucket (evidence/<camera>/<episode>.jpg); its write permission is
// limited to it.
const EvidenceKeyPrefix = "evidence/"

// MinLogRetentionDays is the shortest log retention accepted: the policy pack's
// log-group-retention floor (Prowler and Checkov use 365 days).
const MinLogRetentionDays = vpcfunction.MinLogRetentionDays

// queueVisibilityFactor is how many function timeouts a received message stays
// hidden: AWS recommends at least six for an SQS event source, so a batch
// retried by Lambda is not handed to a second invocation at the same time.
const queueVisibilityFactor = 6

// queueRetentionSeconds is the frame queue's retention: frames older than a
// few days are useless for live detection. The dead-letter queue keeps
// messages the longest SQS allows (vpcfunction.DeadLetterQueueRetentionSeconds),
// so operators have two weeks to inspect and redrive them.
const queueRetentionSeconds = 4 * 24 * 3600

// SubscriberProtocols are the SNS protocols the alert topic may deliver to.
// Plain http is refused (alerts would cross the network unencrypted); firehose
// and application endpoints need settings this component does not manage.
var SubscriberProtocols = []string{"email", "https", "lambda", "sms", "sqs"}

// Subscriber is one subscription to the alert topic.
type Subscriber struct {
	// Protocol is one of SubscriberProtocols.
	Protocol string
	// Endpoint is the address for the protocol (email address, https URL, ARN,
	// phone number). It may be a secret output; it is never logged.
	Endpoint pulumi.StringInput
}

// AnomalyDetectorArgs configures the detection compute.
//
// Plain Go fields decide which resources exist and how they behave; Input
// fields carry values other resources produce.
type AnomalyDetectorArgs struct {
	// Code is the deployment package: a zip holding the Go handler as
	// "bootstrap" (internal/lambdaarchive builds it). Required.
	Code pulumi.Archive
	// FunctionName names the Lambda function and its /aws/lambda/<name> log
	// group; default: the component name. Make it unique per account and region.
	FunctionName string

	// FramesBucketName and FramesBucketARN identify the bucket KVS image
	// generation writes frames to. Required. This component owns the bucket's
	// notification configuration (S3 keeps one per bucket).
	FramesBucketName pulumi.StringInput
	FramesBucketARN  pulumi.StringInput
	// FrameKeyPrefix is the key prefix frames are written under, ending in
	// "/": the path of the KVS image generation destination URI; default "frames/".
	FrameKeyPrefix string
	// CameraConfigPrefix is where camera configuration documents are read in
	// the frames bucket, ending in "/" and apart from FrameKeyPrefix; default "cameras/".
	CameraConfigPrefix string
	// Cameras are the detection configurations the component writes under
	// CameraConfigPrefix, one document per camera stream.
	Cameras []CameraDocument
	// EvidenceBucketARN is the bucket the function writes evidence snapshots
	// to, under EvidenceKeyPrefix, encrypted with PHIKeyARN. Required; the
	// bucket must have object lock enabled.
	EvidenceBucketARN pulumi.StringInput
	// EvidenceLockMode (GOVERNANCE or COMPLIANCE; default COMPLIANCE) and
	// EvidenceRetentionDays (1..36500; default 2192) lock each snapshot.
	EvidenceLockMode      string
	EvidenceRetentionDays int
	// PHIKeyARN encrypts the queues, table, topic, log group and the function's
	// environment. Required. Its key policy must let S3 notifications
	// (s3.amazonaws.com) use it, or S3 cannot deliver to the encrypted queue.
	PHIKeyARN pulumi.StringInput

	// SubnetIDs and SecurityGroupIDs place the function in private subnets. Required.
	SubnetIDs        pulumi.StringArrayInput
	SecurityGroupIDs pulumi.StringArrayInput

	// AlarmTopicARN receives the operational alarms (alarm, OK and
	// insufficient-data transitions). Required.
	AlarmTopicARN pulumi.StringInput
	// Subscribers receive detection alerts from the alert topic.
	Subscribers []Subscriber

	// ReservedConcurrency caps concurrent executions (1..1000); default 10.
	ReservedConcurrency int
	// MemorySizeMB is the function memory (128..10240); default 512.
	MemorySizeMB int
	// TimeoutSeconds is the function timeout (1..900); default 30.
	TimeoutSeconds int
	// BatchSize is how many queue messages one invocation receives (1..10); default 10.
	BatchSize int
	// MaxReceiveCount is how many deliveries a message gets before it moves to
	// the dead-letter queue (1..1000); default 5.
	MaxReceiveCount int
	// LogRetentionDays is a CloudWatch Logs retention value of at least
	// MinLogRetentionDays; default 2192.
	LogRetentionDays int
	// OfflineCheckSchedule is the EventBridge schedule expression of the
	// camera offline check; default "rate(1 minute)".
	OfflineCheckSchedule string
	// QueueAgeAlarmSeconds raises an alarm when the oldest queued frame is
	// older than this (60..1209600); default 300.
	QueueAgeAlarmSeconds int

	// Environment adds plain configuration variables for the function. Never
	// put secrets here: values are stored in state and in the function
	// configuration. Names reserved by Lambda or set by this component are refused.
	Environment map[string]string
	// ExtraStatements is an output resolving to []policydoc.Statement that is
	// appended to the execution role policy, for example the Kinesis Video
	// consumer statements of the videostream package. Optional; use
	// pulumi.ToOutput(statements) for statements known in advance.
	ExtraStatements pulumi.Output

	// Release publishes the function as versions behind LiveAlias and shifts
	// traffic with CodeDeploy (see ReleaseArgs); zero: unmanaged releases.
	Release ReleaseArgs

	// Protect protects the stateful children (state table, queues) from
	// deletion and turns on the table's deletion protection.
	Protect bool
	// Tags are added to every child that takes tags.
	Tags map[string]string
}

// Environment variables the component sets for the function.
const (
	EnvFramesBucket   = "FRAMES_BUCKET"
	EnvFrameKeyPrefix = "FRAME_KEY_PREFIX"
	EnvStateTable     = "STATE_TABLE"
	EnvAlertTopicARN  = "ALERT_TOPIC_ARN"
	EnvEvidenceBucket = "EVIDENCE_BUCKET"

	EnvEpisodeTable          = "EPISODE_TABLE"
	EnvEvidenceKMSKeyARN     = "EVIDENCE_KMS_KEY_ARN"
	EnvEvidenceLockMode      = "EVIDENCE_LOCK_MODE"
	EnvEvidenceRetentionDays = "EVIDENCE_RETENTION_DAYS"
	EnvCameraConfigPrefix    = "CAMERA_CONFIG_PREFIX"
)

var componentEnvironment = []string{
	EnvFramesBucket, EnvFrameKeyPrefix, EnvStateTable, EnvAlertTopicARN, EnvEvidenceBucket,
	EnvEpisodeTable, EnvEvidenceKMSKeyARN, EnvEvidenceLockMode, EnvEvidenceRetentionDays, EnvCameraConfigPrefix,
}

// scheduleExpression accepts EventBridge rate and cron expressions.
var scheduleExpression = regexp.MustCompile(`^(rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$`)

var (
	envNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	// secretLikeName catches variable names that announce a secret.
	secretLikeName = regexp.MustCompile(`(?i)(secret|passw|token|credential|private.?key|api.?key)`)
)

// config is the validated, defaulted copy of the caller's args.
type config struct {
	AnomalyDetectorArgs
}

// withDefaults validates args and returns a defaulted copy, naming every
// problem at once. The caller's args are never modified.
func (a *AnomalyDetectorArgs) withDefaults(name string) (config, error) {
	if a == nil {
		return config{}, fmt.Errorf("anomalydetector %q: args are required", name)
	}
	c := config{AnomalyDetectorArgs: *a}
	c.Subscribers = slices.Clone(a.Subscribers)
	c.Cameras = slices.Clone(a.Cameras)
	c.Environment = maps.Clone(a.Environment)
	c.Tags = maps.Clone(a.Tags)

	c.FunctionName = cmp.Or(c.FunctionName, name)
	c.FrameKeyPrefix = cmp.Or(c.FrameKeyPrefix, DefaultFrameKeyPrefix)
	c.CameraConfigPrefix = cmp.Or(c.CameraConfigPrefix, DefaultCameraConfigPrefix)
	c.EvidenceLockMode = cmp.Or(c.EvidenceLockMode, DefaultEvidenceLockMode)
	c.EvidenceRetentionDays = cmp.Or(c.EvidenceRetentionDays, DefaultEvidenceRetentionDays)
	c.OfflineCheckSchedule = cmp.Or(c.OfflineCheckSchedule, DefaultOfflineCheckSchedule)
	c.ReservedConcurrency = cmp.Or(c.ReservedConcurrency, DefaultReservedConcurrency)
	c.MemorySizeMB = cmp.Or(c.MemorySizeMB, DefaultMemorySizeMB)
	c.TimeoutSeconds = cmp.Or(c.TimeoutSeconds, DefaultTimeoutSeconds)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.MaxReceiveCount = cmp.Or(c.MaxReceiveCount, DefaultMaxReceiveCount)
	c.LogRetentionDays = cmp.Or(c.LogRetentionDays, DefaultLogRetentionDays)
	c.QueueAgeAlarmSeconds = cmp.Or(c.QueueAgeAlarmSeconds, DefaultQueueAgeAlarmSeconds)

	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	if name == "" {
		bad("name", "is empty")
	}
	if a.Code == nil {
		bad("Code", "is required (the handler's deployment package)")
	}
	if err := vpcfunction.CheckFunctionName(c.FunctionName); err != nil {
		errs = append(errs, err)
	}
	required := map[string]bool{
		"FramesBucketName":  a.FramesBucketName == nil,
		"FramesBucketARN":   a.FramesBucketARN == nil,
		"EvidenceBucketARN": a.EvidenceBucketARN == nil,
		"PHIKeyARN":         a.PHIKeyARN == nil,
		"AlarmTopicARN":     a.AlarmTopicARN == nil,
		"SubnetIDs":         vpcfunction.IsEmptyArray(a.SubnetIDs),
		"SecurityGroupIDs":  vpcfunction.IsEmptyArray(a.SecurityGroupIDs),
	}
	for _, field := range slices.Sorted(maps.Keys(required)) {
		if required[field] {
			bad(field, "is required")
		}
	}
	if p := c.FrameKeyPrefix; strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.ContainsAny(p, "*?") {
		bad("FrameKeyPrefix", "%q must end with /, not start with / and hold no wildcards", p)
	}
	if p := c.CameraConfigPrefix; strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.ContainsAny(p, "*?") {
		bad("CameraConfigPrefix", "%q must end with /, not start with / and hold no wildcards", p)
	} else if strings.HasPrefix(p, c.FrameKeyPrefix) || strings.HasPrefix(c.FrameKeyPrefix, p) {
		bad("CameraConfigPrefix", "%q must not overlap FrameKeyPrefix %q", p, c.FrameKeyPrefix)
	}
	if c.EvidenceLockMode != "GOVERNANCE" && c.EvidenceLockMode != "COMPLIANCE" {
		bad("EvidenceLockMode", "%q must be GOVERNANCE or COMPLIANCE", c.EvidenceLockMode)
	}
	if !scheduleExpression.MatchString(c.OfflineCheckSchedule) {
		bad("OfflineCheckSchedule", "%q is not an EventBridge rate(...) or cron(...) expression", c.OfflineCheckSchedule)
	}
	inRange := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(field, "%d is outside %d..%d", v, lo, hi)
		}
	}
	inRange("ReservedConcurrency", c.ReservedConcurrency, 1, 1000)
	inRange("MemorySizeMB", c.MemorySizeMB, 128, 10240)
	inRange("TimeoutSeconds", c.TimeoutSeconds, 1, 900)
	inRange("EvidenceRetentionDays", c.EvidenceRetentionDays, 1, 36500)
	inRange("BatchSize", c.BatchSize, 1, 10)
	inRange("MaxReceiveCount", c.MaxReceiveCount, 1, 1000)
	inRange("QueueAgeAlarmSeconds", c.QueueAgeAlarmSeconds, 60, vpcfunction.DeadLetterQueueRetentionSeconds)
	if err := vpcfunction.CheckLogRetentionDays(c.LogRetentionDays); err != nil {
		errs = append(errs, err)
	}
	var releaseErrs []error
	c.Release, releaseErrs = c.Release.withDefaults(c.TimeoutSeconds)
	errs = append(errs, releaseErrs...)
	seenCamera := map[string]bool{}
	for i, cam := range c.Cameras {
		field := fmt.Sprintf("Cameras[%d]", i)
		if cam.CameraID == "" || seenCamera[cam.CameraID] {
			bad(field+".CameraID", "%q must be set and unique", cam.CameraID)
		}
		seenCamera[cam.CameraID] = true
		if cam.StreamName == nil {
			bad(field+".StreamName", "is required")
		}
		if !json.Valid([]byte(cam.Config)) {
			bad(field+".Config", "must be a JSON camera configuration")
		}
	}
	for i, s := range c.Subscribers {
		field := fmt.Sprintf("Subscribers[%d]", i)
		switch {
		case s.Protocol == "http":
			bad(field+".Protocol", "http sends alerts unencrypted; use https")
		case !slices.Contains(SubscriberProtocols, s.Protocol):
			bad(field+".Protocol", "%q must be one of %s", s.Protocol, strings.Join(SubscriberProtocols, ", "))
		}
		if s.Endpoint == nil {
			bad(field+".Endpoint", "is required")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Environment)) {
		field := fmt.Sprintf("Environment[%q]", k)
		switch {
		case !envNamePattern.MatchString(k):
			bad(field, "is not a valid variable name")
		case strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "LAMBDA_") || strings.HasPrefix(k, "_"):
			bad(field, "is reserved by Lambda")
		case slices.Contains(componentEnvironment, k):
			bad(field, "is set by the component")
		case secretLikeName.MatchString(k):
			bad(field, "looks like a secret; pass secrets through Secrets Manager, never the environment")
		}
	}
	errs = append(errs, vpcfunction.CheckTags(c.Tags)...)
	if err := errors.Join(errs...); err != nil {
		return config{}, fmt.Errorf("anomalydetector %q: invalid args:\n%w", name, err)
	}
	return c, nil
}

// tags returns the caller's tags with the component's own merged over them.
func (c config) tags() pulumi.StringMap {
	return vpcfunction.Tags(c.Tags)
}

// visibilityTimeoutSeconds is the queue visibility timeout for the function timeout.
func (c config) visibilityTimeoutSeconds() int {
	return queueVisibilityFactor * c.TimeoutSeconds
}
