package securenetwork

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// Token is the component's type token.
const Token = "mediguard:network:SecureNetwork"

// flowLogAggregationSeconds is the shortest aggregation window EC2 offers,
// so an incident timeline is accurate to a minute rather than ten.
const flowLogAggregationSeconds = 60

// FlowLogFormat is the default (version 2) record, so existing parsers keep
// working, followed by the fields an investigation needs: which subnet and
// ENI owner, TCP flags, the addresses before NAT, and whether traffic reached
// an AWS service through an endpoint (pkt-dst-aws-service, traffic-path).
const FlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " +
	"${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} " +
	"${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} " +
	"${az-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}"

// SecureNetwork is an isolated VPC for the MediGuard functions: private
// subnets with no internet route, dedicated NACLs, a closed default security
// group, VPC endpoints for every AWS service the functions call, and VPC flow
// logs to an encrypted log group.
type SecureNetwork struct {
	pulumi.ResourceState

	VPCID pulumi.StringOutput `pulumi:"vpcId"`
	// PrivateSubnetIDs are in the order of Args.AvailabilityZones.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// FunctionSecurityGroupID is the group to put Lambda functions in: it may
	// send HTTPS only to the endpoints (and to the internet with NAT).
	FunctionSecurityGroupID pulumi.StringOutput `pulumi:"functionSecurityGroupId"`
	// EndpointSecurityGroupID guards the interface endpoints: HTTPS in from
	// the function group only.
	EndpointSecurityGroupID pulumi.StringOutput `pulumi:"endpointSecurityGroupId"`
	FlowLogGroupName        pulumi.StringOutput `pulumi:"flowLogGroupName"`
	FlowLogGroupARN         pulumi.StringOutput `pulumi:"flowLogGroupArn"`
}

// networkBuilder carries what every child needs while the network is built.
type networkBuilder struct {
	ctx    *pulumi.Context
	name   string
	cfg    networkConfig
	id     awsenv.Environment
	parent pulumi.ResourceOption
}

// NewSecureNetwork validates args, then registers the network and its
// children. Invalid args register nothing and name every problem.
func NewSecureNetwork(ctx *pulumi.Context, name string, args *SecureNetworkArgs, opts ...pulumi.ResourceOption) (*SecureNetwork, error) {
	if name == "" {
		return nil, fmt.Errorf("securenetwork: name is required")
	}
	cfg, err := args.resolve()
	if err != nil {
		return nil, fmt.Errorf("securenetwork %s: invalid args: %w", name, err)
	}

	network := &SecureNetwork{}
	if err := ctx.RegisterComponentResourceV2(Token, name, cfg.componentInputs(), network, opts...); err != nil {
		return nil, fmt.Errorf("register securenetwork %s: %w", name, err)
	}
	id, err := awsenv.Lookup(ctx, pulumi.Parent(network))
	if err != nil {
		return nil, fmt.Errorf("securenetwork %s: %w", name, err)
	}
	for _, z := range cfg.zones {
		if got := z[:len(z)-1]; got != id.Region {
			return nil, fmt.Errorf("securenetwork %s: availability zone %s is not in the provider's region %s", name, z, id.Region)
		}
	}
	b := &networkBuilder{ctx: ctx, name: name, cfg: cfg, id: id, parent: pulumi.Parent(network)}
	if err := b.build(network); err != nil {
		return nil, fmt.Errorf("securenetwork %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(network, pulumi.Map{
		"vpcId":                   network.VPCID,
		"privateSubnetIds":        network.PrivateSubnetIDs,
		"functionSecurityGroupId": network.FunctionSecurityGroupID,
		"endpointSecurityGroupId": network.EndpointSecurityGroupID,
		"flowLogGroupName":        network.FlowLogGroupName,
		"flowLogGroupArn":         network.FlowLogGroupARN,
	}); err != nil {
		return nil, fmt.Errorf("register securenetwork %s outputs: %w", name, err)
	}
	return network, nil
}

// componentInputs records the resolved settings in the component's state, so
// `pulumi stack export` and the policy pack see what the network was asked for.
func (c networkConfig) componentInputs() pulumi.Map {
	return pulumi.Map{
		"cidr":                      pulumi.String(c.vpc.String()),
		"availabilityZones":         pulumi.ToStringArray(c.zones),
		"allowInternetEgressViaNat": pulumi.Bool(c.natEgress),
		"interfaceEndpointServices": pulumi.ToStringArray(c.interfaceServices),
		"flowLogKmsKeyArn":          c.flowLogKMSKeyARN,
		"flowLogRetentionDays":      pulumi.Int(c.flowLogRetentionDays),
		"protect":                   pulumi.Bool(c.protect),
	}
}

