package securenetwork

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestPlanNACLRules(t *testing.T) {
	t.Parallel()
	vpc := netip.MustParsePrefix("10.40.0.0/16")
	tests := []struct {
		tier SubnetTier
		want []string // "in|out number protocol cidr from-to"
	}{
		{PrivateTier, []string{
			"in 100 -1 10.40.0.0/16 0-0",
			"in 110 6 0.0.0.0/0 1024-3388",
			"in 120 6 0.0.0.0/0 3390-65535",
			"out 100 -1 10.40.0.0/16 0-0",
			"out 110 6 0.0.0.0/0 443-443",
		}},
		{PublicTier, []string{
			"in 100 6 10.40.0.0/16 443-443",
			"in 110 6 0.0.0.0/0 1024-3388",
			"in 120 6 0.0.0.0/0 3390-65535",
			"out 100 6 10.40.0.0/16 1024-65535",
			"out 110 6 0.0.0.0/0 443-443",
		}},
		{SubnetTier("dmz"), nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.tier), func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, r := range PlanNACLRules(tt.tier, vpc) {
				if r.Action != ActionAllow {
					t.Errorf("rule %d action %q, want allow", r.RuleNumber, r.Action)
				}
				dir := "in"
				if r.Egress {
					dir = "out"
				}
				got = append(got, fmt.Sprintf("%s %d %s %s %d-%d", dir, r.RuleNumber, r.Protocol, r.CIDR, r.FromPort, r.ToPort))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestPlanNACLRulesNoInternetAdminAccess is the property the policy pack
// checks: no ingress allow from anywhere covers an admin port, in any tier.
func TestPlanNACLRulesNoInternetAdminAccess(t *testing.T) {
	t.Parallel()
	for _, tier := range []SubnetTier{PrivateTier, PublicTier} {
		for _, r := range PlanNACLRules(tier, netip.MustParsePrefix("10.40.0.0/16")) {
			if r.Egress || r.CIDR != AnyIPv4 {
				continue
			}
			if r.Protocol == ProtocolAll {
				t.Errorf("%s rule %d allows all protocols from the internet", tier, r.RuleNumber)
			}
			for _, p := range AdminPorts {
				if r.FromPort <= p && p <= r.ToPort {
					t.Errorf("%s rule %d (%d-%d) allows admin port %d from the internet", tier, r.RuleNumber, r.FromPort, r.ToPort, p)
				}
			}
		}
	}
}

func TestPortRangesExcluding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to int
		excluded []int
		want     [][2]int
	}{
		{"nothing excluded", 1024, 65535, nil, [][2]int{{1024, 65535}}},
		{"admin ports", 1024, 65535, AdminPorts, [][2]int{{1024, 3388}, {3390, 65535}}},
		{"unsorted duplicates", 1, 10, []int{5, 2, 5}, [][2]int{{1, 1}, {3, 4}, {6, 10}}},
		{"edges", 1, 10, []int{1, 10}, [][2]int{{2, 9}}},
		{"adjacent", 1, 5, []int{2, 3}, [][2]int{{1, 1}, {4, 5}}},
		{"everything", 3, 4, []int{3, 4}, nil},
		{"outside", 100, 200, []int{1, 500}, [][2]int{{100, 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			excluded := slices.Clone(tt.excluded)
			got := PortRangesExcluding(tt.from, tt.to, tt.excluded)
			if !slices.Equal(got, tt.want) {
				t.Errorf("PortRangesExcluding(%d, %d, %v) = %v, want %v", tt.from, tt.to, tt.excluded, got, tt.want)
			}
			if !slices.Equal(excluded, tt.excluded) {
				t.Errorf("PortRangesExcluding reordered its input: %v", tt.excluded)
			}
		})
	}
}

// FuzzPortRangesExcluding checks that the ranges are ordered, inside
// [from, to], and cover exactly the ports that are not excluded.
func FuzzPortRangesExcluding(f *testing.F) {
	f.Add(uint16(1024), uint16(65535), uint16(3389), uint16(22), uint16(3389))
	f.Add(uint16(1), uint16(10), uint16(1), uint16(10), uint16(5))
	f.Add(uint16(7), uint16(7), uint16(7), uint16(0), uint16(0))
	f.Add(uint16(10), uint16(5), uint16(6), uint16(7), uint16(8))
	f.Fuzz(func(t *testing.T, from, to, a, b, c uint16) {
		excluded := []int{int(a), int(b), int(c)}
		ranges := PortRangesExcluding(int(from), int(to), excluded)
		covered := map[int]bool{}
		prevEnd := int(from) - 1
		for _, r := range ranges {
			if r[0] > r[1] || r[0] <= prevEnd || r[0] < int(from) || r[1] > int(to) {
				t.Fatalf("PortRangesExcluding(%d, %d, %v) = %v: range %v out of order or bounds", from, to, excluded, ranges, r)
			}
			prevEnd = r[1]
			for p := r[0]; p <= r[1]; p++ {
				covered[p] = true
			}
		}
		for p := int(from); p <= int(to); p++ {
			if want := !slices.Contains(excluded, p); covered[p] != want {
				t.Fatalf("PortRangesExcluding(%d, %d, %v) = %v: port %d covered=%v, want %v", from, to, excluded, ranges, p, covered[p], want)
			}
		}
	})
}
