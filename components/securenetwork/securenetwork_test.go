package securenetwork

import (
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/internal/recorder/recordertest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Assertions shared by the component tests.
var (
	named = recordertest.MustNamed
)

const (
	testKeyARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	testName   = "net"
)

// Type tokens the network registers.
const (
	tComponent     = Token
	tVPC           = "aws:ec2/vpc:Vpc"
	tDefaultSG     = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	tDefaultNACL   = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	tSubnet        = "aws:ec2/subnet:Subnet"
	tRouteTable    = "aws:ec2/routeTable:RouteTable"
	tRTAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tRoute         = "aws:ec2/route:Route"
	tNACL          = "aws:ec2/networkAcl:NetworkAcl"
	tIGW           = "aws:ec2/internetGateway:InternetGateway"
	tEIP           = "aws:ec2/eip:Eip"
	tNAT           = "aws:ec2/natGateway:NatGateway"
	tLogGroup      = "aws:cloudwatch/logGroup:LogGroup"
	tRole          = "aws:iam/role:Role"
	tPolicy        = "aws:iam/policy:Policy"
	tAttachment    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tFlowLog       = "aws:ec2/flowLog:FlowLog"
	tEndpoint      = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tSG            = "aws:ec2/securityGroup:SecurityGroup"
	tEgressRule    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tIngressRule   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
)

// untaggable are the child types AWS has no tags for.
var untaggable = []string{tComponent, tRTAssociation, tRoute, tAttachment}

func validArgs() *SecureNetworkArgs {
	return &SecureNetworkArgs{
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		FlowLogKMSKeyARN:  pulumi.String(testKeyARN),
		Tags:              map[string]string{"environment": "test"},
	}
}

// networkRun is one offline deployment of a SecureNetwork.
type networkRun struct {
	rec              *recorder.Recorder
	privateSubnetIDs []string
	flowLogGroupARN  string
}

func runNetwork(t *testing.T, args *SecureNetworkArgs, runOpts ...pulumi.RunOption) (*networkRun, error) {
	t.Helper()
	run := &networkRun{rec: recorder.New("mediguard", "test", "")}
	var mu sync.Mutex
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		network, err := NewSecureNetwork(ctx, testName, args)
		if err != nil {
			return err
		}
		pulumi.All(network.PrivateSubnetIDs, network.FlowLogGroupARN).ApplyT(func(v []any) error {
			mu.Lock()
			defer mu.Unlock()
			run.privateSubnetIDs, run.flowLogGroupARN = v[0].([]string), v[1].(string)
			return nil
		})
		return nil
	}, append([]pulumi.RunOption{run.rec.RunOption()}, runOpts...)...)
	return run, err
}

func mustRunNetwork(t *testing.T, args *SecureNetworkArgs) *networkRun {
	t.Helper()
	run, err := runNetwork(t, args)
	if err != nil {
		t.Fatalf("NewSecureNetwork: %v", err)
	}
	return run
}

func inputPolicy(t *testing.T, res recorder.Resource, key string) policydoc.Document {
	t.Helper()
	text := res.InputString(key)
	if text == "" {
		t.Fatalf("%s %s has no %s", res.Type, res.Name, key)
	}
	doc, err := policydoc.Parse(text)
	if err != nil {
		t.Fatalf("%s %s %s: %v", res.Type, res.Name, key, err)
	}
	return doc
}

func inputNumber(res recorder.Resource, key string) float64 {
	if v, ok := res.Inputs[resource.PropertyKey(key)]; ok && v.IsNumber() {
		return v.NumberValue()
	}
	return -1
}

func inputBool(res recorder.Resource, key string) (value, set bool) {
	v, ok := res.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsBool() {
		return false, false
	}
	return v.BoolValue(), true
}