// build creates every child and fills in the component's outputs.
func (b *networkBuilder) build(network *SecureNetwork) error {
	theVPC, err := ec2.NewVpc(b.ctx, b.name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.cfg.vpc.String()),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               b.cfg.childTags(b.name),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create VPC: %w", err)
	}

	// Adopting the default security group with no rules removes AWS's
	// allow-all rules, so anything launched without a group is cut off.
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: theVPC.ID(),
		Tags:  b.cfg.childTags(b.name + "-default-closed"),
	}, b.parent); err != nil {
		return fmt.Errorf("adopt default security group: %w", err)
	}

	// Adopting the default network ACL with no rules makes it deny
	// everything, so a subnet added to the VPC outside this component is cut
	// off until it is given a NACL. Its subnet list is whatever AWS has not
	// associated elsewhere; managing it would fight the explicit associations.
	if _, err := ec2.NewDefaultNetworkAcl(b.ctx, b.name+"-default-nacl", &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: theVPC.DefaultNetworkAclId,
		Tags:                b.cfg.childTags(b.name + "-default-deny-all"),
	}, b.parent, pulumi.IgnoreChanges([]string{"subnetIds"})); err != nil {
		return fmt.Errorf("adopt default network ACL: %w", err)
	}

	subnets, err := b.subnets(theVPC)
	if err != nil {
		return err
	}
	privateRouteTables, err := b.privateRouting(theVPC, subnets)
	if err != nil {
		return err
	}
	if b.cfg.natEgress {
		if err := b.natEgress(theVPC, subnets, privateRouteTables); err != nil {
			return err
		}
	}
	if err := b.networkACLs(theVPC, subnets); err != nil {
		return err
	}
	logGroup, err := b.flowLogs(theVPC)
	if err != nil {
		return err
	}
	functionSG, endpointSG, err := b.endpoints(theVPC, subnets[PrivateTier], privateRouteTables)
	if err != nil {
		return err
	}

	privateSubnetIDs := make(pulumi.StringArray, 0, len(subnets[PrivateTier]))
	for _, s := range subnets[PrivateTier] {
		privateSubnetIDs = append(privateSubnetIDs, s.ID())
	}
	network.VPCID = theVPC.ID().ToStringOutput()
	network.PrivateSubnetIDs = privateSubnetIDs.ToStringArrayOutput()
	network.FunctionSecurityGroupID = functionSG.ID().ToStringOutput()
	network.EndpointSecurityGroupID = endpointSG.ID().ToStringOutput()
	network.FlowLogGroupName = logGroup.Name
	network.FlowLogGroupARN = logGroup.Arn
	return nil
}

// subnets creates the planned subnets, grouped by tier in zone order. No
// subnet hands out public IPs: NAT gateways use Elastic IPs.
func (b *networkBuilder) subnets(theVPC *ec2.Vpc) (map[SubnetTier][]*ec2.Subnet, error) {
	out := map[SubnetTier][]*ec2.Subnet{}
	for _, plan := range b.cfg.subnets {
		name := fmt.Sprintf("%s-%s-%s", b.name, plan.Tier, plan.AvailabilityZone)
		subnet, err := ec2.NewSubnet(b.ctx, name, &ec2.SubnetArgs{
			VpcId:               theVPC.ID(),
			CidrBlock:           pulumi.String(plan.CIDR.String()),
			AvailabilityZone:    pulumi.String(plan.AvailabilityZone),
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                b.cfg.childTags(name),
		}, b.parent)
		if err != nil {
			return nil, fmt.Errorf("create subnet %s (%s): %w", name, plan.CIDR, err)
		}
		out[plan.Tier] = append(out[plan.Tier], subnet)
	}
	return out, nil
}

// privateRouting gives each private subnet its own route table. The tables
// hold only the local route and the gateway-endpoint routes; one per zone so
// that NAT, when enabled, stays zone-local.
func (b *networkBuilder) privateRouting(theVPC *ec2.Vpc, subnets map[SubnetTier][]*ec2.Subnet) ([]*ec2.RouteTable, error) {
	tables := make([]*ec2.RouteTable, 0, len(b.cfg.zones))
	for i, zone := range b.cfg.zones {
		name := fmt.Sprintf("%s-private-%s", b.name, zone)
		table, err := ec2.NewRouteTable(b.ctx, name, &ec2.RouteTableArgs{
			VpcId: theVPC.ID(),
			Tags:  b.cfg.childTags(name),
		}, b.parent)
		if err != nil {
			return nil, fmt.Errorf("create route table %s: %w", name, err)
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, name, &ec2.RouteTableAssociationArgs{
			RouteTableId: table.ID(),
			SubnetId:     subnets[PrivateTier][i].ID(),
		}, b.parent); err != nil {
			return nil, fmt.Errorf("associate route table %s: %w", name, err)
		}
		tables = append(tables, table)
	}
	return tables, nil
}

