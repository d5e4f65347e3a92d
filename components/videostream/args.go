package videostream

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Retention limits of a Kinesis video stream, in hours.
const (
	// MinRetentionHours is the policy pack's kvs-retention-explicit default
	// minimum: a shorter window can lose an alert's footage before anyone
	// reviews it.
	MinRetentionHours = 24
	// MaxRetentionHours is the Kinesis Video Streams maximum, ten years.
	MaxRetentionHours = 87600
)

// IoTCredentialsProvider is the service principal of the AWS IoT credentials
// provider, through which cameras exchange their X.509 certificate for
// short-lived credentials of the producer role.
const IoTCredentialsProvider = "credentials.iot.amazonaws.com"

// Tag keys the component sets on its children.
const (
	ManagedByTag   = "managed-by"
	ManagedByValue = "mediguard"
	CameraIDTag    = "camera-id"
	WardCodeTag    = "ward-code"
	RoomCodeTag    = "room-code"
	// DataClassificationTag marks the stream as holding PHI (patient video);
	// the HIPAA policy pack keys its encryption and retention rules on it.
	DataClassificationTag = "data-classification"
	DataClassificationPHI = "PHI"
)

var reservedTags = []string{ManagedByTag, CameraIDTag, WardCodeTag, RoomCodeTag, DataClassificationTag}

var (
	// codePattern is what a camera, ward or room code may look like: a short
	// device or location code, never a name (no spaces) or an address (no @).
	codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)
	// principalARNPattern matches an IAM role or account-root ARN, no wildcards.
	principalARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]{1,512})$`)
	// externalIDPattern is the character set STS accepts in an external ID
	// (its 2 to 1224 length is checked apart: RE2 repeats stop at 1000).
	externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	// keyARNPattern matches a KMS key ARN (not an alias: IAM policies on the
	// key need the key ARN, and an alias could point at the AWS managed key).
	keyARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)
)

// patientIdentifierPatterns are shapes of common patient identifiers: long
// digit runs (medical record, phone and insurance numbers), US social security
// numbers, e-mail addresses and dates of birth. Matching them is a guard
// against a careless copy-paste into infrastructure code, not a PHI detector.
var patientIdentifierPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\d{7,}`),
	regexp.MustCompile(`\d{3}-\d{2}-\d{4}`),
	regexp.MustCompile(`@`),
	regexp.MustCompile(`(19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}`),
	regexp.MustCompile(`\d{1,2}[-/.]\d{1,2}[-/.](19|20)\d{2}`),
}

// looksLikePatientIdentifier reports whether s has the shape of a patient
// identifier.
func looksLikePatientIdentifier(s string) bool {
	for _, p := range patientIdentifierPatterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}

// VideoStreamArgs configures one camera's stream.
//
// Camera, ward and room codes become tags and the device name, which AWS
// shows in consoles, bills and CloudTrail: they must be device and location
// codes, never patient data. Values shaped like patient identifiers are
// rejected, and error messages name the field but never echo its value.
type VideoStreamArgs struct {
	// CameraID is the camera's device code, e.g. "cam-0412". Required.
	CameraID string
	// WardCode and RoomCode locate the camera, e.g. "ICU-2" and "R-204". Required.
	WardCode string
	RoomCode string
	// KMSKeyARN is the customer-managed PHI key that encrypts the stream.
	// Required: the AWS managed aws/kinesisvideo key is not acceptable, because
	// its key policy cannot be restricted or audited per stream. The key
	// policy must let the producer and consumer roles use it via Kinesis
	// Video Streams. Changing it replaces the stream.
	KMSKeyARN pulumi.StringInput
	// DataRetentionHours is how long video is kept: MinRetentionHours to
	// MaxRetentionHours, typically 24 to 8760 (a year). Required: 0 would keep
	// no video at all.
	// Changing it replaces the stream.
	DataRetentionHours int
	// ProducerPrincipal may assume the producer role: IoTCredentialsProvider
	// (cameras with X.509 certificates; the trust is then conditioned on
	// aws:SourceAccount), or an IAM role or account-root ARN such as an
	// on-premises video gateway's (the trust then requires
	// ProducerExternalID). Required.
	ProducerPrincipal string
	// ProducerExternalID is the sts:ExternalId an IAM principal must present.
	// Required with an IAM ARN, not allowed with IoTCredentialsProvider.
	ProducerExternalID string
	// Protect marks the stream as protected, so a replacement or
	// `pulumi destroy` cannot delete recorded video. Set it in prod.
	Protect bool
	// Tags are merged onto every taggable child. The camera, ward, room and
	// managed-by tags are set by the component and may not be given.
	Tags map[string]string
}

// streamConfig is VideoStreamArgs after validation.
type streamConfig struct {
	cameraID           string
	wardCode           string
	roomCode           string
	kmsKeyARN          pulumi.StringInput
	retentionHours     int
	producerPrincipal  string
	producerExternalID string
	protect            bool
	tags               map[string]string
}