func TestSecureNetworkInventory(t *testing.T) {
	t.Parallel()
	base := map[string]int{
		tComponent: 1, tVPC: 1, tDefaultSG: 1, tDefaultNACL: 1, tSubnet: 2, tRouteTable: 2, tRTAssociation: 2, tNACL: 1,
		tLogGroup: 1, tRole: 1, tPolicy: 1, tAttachment: 1, tFlowLog: 1,
		tEndpoint: 2 + len(DefaultInterfaceEndpointServices), tSG: 2, tEgressRule: 3, tIngressRule: 1,
	}
	with := func(changes map[string]int) map[string]int {
		out := maps.Clone(base)
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		edit func(*SecureNetworkArgs)
		want map[string]int
	}{
		{"two zones", func(*SecureNetworkArgs) {}, base},
		{"three zones", func(a *SecureNetworkArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}
		}, with(map[string]int{tSubnet: 3, tRouteTable: 3, tRTAssociation: 3})},
		{"two zones with NAT", func(a *SecureNetworkArgs) {
			a.AllowInternetEgressViaNAT = true
		}, with(map[string]int{
			tSubnet: 4, tRouteTable: 3, tRTAssociation: 4, tNACL: 2, tIGW: 1, tRoute: 3, tEIP: 2, tNAT: 2, tEgressRule: 4,
		})},
		{"three zones with NAT", func(a *SecureNetworkArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}
			a.AllowInternetEgressViaNAT = true
		}, with(map[string]int{
			tSubnet: 6, tRouteTable: 4, tRTAssociation: 6, tNACL: 2, tIGW: 1, tRoute: 4, tEIP: 3, tNAT: 3, tEgressRule: 4,
		})},
		{"custom endpoint list", func(a *SecureNetworkArgs) {
			a.InterfaceEndpointServices = []string{"kms", "ecr.api"}
		}, with(map[string]int{tEndpoint: 4})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := validArgs()
			tt.edit(args)
			run := mustRunNetwork(t, args)
			if got := run.rec.TypeCounts(); !maps.Equal(got, tt.want) {
				t.Errorf("inventory:\n got %v\nwant %v", got, tt.want)
			}
			// One registration for the stack, one for the component.
			if got := run.rec.OutputsRegistered(); got != 2 {
				t.Errorf("RegisterResourceOutputs called %d times, want 2 (stack and component)", got)
			}
		})
	}
}

func TestSecureNetworkChildrenAreParentedAndTagged(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AllowInternetEgressViaNAT = true
	run := mustRunNetwork(t, args)
	component := named(t, run.rec, tComponent, testName)
	for _, res := range run.rec.Resources() {
		if res.Type == tComponent {
			continue
		}
		if res.Parent != component.URN {
			t.Errorf("%s %s has parent %q, want the component", res.Type, res.Name, res.Parent)
		}
		if !strings.HasPrefix(res.Name, testName+"-") {
			t.Errorf("%s %s: name not derived from the component name", res.Type, res.Name)
		}
		if slices.Contains(untaggable, res.Type) {
			continue
		}
		tags := res.Inputs["tags"]
		if !tags.IsObject() {
			t.Errorf("%s %s has no tags", res.Type, res.Name)
			continue
		}
		obj := tags.ObjectValue()
		if obj[ManagedByTag].StringValue() != ManagedByValue || obj["environment"].StringValue() != "test" {
			t.Errorf("%s %s tags %v lack managed-by or the caller's tags", res.Type, res.Name, obj)
		}
	}
}

func TestSecureNetworkVPCAndSubnets(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AllowInternetEgressViaNAT = true
	run := mustRunNetwork(t, args)
	theVPC := named(t, run.rec, tVPC, testName+"-vpc")
	if got := theVPC.InputString("cidrBlock"); got != DefaultCIDR {
		t.Errorf("VPC CIDR %q, want %q", got, DefaultCIDR)
	}
	for _, key := range []string{"enableDnsSupport", "enableDnsHostnames"} {
		if v, _ := inputBool(theVPC, key); !v {
			t.Errorf("VPC %s is not on", key)
		}
	}
	plans, err := PlanSubnets(netip.MustParsePrefix(DefaultCIDR), args.AvailabilityZones, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		subnet := named(t, run.rec, tSubnet, testName+"-"+string(p.Tier)+"-"+p.AvailabilityZone)
		if got := subnet.InputString("cidrBlock"); got != p.CIDR.String() {
			t.Errorf("subnet %s CIDR %s, want planned %s", subnet.Name, got, p.CIDR)
		}
		if got := subnet.InputString("availabilityZone"); got != p.AvailabilityZone {
			t.Errorf("subnet %s zone %s, want %s", subnet.Name, got, p.AvailabilityZone)
		}
		if v, set := inputBool(subnet, "mapPublicIpOnLaunch"); !set || v {
			t.Errorf("subnet %s mapPublicIpOnLaunch = %v (set %v), want explicit false", subnet.Name, v, set)
		}
		if !subnet.DependsOn(theVPC) {
			t.Errorf("subnet %s is not in the VPC", subnet.Name)
		}
	}
	// Private subnet IDs come out in zone order (a bug that appends them to
	// the wrong list or order would send functions to the wrong subnets).
	want := []string{
		named(t, run.rec, tSubnet, testName+"-private-us-east-1a").ID,
		named(t, run.rec, tSubnet, testName+"-private-us-east-1b").ID,
	}
	if !slices.Equal(run.privateSubnetIDs, want) {
		t.Errorf("PrivateSubnetIDs = %v, want %v", run.privateSubnetIDs, want)
	}
}

