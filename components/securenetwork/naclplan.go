package securenetwork

import (
	"net/netip"
	"slices"
)

// NACL protocol numbers and actions as the EC2 API spells them.
const (
	ProtocolAll = "-1"
	ProtocolTCP = "6"
	ActionAllow = "allow"
)

// AnyIPv4 is the whole IPv4 internet.
const AnyIPv4 = "0.0.0.0/0"

// Port ranges the rules are built from.
const (
	HTTPSPort          = 443
	EphemeralPortFirst = 1024
	EphemeralPortLast  = 65535
)

// AdminPorts are remote-administration ports (FTP data/control, SSH, RDP) that
// no internet-sourced allow rule may cover, even inside the ephemeral range:
// the policy pack's nacl-no-unrestricted-ingress rule and CIS AWS 5.1 reject
// any such rule, whatever the rules around it. The price is that a reply to a
// connection whose local port happens to be one of these is dropped and the
// client retries; Linux picks local ports from 32768 up, so in practice only
// NAT-translated ports can land there.
var AdminPorts = []int{20, 21, 22, 3389}

// NACLRule is one numbered network ACL entry.
type NACLRule struct {
	RuleNumber int
	Egress     bool
	Protocol   string
	Action     string
	CIDR       string
	FromPort   int
	ToPort     int
}

// ruleNumberStep leaves room between rules for an operator's emergency deny.
const (
	firstRuleNumber = 100
	ruleNumberStep  = 10
)

// PlanNACLRules returns the stateless rule table of one subnet tier in a VPC.
//
// Private subnets allow everything inside the VPC (functions to interface
// endpoints, and their replies), HTTPS out to anywhere and TCP replies in on
// the ephemeral ports from anywhere. The internet-wide pair is needed even
// without NAT: S3 and DynamoDB gateway endpoints are reached at those services'
// public addresses, which NACLs cannot name (no prefix lists). Reachability is
// still decided by the route tables, which have no internet route unless NAT
// is enabled.
//
// Public subnets hold only NAT gateways: HTTPS in from the VPC, HTTPS out to
// the internet, the replies back in from the internet, and the replies back
// out to the VPC.
func PlanNACLRules(tier SubnetTier, vpc netip.Prefix) []NACLRule {
	vpcCIDR := vpc.Masked().String()
	var ingress, egress []NACLRule
	switch tier {
	case PrivateTier:
		ingress = append(ingress, NACLRule{Protocol: ProtocolAll, CIDR: vpcCIDR})
		egress = append(egress,
			NACLRule{Protocol: ProtocolAll, CIDR: vpcCIDR},
			NACLRule{Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: HTTPSPort, ToPort: HTTPSPort},
		)
	case PublicTier:
		ingress = append(ingress, NACLRule{Protocol: ProtocolTCP, CIDR: vpcCIDR, FromPort: HTTPSPort, ToPort: HTTPSPort})
		egress = append(egress,
			NACLRule{Protocol: ProtocolTCP, CIDR: vpcCIDR, FromPort: EphemeralPortFirst, ToPort: EphemeralPortLast},
			NACLRule{Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: HTTPSPort, ToPort: HTTPSPort},
		)
	default:
		return nil
	}
	for _, r := range PortRangesExcluding(EphemeralPortFirst, EphemeralPortLast, AdminPorts) {
		ingress = append(ingress, NACLRule{Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: r[0], ToPort: r[1]})
	}
	return append(number(ingress, false), number(egress, true)...)
}

// number fills in rule numbers, direction and action for one direction.
func number(rules []NACLRule, egress bool) []NACLRule {
	for i := range rules {
		rules[i].RuleNumber = firstRuleNumber + i*ruleNumberStep
		rules[i].Egress = egress
		rules[i].Action = ActionAllow
	}
	return rules
}

// PortRangesExcluding splits the inclusive range [from, to] into the fewest
// inclusive ranges that cover every port in it except the excluded ones.
func PortRangesExcluding(from, to int, excluded []int) [][2]int {
	holes := slices.Clone(excluded)
	slices.Sort(holes)
	var out [][2]int
	start := from
	for _, p := range slices.Compact(holes) {
		if p < start || p > to {
			continue
		}
		if p > start {
			out = append(out, [2]int{start, p - 1})
		}
		start = p + 1
	}
	if start <= to {
		out = append(out, [2]int{start, to})
	}
	return out
}
