package securenetwork

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults applied to zero-valued SecureNetworkArgs fields.
const (
	DefaultCIDR = "10.40.0.0/16"
	// DefaultFlowLogRetentionDays is six years, the HIPAA documentation
	// retention period (45 CFR 164.316(b)(2)).
	DefaultFlowLogRetentionDays = 2192
	// MinFlowLogRetentionDays is the floor of the policy pack's log-group-retention rule.
	MinFlowLogRetentionDays = 365
	// MinAvailabilityZones keeps the network alive when one zone fails.
	MinAvailabilityZones = 2
)

// DefaultInterfaceEndpointServices are the AWS APIs the MediGuard functions
// call from inside the VPC, each reached through an interface endpoint.
var DefaultInterfaceEndpointServices = []string{
	"kms", "sns", "sqs", "logs", "monitoring", "sts", "kinesisvideo", "xray", "lambda",
}

// cloudWatchRetentionDays are the only retention values CloudWatch Logs accepts.
var cloudWatchRetentionDays = []int{
	1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
}

// Tag keys the component sets itself on every child.
const (
	ManagedByTag   = "managed-by"
	ManagedByValue = "mediguard"
	nameTag        = "Name"
)

// gatewayServices are always served by gateway endpoints, so they may not be
// listed as interface endpoints too.
var gatewayServices = []string{"s3", "dynamodb"}