func TestSecureNetworkDefaultSecurityGroupIsClosed(t *testing.T) {
	t.Parallel()
	run := mustRunNetwork(t, validArgs())
	sg := named(t, run.rec, tDefaultSG, testName+"-default-sg")
	for _, key := range []resource.PropertyKey{"ingress", "egress"} {
		if v, ok := sg.Inputs[key]; ok && !(v.IsArray() && len(v.ArrayValue()) == 0) && !v.IsNull() {
			t.Errorf("default security group has %s rules: %v", key, v)
		}
	}
	if !sg.DependsOn(named(t, run.rec, tVPC, testName+"-vpc")) {
		t.Error("default security group is not adopted from the component's VPC")
	}
}

func TestSecureNetworkDefaultNACLDeniesAll(t *testing.T) {
	t.Parallel()
	run := mustRunNetwork(t, validArgs())
	acl := named(t, run.rec, tDefaultNACL, testName+"-default-nacl")
	for _, key := range []resource.PropertyKey{"ingress", "egress"} {
		if v, ok := acl.Inputs[key]; ok && !(v.IsArray() && len(v.ArrayValue()) == 0) && !v.IsNull() {
			t.Errorf("default network ACL has %s rules: %v", key, v)
		}
	}
	if !acl.DependsOn(named(t, run.rec, tVPC, testName+"-vpc")) {
		t.Error("default network ACL is not adopted from the component's VPC")
	}
}

func TestSecureNetworkRoutesReachInternetOnlyWithNAT(t *testing.T) {
	t.Parallel()
	t.Run("isolated", func(t *testing.T) {
		t.Parallel()
		run := mustRunNetwork(t, validArgs())
		for _, token := range []string{tRoute, tIGW, tNAT, tEIP} {
			if got := run.rec.ByType(token); len(got) != 0 {
				t.Errorf("isolated network registered %d %s", len(got), token)
			}
		}
		for _, table := range run.rec.ByType(tRouteTable) {
			if _, inline := table.Inputs["routes"]; inline {
				t.Errorf("route table %s has inline routes", table.Name)
			}
		}
	})
	t.Run("NAT", func(t *testing.T) {
		t.Parallel()
		args := validArgs()
		args.AllowInternetEgressViaNAT = true
		run := mustRunNetwork(t, args)
		igw := named(t, run.rec, tIGW, testName+"-igw")
		publicTable := named(t, run.rec, tRouteTable, testName+"-public")
		for _, route := range run.rec.ByType(tRoute) {
			if route.DependsOn(igw) && !route.DependsOn(publicTable) {
				t.Errorf("route %s sends traffic to the internet gateway from a non-public table", route.Name)
			}
		}
		for _, zone := range args.AvailabilityZones {
			route := named(t, run.rec, tRoute, testName+"-private-"+zone+"-default")
			if route.InputString("destinationCidrBlock") != AnyIPv4 || route.DependsOn(igw) {
				t.Errorf("private default route %s: destination %q, via IGW %v", route.Name, route.InputString("destinationCidrBlock"), route.DependsOn(igw))
			}
			if !route.DependsOn(named(t, run.rec, tRouteTable, testName+"-private-"+zone)) ||
				!route.DependsOn(named(t, run.rec, tNAT, testName+"-nat-"+zone)) {
				t.Errorf("route %s does not lead from its zone's private table to its zone's NAT gateway", route.Name)
			}
			nat := named(t, run.rec, tNAT, testName+"-nat-"+zone)
			if !nat.DependsOn(igw) || !nat.DependsOn(named(t, run.rec, tSubnet, testName+"-public-"+zone)) {
				t.Errorf("NAT gateway %s is not in its public subnet after the internet gateway", nat.Name)
			}
		}
	})
}

