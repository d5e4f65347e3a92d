package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mediguard/mediguard/components/observability"
	"github.com/mediguard/mediguard/detection"
)

// ConfigNamespace is the Pulumi config namespace of the program's own keys
// (`mediguard:<key>` in Pulumi.<stack>.yaml).
const ConfigNamespace = "mediguard"

// StackConfig is the typed configuration of one stack. Everything that decides
// which or how many resources exist is a plain value here, so a preview is
// predictable and a wrong value fails before anything is registered.
type StackConfig struct {
	// Environment is "dev" or "prod"; it selects defaults (AZ count, lock mode,
	// protection) and is stamped on every resource as a tag.
	Environment string `json:"environment"`
	// Region is the AWS region (from aws:region).
	Region string `json:"region"`
	// AvailabilityZones lists the AZ names the network spans (2 for dev, 3 for prod).
	AvailabilityZones []string `json:"availabilityZones"`
	// VPCCIDR is the network's IPv4 block.
	VPCCIDR string `json:"vpcCidr"`
	// Cameras are the patient-room cameras: one Kinesis video stream each.
	Cameras []Camera `json:"cameras"`
	// AlertSubscribers receive the de-identified clinical alerts.
	AlertSubscribers []Subscriber `json:"alertSubscribers"`
	// Retention sets how long each kind of data is kept.
	Retention Retention `json:"retention"`
	// ObjectLock is the write-once setting of the evidence and audit buckets.
	ObjectLock ObjectLock `json:"objectLock"`
	// Destroyable lets `pulumi destroy` empty the buckets (dev only: it is the
	// named escape hatch that turns on forceDestroy).
	Destroyable bool `json:"destroyable"`
	// Protect sets Pulumi's protect option on stateful resources (prod).
	Protect bool `json:"protect"`
	// DetectorReservedConcurrency caps the detector's concurrent executions.
	DetectorReservedConcurrency int `json:"detectorReservedConcurrency"`
	// TimeZone is the facility's IANA time zone: restricted-zone schedules of
	// every camera are evaluated in it unless a camera sets its own.
	TimeZone string `json:"timeZone"`
	// CameraProducerPrincipal may assume the cameras' producer roles: the AWS
	// IoT credentials provider (cameras holding X.509 certificates) by default.
	CameraProducerPrincipal string `json:"cameraProducerPrincipal"`
	// Baseline selects the account-wide security services this stack owns.
	Baseline BaselineConfig `json:"baseline"`
	// OperationsSubscribers receive platform alarms and security findings
	// (on-call engineers, never nurse stations).
	OperationsSubscribers []Subscriber `json:"operationsSubscribers"`
	// Delivery is the delivery pipeline this stack owns (nil: none).
	Delivery *DeliveryConfig `json:"delivery"`
}

// BaselineConfig turns the parts of the security baseline on or off. They are
// account-wide: when two stacks share an account, exactly one owns them.
type BaselineConfig struct {
	GuardDuty         bool `json:"guardDuty"`
	SecurityHub       bool `json:"securityHub"`
	Config            bool `json:"config"`
	PublicAccessBlock bool `json:"publicAccessBlock"`
	// PasswordPolicy sets the IAM account password policy; off by default,
	// since staff sign in through SSO.
	PasswordPolicy bool `json:"passwordPolicy"`
}

// enabled reports whether any part of the baseline is on.
func (b BaselineConfig) enabled() bool {
	return b.GuardDuty || b.SecurityHub || b.Config || b.PublicAccessBlock || b.PasswordPolicy
}

// Camera is one patient-room camera. Only facility codes: a camera is never
// named after the patient in the room.
type Camera struct {
	ID   string `json:"id"`
	Ward string `json:"ward"`
	Room string `json:"room"`
	// Detection is the camera's detection configuration (zones, masks,
	// privacy regions, schedules, patient risk flags, thresholds: the
	// camera.yaml format of docs/detection.md, as an object). camera_id, ward
	// and room come from the fields above and the stack's time zone applies
	// unless time_zone is set. Empty means the engine's defaults.
	Detection json.RawMessage `json:"detection,omitempty"`
}

