package baseline

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
)

// Tag keys the component sets on every tagged child; callers cannot override them.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
	// TagPurpose is set by PhiBucket on the Config history bucket.
	TagPurpose     = "purpose"
	managedByValue = "mediguard"
	// auditClassification is the data-classification of everything the
	// baseline keeps: findings and configuration history are audit records.
	auditClassification = "audit"
)

// DefaultConfigHistoryDays keeps the Config history six years, the HIPAA
// documentation retention period (45 CFR 164.316(b)(2)(i)).
const DefaultConfigHistoryDays = 2192

// maxNameLength keeps the derived Config bucket name ("<name>-config") within
// the 43 characters PhiBucket accepts.
const maxNameLength = 36

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// BaselineArgs configures the account security baseline. Plain Go values decide
// which services are turned on; Inputs carry only ARNs of other resources.
//
// GuardDuty, Security Hub, AWS Config and the account public access block are
// on by default and each has a named escape hatch; they are account-wide (one
// per account and region), so when two stacks share an account only one of
// them may own the baseline. The password policy is opt-in.
type BaselineArgs struct {
	// AuditKeyARN is the customer-managed key that encrypts the Config history
	// bucket. Required with Config.
	AuditKeyARN pulumi.StringInput
	// FindingsTopicARN receives high and critical GuardDuty and Security Hub
	// findings through EventBridge rules. Required with GuardDuty or Security
	// Hub. The topic's policy must let events.amazonaws.com of this account
	// publish, and its key must admit EventBridge.
	FindingsTopicARN pulumi.StringInput

	// DisableGuardDuty leaves GuardDuty to another stack or the organisation.
	DisableGuardDuty bool
	// RuntimeMonitoring turns on GuardDuty Runtime Monitoring with automated
	// agents for EC2 and ECS Fargate. Off by default: the platform runs on
	// Lambda, which Lambda network activity monitoring covers instead.
	RuntimeMonitoring bool
	// DisableSecurityHub leaves Security Hub to another stack or the organisation.
	DisableSecurityHub bool
	// DisableConfig leaves the AWS Config recorder, delivery channel and
	// conformance pack to another stack.
	DisableConfig bool
	// DisableAccountPublicAccessBlock leaves the account-wide S3 public access
	// block to another stack.
	DisableAccountPublicAccessBlock bool
	// PasswordPolicy sets the IAM account password policy (14 characters, all
	// classes, 24 remembered, 90 days). Off by default: most hospitals sign
	// their staff in through SSO, and the policy only governs IAM users.
	PasswordPolicy bool

	// ConfigBucketLockMode and ConfigBucketLockDays are the Object Lock default
	// retention of the Config history bucket. Required with Config.
	ConfigBucketLockMode phibucket.LockMode
	ConfigBucketLockDays int
	// ConfigHistoryDays expires Config history objects after this many days
	// (default 2192, six years; at least ConfigBucketLockDays).
	ConfigHistoryDays int
	// AllowForceDestroy lets `pulumi destroy` empty the Config bucket (dev only).
	AllowForceDestroy bool

	// Tags are merged into the tags of every tagged child.
	Tags map[string]string
	// Protect marks the stateful children (the Config buckets, the detector)
	// protected against deletion.
	Protect bool
}