func TestSecureNetworkNACLs(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AllowInternetEgressViaNAT = true
	run := mustRunNetwork(t, args)
	for _, tier := range []SubnetTier{PrivateTier, PublicTier} {
		acl := named(t, run.rec, tNACL, testName+"-"+string(tier))
		var got []NACLRule
		for _, dir := range []struct {
			key    resource.PropertyKey
			egress bool
		}{{"ingress", false}, {"egress", true}} {
			for _, v := range acl.Inputs[dir.key].ArrayValue() {
				o := v.ObjectValue()
				got = append(got, NACLRule{
					RuleNumber: int(o["ruleNo"].NumberValue()), Egress: dir.egress,
					Protocol: o["protocol"].StringValue(), Action: o["action"].StringValue(), CIDR: o["cidrBlock"].StringValue(),
					FromPort: int(o["fromPort"].NumberValue()), ToPort: int(o["toPort"].NumberValue()),
				})
			}
		}
		if want := PlanNACLRules(tier, netip.MustParsePrefix(DefaultCIDR)); !slices.Equal(got, want) {
			t.Errorf("%s NACL rules %v, want planned %v", tier, got, want)
		}
		for _, zone := range args.AvailabilityZones {
			if !acl.DependsOn(named(t, run.rec, tSubnet, testName+"-"+string(tier)+"-"+zone)) {
				t.Errorf("%s NACL is not associated with subnet in %s", tier, zone)
			}
		}
	}
}

func TestSecureNetworkFlowLogs(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.Protect = true
	run := mustRunNetwork(t, args)
	name := testName + "-flow-logs"
	logGroup := named(t, run.rec, tLogGroup, name)
	role := named(t, run.rec, tRole, name)
	policy := named(t, run.rec, tPolicy, name)
	attachment := named(t, run.rec, tAttachment, name)
	flowLog := named(t, run.rec, tFlowLog, name)

	if got := logGroup.InputString("kmsKeyId"); got != testKeyARN {
		t.Errorf("log group kmsKeyId %q, want the PHI key", got)
	}
	if got := inputNumber(logGroup, "retentionInDays"); got != DefaultFlowLogRetentionDays {
		t.Errorf("log group retention %v, want %d", got, DefaultFlowLogRetentionDays)
	}
	if !logGroup.Protect {
		t.Error("Protect did not protect the flow log group")
	}

	trust := inputPolicy(t, role, "assumeRolePolicy")
	if len(trust.Statements) != 1 {
		t.Fatalf("trust policy has %d statements, want 1", len(trust.Statements))
	}
	st := trust.Statements[0]
	if st.Effect != policydoc.Allow || !slices.Equal(st.Actions, []string{"sts:AssumeRole"}) ||
		st.Principal == nil || !slices.Equal(st.Principal.Service, []string{"vpc-flow-logs.amazonaws.com"}) || len(st.Principal.AWS) != 0 {
		t.Errorf("trust statement %+v does not let only vpc-flow-logs assume the role", st)
	}
	wantConditions := policydoc.Conditions{
		"StringEquals": {"aws:SourceAccount": {recorder.Account}},
		"ArnLike":      {"aws:SourceArn": {"arn:aws:ec2:us-east-1:" + recorder.Account + ":vpc-flow-log/*"}},
	}
	if !reflect.DeepEqual(st.Conditions, wantConditions) {
		t.Errorf("trust conditions %v, want %v", st.Conditions, wantConditions)
	}

	perms := inputPolicy(t, policy, "policy")
	if len(perms.Statements) != 1 {
		t.Fatalf("flow log policy has %d statements, want 1", len(perms.Statements))
	}
	ps := perms.Statements[0]
	groupARN := run.flowLogGroupARN
	if groupARN == "" {
		t.Fatal("FlowLogGroupARN output did not resolve")
	}
	if ps.Effect != policydoc.Allow ||
		!slices.Equal(ps.Actions, []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}) ||
		!slices.Equal(ps.Resources, []string{groupARN, groupARN + ":*"}) || len(ps.Conditions) != 0 {
		t.Errorf("flow log permissions %+v: want stream and event writes on %s only", ps, groupARN)
	}
	if !policy.DependsOn(logGroup) {
		t.Error("flow log policy is not built from the log group's ARN")
	}
	if !attachment.DependsOn(role) || !attachment.DependsOn(policy) {
		t.Error("flow log policy is not attached to the flow log role")
	}

	if got := flowLog.InputString("trafficType"); got != "ALL" {
		t.Errorf("flow log trafficType %q, want ALL", got)
	}
	// The record starts with the default version 2 fields, in order, so
	// parsers of the default format still read it.
	defaultFields := "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " +
		"${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
	if got := flowLog.InputString("logFormat"); !strings.HasPrefix(got, defaultFields+" ") || !strings.Contains(got, "${traffic-path}") {
		t.Errorf("flow log format %q does not extend the default record with the endpoint path", got)
	}
	if got := flowLog.InputString("logDestinationType"); got != "cloud-watch-logs" {
		t.Errorf("flow log destination type %q", got)
	}
	if flowLog.InputString("logDestination") != groupARN || !flowLog.DependsOn(logGroup) || !flowLog.DependsOn(role) {
		t.Error("flow log does not deliver to the log group through the role")
	}
	if !flowLog.DependsOn(named(t, run.rec, tVPC, testName+"-vpc")) {
		t.Error("flow log is not on the component's VPC")
	}
	if !slices.Contains(flowLog.Dependencies, attachment.URN) {
		t.Error("flow log may start before its role may write (no DependsOn the policy attachment)")
	}
}

