package securenetwork_test

import (
	"fmt"
	"net/netip"

	"github.com/mediguard/mediguard/components/securenetwork"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func ExamplePlanSubnets() {
	plans, err := securenetwork.PlanSubnets(netip.MustParsePrefix("10.40.0.0/16"), []string{"us-east-1a", "us-east-1b"}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range plans {
		fmt.Println(p.Tier, p.AvailabilityZone, p.CIDR)
	}
	// Output:
	// private us-east-1a 10.40.0.0/19
	// private us-east-1b 10.40.32.0/19
	// public us-east-1a 10.40.224.0/22
	// public us-east-1b 10.40.228.0/22
}

func ExamplePlanNACLRules() {
	for _, r := range securenetwork.PlanNACLRules(securenetwork.PrivateTier, netip.MustParsePrefix("10.40.0.0/16")) {
		direction := "ingress"
		if r.Egress {
			direction = "egress"
		}
		fmt.Printf("%s %d %s proto %s %s ports %d-%d\n", direction, r.RuleNumber, r.Action, r.Protocol, r.CIDR, r.FromPort, r.ToPort)
	}
	// Output:
	// ingress 100 allow proto -1 10.40.0.0/16 ports 0-0
	// ingress 110 allow proto 6 0.0.0.0/0 ports 1024-3388
	// ingress 120 allow proto 6 0.0.0.0/0 ports 3390-65535
	// egress 100 allow proto -1 10.40.0.0/16 ports 0-0
	// egress 110 allow proto 6 0.0.0.0/0 ports 443-443
}

// A prod stack spreads the network over three zones and keeps it isolated;
// functions then run in PrivateSubnetIDs with FunctionSecurityGroupID.
func ExampleNewSecureNetwork() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "phi", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		network, err := securenetwork.NewSecureNetwork(ctx, "mediguard", &securenetwork.SecureNetworkArgs{
			AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"},
			FlowLogKMSKeyARN:  key.Arn,
			Protect:           true,
			Tags:              map[string]string{"environment": "prod"},
		})
		if err != nil {
			return err
		}
		ctx.Export("privateSubnetIds", network.PrivateSubnetIDs)
		ctx.Export("functionSecurityGroupId", network.FunctionSecurityGroupID)
		return nil
	})
}
