package securenetwork

import (
	"errors"
	"fmt"
	"net/netip"
)

// SubnetTier says what a subnet is for, which decides its route table and NACL.
type SubnetTier string

// Subnet tiers.
const (
	// PrivateTier subnets hold the functions and the interface endpoints. They
	// never get a route to an internet gateway.
	PrivateTier SubnetTier = "private"
	// PublicTier subnets exist only with AllowInternetEgressViaNAT and hold
	// nothing but the NAT gateways.
	PublicTier SubnetTier = "public"
)

// Limits of the subnet layout.
const (
	// MinVPCPrefixLength is the largest VPC AWS allows (/16).
	MinVPCPrefixLength = 16
	// MaxVPCPrefixLength is the smallest VPC the layout fits: public subnets are
	// 6 bits longer than the VPC prefix and AWS subnets stop at /28.
	MaxVPCPrefixLength = 22
	// MaxAvailabilityZones is how many zones the layout has room for.
	MaxAvailabilityZones = 6
)

// The VPC is cut into eight equal blocks. Block i (i < MaxAvailabilityZones)
// is the private subnet of zone i; block 6 is left free for a future tier;
// block 7 is cut into eight public subnets. Each zone keeps its index, so adding
// a zone, or turning NAT on or off, never moves an existing subnet (a moved CIDR
// would replace the subnet and everything inside it).
const (
	privateBlockBits = 3
	publicBlockIndex = 7
	publicBlockBits  = 3
)

// SubnetPlan is one subnet the network creates.
type SubnetPlan struct {
	Tier             SubnetTier
	AvailabilityZone string
	CIDR             netip.Prefix
}

// PlanSubnets lays out one private subnet per zone and, when withPublic is
// true, one public subnet per zone, all inside vpc and none overlapping. Zones
// keep their position: zones[i] always gets the i-th private and public block.
func PlanSubnets(vpc netip.Prefix, zones []string, withPublic bool) ([]SubnetPlan, error) {
	var errs []error
	switch {
	case !vpc.IsValid():
		errs = append(errs, errors.New("VPC CIDR is not a valid prefix"))
	case !vpc.Addr().Is4():
		errs = append(errs, fmt.Errorf("VPC CIDR %s is not IPv4", vpc))
	case vpc.Bits() < MinVPCPrefixLength || vpc.Bits() > MaxVPCPrefixLength:
		errs = append(errs, fmt.Errorf("VPC CIDR %s: prefix length must be /%d to /%d", vpc, MinVPCPrefixLength, MaxVPCPrefixLength))
	case vpc.Masked() != vpc:
		errs = append(errs, fmt.Errorf("VPC CIDR %s has host bits set (did you mean %s?)", vpc, vpc.Masked()))
	}
	if len(zones) == 0 || len(zones) > MaxAvailabilityZones {
		errs = append(errs, fmt.Errorf("need 1 to %d availability zones, got %d", MaxAvailabilityZones, len(zones)))
	}
	seen := make(map[string]bool, len(zones))
	for _, z := range zones {
		if seen[z] {
			errs = append(errs, fmt.Errorf("availability zone %q is listed twice", z))
		}
		seen[z] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	plans := make([]SubnetPlan, 0, 2*len(zones))
	for i, z := range zones {
		plans = append(plans, SubnetPlan{Tier: PrivateTier, AvailabilityZone: z, CIDR: nthSubnet(vpc, privateBlockBits, i)})
	}
	if withPublic {
		publicBlock := nthSubnet(vpc, privateBlockBits, publicBlockIndex)
		for i, z := range zones {
			plans = append(plans, SubnetPlan{Tier: PublicTier, AvailabilityZone: z, CIDR: nthSubnet(publicBlock, publicBlockBits, i)})
		}
	}
	return plans, nil
}

// nthSubnet returns the index-th subnet of parent that is newBits longer, as
// Terraform's cidrsubnet does. Callers keep index < 2^newBits and the result
// within /32.
func nthSubnet(parent netip.Prefix, newBits, index int) netip.Prefix {
	bits := parent.Bits() + newBits
	base := parent.Masked().Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	n |= uint32(index) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bits)
}
