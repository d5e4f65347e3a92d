package phibucket

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Classification is the class of data the bucket holds; it becomes the
// data-classification tag that the policy pack and cost reports key on.
type Classification string

// Bucket classifications.
const (
	ClassificationPHI   Classification = "PHI"
	ClassificationAudit Classification = "audit"
)

// LockMode is the S3 Object Lock default retention mode.
type LockMode string

// Object Lock modes. In GOVERNANCE mode a principal with
// s3:BypassGovernanceRetention can still delete a version early; in COMPLIANCE
// mode nobody can, not even the account root, until retention ends.
const (
	LockGovernance LockMode = "GOVERNANCE"
	LockCompliance LockMode = "COMPLIANCE"
)

// Tag keys the component sets on every tagged child; callers cannot override them.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
	TagPurpose            = "purpose"
	managedByValue        = "mediguard"
)

// Defaults applied when the corresponding Args field is zero.
const (
	// DefaultNoncurrentVersionExpirationDays keeps overwritten or deleted
	// versions recoverable for a quarter (longer if Object Lock retains them longer).
	DefaultNoncurrentVersionExpirationDays = 90
	// DefaultAbortIncompleteMultipartUploadDays frees parts of abandoned uploads,
	// which are invisible yet billed and still hold PHI.
	DefaultAbortIncompleteMultipartUploadDays = 7
	// DefaultAccessLogRetentionDays keeps server access logs six years, the HIPAA
	// retention period for documentation (45 CFR 164.316(b)(2)(i)).
	DefaultAccessLogRetentionDays = 2192
)

// BucketItself, used as a Resources entry of a ServiceStatements statement,
// names the bucket rather than an object key pattern.
const BucketItself = ""

// maxNameLength keeps the auto-named log bucket ("<name>-access-logs-" plus
// Pulumi's 7-character random suffix) within the 63 characters S3 allows.
const maxNameLength = 43

// PhiBucketArgs configures a PhiBucket. Plain Go values decide which resources
// exist; Inputs carry only ARNs produced by other resources.
type PhiBucketArgs struct {
	// Classification of the data: ClassificationPHI (default) or ClassificationAudit.
	Classification Classification
	// Purpose says what the bucket is for ("video-frames"); required, becomes
	// the purpose tag. Lowercase letters, digits and hyphens.
	Purpose string
	// KMSKeyARN is the customer-managed key for default encryption; required.
	// Uploads that name another key, or another kind of encryption, are denied.
	KMSKeyARN pulumi.StringInput

	// ObjectLockMode is the default retention mode (default LockGovernance).
	ObjectLockMode LockMode
	// ObjectLockRetentionDays is the default retention; required unless
	// DisableObjectLock is set.
	ObjectLockRetentionDays int
	// DisableObjectLock creates the bucket without Object Lock. Object Lock can
	// only be chosen at creation, so turning it on later replaces the bucket.
	DisableObjectLock bool

	// ExpirationDays expires current versions after this many days (0: never).
	ExpirationDays int
	// NoncurrentVersionExpirationDays deletes noncurrent versions (default 90,
	// or the Object Lock retention when that is longer).
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartUploadDays (default 7).
	AbortIncompleteMultipartUploadDays int
	// AccessLogRetentionDays is how long the log bucket keeps access logs
	// (default 2192, six years).
	AccessLogRetentionDays int

	// Replicate turns on cross-region replication to ReplicaBucketARN, with
	// replicas encrypted under ReplicaKMSKeyARN. The destination bucket must be
	// versioned and its key policy must admit the replication role.
	Replicate        bool
	ReplicaBucketARN pulumi.StringInput
	ReplicaKMSKeyARN pulumi.StringInput

	// EventBridgeNotifications sends the bucket's object events to EventBridge.
	EventBridgeNotifications bool

	// AllowForceDestroy lets `pulumi destroy` delete non-empty buckets. Only for
	// disposable stacks; locked versions still cannot be deleted.
	AllowForceDestroy bool

	// ServiceStatements are extra Allow statements for AWS services that write
	// to the bucket (CloudTrail, for example). Each must name only service
	// principals and carry conditions. Resources are relative to the bucket:
	// BucketItself names the bucket, any other entry an object key pattern
	// ("AWSLogs/123456789012/*").
	ServiceStatements []policydoc.Statement

	// Tags are merged into the tags of every tagged child.
	Tags map[string]string
	// Protect marks both buckets protected against deletion. Use it in prod:
	// changing objectLockEnabled replaces a bucket.
	Protect bool
}