// DetectionConfig returns the camera's detection configuration as the JSON
// document the detector reads, validated by the engine's own parser.
func (c Camera) DetectionConfig(timeZone string) ([]byte, error) {
	doc := map[string]any{}
	if len(c.Detection) > 0 {
		if err := json.Unmarshal(c.Detection, &doc); err != nil {
			return nil, fmt.Errorf("must be an object: %w", err)
		}
	}
	for _, key := range []string{"camera_id", "ward", "room"} {
		if _, ok := doc[key]; ok {
			return nil, fmt.Errorf("%s is set by the camera entry itself; remove it", key)
		}
	}
	doc["camera_id"], doc["ward"], doc["room"] = c.ID, c.Ward, c.Room
	if _, ok := doc["time_zone"]; !ok {
		doc["time_zone"] = timeZone
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	if _, err := detection.ParseCameraConfig(data); err != nil {
		return nil, err
	}
	return data, nil
}

// Subscriber is one alert subscription (protocol as SNS names it).
type Subscriber struct {
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
}

// Retention periods. Log retention defaults to 2192 days (six years), the HIPAA
// documentation retention period of 45 CFR 164.316(b)(2)(i).
type Retention struct {
	VideoHours    int `json:"videoHours"`
	FrameDays     int `json:"frameDays"`
	EvidenceDays  int `json:"evidenceDays"`
	AuditLogDays  int `json:"auditLogDays"`
	AppLogDays    int `json:"appLogDays"`
	FlowLogDays   int `json:"flowLogDays"`
	NoncurrentDay int `json:"noncurrentDays"`
}

// ObjectLock is the S3 object lock default retention of write-once buckets.
type ObjectLock struct {
	Mode string `json:"mode"` // GOVERNANCE or COMPLIANCE
	Days int    `json:"days"`
}

// hipaaRetentionDays is six years of days (45 CFR 164.316(b)(2)(i)).
const hipaaRetentionDays = 2192

var (
	cameraIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	codePattern     = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)
	azPattern       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d[a-z]$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
)

// Defaults returns the configuration an environment starts from; a stack file
// overrides any of it.
func Defaults(environment string) StackConfig {
	c := StackConfig{
		Environment: environment,
		VPCCIDR:     "10.40.0.0/16",
		Retention: Retention{
			VideoHours: 24, FrameDays: 7, EvidenceDays: 30,
			AuditLogDays: hipaaRetentionDays, AppLogDays: hipaaRetentionDays, FlowLogDays: hipaaRetentionDays,
			NoncurrentDay: 30,
		},
		ObjectLock:                  ObjectLock{Mode: "GOVERNANCE", Days: 7},
		Destroyable:                 true,
		DetectorReservedConcurrency: 5,
		CameraProducerPrincipal:     "credentials.iot.amazonaws.com",
		TimeZone:                    "UTC",
		Baseline:                    BaselineConfig{GuardDuty: true, SecurityHub: true, Config: true, PublicAccessBlock: true},
	}
	if environment == "prod" {
		c.Retention = Retention{
			VideoHours: 72, FrameDays: 30, EvidenceDays: hipaaRetentionDays,
			AuditLogDays: hipaaRetentionDays, AppLogDays: hipaaRetentionDays, FlowLogDays: hipaaRetentionDays,
			NoncurrentDay: 90,
		}
		c.ObjectLock = ObjectLock{Mode: "COMPLIANCE", Days: hipaaRetentionDays}
		c.Destroyable = false
		c.Protect = true
		c.DetectorReservedConcurrency = 20
	}
	return c
}

// configKeys are the keys the program reads, each decoded into its field of
// StackConfig. A key that is not here is an error: a typo must not be ignored.
var configKeys = map[string]func(c *StackConfig) any{
	"environment":                 func(c *StackConfig) any { return &c.Environment },
	"availabilityZones":           func(c *StackConfig) any { return &c.AvailabilityZones },
	"vpcCidr":                     func(c *StackConfig) any { return &c.VPCCIDR },
	"cameras":                     func(c *StackConfig) any { return &c.Cameras },
	"alertSubscribers":            func(c *StackConfig) any { return &c.AlertSubscribers },
	"retention":                   func(c *StackConfig) any { return &c.Retention },
	"objectLock":                  func(c *StackConfig) any { return &c.ObjectLock },
	"destroyable":                 func(c *StackConfig) any { return &c.Destroyable },
	"protect":                     func(c *StackConfig) any { return &c.Protect },
	"detectorReservedConcurrency": func(c *StackConfig) any { return &c.DetectorReservedConcurrency },
	"cameraProducerPrincipal":     func(c *StackConfig) any { return &c.CameraProducerPrincipal },
	"timeZone":                    func(c *StackConfig) any { return &c.TimeZone },
	"baseline":                    func(c *StackConfig) any { return &c.Baseline },
	"operationsSubscribers":       func(c *StackConfig) any { return &c.OperationsSubscribers },
	"delivery":                    func(c *StackConfig) any { return &c.Delivery },
}