func TestSecureNetworkEndpoints(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.InterfaceEndpointServices = []string{"kms", "kinesisvideo"}
	run := mustRunNetwork(t, args)
	endpointSG := named(t, run.rec, tSG, testName+"-endpoints")
	accountOnly := map[string][]string{"aws:PrincipalAccount": {recorder.Account}}

	for _, service := range []string{"s3", "dynamodb"} {
		ep := named(t, run.rec, tEndpoint, testName+"-"+service+"-gateway")
		if ep.InputString("vpcEndpointType") != "Gateway" || ep.InputString("serviceName") != "com.amazonaws.us-east-1."+service {
			t.Errorf("%s endpoint type %q service %q", service, ep.InputString("vpcEndpointType"), ep.InputString("serviceName"))
		}
		for _, zone := range args.AvailabilityZones {
			if !ep.DependsOn(named(t, run.rec, tRouteTable, testName+"-private-"+zone)) {
				t.Errorf("%s gateway endpoint is not on the private route table of %s", service, zone)
			}
		}
		doc := inputPolicy(t, ep, "policy")
		want := map[string][]string{"aws:PrincipalAccount": {recorder.Account}, "aws:ResourceAccount": {recorder.Account}}
		if len(doc.Statements) != 1 || !reflect.DeepEqual(doc.Statements[0].Conditions["StringEquals"], want) || len(doc.Statements[0].Conditions) != 1 {
			t.Errorf("%s endpoint policy %+v: want this account's principals and resources only", service, doc.Statements)
		}
	}
	for _, service := range args.InterfaceEndpointServices {
		ep := named(t, run.rec, tEndpoint, testName+"-"+service+"-interface")
		if ep.InputString("vpcEndpointType") != "Interface" || ep.InputString("serviceName") != "com.amazonaws.us-east-1."+service {
			t.Errorf("%s endpoint type %q service %q", service, ep.InputString("vpcEndpointType"), ep.InputString("serviceName"))
		}
		if v, _ := inputBool(ep, "privateDnsEnabled"); !v {
			t.Errorf("%s interface endpoint has no private DNS", service)
		}
		if !ep.DependsOn(endpointSG) {
			t.Errorf("%s interface endpoint is not in the endpoint security group", service)
		}
		for _, zone := range args.AvailabilityZones {
			if !ep.DependsOn(named(t, run.rec, tSubnet, testName+"-private-"+zone)) {
				t.Errorf("%s interface endpoint is not in the private subnet of %s", service, zone)
			}
		}
		doc := inputPolicy(t, ep, "policy")
		if len(doc.Statements) != 1 || !reflect.DeepEqual(doc.Statements[0].Conditions["StringEquals"], accountOnly) {
			t.Errorf("%s endpoint policy %+v: want this account's principals only", service, doc.Statements)
		}
	}
}