var (
	namePattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	purposePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// reservedSids are the statement IDs the component writes itself.
var reservedSids = []string{SidDenyInsecureTransport, SidDenyOutdatedTLS, SidDenyNonKMSEncryption, SidDenyWrongKMSKey}

// Validate reports every problem NewPhiBucket would reject args for, without
// registering anything. Components that build a PhiBucket call it before they
// register themselves, so that their own invalid args register nothing either.
func (a *PhiBucketArgs) Validate(name string) error {
	_, err := a.withDefaults(name)
	return err
}

// withDefaults validates args and returns a defaulted copy, reporting every
// problem at once. The caller's args are never modified.
func (a *PhiBucketArgs) withDefaults(name string) (PhiBucketArgs, error) {
	var errs []error
	if !namePattern.MatchString(name) || len(name) > maxNameLength {
		errs = append(errs, fmt.Errorf("name %q must be lowercase letters, digits and hyphens, at most %d characters: bucket names derive from it", name, maxNameLength))
	}
	if a == nil {
		errs = append(errs, errors.New("args are required (Purpose and KMSKeyARN at least)"))
		return PhiBucketArgs{}, fmt.Errorf("phibucket %q: invalid args: %w", name, errors.Join(errs...))
	}
	out := *a
	out.ServiceStatements = slices.Clone(a.ServiceStatements)
	out.Tags = maps.Clone(a.Tags)

	switch out.Classification {
	case "":
		out.Classification = ClassificationPHI
	case ClassificationPHI, ClassificationAudit:
	default:
		errs = append(errs, fmt.Errorf("Classification %q is not PHI or audit", out.Classification))
	}
	if !purposePattern.MatchString(out.Purpose) {
		errs = append(errs, fmt.Errorf("Purpose %q must be lowercase letters, digits and hyphens", out.Purpose))
	}
	if out.KMSKeyARN == nil {
		errs = append(errs, errors.New("KMSKeyARN is required"))
	}

	if out.DisableObjectLock {
		if out.ObjectLockMode != "" || out.ObjectLockRetentionDays != 0 {
			errs = append(errs, errors.New("DisableObjectLock contradicts ObjectLockMode/ObjectLockRetentionDays"))
		}
	} else {
		switch out.ObjectLockMode {
		case "":
			out.ObjectLockMode = LockGovernance
		case LockGovernance, LockCompliance:
		default:
			errs = append(errs, fmt.Errorf("ObjectLockMode %q is not GOVERNANCE or COMPLIANCE", out.ObjectLockMode))
		}
		if out.ObjectLockRetentionDays < 1 || out.ObjectLockRetentionDays > 36500 {
			errs = append(errs, fmt.Errorf("ObjectLockRetentionDays %d must be 1 to 36500 (or set DisableObjectLock)", out.ObjectLockRetentionDays))
		}
	}

	if out.ExpirationDays < 0 {
		errs = append(errs, fmt.Errorf("ExpirationDays %d is negative", out.ExpirationDays))
	}
	if out.NoncurrentVersionExpirationDays == 0 {
		out.NoncurrentVersionExpirationDays = max(DefaultNoncurrentVersionExpirationDays, out.ObjectLockRetentionDays)
	} else if out.NoncurrentVersionExpirationDays < 0 {
		errs = append(errs, fmt.Errorf("NoncurrentVersionExpirationDays %d is negative", out.NoncurrentVersionExpirationDays))
	}
	if out.AbortIncompleteMultipartUploadDays == 0 {
		out.AbortIncompleteMultipartUploadDays = DefaultAbortIncompleteMultipartUploadDays
	} else if out.AbortIncompleteMultipartUploadDays < 0 {
		errs = append(errs, fmt.Errorf("AbortIncompleteMultipartUploadDays %d is negative", out.AbortIncompleteMultipartUploadDays))
	}
	if out.AccessLogRetentionDays == 0 {
		out.AccessLogRetentionDays = DefaultAccessLogRetentionDays
	} else if out.AccessLogRetentionDays < 0 {
		errs = append(errs, fmt.Errorf("AccessLogRetentionDays %d is negative", out.AccessLogRetentionDays))
	}

	if out.Replicate {
		if out.ReplicaBucketARN == nil {
			errs = append(errs, errors.New("Replicate needs ReplicaBucketARN"))
		}
		if out.ReplicaKMSKeyARN == nil {
			errs = append(errs, errors.New("Replicate needs ReplicaKMSKeyARN"))
		}
	} else if out.ReplicaBucketARN != nil || out.ReplicaKMSKeyARN != nil {
		errs = append(errs, errors.New("ReplicaBucketARN/ReplicaKMSKeyARN are set but Replicate is false"))
	}

	sids := map[string]bool{}
	for i, s := range out.ServiceStatements {
		errs = append(errs, checkServiceStatement(i, s)...)
		if s.Sid != "" && sids[s.Sid] {
			errs = append(errs, fmt.Errorf("ServiceStatements[%d]: Sid %q used twice", i, s.Sid))
		}
		sids[s.Sid] = true
	}
	for _, k := range []string{TagDataClassification, TagManagedBy, TagPurpose} {
		if _, ok := out.Tags[k]; ok {
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		}
	}
	if len(errs) > 0 {
		return PhiBucketArgs{}, fmt.Errorf("phibucket %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// checkServiceStatement enforces the shape of an extra statement: Allow, only
// service principals, S3 actions without wildcards, conditions, and resources
// relative to the bucket.
func checkServiceStatement(i int, s policydoc.Statement) []error {
	var errs []error
	where := fmt.Sprintf("ServiceStatements[%d] (%q)", i, s.Sid)
	if s.Sid == "" || slices.Contains(reservedSids, s.Sid) {
		errs = append(errs, fmt.Errorf("%s: needs a Sid of its own", where))
	}
	if s.Effect != policydoc.Allow {
		errs = append(errs, fmt.Errorf("%s: effect must be Allow, got %q", where, s.Effect))
	}
	if p := s.Principal; p == nil || p.Any || len(p.AWS) > 0 || len(p.Federated) > 0 || len(p.Service) == 0 {
		errs = append(errs, fmt.Errorf("%s: principal must be one or more AWS service principals only", where))
	}
	if len(s.Conditions) == 0 {
		errs = append(errs, fmt.Errorf("%s: needs conditions (aws:SourceArn, aws:SourceAccount)", where))
	}
	if len(s.Actions) == 0 {
		errs = append(errs, fmt.Errorf("%s: no actions", where))
	}
	for _, action := range s.Actions {
		if !strings.HasPrefix(action, "s3:") || strings.Contains(action, "*") {
			errs = append(errs, fmt.Errorf("%s: action %q must be a single s3: action", where, action))
		}
	}
	if len(s.Resources) == 0 {
		errs = append(errs, fmt.Errorf("%s: no resources (BucketItself or object key patterns)", where))
	}
	for _, r := range s.Resources {
		if strings.HasPrefix(r, "arn:") || strings.HasPrefix(r, "/") || r == "*" {
			errs = append(errs, fmt.Errorf("%s: resource %q must be relative to the bucket", where, r))
		}
	}
	return errs
}

// tags returns the caller's tags plus the component's mandatory ones.
func (a PhiBucketArgs) tags(classification Classification, purpose string) map[string]string {
	t := maps.Clone(a.Tags)
	if t == nil {
		t = map[string]string{}
	}
	t[TagDataClassification] = string(classification)
	t[TagManagedBy] = managedByValue
	t[TagPurpose] = purpose
	return t
}