// ParseStackConfig builds the typed configuration from the raw values Pulumi
// hands the program (key without namespace -> raw string; objects and lists as
// JSON). region is aws:region. Every problem is reported, each naming its key.
func ParseStackConfig(region string, raw map[string]string) (StackConfig, error) {
	env := strings.Trim(raw["environment"], `"`)
	if env == "" {
		return StackConfig{}, errors.New("config mediguard:environment: required (dev or prod)")
	}
	c := Defaults(env)
	c.Region = region
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		value := raw[key]
		field, ok := configKeys[key]
		if !ok {
			errs = append(errs, fmt.Errorf("config %s:%s: unknown key", ConfigNamespace, key))
			continue
		}
		if err := decodeValue(value, field(&c)); err != nil {
			errs = append(errs, fmt.Errorf("config %s:%s: %w", ConfigNamespace, key, err))
		}
	}
	if len(errs) > 0 {
		return StackConfig{}, errors.Join(errs...)
	}
	if len(c.AvailabilityZones) == 0 && regionPattern.MatchString(c.Region) {
		c.AvailabilityZones = defaultZones(c.Region, c.Environment)
	}
	if err := c.Validate(); err != nil {
		return StackConfig{}, err
	}
	return c, nil
}

// decodeValue decodes one raw config value: JSON for structured values, the bare
// string for string fields.
func decodeValue(value string, into any) error {
	if s, ok := into.(*string); ok {
		if err := json.Unmarshal([]byte(value), s); err != nil {
			*s = value
		}
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("invalid value: %w", err)
	}
	return nil
}

// defaultZones picks the first AZs of the region: 2 for dev, 3 for prod.
func defaultZones(region, environment string) []string {
	n := 2
	if environment == "prod" {
		n = 3
	}
	zones := make([]string, n)
	for i := range zones {
		zones[i] = region + string(rune('a'+i))
	}
	return zones
}

