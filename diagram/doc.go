// Package diagram draws a synthesised MediGuard stack as Graphviz DOT: a
// network diagram (VPC CIDR, subnets per availability zone, route tables,
// NACL rules, security groups and the rules between them, endpoints, the
// functions in the VPC, flow logs) and a resource diagram (the data flows
// from camera to video stream, frames bucket, queue, detector, alert topic
// and evidence bucket, the audit trail, findings, alarms and, when present,
// the delivery pipeline), with every store coloured by its data
// classification and labelled with the key that encrypts it.
//
// The diagrams are computed from the resources the real program registers
// (platform.Synthesize) and the property dependencies Pulumi records between
// them, so they change when the program does; docs/diagrams holds the
// rendered prod diagrams and a test fails when they are stale.
package diagram
