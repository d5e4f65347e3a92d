// Package recorder is an offline Pulumi engine: a pulumi.MockResourceMonitor that
// records every resource the program registers (type, name, inputs, parent,
// dependencies, options) and answers the few provider functions the program calls.
//
// It is used by the component unit tests and by the `mediguard synth` command, so
// the same program that `pulumi up` runs can be inspected with no AWS account and
// no Pulumi CLI. Unknown provider functions fail loudly: a silent default would hide
// a program that depends on live AWS answers.
package recorder

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Account, Region and Partition are the identity the recorder answers with.
const (
	Account   = "123456789012"
	Region    = "us-east-1"
	Partition = "aws"
)

// Resource is one registration the program made.
type Resource struct {
	Type         string
	Name         string
	URN          string
	Parent       string // URN of the parent ("" for the stack's direct children)
	Custom       bool   // false for component resources
	Inputs       resource.PropertyMap
	Dependencies []string // URNs this resource explicitly depends on (DependsOn and input dependencies)
	// PropertyDependencies maps an input property to the URNs its value came from.
	PropertyDependencies map[string][]string
	Protect              bool
	RetainOnDelete       bool
	ID                   string
}

// Recorder implements pulumi.MockResourceMonitor.
type Recorder struct {
	Project string
	Stack   string

	mu        sync.Mutex
	resources []Resource
	outputs   int
	region    string
}

// New returns a Recorder for one run of project/stack that answers region lookups
// with region ("" means Region). Pass the same project and stack to
// pulumi.WithMocks (see Recorder.RunOption) so recorded URNs match the engine's.
func New(project, stack, region string) *Recorder {
	if region == "" {
		region = Region
	}
	return &Recorder{Project: project, Stack: stack, region: region}
}

// RunOption wires the recorder into pulumi.RunErr.
func (r *Recorder) RunOption() pulumi.RunOption {
	return pulumi.WithMocks(r.Project, r.Stack, r)
}

// NewResource records the registration and returns a deterministic ID and state:
// the inputs, plus the attributes (arn, name, id) that programs commonly read back.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	rec := Resource{
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs,
	}
	if rpc != nil {
		// The mock monitor drops unknown values when it decodes inputs; decode
		// the request again keeping them, so a preview's recording shows which
		// inputs are still unknown (a policy check must not read them as absent).
		inputs, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
		})
		if err != nil {
			return "", nil, fmt.Errorf("recorder: decode inputs of %s %s: %w", args.TypeToken, args.Name, err)
		}
		rec.Inputs = inputs
		rec.Parent = rpc.GetParent()
		rec.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		rec.Protect = rpc.GetProtect()
		rec.RetainOnDelete = rpc.GetRetainOnDelete()
		rec.PropertyDependencies = map[string][]string{}
		for k, v := range rpc.GetPropertyDependencies() {
			rec.PropertyDependencies[k] = append([]string(nil), v.GetUrns()...)
		}
		rec.URN = r.urnFor(rpc.GetParent(), args.TypeToken, args.Name)
	}
	id := ""
	state := args.Inputs.Copy()
	if args.Custom {
		id = physicalID(args.TypeToken, args.Name)
		name := args.Name
		if v, ok := args.Inputs["name"]; ok && v.IsString() && v.StringValue() != "" {
			name = v.StringValue()
		} else if v, ok := args.Inputs["bucket"]; ok && v.IsString() && v.StringValue() != "" && strings.HasPrefix(args.TypeToken, "aws:s3/bucket") {
			name = v.StringValue()
		}
		arn := r.arnFor(args.TypeToken, name, id)
		state["arn"] = resource.NewStringProperty(arn)
		if _, ok := state["name"]; !ok {
			state["name"] = resource.NewStringProperty(name)
		}
		state["id"] = resource.NewStringProperty(id)
		for key, value := range extraState(args.TypeToken, r.region, name, id, arn) {
			if _, ok := state[resource.PropertyKey(key)]; !ok {
				state[resource.PropertyKey(key)] = resource.NewStringProperty(value)
			}
		}
	}
	rec.ID = id

	r.mu.Lock()
	r.resources = append(r.resources, rec)
	r.mu.Unlock()
	return id, state, nil
}

// Call answers the provider functions a program may use offline.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": Account, "arn": "arn:aws:iam::" + Account + ":user/offline", "userId": "OFFLINE",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"name": r.region, "id": r.region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": Partition, "dnsSuffix": "amazonaws.com"}), nil
	}
	return nil, fmt.Errorf("recorder: provider function %q is not answered offline", args.Token)
}

// RegisterResourceOutputs counts the components that completed registration.
func (r *Recorder) RegisterResourceOutputs() (*emptypb.Empty, error) {
	r.mu.Lock()
	r.outputs++
	r.mu.Unlock()
	return &emptypb.Empty{}, nil
}

// OutputsRegistered is how many times RegisterResourceOutputs was called.
func (r *Recorder) OutputsRegistered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.outputs
}

// Resources returns the recorded registrations in registration order.
func (r *Recorder) Resources() []Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Resource(nil), r.resources...)
}

// ByType returns the recorded resources of one type token.
func (r *Recorder) ByType(token string) []Resource {
	var out []Resource
	for _, res := range r.Resources() {
		if res.Type == token {
			out = append(out, res)
		}
	}
	return out
}