// Validate reports every problem of the configuration at once, each naming the
// config key to fix.
func (c StackConfig) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Environment != "dev" && c.Environment != "prod" {
		bad("mediguard:environment", "must be dev or prod, got %q", c.Environment)
	}
	if !regionPattern.MatchString(c.Region) {
		bad("aws:region", "must be an AWS region such as us-east-1, got %q", c.Region)
	}
	minZones := 2
	if c.Environment == "prod" {
		minZones = 3
	}
	if len(c.AvailabilityZones) < minZones {
		bad("mediguard:availabilityZones", "%s needs at least %d availability zones, got %d", c.Environment, minZones, len(c.AvailabilityZones))
	}
	seenZone := map[string]bool{}
	for i, az := range c.AvailabilityZones {
		if !azPattern.MatchString(az) || !strings.HasPrefix(az, c.Region) {
			bad(fmt.Sprintf("mediguard:availabilityZones[%d]", i), "%q is not an availability zone of %s", az, c.Region)
		}
		if seenZone[az] {
			bad(fmt.Sprintf("mediguard:availabilityZones[%d]", i), "duplicate zone %q", az)
		}
		seenZone[az] = true
	}
	if p, err := netip.ParsePrefix(c.VPCCIDR); err != nil || !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 24 {
		bad("mediguard:vpcCidr", "must be an IPv4 CIDR between /16 and /24, got %q", c.VPCCIDR)
	}
	if len(c.Cameras) == 0 {
		bad("mediguard:cameras", "at least one camera is required")
	}
	seenCamera := map[string]bool{}
	for i, cam := range c.Cameras {
		key := fmt.Sprintf("mediguard:cameras[%d]", i)
		if !cameraIDPattern.MatchString(cam.ID) {
			bad(key+".id", "must match %s, got %q", cameraIDPattern, cam.ID)
		}
		if seenCamera[cam.ID] {
			bad(key+".id", "duplicate camera id %q", cam.ID)
		}
		seenCamera[cam.ID] = true
		if !codePattern.MatchString(cam.Ward) {
			bad(key+".ward", "must be a facility code (letters, digits, dashes, at most 16), got %q", cam.Ward)
		}
		if !codePattern.MatchString(cam.Room) {
			bad(key+".room", "must be a facility code (letters, digits, dashes, at most 16), got %q", cam.Room)
		}
		if _, err := cam.DetectionConfig(c.TimeZone); err != nil {
			bad(key+".detection", "%v", err)
		}
	}
	for i, s := range c.OperationsSubscribers {
		key := fmt.Sprintf("mediguard:operationsSubscribers[%d]", i)
		if !slices.Contains(observability.SubscriberProtocols, s.Protocol) {
			bad(key+".protocol", "must be one of %s, got %q", strings.Join(observability.SubscriberProtocols, ", "), s.Protocol)
		}
		if s.Endpoint == "" {
			bad(key+".endpoint", "required")
		}
	}
	if c.Environment == "prod" {
		for _, part := range []struct {
			key string
			on  bool
		}{{"guardDuty", c.Baseline.GuardDuty}, {"securityHub", c.Baseline.SecurityHub}, {"config", c.Baseline.Config}} {
			if !part.on {
				bad("mediguard:baseline."+part.key, "prod stacks hold PHI and must run it (turn it off in the other stack of the account instead)")
			}
		}
	}
	for i, s := range c.AlertSubscribers {
		key := fmt.Sprintf("mediguard:alertSubscribers[%d]", i)
		switch s.Protocol {
		case "email", "https", "sqs", "lambda", "sms":
		default:
			bad(key+".protocol", "must be one of email, https, sqs, lambda, sms, got %q", s.Protocol)
		}
		if s.Endpoint == "" {
			bad(key+".endpoint", "required")
		}
	}
	r := c.Retention
	if r.VideoHours < 1 || r.VideoHours > 87600 {
		bad("mediguard:retention.videoHours", "must be 1..87600, got %d", r.VideoHours)
	}
	if r.FrameDays < 1 {
		bad("mediguard:retention.frameDays", "must be at least 1, got %d", r.FrameDays)
	}
	if r.EvidenceDays < 1 {
		bad("mediguard:retention.evidenceDays", "must be at least 1, got %d", r.EvidenceDays)
	}
	if r.NoncurrentDay < 1 {
		bad("mediguard:retention.noncurrentDays", "must be at least 1, got %d", r.NoncurrentDay)
	}
	for _, log := range []struct {
		key  string
		days int
	}{{"auditLogDays", r.AuditLogDays}, {"appLogDays", r.AppLogDays}, {"flowLogDays", r.FlowLogDays}} {
		if log.days < hipaaRetentionDays {
			bad("mediguard:retention."+log.key, "must be at least %d days (six years, 45 CFR 164.316(b)(2)), got %d", hipaaRetentionDays, log.days)
		}
	}
	switch c.ObjectLock.Mode {
	case "GOVERNANCE", "COMPLIANCE":
	default:
		bad("mediguard:objectLock.mode", "must be GOVERNANCE or COMPLIANCE, got %q", c.ObjectLock.Mode)
	}
	if c.ObjectLock.Days < 1 {
		bad("mediguard:objectLock.days", "must be at least 1, got %d", c.ObjectLock.Days)
	}
	if c.Environment == "prod" {
		if c.ObjectLock.Mode != "COMPLIANCE" {
			bad("mediguard:objectLock.mode", "prod requires COMPLIANCE")
		}
		if c.Destroyable {
			bad("mediguard:destroyable", "prod stacks cannot be destroyable")
		}
		if !c.Protect {
			bad("mediguard:protect", "prod stacks must protect stateful resources")
		}
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" || c.TimeZone == "Local" {
		bad("mediguard:timeZone", "must be an IANA time zone such as America/New_York, got %q", c.TimeZone)
	}
	if c.DetectorReservedConcurrency < 1 || c.DetectorReservedConcurrency > 1000 {
		bad("mediguard:detectorReservedConcurrency", "must be 1..1000, got %d", c.DetectorReservedConcurrency)
	}
	if err := c.validateDelivery(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