// natEgress is the AllowInternetEgressViaNAT escape hatch: an internet
// gateway routed only from a public route table, one NAT gateway per zone in
// that zone's public subnet, and a default route from each private table to
// its zone's NAT gateway.
func (b *networkBuilder) natEgress(theVPC *ec2.Vpc, subnets map[SubnetTier][]*ec2.Subnet, privateTables []*ec2.RouteTable) error {
	igw, err := ec2.NewInternetGateway(b.ctx, b.name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: theVPC.ID(),
		Tags:  b.cfg.childTags(b.name + "-igw"),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create internet gateway: %w", err)
	}
	publicName := b.name + "-public"
	publicTable, err := ec2.NewRouteTable(b.ctx, publicName, &ec2.RouteTableArgs{
		VpcId: theVPC.ID(),
		Tags:  b.cfg.childTags(publicName),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create route table %s: %w", publicName, err)
	}
	if _, err := ec2.NewRoute(b.ctx, publicName+"-default", &ec2.RouteArgs{
		RouteTableId:         publicTable.ID(),
		DestinationCidrBlock: pulumi.String(AnyIPv4),
		GatewayId:            igw.ID(),
	}, b.parent); err != nil {
		return fmt.Errorf("route %s to the internet gateway: %w", publicName, err)
	}
	for i, zone := range b.cfg.zones {
		zoneName := fmt.Sprintf("%s-public-%s", b.name, zone)
		if _, err := ec2.NewRouteTableAssociation(b.ctx, zoneName, &ec2.RouteTableAssociationArgs{
			RouteTableId: publicTable.ID(),
			SubnetId:     subnets[PublicTier][i].ID(),
		}, b.parent); err != nil {
			return fmt.Errorf("associate route table %s: %w", zoneName, err)
		}
		natName := fmt.Sprintf("%s-nat-%s", b.name, zone)
		eip, err := ec2.NewEip(b.ctx, natName, &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   b.cfg.childTags(natName),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("allocate Elastic IP %s: %w", natName, err)
		}
		// A NAT gateway needs the internet gateway attached before it can
		// pass traffic; nothing in its inputs says so.
		nat, err := ec2.NewNatGateway(b.ctx, natName, &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     subnets[PublicTier][i].ID(),
			Tags:         b.cfg.childTags(natName),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return fmt.Errorf("create NAT gateway %s: %w", natName, err)
		}
		routeName := fmt.Sprintf("%s-private-%s-default", b.name, zone)
		if _, err := ec2.NewRoute(b.ctx, routeName, &ec2.RouteArgs{
			RouteTableId:         privateTables[i].ID(),
			DestinationCidrBlock: pulumi.String(AnyIPv4),
			NatGatewayId:         nat.ID(),
		}, b.parent); err != nil {
			return fmt.Errorf("route %s to NAT gateway %s: %w", routeName, natName, err)
		}
	}
	return nil
}

// networkACLs gives each subnet tier its own NACL built by PlanNACLRules and
// associates it with the tier's subnets.
func (b *networkBuilder) networkACLs(theVPC *ec2.Vpc, subnets map[SubnetTier][]*ec2.Subnet) error {
	for _, tier := range []SubnetTier{PrivateTier, PublicTier} {
		if len(subnets[tier]) == 0 {
			continue
		}
		var ingress ec2.NetworkAclIngressArray
		var egress ec2.NetworkAclEgressArray
		for _, r := range PlanNACLRules(tier, b.cfg.vpc) {
			if r.Egress {
				egress = append(egress, ec2.NetworkAclEgressArgs{
					RuleNo: pulumi.Int(r.RuleNumber), Action: pulumi.String(r.Action), Protocol: pulumi.String(r.Protocol),
					CidrBlock: pulumi.String(r.CIDR), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
				})
				continue
			}
			ingress = append(ingress, ec2.NetworkAclIngressArgs{
				RuleNo: pulumi.Int(r.RuleNumber), Action: pulumi.String(r.Action), Protocol: pulumi.String(r.Protocol),
				CidrBlock: pulumi.String(r.CIDR), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
			})
		}
		subnetIDs := make(pulumi.StringArray, 0, len(subnets[tier]))
		for _, s := range subnets[tier] {
			subnetIDs = append(subnetIDs, s.ID())
		}
		name := fmt.Sprintf("%s-%s", b.name, tier)
		if _, err := ec2.NewNetworkAcl(b.ctx, name, &ec2.NetworkAclArgs{
			VpcId:     theVPC.ID(),
			SubnetIds: subnetIDs,
			Ingress:   ingress,
			Egress:    egress,
			Tags:      b.cfg.childTags(name),
		}, b.parent); err != nil {
			return fmt.Errorf("create network ACL %s: %w", name, err)
		}
	}
	return nil
}

// flowLogs records ALL traffic of the VPC to a KMS-encrypted log group through
// a role that can write to that group only.
func (b *networkBuilder) flowLogs(theVPC *ec2.Vpc) (*cloudwatch.LogGroup, error) {
	name := b.name + "-flow-logs"
	// A key ARN that another resource produces is checked when it resolves.
	keyARN := b.cfg.flowLogKMSKeyARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		return arn, checkKeyARN(arn)
	}).(pulumi.StringOutput)
	logGroup, err := cloudwatch.NewLogGroup(b.ctx, name, &cloudwatch.LogGroupArgs{
		KmsKeyId:        keyARN,
		RetentionInDays: pulumi.Int(b.cfg.flowLogRetentionDays),
		Tags:            b.cfg.childTags(name),
	}, b.parent, pulumi.Protect(b.cfg.protect))
	if err != nil {
		return nil, fmt.Errorf("create flow log group: %w", err)
	}
	trust, err := flowLogTrustPolicy(b.id).JSON()
	if err != nil {
		return nil, fmt.Errorf("render flow log trust policy: %w", err)
	}
	role, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("Delivers VPC flow logs of " + b.name + " to its log group"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.cfg.childTags(name),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create flow log role: %w", err)
	}
	policy, err := iam.NewPolicy(b.ctx, name, &iam.PolicyArgs{
		Description: pulumi.String("Write VPC flow logs of " + b.name + " to one log group"),
		Policy: logGroup.Arn.ApplyT(func(arn string) (string, error) {
			return flowLogWritePolicy(arn).JSON()
		}).(pulumi.StringOutput),
		Tags: b.cfg.childTags(name),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create flow log policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(b.ctx, name, &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("attach flow log policy: %w", err)
	}
	// The flow log must not start delivering before the role may write,
	// or its first deliveries fail with an access error.
	if _, err := ec2.NewFlowLog(b.ctx, name, &ec2.FlowLogArgs{
		VpcId:                  theVPC.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         logGroup.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(flowLogAggregationSeconds),
		LogFormat:              pulumi.String(FlowLogFormat),
		Tags:                   b.cfg.childTags(name),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{attachment})); err != nil {
		return nil, fmt.Errorf("create flow log: %w", err)
	}
	return logGroup, nil
}

// endpoints creates the S3 and DynamoDB gateway endpoints on the private route
// tables, the function and endpoint security groups, and one interface
// endpoint with private DNS per configured service in the private subnets.
func (b *networkBuilder) endpoints(theVPC *ec2.Vpc, privateSubnets []*ec2.Subnet, privateTables []*ec2.RouteTable) (functionSG, endpointSG *ec2.SecurityGroup, err error) {
	gatewayPolicy, err := gatewayEndpointPolicy(b.id).JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("render gateway endpoint policy: %w", err)
	}
	interfacePolicy, err := interfaceEndpointPolicy(b.id).JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("render interface endpoint policy: %w", err)
	}
	routeTableIDs := make(pulumi.StringArray, 0, len(privateTables))
	for _, t := range privateTables {
		routeTableIDs = append(routeTableIDs, t.ID())
	}
	gateways := make(map[string]*ec2.VpcEndpoint, len(gatewayServices))
	for _, service := range gatewayServices {
		name := fmt.Sprintf("%s-%s-gateway", b.name, service)
		endpoint, err := ec2.NewVpcEndpoint(b.ctx, name, &ec2.VpcEndpointArgs{
			VpcId:           theVPC.ID(),
			ServiceName:     pulumi.String(serviceName(b.id, service)),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   routeTableIDs,
			Policy:          pulumi.String(gatewayPolicy),
			Tags:            b.cfg.childTags(name),
		}, b.parent)
		if err != nil {
			return nil, nil, fmt.Errorf("create gateway endpoint %s: %w", name, err)
		}
		gateways[service] = endpoint
	}

	functionSG, err = b.securityGroup(theVPC, "functions", "MediGuard Lambda functions: HTTPS to the VPC endpoints only")
	if err != nil {
		return nil, nil, err
	}
	endpointSG, err = b.securityGroup(theVPC, "endpoints", "MediGuard interface endpoints: HTTPS from the functions only")
	if err != nil {
		return nil, nil, err
	}
	if err := b.securityGroupRules(functionSG, endpointSG, gateways); err != nil {
		return nil, nil, err
	}

	subnetIDs := make(pulumi.StringArray, 0, len(privateSubnets))
	for _, s := range privateSubnets {
		subnetIDs = append(subnetIDs, s.ID())
	}
	for _, service := range b.cfg.interfaceServices {
		name := fmt.Sprintf("%s-%s-interface", b.name, service)
		if _, err := ec2.NewVpcEndpoint(b.ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             theVPC.ID(),
			ServiceName:       pulumi.String(serviceName(b.id, service)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         subnetIDs,
			SecurityGroupIds:  pulumi.StringArray{endpointSG.ID()},
			Policy:            pulumi.String(interfacePolicy),
			Tags:              b.cfg.childTags(name),
		}, b.parent); err != nil {
			return nil, nil, fmt.Errorf("create interface endpoint %s: %w", name, err)
		}
	}
	return functionSG, endpointSG, nil
}