// resolve validates args and returns a copy. It reports every problem at
// once and never modifies args.
func (args *VideoStreamArgs) resolve() (streamConfig, error) {
	if args == nil {
		return streamConfig{}, errors.New("args are required (camera codes, KMSKeyARN, DataRetentionHours and ProducerPrincipal have no default)")
	}
	cfg := streamConfig{
		cameraID:           args.CameraID,
		wardCode:           args.WardCode,
		roomCode:           args.RoomCode,
		kmsKeyARN:          args.KMSKeyARN,
		retentionHours:     args.DataRetentionHours,
		producerPrincipal:  args.ProducerPrincipal,
		producerExternalID: args.ProducerExternalID,
		protect:            args.Protect,
		tags:               maps.Clone(args.Tags),
	}
	var errs []error
	for _, field := range []struct{ name, value string }{
		{"CameraID", cfg.cameraID}, {"WardCode", cfg.wardCode}, {"RoomCode", cfg.roomCode},
	} {
		switch {
		case field.value == "":
			errs = append(errs, fmt.Errorf("%s is required", field.name))
		case looksLikePatientIdentifier(field.value):
			errs = append(errs, fmt.Errorf("%s looks like it carries a patient identifier; use a device or location code", field.name))
		case !codePattern.MatchString(field.value):
			errs = append(errs, fmt.Errorf("%s must be a code of 1 to 32 letters, digits, '-' or '_'", field.name))
		}
	}

	if args.KMSKeyARN == nil {
		errs = append(errs, errors.New("KMSKeyARN is required: the AWS managed aws/kinesisvideo key is not acceptable for PHI"))
	} else if known, ok := args.KMSKeyARN.(pulumi.String); ok {
		if err := checkKeyARN(string(known)); err != nil {
			errs = append(errs, err)
		}
	}

	if h := cfg.retentionHours; h < MinRetentionHours || h > MaxRetentionHours {
		errs = append(errs, fmt.Errorf("DataRetentionHours %d: must be %d to %d (0 would keep no video)", h, MinRetentionHours, MaxRetentionHours))
	}

	switch {
	case cfg.producerPrincipal == "":
		errs = append(errs, fmt.Errorf("ProducerPrincipal is required: %s or an IAM role or account-root ARN", IoTCredentialsProvider))
	case cfg.producerPrincipal == IoTCredentialsProvider:
		if cfg.producerExternalID != "" {
			errs = append(errs, errors.New("ProducerExternalID applies to IAM principals only; the IoT credentials provider is checked by aws:SourceAccount"))
		}
	case !principalARNPattern.MatchString(cfg.producerPrincipal):
		errs = append(errs, fmt.Errorf("ProducerPrincipal %q is neither %s nor an IAM role or account-root ARN without wildcards", cfg.producerPrincipal, IoTCredentialsProvider))
	case len(cfg.producerExternalID) < 2 || len(cfg.producerExternalID) > 1224 || !externalIDPattern.MatchString(cfg.producerExternalID):
		errs = append(errs, errors.New("ProducerExternalID is required with an IAM principal: 2 to 1224 of letters, digits and +=,.@:/-_"))
	}

	for _, k := range slices.Sorted(maps.Keys(cfg.tags)) {
		switch {
		case slices.Contains(reservedTags, k):
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, fmt.Errorf("Tags: %q uses the reserved aws: prefix", k))
		case k == "" || len(k) > 128:
			errs = append(errs, fmt.Errorf("Tags: key %q must be 1 to 128 characters", k))
		case len(cfg.tags[k]) > 256:
			errs = append(errs, fmt.Errorf("Tags: value of %q is longer than 256 characters", k))
		case looksLikePatientIdentifier(cfg.tags[k]):
			errs = append(errs, fmt.Errorf("Tags: value of %q looks like it carries a patient identifier", k))
		}
	}

	if err := errors.Join(errs...); err != nil {
		return streamConfig{}, err
	}
	return cfg, nil
}

// checkKeyARN accepts a customer KMS key ARN and rejects aliases, which
// include the AWS managed alias/aws/kinesisvideo.
func checkKeyARN(arn string) error {
	if !keyARNPattern.MatchString(arn) {
		return fmt.Errorf("KMSKeyARN %q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases, including the AWS managed alias/aws/kinesisvideo, are not accepted", arn)
	}
	return nil
}

// childTags returns the caller's tags plus the component's camera, ward, room
// and managed-by tags.
func (c streamConfig) childTags() pulumi.StringMap {
	tags := pulumi.StringMap{}
	for k, v := range c.tags {
		tags[k] = pulumi.String(v)
	}
	tags[CameraIDTag] = pulumi.String(c.cameraID)
	tags[WardCodeTag] = pulumi.String(c.wardCode)
	tags[RoomCodeTag] = pulumi.String(c.roomCode)
	tags[ManagedByTag] = pulumi.String(ManagedByValue)
	tags[DataClassificationTag] = pulumi.String(DataClassificationPHI)
	return tags
}