// withDefaults validates args and returns a defaulted copy, reporting every
// problem at once. The caller's args are never modified.
func (a *BaselineArgs) withDefaults(name string) (BaselineArgs, error) {
	var errs []error
	if !namePattern.MatchString(name) || len(name) > maxNameLength {
		errs = append(errs, fmt.Errorf("name %q must start with a letter and hold lowercase letters, digits and hyphens, at most %d characters: the Config bucket name derives from it", name, maxNameLength))
	}
	if a == nil {
		errs = append(errs, errors.New("args are required"))
		return BaselineArgs{}, fmt.Errorf("baseline %q: invalid args: %w", name, errors.Join(errs...))
	}
	out := *a
	out.Tags = maps.Clone(a.Tags)

	if !out.DisableGuardDuty || !out.DisableSecurityHub {
		if out.FindingsTopicARN == nil {
			errs = append(errs, errors.New("FindingsTopicARN is required with GuardDuty or Security Hub"))
		}
	} else if out.FindingsTopicARN != nil {
		errs = append(errs, errors.New("FindingsTopicARN is set but GuardDuty and Security Hub are both disabled"))
	}
	if out.DisableGuardDuty && out.RuntimeMonitoring {
		errs = append(errs, errors.New("RuntimeMonitoring needs GuardDuty (DisableGuardDuty is set)"))
	}
	if out.DisableConfig {
		if out.AuditKeyARN != nil || out.ConfigBucketLockMode != "" || out.ConfigBucketLockDays != 0 || out.ConfigHistoryDays != 0 {
			errs = append(errs, errors.New("DisableConfig contradicts AuditKeyARN/ConfigBucketLockMode/ConfigBucketLockDays/ConfigHistoryDays"))
		}
	} else {
		if out.AuditKeyARN == nil {
			errs = append(errs, errors.New("AuditKeyARN is required with Config"))
		}
		switch out.ConfigBucketLockMode {
		case phibucket.LockGovernance, phibucket.LockCompliance:
		default:
			errs = append(errs, fmt.Errorf("ConfigBucketLockMode %q is not GOVERNANCE or COMPLIANCE", out.ConfigBucketLockMode))
		}
		if out.ConfigBucketLockDays < 1 || out.ConfigBucketLockDays > 36500 {
			errs = append(errs, fmt.Errorf("ConfigBucketLockDays %d must be 1 to 36500", out.ConfigBucketLockDays))
		}
		if out.ConfigHistoryDays == 0 {
			out.ConfigHistoryDays = max(DefaultConfigHistoryDays, out.ConfigBucketLockDays)
		} else if out.ConfigHistoryDays < out.ConfigBucketLockDays {
			errs = append(errs, fmt.Errorf("ConfigHistoryDays %d is shorter than ConfigBucketLockDays %d", out.ConfigHistoryDays, out.ConfigBucketLockDays))
		}
	}
	if out.DisableGuardDuty && out.DisableSecurityHub && out.DisableConfig && out.DisableAccountPublicAccessBlock && !out.PasswordPolicy {
		errs = append(errs, errors.New("every part is disabled: the baseline would create nothing"))
	}
	for _, k := range slices.Sorted(maps.Keys(out.Tags)) {
		switch {
		case k == TagDataClassification || k == TagManagedBy || k == TagPurpose:
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		case k == "" || strings.HasPrefix(strings.ToLower(k), "aws:") || len(k) > 128 || len(out.Tags[k]) > 256:
			errs = append(errs, fmt.Errorf("Tags[%q]: must be 1-128 characters not starting with aws: and its value at most 256", k))
		}
	}
	if len(errs) > 0 {
		return BaselineArgs{}, fmt.Errorf("baseline %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// tags returns the caller's tags plus the component's mandatory ones.
func (a BaselineArgs) tags() pulumi.StringMap {
	t := pulumi.StringMap{}
	for k, v := range a.Tags {
		t[k] = pulumi.String(v)
	}
	t[TagDataClassification] = pulumi.String(auditClassification)
	t[TagManagedBy] = pulumi.String(managedByValue)
	return t
}

// configBucketName is the PhiBucket that keeps the Config history.
func configBucketName(name string) string { return name + "-config" }

// configBucketArgs are the PhiBucket args of the Config history bucket: audit
// classification, encrypted with the audit key, write-once for the lock period.
func (a BaselineArgs) configBucketArgs() *phibucket.PhiBucketArgs {
	return &phibucket.PhiBucketArgs{
		Classification:          phibucket.ClassificationAudit,
		Purpose:                 "config-history",
		KMSKeyARN:               a.AuditKeyARN,
		ObjectLockMode:          a.ConfigBucketLockMode,
		ObjectLockRetentionDays: a.ConfigBucketLockDays,
		ExpirationDays:          a.ConfigHistoryDays,
		AllowForceDestroy:       a.AllowForceDestroy,
		Tags:                    maps.Clone(a.Tags),
		Protect:                 a.Protect,
	}
}