var (
	// zonePattern matches availability zone names such as us-east-1a or us-gov-west-1b.
	zonePattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+[a-z]$`)
	// servicePattern matches the last part of an endpoint service name, e.g. kms or ecr.api.
	servicePattern = regexp.MustCompile(`^[a-z0-9]+([.-][a-z0-9]+)*$`)
	// keyARNPattern matches a KMS key ARN; CloudWatch Logs takes no alias.
	keyARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)
)

// checkKeyARN accepts a KMS key ARN and rejects anything else, aliases included.
func checkKeyARN(arn string) error {
	if !keyARNPattern.MatchString(arn) {
		return fmt.Errorf("FlowLogKMSKeyARN %q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", arn)
	}
	return nil
}

// SecureNetworkArgs configures a SecureNetwork. Every field that decides which
// or how many resources exist is a plain Go value; only the KMS key comes from
// another resource.
type SecureNetworkArgs struct {
	// CIDR is the VPC's IPv4 range, /16 to /22 inside RFC 1918 space.
	// Default DefaultCIDR.
	CIDR string
	// AvailabilityZones are the zone names to spread subnets over: 2 for dev,
	// 3 for prod; 2 to 6, distinct, all in the provider's region. Order
	// matters: a zone keeps its subnet CIDRs as long as it keeps its position.
	AvailabilityZones []string
	// AllowInternetEgressViaNAT is the one escape hatch from an isolated
	// network: it adds a public subnet, NAT gateway and EIP per zone, an
	// internet gateway, and default routes from the private route tables to
	// the NAT gateways, and lets functions send HTTPS to the internet.
	AllowInternetEgressViaNAT bool
	// InterfaceEndpointServices are the services (e.g. "kms", "ecr.api") that
	// get an interface endpoint with private DNS. Nil or empty means
	// DefaultInterfaceEndpointServices. S3 and DynamoDB always get gateway
	// endpoints and may not be listed.
	InterfaceEndpointServices []string
	// FlowLogKMSKeyARN is the customer-managed key that encrypts the flow log
	// group. Its key policy must let logs.<region>.amazonaws.com use it.
	// Required.
	FlowLogKMSKeyARN pulumi.StringInput
	// FlowLogRetentionDays is how long flow logs are kept: a CloudWatch Logs
	// retention value of at least MinFlowLogRetentionDays. Default
	// DefaultFlowLogRetentionDays.
	FlowLogRetentionDays int
	// Protect marks the flow log group (audit evidence) as protected, so
	// `pulumi destroy` or a replacement cannot delete it.
	Protect bool
	// Tags are merged onto every taggable child. "Name" and "managed-by" are
	// set by the component and may not be given.
	Tags map[string]string
}

// networkConfig is SecureNetworkArgs after defaulting and validation.
type networkConfig struct {
	vpc                  netip.Prefix
	zones                []string
	natEgress            bool
	interfaceServices    []string
	flowLogKMSKeyARN     pulumi.StringInput
	flowLogRetentionDays int
	protect              bool
	tags                 map[string]string
	subnets              []SubnetPlan
}

// resolve validates args and returns a defaulted copy. It reports every
// problem at once and never modifies args.
func (args *SecureNetworkArgs) resolve() (networkConfig, error) {
	if args == nil {
		return networkConfig{}, errors.New("args are required (FlowLogKMSKeyARN and AvailabilityZones have no default)")
	}
	var errs []error
	cfg := networkConfig{
		zones:                slices.Clone(args.AvailabilityZones),
		natEgress:            args.AllowInternetEgressViaNAT,
		interfaceServices:    slices.Clone(args.InterfaceEndpointServices),
		flowLogKMSKeyARN:     args.FlowLogKMSKeyARN,
		flowLogRetentionDays: args.FlowLogRetentionDays,
		protect:              args.Protect,
		tags:                 maps.Clone(args.Tags),
	}

	cidr := args.CIDR
	if cidr == "" {
		cidr = DefaultCIDR
	}
	vpc, err := netip.ParsePrefix(cidr)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("CIDR %q is not an IPv4 prefix: %w", cidr, err))
	case !vpc.Addr().Is4() || !vpc.Addr().IsPrivate():
		errs = append(errs, fmt.Errorf("CIDR %s is not in RFC 1918 private IPv4 space", vpc))
	case vpc.Bits() < MinVPCPrefixLength || vpc.Bits() > MaxVPCPrefixLength:
		errs = append(errs, fmt.Errorf("CIDR %s: prefix length must be /%d to /%d", vpc, MinVPCPrefixLength, MaxVPCPrefixLength))
	case vpc.Masked() != vpc:
		errs = append(errs, fmt.Errorf("CIDR %s has host bits set (did you mean %s?)", vpc, vpc.Masked()))
	}
	cfg.vpc = vpc

	if n := len(cfg.zones); n < MinAvailabilityZones || n > MaxAvailabilityZones {
		errs = append(errs, fmt.Errorf("AvailabilityZones: need %d to %d zones, got %d", MinAvailabilityZones, MaxAvailabilityZones, n))
	}
	seenZone := map[string]bool{}
	for _, z := range cfg.zones {
		switch {
		case !zonePattern.MatchString(z):
			errs = append(errs, fmt.Errorf("AvailabilityZones: %q is not an availability zone name like us-east-1a", z))
		case seenZone[z]:
			errs = append(errs, fmt.Errorf("AvailabilityZones: %q is listed twice", z))
		}
		seenZone[z] = true
	}
	if regions := zoneRegions(cfg.zones); len(regions) > 1 {
		errs = append(errs, fmt.Errorf("AvailabilityZones span several regions %v; a VPC lives in one", regions))
	}

	if len(cfg.interfaceServices) == 0 {
		cfg.interfaceServices = slices.Clone(DefaultInterfaceEndpointServices)
	}
	seenService := map[string]bool{}
	for _, s := range cfg.interfaceServices {
		switch {
		case !servicePattern.MatchString(s):
			errs = append(errs, fmt.Errorf("InterfaceEndpointServices: %q is not a service name like kms or ecr.api", s))
		case slices.Contains(gatewayServices, s):
			errs = append(errs, fmt.Errorf("InterfaceEndpointServices: %q is always served by a gateway endpoint; remove it", s))
		case seenService[s]:
			errs = append(errs, fmt.Errorf("InterfaceEndpointServices: %q is listed twice", s))
		}
		seenService[s] = true
	}

	if args.FlowLogKMSKeyARN == nil {
		errs = append(errs, errors.New("FlowLogKMSKeyARN is required: flow logs describe every connection of the PHI platform and must be encrypted with a customer-managed key"))
	} else if known, ok := args.FlowLogKMSKeyARN.(pulumi.String); ok {
		if err := checkKeyARN(string(known)); err != nil {
			errs = append(errs, err)
		}
	}

	if cfg.flowLogRetentionDays == 0 {
		cfg.flowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	if d := cfg.flowLogRetentionDays; d < MinFlowLogRetentionDays || !slices.Contains(cloudWatchRetentionDays, d) {
		errs = append(errs, fmt.Errorf("FlowLogRetentionDays %d: must be a CloudWatch Logs retention value of at least %d (%v)",
			d, MinFlowLogRetentionDays, cloudWatchRetentionDays[slices.Index(cloudWatchRetentionDays, MinFlowLogRetentionDays):]))
	}

	for _, k := range slices.Sorted(maps.Keys(cfg.tags)) {
		switch {
		case k == nameTag || k == ManagedByTag:
			errs = append(errs, fmt.Errorf("Tags: %q is set by the component", k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, fmt.Errorf("Tags: %q uses the reserved aws: prefix", k))
		case k == "" || len(k) > 128:
			errs = append(errs, fmt.Errorf("Tags: key %q must be 1 to 128 characters", k))
		case len(cfg.tags[k]) > 256:
			errs = append(errs, fmt.Errorf("Tags: value of %q is longer than 256 characters", k))
		}
	}

	if err := errors.Join(errs...); err != nil {
		return networkConfig{}, err
	}
	// Everything PlanSubnets checks was checked above with messages in terms
	// of the Args fields; an error here would be a bug in one or the other.
	plans, err := PlanSubnets(cfg.vpc, cfg.zones, cfg.natEgress)
	if err != nil {
		return networkConfig{}, fmt.Errorf("plan subnets: %w", err)
	}
	cfg.subnets = plans
	return cfg, nil
}

// zoneRegions returns the sorted distinct regions the well-formed zone names
// belong to (a zone name is its region plus one letter).
func zoneRegions(zones []string) []string {
	var regions []string
	for _, z := range zones {
		if !zonePattern.MatchString(z) {
			continue
		}
		if r := z[:len(z)-1]; !slices.Contains(regions, r) {
			regions = append(regions, r)
		}
	}
	slices.Sort(regions)
	return regions
}

// childTags returns the caller's tags plus the component's Name and
// managed-by tags for one child.
func (c networkConfig) childTags(name string) pulumi.StringMap {
	tags := pulumi.StringMap{}
	for k, v := range c.tags {
		tags[k] = pulumi.String(v)
	}
	tags[nameTag] = pulumi.String(name)
	tags[ManagedByTag] = pulumi.String(ManagedByValue)
	return tags
}