func TestSecureNetworkSecurityGroupRules(t *testing.T) {
	t.Parallel()
	for _, nat := range []bool{false, true} {
		args := validArgs()
		args.AllowInternetEgressViaNAT = nat
		run := mustRunNetwork(t, args)
		functionSG := named(t, run.rec, tSG, testName+"-functions")
		endpointSG := named(t, run.rec, tSG, testName+"-endpoints")
		for _, sg := range []recorder.Resource{functionSG, endpointSG} {
			if _, ok := sg.Inputs["ingress"]; ok {
				t.Errorf("security group %s has inline ingress rules", sg.Name)
			}
			if _, ok := sg.Inputs["egress"]; ok {
				t.Errorf("security group %s has inline egress rules", sg.Name)
			}
		}

		ingress := run.rec.ByType(tIngressRule)
		if len(ingress) != 1 {
			t.Fatalf("%d ingress rules, want 1", len(ingress))
		}
		in := ingress[0]
		if !in.DependsOn(endpointSG) || !in.DependsOn(functionSG) || in.InputString("cidrIpv4") != "" ||
			inputNumber(in, "fromPort") != HTTPSPort || inputNumber(in, "toPort") != HTTPSPort || in.InputString("ipProtocol") != "tcp" {
			t.Errorf("endpoint ingress rule %s: want TCP 443 from the function group only", in.Name)
		}

		egress := map[string]recorder.Resource{}
		for _, e := range run.rec.ByType(tEgressRule) {
			if !e.DependsOn(functionSG) || inputNumber(e, "fromPort") != HTTPSPort || inputNumber(e, "toPort") != HTTPSPort || e.InputString("ipProtocol") != "tcp" {
				t.Errorf("egress rule %s is not HTTPS from the function group", e.Name)
			}
			egress[strings.TrimPrefix(e.Name, testName+"-functions-")] = e
		}
		for _, r := range append(ingress, slices.Collect(maps.Values(egress))...) {
			if r.InputString("description") == "" {
				t.Errorf("security group rule %s has no description", r.Name)
			}
		}
		if !egress["https-to-endpoints"].DependsOn(endpointSG) {
			t.Error("functions cannot reach the endpoint group")
		}
		for _, service := range []string{"s3", "dynamodb"} {
			if !egress["https-to-"+service].DependsOn(named(t, run.rec, tEndpoint, testName+"-"+service+"-gateway")) {
				t.Errorf("functions' %s rule is not on the gateway endpoint's prefix list", service)
			}
		}
		internet, open := egress["https-to-internet"]
		if open != nat || (open && internet.InputString("cidrIpv4") != AnyIPv4) {
			t.Errorf("NAT=%v: internet egress rule present=%v", nat, open)
		}
		for _, e := range egress {
			if e.InputString("cidrIpv4") == AnyIPv4 && !nat {
				t.Errorf("isolated network lets functions reach the internet via %s", e.Name)
			}
		}
	}
}

func TestSecureNetworkDryRun(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AllowInternetEgressViaNAT = true
	// In a real first preview the key is created in the same run: its ARN
	// is unknown.
	args.FlowLogKMSKeyARN = pulumi.UnsafeUnknownOutput(nil).(pulumi.AnyOutput).AsStringOutput()
	run, err := runNetwork(t, args, func(info *pulumi.RunInfo) { info.DryRun = true })
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if v := named(t, run.rec, tLogGroup, testName+"-flow-logs").Inputs["kmsKeyId"]; !v.IsComputed() {
		t.Errorf("preview resolved a key ARN that is unknown: kmsKeyId = %v", v)
	}
	if got := len(run.rec.ByType(tFlowLog)); got != 1 {
		t.Errorf("preview registered %d flow logs, want 1", got)
	}
	// Policies that only need invoke results are known at preview, so the
	// policy pack can read them before anything exists.
	role := named(t, run.rec, tRole, testName+"-flow-logs")
	inputPolicy(t, role, "assumeRolePolicy")
}

func TestSecureNetworkInvalidArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args *SecureNetworkArgs
		want []string
	}{
		{"nil args", nil, []string{"args are required"}},
		{"everything wrong at once", &SecureNetworkArgs{
			CIDR:                      "8.8.0.0/16",
			AvailabilityZones:         []string{"us-east-1a"},
			InterfaceEndpointServices: []string{"kms", "kms", "s3", "Bad Name"},
			FlowLogRetentionDays:      90,
			Tags:                      map[string]string{"Name": "x", "aws:cost": "y"},
		}, []string{
			"CIDR 8.8.0.0/16 is not in RFC 1918",
			"need 2 to 6 zones, got 1",
			`"kms" is listed twice`,
			`"s3" is always served by a gateway endpoint`,
			`"Bad Name" is not a service name`,
			"FlowLogKMSKeyARN is required",
			"FlowLogRetentionDays 90",
			`Tags: "Name" is set by the component`,
			`Tags: "aws:cost" uses the reserved aws: prefix`,
		}},
		{"bad CIDR and zones", &SecureNetworkArgs{
			CIDR:              "10.40.0.0/24",
			AvailabilityZones: []string{"us-east-1a", "us-east-1a", "eu-west-1b", "zone"},
			FlowLogKMSKeyARN:  pulumi.String(testKeyARN),
		}, []string{
			"prefix length must be /16 to /22",
			`"us-east-1a" is listed twice`,
			"span several regions [eu-west-1 us-east-1]",
			`"zone" is not an availability zone name`,
		}},
		{"not a CIDR", &SecureNetworkArgs{
			CIDR: "10.40.0.0", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, FlowLogKMSKeyARN: pulumi.String(testKeyARN),
		}, []string{`CIDR "10.40.0.0" is not an IPv4 prefix`}},
		{"host bits", &SecureNetworkArgs{
			CIDR: "10.40.3.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, FlowLogKMSKeyARN: pulumi.String(testKeyARN),
		}, []string{"host bits set (did you mean 10.40.0.0/16?)"}},
		{"key alias", &SecureNetworkArgs{
			AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, FlowLogKMSKeyARN: pulumi.String("alias/aws/logs"),
		}, []string{`FlowLogKMSKeyARN "alias/aws/logs" is not a KMS key ARN`}},
		{"retention not a CloudWatch value", &SecureNetworkArgs{
			AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, FlowLogKMSKeyARN: pulumi.String(testKeyARN), FlowLogRetentionDays: 1000,
		}, []string{"FlowLogRetentionDays 1000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run, err := runNetwork(t, tt.args)
			if err == nil {
				t.Fatal("NewSecureNetwork accepted invalid args")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if got := run.rec.Resources(); len(got) != 0 {
				t.Errorf("invalid args registered %d resources, want none", len(got))
			}
		})
	}
}

func TestSecureNetworkRejectsAliasFromAnotherResource(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.FlowLogKMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:alias/logs").ToStringOutput()
	if _, err := runNetwork(t, args); err == nil || !strings.Contains(err.Error(), "is not a KMS key ARN") {
		t.Errorf("err = %v, want the alias rejected when the output resolves", err)
	}
}

func TestSecureNetworkZonesOutsideProviderRegion(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	_, err := runNetwork(t, args)
	if err == nil || !strings.Contains(err.Error(), "eu-west-1a is not in the provider's region us-east-1") {
		t.Errorf("err = %v, want a region mismatch", err)
	}
}

func TestSecureNetworkDoesNotMutateArgs(t *testing.T) {
	t.Parallel()
	args := validArgs()
	args.AllowInternetEgressViaNAT = true
	before := *args
	before.AvailabilityZones = slices.Clone(args.AvailabilityZones)
	before.Tags = maps.Clone(args.Tags)
	mustRunNetwork(t, args)
	if !reflect.DeepEqual(*args, before) {
		t.Errorf("args changed:\n got %+v\nwant %+v", *args, before)
	}
	if args.CIDR != "" || args.InterfaceEndpointServices != nil || args.FlowLogRetentionDays != 0 {
		t.Error("defaults were written back into the caller's args")
	}
}
