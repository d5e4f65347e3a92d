package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Environment variables of the detection pipeline; the AnomalyDetector
// component sets them (the names match its Env* constants).
const (
	EnvStateTable            = "STATE_TABLE"
	EnvEpisodeTable          = "EPISODE_TABLE"
	EnvAlertTopicARN         = "ALERT_TOPIC_ARN"
	EnvEvidenceBucket        = "EVIDENCE_BUCKET"
	EnvEvidenceKMSKeyARN     = "EVIDENCE_KMS_KEY_ARN"
	EnvEvidenceLockMode      = "EVIDENCE_LOCK_MODE"
	EnvEvidenceRetentionDays = "EVIDENCE_RETENTION_DAYS"
	EnvCameraConfigPrefix    = "CAMERA_CONFIG_PREFIX"
	// EnvFunctionName is set by Lambda; it names the actor of audit records.
	EnvFunctionName = "AWS_LAMBDA_FUNCTION_NAME"
)

// Defaults of PipelineConfig.
const (
	DefaultCameraConfigPrefix    = "cameras/"
	DefaultEvidenceLockMode      = "COMPLIANCE"
	DefaultEvidenceRetentionDays = 2192 // six years: the HIPAA documentation retention period
)

// PipelineConfig is where the detection pipeline keeps its data.
type PipelineConfig struct {
	// StateTable holds one item per camera: the engine state and the time of
	// its last frame.
	StateTable string
	// EpisodeTable holds one item per alerted episode: the idempotency record
	// that makes duplicate and out-of-order deliveries alert once.
	EpisodeTable string
	// AlertTopicARN is the SNS topic alerts are published to.
	AlertTopicARN string
	// EvidenceBucket receives privacy-masked snapshots, encrypted with
	// EvidenceKMSKeyARN and locked for EvidenceRetention in EvidenceLockMode.
	EvidenceBucket    string
	EvidenceKMSKeyARN string
	EvidenceLockMode  string
	EvidenceRetention time.Duration
	// CameraConfigPrefix is where camera configurations live in the frames
	// bucket: <prefix><stream name>.json, one per Kinesis video stream.
	CameraConfigPrefix string
	// Actor names the function in audit records.
	Actor string
}

var (
	tableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
	topicARN  = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
	kmsKeyARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
)

// PipelineConfigFromEnv reads and validates the pipeline configuration,
// naming every bad variable at once.
func PipelineConfigFromEnv(getenv func(string) string) (PipelineConfig, error) {
	c := PipelineConfig{
		StateTable:         getenv(EnvStateTable),
		EpisodeTable:       getenv(EnvEpisodeTable),
		AlertTopicARN:      getenv(EnvAlertTopicARN),
		EvidenceBucket:     getenv(EnvEvidenceBucket),
		EvidenceKMSKeyARN:  getenv(EnvEvidenceKMSKeyARN),
		EvidenceLockMode:   getenv(EnvEvidenceLockMode),
		CameraConfigPrefix: getenv(EnvCameraConfigPrefix),
		Actor:              getenv(EnvFunctionName),
	}
	var errs []error
	days := DefaultEvidenceRetentionDays
	if v := getenv(EnvEvidenceRetentionDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 36500 {
			errs = append(errs, fmt.Errorf("read %s: want a whole number of days in 1..36500", EnvEvidenceRetentionDays))
		}
		days = n
	}
	c.EvidenceRetention = time.Duration(days) * 24 * time.Hour
	if c.EvidenceLockMode == "" {
		c.EvidenceLockMode = DefaultEvidenceLockMode
	}
	if c.CameraConfigPrefix == "" {
		c.CameraConfigPrefix = DefaultCameraConfigPrefix
	}
	if c.Actor == "" {
		c.Actor = "detector"
	}
	errs = append(errs, c.Validate())
	if err := errors.Join(errs...); err != nil {
		return PipelineConfig{}, err
	}
	return c, nil
}

// Validate reports every problem of the configuration at once.
func (c PipelineConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !tableName.MatchString(c.StateTable) {
		bad("state table %q is not a DynamoDB table name", c.StateTable)
	}
	if !tableName.MatchString(c.EpisodeTable) {
		bad("episode table %q is not a DynamoDB table name", c.EpisodeTable)
	}
	if !topicARN.MatchString(c.AlertTopicARN) {
		bad("alert topic %q is not an SNS topic ARN", c.AlertTopicARN)
	}
	if !bucketName.MatchString(c.EvidenceBucket) || strings.Contains(c.EvidenceBucket, "..") {
		bad("evidence bucket %q is not a valid S3 bucket name", c.EvidenceBucket)
	}
	if !kmsKeyARN.MatchString(c.EvidenceKMSKeyARN) {
		bad("evidence KMS key %q is not a KMS key ARN (aliases are refused: the key must be exact)", c.EvidenceKMSKeyARN)
	}
	if c.EvidenceLockMode != "GOVERNANCE" && c.EvidenceLockMode != "COMPLIANCE" {
		bad("evidence lock mode %q must be GOVERNANCE or COMPLIANCE", c.EvidenceLockMode)
	}
	if c.EvidenceRetention < 24*time.Hour {
		bad("evidence retention %v is shorter than a day", c.EvidenceRetention)
	}
	if p := c.CameraConfigPrefix; strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		bad("camera config prefix %q must not start with / and must end with /", p)
	}
	return errors.Join(errs...)
}
