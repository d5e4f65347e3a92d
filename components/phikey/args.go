package phikey

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Purpose is the class of data a key protects. The platform keeps PHI data and
// audit records under separate keys so that the people who may read audit logs
// are not thereby able to read patient video, and the other way round.
type Purpose string

// Key purposes. The value is also the key's data-classification tag.
const (
	PurposePHI   Purpose = "PHI"
	PurposeAudit Purpose = "audit"
)

// Service is an AWS service through which principals of this account may use
// the key (the kms:ViaService condition). A principal with IAM permission can use
// the key only inside a request that service makes on its behalf, never by
// calling KMS directly.
type Service string

// Services principals may use the key through.
const (
	ServiceS3           Service = "s3"
	ServiceSQS          Service = "sqs"
	ServiceSNS          Service = "sns"
	ServiceDynamoDB     Service = "dynamodb"
	ServiceKinesisVideo Service = "kinesisvideo"
	ServiceLambda       Service = "lambda"
)

var knownServices = []Service{ServiceS3, ServiceSQS, ServiceSNS, ServiceDynamoDB, ServiceKinesisVideo, ServiceLambda}

// ServicePrincipal is an AWS service that calls KMS under its own principal
// (not on behalf of one of our IAM principals), so the key policy must name it.
type ServicePrincipal string

// Service principals the key policy can admit, each with the narrowest
// condition AWS supports for it.
const (
	// PrincipalCloudTrail encrypts trail log files; limited by the
	// aws:cloudtrail:arn encryption context to this account's trails.
	PrincipalCloudTrail ServicePrincipal = "cloudtrail"
	// PrincipalCloudWatchLogs encrypts log groups; limited by the aws:logs:arn
	// encryption context to this account's log groups in this region.
	PrincipalCloudWatchLogs ServicePrincipal = "logs"
	// PrincipalS3Notifications lets S3 event notifications publish to an
	// encrypted SNS topic or SQS queue.
	PrincipalS3Notifications ServicePrincipal = "s3"
	// PrincipalEventBridge lets EventBridge rules deliver to an encrypted
	// topic or queue.
	PrincipalEventBridge ServicePrincipal = "events"
	// PrincipalCloudWatchAlarms lets alarms publish to an encrypted topic.
	PrincipalCloudWatchAlarms ServicePrincipal = "cloudwatch"
	// PrincipalSNS lets SNS deliver to encrypted SQS subscriptions.
	PrincipalSNS ServicePrincipal = "sns"
)

var knownServicePrincipals = []ServicePrincipal{
	PrincipalCloudTrail, PrincipalCloudWatchLogs, PrincipalS3Notifications,
	PrincipalEventBridge, PrincipalCloudWatchAlarms, PrincipalSNS,
}

// Tag keys the component sets on every tagged child; callers cannot override them.
const (
	TagDataClassification = "data-classification"
	TagManagedBy          = "managed-by"
	managedByValue        = "mediguard"
)

// PhiKeyArgs configures a PhiKey. Everything here is a plain Go value: the key
// policy is decided when the program runs, not by other resources.
type PhiKeyArgs struct {
	// Purpose is required: PurposePHI or PurposeAudit.
	Purpose Purpose
	// Description of the key; defaults to one naming the purpose and component.
	Description string
	// AliasName is the key's alias, "alias/..." (default "alias/mediguard/<name>").
	AliasName string
	// AdminPrincipalARNs may administer the key (never use it for data). Default:
	// the account root, which delegates administration to IAM policies. When set,
	// the principal that runs the deployment must be one of them, or KMS rejects
	// the policy under its lockout safety check.
	AdminPrincipalARNs []string
	// ViaServices are the services through which this account's principals may
	// encrypt and decrypt with the key.
	ViaServices []Service
	// ServicePrincipals are the services that use the key under their own identity.
	ServicePrincipals []ServicePrincipal
	// Tags are merged into the key's tags.
	Tags map[string]string
	// Protect marks the key protected, so `pulumi destroy` cannot schedule the
	// deletion of a key that encrypted data still depends on. Use it in prod.
	Protect bool
}

var (
	aliasPattern    = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]{1,250}$`)
	principalARNPat = regexp.MustCompile(`^arn:[a-z-]+:iam::[0-9]{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$`)
)

// withDefaults validates args and returns a defaulted copy. It reports every
// problem at once; the caller's args are never modified.
func (a *PhiKeyArgs) withDefaults(name string) (PhiKeyArgs, error) {
	if a == nil {
		return PhiKeyArgs{}, fmt.Errorf("phikey %q: args are required (Purpose at least)", name)
	}
	out := *a
	out.AdminPrincipalARNs = slices.Clone(a.AdminPrincipalARNs)
	out.ViaServices = slices.Clone(a.ViaServices)
	out.ServicePrincipals = slices.Clone(a.ServicePrincipals)
	out.Tags = maps.Clone(a.Tags)

	var errs []error
	switch out.Purpose {
	case PurposePHI, PurposeAudit:
	case "":
		errs = append(errs, errors.New("Purpose is required (PHI or audit)"))
	default:
		errs = append(errs, fmt.Errorf("Purpose %q is not PHI or audit", out.Purpose))
	}
	if out.AliasName == "" {
		out.AliasName = "alias/mediguard/" + name
	}
	if !aliasPattern.MatchString(out.AliasName) {
		errs = append(errs, fmt.Errorf("AliasName %q must be alias/ followed by letters, digits, /, _ or -", out.AliasName))
	} else if strings.HasPrefix(out.AliasName, "alias/aws/") {
		errs = append(errs, fmt.Errorf("AliasName %q: the alias/aws/ prefix is reserved for AWS managed keys", out.AliasName))
	}
	if out.Description == "" {
		out.Description = fmt.Sprintf("MediGuard %s data key (%s)", out.Purpose, name)
	}
	for _, arn := range out.AdminPrincipalARNs {
		if !principalARNPat.MatchString(arn) {
			errs = append(errs, fmt.Errorf("AdminPrincipalARNs: %q is not an IAM account root, role or user ARN", arn))
		}
	}
	if len(out.ViaServices) == 0 && len(out.ServicePrincipals) == 0 {
		errs = append(errs, errors.New("ViaServices and ServicePrincipals are both empty: nobody could use the key"))
	}
	errs = append(errs, checkEnum("ViaServices", out.ViaServices, knownServices)...)
	errs = append(errs, checkEnum("ServicePrincipals", out.ServicePrincipals, knownServicePrincipals)...)
	for _, k := range []string{TagDataClassification, TagManagedBy} {
		if _, ok := out.Tags[k]; ok {
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		}
	}
	if len(errs) > 0 {
		return PhiKeyArgs{}, fmt.Errorf("phikey %q: invalid args: %w", name, errors.Join(errs...))
	}
	return out, nil
}

// checkEnum reports values outside known and duplicates.
func checkEnum[T ~string](field string, values, known []T) []error {
	var errs []error
	seen := map[T]bool{}
	for _, v := range values {
		if !slices.Contains(known, v) {
			errs = append(errs, fmt.Errorf("%s: unknown value %q (known: %v)", field, v, known))
		}
		if seen[v] {
			errs = append(errs, fmt.Errorf("%s: %q listed twice", field, v))
		}
		seen[v] = true
	}
	return errs
}

// tags returns the caller's tags plus the component's mandatory ones.
func (a PhiKeyArgs) tags() map[string]string {
	t := maps.Clone(a.Tags)
	if t == nil {
		t = map[string]string{}
	}
	t[TagDataClassification] = string(a.Purpose)
	t[TagManagedBy] = managedByValue
	return t
}
