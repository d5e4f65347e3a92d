package securenetwork

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func TestPlanSubnets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		vpc        string
		zones      []string
		withPublic bool
		want       []string // "tier zone cidr"
	}{
		{
			name:  "two zones private only",
			vpc:   "10.40.0.0/16",
			zones: []string{"us-east-1a", "us-east-1b"},
			want:  []string{"private us-east-1a 10.40.0.0/19", "private us-east-1b 10.40.32.0/19"},
		},
		{
			name:       "three zones with public",
			vpc:        "10.40.0.0/16",
			zones:      []string{"us-east-1a", "us-east-1b", "us-east-1c"},
			withPublic: true,
			want: []string{
				"private us-east-1a 10.40.0.0/19", "private us-east-1b 10.40.32.0/19", "private us-east-1c 10.40.64.0/19",
				"public us-east-1a 10.40.224.0/22", "public us-east-1b 10.40.228.0/22", "public us-east-1c 10.40.232.0/22",
			},
		},
		{
			name:       "six zones fill the layout",
			vpc:        "172.16.0.0/20",
			zones:      []string{"a", "b", "c", "d", "e", "f"},
			withPublic: true,
			want: []string{
				"private a 172.16.0.0/23", "private b 172.16.2.0/23", "private c 172.16.4.0/23",
				"private d 172.16.6.0/23", "private e 172.16.8.0/23", "private f 172.16.10.0/23",
				"public a 172.16.14.0/26", "public b 172.16.14.64/26", "public c 172.16.14.128/26",
				"public d 172.16.14.192/26", "public e 172.16.15.0/26", "public f 172.16.15.64/26",
			},
		},
		{
			name:       "smallest VPC gives /28 public subnets",
			vpc:        "192.168.4.0/22",
			zones:      []string{"eu-west-1a", "eu-west-1b"},
			withPublic: true,
			want: []string{
				"private eu-west-1a 192.168.4.0/25", "private eu-west-1b 192.168.4.128/25",
				"public eu-west-1a 192.168.7.128/28", "public eu-west-1b 192.168.7.144/28",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plans, err := PlanSubnets(netip.MustParsePrefix(tt.vpc), tt.zones, tt.withPublic)
			if err != nil {
				t.Fatalf("PlanSubnets: %v", err)
			}
			var got []string
			for _, p := range plans {
				got = append(got, fmt.Sprintf("%s %s %s", p.Tier, p.AvailabilityZone, p.CIDR))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPlanSubnetsRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		vpc   netip.Prefix
		zones []string
		want  []string
	}{
		{"too large", netip.MustParsePrefix("10.0.0.0/15"), []string{"a", "b"}, []string{"prefix length must be /16 to /22"}},
		{"too small", netip.MustParsePrefix("10.0.0.0/23"), []string{"a", "b"}, []string{"prefix length must be /16 to /22"}},
		{"host bits", netip.MustParsePrefix("10.40.1.0/16"), []string{"a", "b"}, []string{"host bits set", "10.40.0.0/16"}},
		{"IPv6", netip.MustParsePrefix("fd00::/56"), []string{"a", "b"}, []string{"not IPv4"}},
		{"invalid prefix", netip.Prefix{}, []string{"a"}, []string{"not a valid prefix"}},
		{"no zones", netip.MustParsePrefix("10.40.0.0/16"), nil, []string{"need 1 to 6 availability zones, got 0"}},
		{"seven zones", netip.MustParsePrefix("10.40.0.0/16"), []string{"a", "b", "c", "d", "e", "f", "g"}, []string{"got 7"}},
		{"duplicate zone and bad prefix together", netip.MustParsePrefix("10.0.0.0/8"), []string{"a", "a"}, []string{`"a" is listed twice`, "prefix length"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plans, err := PlanSubnets(tt.vpc, tt.zones, true)
			if err == nil {
				t.Fatalf("PlanSubnets(%s, %v) = %v, want error", tt.vpc, tt.zones, plans)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// FuzzPlanSubnets checks the layout's invariants for any VPC and zone count:
// every subnet inside the VPC, none overlapping, each zone exactly one subnet
// per tier, and private CIDRs that do not move when NAT is turned on. Its seed
// corpus runs with the normal test suite.
func FuzzPlanSubnets(f *testing.F) {
	f.Add(uint32(0x0a280000), uint8(16), uint8(2), false)
	f.Add(uint32(0x0a280000), uint8(16), uint8(3), true)
	f.Add(uint32(0xc0a80400), uint8(22), uint8(6), true)
	f.Add(uint32(0xac100000), uint8(20), uint8(1), true)
	f.Add(uint32(0x0a000000), uint8(8), uint8(2), true)
	f.Add(uint32(0x0a2800ff), uint8(24), uint8(7), false)
	f.Fuzz(func(t *testing.T, base uint32, bits, zoneCount uint8, withPublic bool) {
		vpc := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)}), int(bits%33)).Masked()
		zones := make([]string, int(zoneCount%10))
		for i := range zones {
			zones[i] = fmt.Sprintf("zone-%d", i)
		}
		plans, err := PlanSubnets(vpc, zones, withPublic)
		valid := vpc.Bits() >= MinVPCPrefixLength && vpc.Bits() <= MaxVPCPrefixLength && len(zones) >= 1 && len(zones) <= MaxAvailabilityZones
		if !valid {
			if err == nil {
				t.Fatalf("PlanSubnets(%s, %d zones) accepted an invalid layout", vpc, len(zones))
			}
			return
		}
		if err != nil {
			t.Fatalf("PlanSubnets(%s, %d zones): %v", vpc, len(zones), err)
		}
		wantCount := len(zones)
		if withPublic {
			wantCount *= 2
		}
		if len(plans) != wantCount {
			t.Fatalf("PlanSubnets(%s, %d zones, public=%v) = %d subnets, want %d", vpc, len(zones), withPublic, len(plans), wantCount)
		}
		perTier := map[SubnetTier]map[string]int{}
		for i, p := range plans {
			if !p.CIDR.IsValid() || p.CIDR.Bits() <= vpc.Bits() || p.CIDR.Bits() > 28 || !vpc.Contains(p.CIDR.Addr()) || p.CIDR.Masked() != p.CIDR {
				t.Errorf("subnet %s is not a proper /16../28 subnet inside %s", p.CIDR, vpc)
			}
			for _, q := range plans[i+1:] {
				if p.CIDR.Overlaps(q.CIDR) {
					t.Errorf("subnets %s and %s overlap", p.CIDR, q.CIDR)
				}
			}
			if perTier[p.Tier] == nil {
				perTier[p.Tier] = map[string]int{}
			}
			perTier[p.Tier][p.AvailabilityZone]++
		}
		for tier, byZone := range perTier {
			for _, z := range zones {
				if byZone[z] != 1 {
					t.Errorf("zone %s has %d %s subnets, want 1", z, byZone[z], tier)
				}
			}
		}
		privateOnly, err := PlanSubnets(vpc, zones, false)
		if err != nil {
			t.Fatalf("PlanSubnets without public: %v", err)
		}
		for i, p := range privateOnly {
			if plans[i] != p {
				t.Errorf("private subnet of %s moved from %s to %s when public subnets were added", p.AvailabilityZone, p.CIDR, plans[i].CIDR)
			}
		}
	})
}
