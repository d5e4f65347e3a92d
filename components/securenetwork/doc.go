// Package securenetwork provides SecureNetwork, the isolated VPC the MediGuard
// functions run in, built from plain aws ec2 resources (not awsx, whose
// children are invisible to unit tests and to the offline policy check).
//
// Secure by default, with one named escape hatch:
//
//   - private subnets only, one per availability zone, laid out by the pure
//     planner [PlanSubnets]; no subnet maps public IPs;
//   - private route tables with no internet route; internet egress exists only
//     with [SecureNetworkArgs.AllowInternetEgressViaNAT], which adds public
//     subnets, an internet gateway and a NAT gateway per zone;
//   - dedicated network ACLs from the pure rule planner [PlanNACLRules], with
//     no internet-sourced allow on admin ports;
//   - the VPC's default security group and default network ACL adopted with
//     no rules, so anything outside the component's groups and NACLs is cut off;
//   - VPC flow logs (ALL traffic) to a KMS-encrypted, retained log group
//     through a role that may only write to that group;
//   - S3 and DynamoDB gateway endpoints and interface endpoints with private
//     DNS for every service the functions call, all with endpoint policies
//     that keep requests inside this account;
//   - a function security group that may only send HTTPS to the endpoints,
//     and an endpoint security group that accepts HTTPS from it alone.
//
// The account, region and partition come from the getCallerIdentity,
// getRegion and getPartition invokes parented to the component, so they match
// the provider that creates the children, are known at preview, and are
// answered offline by internal/recorder.
package securenetwork
