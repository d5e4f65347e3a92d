package audittrail

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tag keys the component sets on every tagged child; callers cannot override them.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
	TagPurpose            = "purpose"
)

// Tag values of the trail's children.
const (
	auditClassification = "audit"
	managedByValue      = "mediguard"
	trailPurpose        = "audit-trail"
	bucketPurpose       = "cloudtrail"
)

// MinimumRetentionDays is six years, the HIPAA retention period for
// documentation (45 CFR 164.316(b)(2)(i)); it is the default and the floor for
// both the log group and the bucket's Object Lock retention.
const MinimumRetentionDays = 2192

// logRetentionChoices are the CloudWatch Logs retention values of at least
// MinimumRetentionDays (CloudWatch accepts only a fixed list).
var logRetentionChoices = []int{2192, 2557, 2922, 3288, 3653}

// AuditTrailArgs configures an AuditTrail.
type AuditTrailArgs struct {
	// KMSKeyARN is the audit key (a phikey.PurposeAudit key admitting CloudTrail
	// and CloudWatch Logs, usable through S3); required. It encrypts the trail's
	// log files, the log group and the bucket.
	KMSKeyARN pulumi.StringInput
	// PHIBucketARNs are the buckets whose object reads and writes are recorded
	// as S3 data events; at least one.
	PHIBucketARNs []pulumi.StringInput
	// TrailName is the trail's name, unique per account and region (default
	// "<name>-<stack>").
	TrailName string
	// LogRetentionDays of the CloudWatch log group: 2192 (default), 2557, 2922,
	// 3288 or 3653.
	LogRetentionDays int
	// BucketLockMode is the audit bucket's Object Lock mode (default
	// COMPLIANCE: nobody, not even the root user, can delete a record early).
	BucketLockMode phibucket.LockMode
	// BucketRetentionDays is the audit bucket's Object Lock retention (default
	// and minimum 2192).
	BucketRetentionDays int

	// Tags are merged into the tags of every tagged child.
	Tags map[string]string
	// Protect marks the stateful children (audit buckets, log group) protected.
	Protect bool
}

var trailNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$`)

// withDefaults validates args, including the audit bucket's, and returns a
// defaulted copy, reporting every problem at once. The caller's args are
// never modified.
func (a *AuditTrailArgs) withDefaults(name, stack string) (AuditTrailArgs, error) {
	if a == nil {
		return AuditTrailArgs{}, fmt.Errorf("audittrail %q: args are required (KMSKeyARN and PHIBucketARNs at least)", name)
	}
	out := *a
	out.PHIBucketARNs = slices.Clone(a.PHIBucketARNs)
	out.Tags = maps.Clone(a.Tags)

	var errs []error
	if len(out.PHIBucketARNs) == 0 {
		errs = append(errs, errors.New("PHIBucketARNs is empty: a PHI platform's trail must record S3 data events"))
	}
	for i, arn := range out.PHIBucketARNs {
		if arn == nil {
			errs = append(errs, fmt.Errorf("PHIBucketARNs[%d] is nil", i))
		}
	}
	if out.TrailName == "" {
		out.TrailName = name + "-" + stack
	}
	if !trailNamePattern.MatchString(out.TrailName) {
		errs = append(errs, fmt.Errorf("TrailName %q must be 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit", out.TrailName))
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = MinimumRetentionDays
	} else if !slices.Contains(logRetentionChoices, out.LogRetentionDays) {
		errs = append(errs, fmt.Errorf("LogRetentionDays %d must be one of %v (at least six years, a value CloudWatch accepts)", out.LogRetentionDays, logRetentionChoices))
	}
	if out.BucketLockMode == "" {
		out.BucketLockMode = phibucket.LockCompliance
	}
	if out.BucketRetentionDays == 0 {
		out.BucketRetentionDays = MinimumRetentionDays
	} else if out.BucketRetentionDays < MinimumRetentionDays {
		errs = append(errs, fmt.Errorf("BucketRetentionDays %d is less than %d (six years)", out.BucketRetentionDays, MinimumRetentionDays))
	}
	for _, k := range []string{TagDataClassification, TagManagedBy, TagPurpose} {
		if _, ok := out.Tags[k]; ok {
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		}
	}
	// The audit bucket's checks (KMSKeyARN present, lock mode, name) run here
	// too, so that nothing registers when they would fail later. Its service
	// statements need the account, known only after registration, and are
	// fixed by this package, so they are left out of this check.
	if err := out.bucketArgs(nil).Validate(bucketName(name)); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return AuditTrailArgs{}, fmt.Errorf("audittrail %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// bucketName is the audit bucket component's name.
func bucketName(name string) string { return name + "-logs" }

// bucketArgs are the audit bucket's args: audit classification, Object Lock in
// BucketLockMode for BucketRetentionDays, encrypted with the audit key, and the
// given CloudTrail statements.
func (a AuditTrailArgs) bucketArgs(statements []policydoc.Statement) *phibucket.PhiBucketArgs {
	return &phibucket.PhiBucketArgs{
		Classification:          phibucket.ClassificationAudit,
		Purpose:                 bucketPurpose,
		KMSKeyARN:               a.KMSKeyARN,
		ObjectLockMode:          a.BucketLockMode,
		ObjectLockRetentionDays: a.BucketRetentionDays,
		ServiceStatements:       statements,
		Tags:                    maps.Clone(a.Tags),
		Protect:                 a.Protect,
	}
}

// tags returns the caller's tags plus the component's mandatory ones.
func (a AuditTrailArgs) tags() map[string]string {
	t := maps.Clone(a.Tags)
	if t == nil {
		t = map[string]string{}
	}
	t[TagDataClassification] = auditClassification
	t[TagManagedBy] = managedByValue
	t[TagPurpose] = trailPurpose
	return t
}