// securityGroup creates a group with no inline rules. The AWS provider
// removes the allow-all egress rule AWS adds to new groups, so the group
// allows exactly the standalone rules attached to it.
func (b *networkBuilder) securityGroup(theVPC *ec2.Vpc, role, description string) (*ec2.SecurityGroup, error) {
	name := fmt.Sprintf("%s-%s", b.name, role)
	sg, err := ec2.NewSecurityGroup(b.ctx, name, &ec2.SecurityGroupArgs{
		VpcId:               theVPC.ID(),
		Description:         pulumi.String(description),
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                b.cfg.childTags(name),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create security group %s: %w", name, err)
	}
	return sg, nil
}

// securityGroupRules wires the two groups with standalone, described rules
// (vpc.SecurityGroupIngressRule/EgressRule, one rule per resource, never
// inline): functions may send HTTPS to the endpoint group and to the S3 and
// DynamoDB prefix lists, and to the internet only with NAT; the endpoint
// group accepts HTTPS from the function group only.
func (b *networkBuilder) securityGroupRules(functionSG, endpointSG *ec2.SecurityGroup, gateways map[string]*ec2.VpcEndpoint) error {
	https := func(args *vpc.SecurityGroupEgressRuleArgs) *vpc.SecurityGroupEgressRuleArgs {
		args.SecurityGroupId = functionSG.ID()
		args.IpProtocol = pulumi.String("tcp")
		args.FromPort = pulumi.Int(HTTPSPort)
		args.ToPort = pulumi.Int(HTTPSPort)
		return args
	}
	egress := map[string]*vpc.SecurityGroupEgressRuleArgs{
		"https-to-endpoints": https(&vpc.SecurityGroupEgressRuleArgs{
			Description:               pulumi.String("HTTPS to the interface endpoints"),
			ReferencedSecurityGroupId: endpointSG.ID(),
		}),
	}
	for _, service := range gatewayServices {
		egress["https-to-"+service] = https(&vpc.SecurityGroupEgressRuleArgs{
			Description:  pulumi.String("HTTPS to " + service + " through its gateway endpoint"),
			PrefixListId: gateways[service].PrefixListId,
		})
	}
	if b.cfg.natEgress {
		egress["https-to-internet"] = https(&vpc.SecurityGroupEgressRuleArgs{
			Description: pulumi.String("HTTPS to the internet through NAT (AllowInternetEgressViaNAT)"),
			CidrIpv4:    pulumi.String(AnyIPv4),
		})
	}
	for _, suffix := range sortedKeys(egress) {
		name := fmt.Sprintf("%s-functions-%s", b.name, suffix)
		args := egress[suffix]
		args.Tags = b.cfg.childTags(name)
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, name, args, b.parent); err != nil {
			return fmt.Errorf("create security group rule %s: %w", name, err)
		}
	}

	name := b.name + "-endpoints-https-from-functions"
	if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, name, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           endpointSG.ID(),
		Description:               pulumi.String("HTTPS from the MediGuard functions"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(HTTPSPort),
		ToPort:                    pulumi.Int(HTTPSPort),
		ReferencedSecurityGroupId: functionSG.ID(),
		Tags:                      b.cfg.childTags(name),
	}, b.parent); err != nil {
		return fmt.Errorf("create security group rule %s: %w", name, err)
	}
	return nil
}

// sortedKeys returns the keys of m in order, so resources derived from a map
// register in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