// Named returns the resource with that type and name, or false.
func (r *Recorder) Named(token, name string) (Resource, bool) {
	for _, res := range r.Resources() {
		if res.Type == token && res.Name == name {
			return res, true
		}
	}
	return Resource{}, false
}

// TypeCounts returns how many resources of each type token were registered.
func (r *Recorder) TypeCounts() map[string]int {
	counts := map[string]int{}
	for _, res := range r.Resources() {
		counts[res.Type]++
	}
	return counts
}

// Types returns the sorted distinct type tokens registered.
func (r *Recorder) Types() []string {
	counts := r.TypeCounts()
	out := make([]string, 0, len(counts))
	for t := range counts {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// DependsOn reports whether res lists the URN of target among its dependencies
// (explicit DependsOn or any input property's dependency).
func (res Resource) DependsOn(target Resource) bool {
	for _, d := range res.Dependencies {
		if d == target.URN {
			return true
		}
	}
	for _, urns := range res.PropertyDependencies {
		for _, d := range urns {
			if d == target.URN {
				return true
			}
		}
	}
	return false
}

// InputString returns a top-level string input, or "" when absent or unknown.
func (res Resource) InputString(key string) string {
	v, ok := res.Inputs[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// physicalID makes a deterministic ID in the shape AWS uses for the type, so
// components that check IDs (a KMS key ID, a vpc- prefix) accept it.
func physicalID(token, name string) string {
	sum := sha256.Sum256([]byte(token + "/" + name))
	hexID := hex.EncodeToString(sum[:])
	switch token {
	case "aws:kms/key:Key":
		return fmt.Sprintf("%s-%s-%s-%s-%s", hexID[0:8], hexID[8:12], hexID[12:16], hexID[16:20], hexID[20:32])
	case "aws:ec2/vpc:Vpc":
		return "vpc-" + hexID[:17]
	case "aws:ec2/subnet:Subnet":
		return "subnet-" + hexID[:17]
	case "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
		return "sg-" + hexID[:17]
	case "aws:ec2/routeTable:RouteTable":
		return "rtb-" + hexID[:17]
	case "aws:ec2/networkAcl:NetworkAcl":
		return "acl-" + hexID[:17]
	case "aws:ec2/internetGateway:InternetGateway":
		return "igw-" + hexID[:17]
	case "aws:ec2/natGateway:NatGateway":
		return "nat-" + hexID[:17]
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		return "vpce-" + hexID[:17]
	}
	return name + "-" + hexID[:8]
}

// arnFor makes a deterministic ARN in the format AWS uses for the type.
func (r *Recorder) arnFor(token, name, id string) string {
	prefix := func(service string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:", Partition, service, r.region, Account)
	}
	switch token {
	case "aws:kms/key:Key":
		return prefix("kms") + "key/" + id
	case "aws:kms/alias:Alias":
		return prefix("kms") + name
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		return "arn:" + Partition + ":s3:::" + name
	case "aws:iam/role:Role":
		return "arn:" + Partition + ":iam::" + Account + ":role/" + name
	case "aws:iam/policy:Policy":
		return "arn:" + Partition + ":iam::" + Account + ":policy/" + name
	case "aws:sqs/queue:Queue":
		return prefix("sqs") + name
	case "aws:sns/topic:Topic":
		return prefix("sns") + name
	case "aws:dynamodb/table:Table":
		return prefix("dynamodb") + "table/" + name
	case "aws:lambda/function:Function":
		return prefix("lambda") + "function:" + name
	case "aws:cloudwatch/logGroup:LogGroup":
		return prefix("logs") + "log-group:" + name
	case "aws:kinesis/videoStream:VideoStream":
		return prefix("kinesisvideo") + "stream/" + name + "/1700000000000"
	case "aws:cloudtrail/trail:Trail":
		return prefix("cloudtrail") + "trail/" + name
	case "aws:ec2/vpc:Vpc":
		return prefix("ec2") + "vpc/" + id
	case "aws:ec2/subnet:Subnet":
		return prefix("ec2") + "subnet/" + id
	case "aws:ec2/securityGroup:SecurityGroup":
		return prefix("ec2") + "security-group/" + id
	}
	service := "unknown"
	if parts := strings.Split(token, ":"); len(parts) == 3 {
		service = strings.SplitN(parts[1], "/", 2)[0]
	}
	return prefix(service) + name
}

// extraState adds the attributes besides arn and id that programs read back
// from some types (a queue's URL, a key's key ID).
func extraState(token, region, name, id, arn string) map[string]string {
	switch token {
	case "aws:kms/key:Key":
		return map[string]string{"keyId": id}
	case "aws:sqs/queue:Queue":
		return map[string]string{"url": fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, Account, name)}
	case "aws:s3/bucketV2:BucketV2":
		return map[string]string{"bucket": name}
	case "aws:lambda/function:Function":
		return map[string]string{"invokeArn": arn}
	}
	return nil
}

// urnFor mirrors the mock monitor's URN scheme so Parent and Dependencies can be
// matched against recorded resources.
func (r *Recorder) urnFor(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.Stack), tokens.PackageName(r.Project), parentType, tokens.Type(typ), name))
}
