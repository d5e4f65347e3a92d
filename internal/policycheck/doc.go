// Package policycheck runs the MediGuard CrossGuard policy pack (policypack/) against a
// stack recorded offline, the way `pulumi preview --policy-pack` does: it starts the pack as
// its own process exactly as the Pulumi CLI starts it (node with @pulumi/pulumi's
// run-policy-pack, given the address of an engine gRPC server for its log calls), then speaks
// Pulumi's Analyzer gRPC protocol to it: GetAnalyzerInfo, Analyze for every registered
// resource and AnalyzeStack over the whole stack. Property maps are marshalled as the engine
// marshals them (unknowns and secrets kept), with property dependencies, parent, options and a
// provider carrying its properties.
//
// It is what `mediguard check` and the end-to-end policy tests use, so the pack is proven
// against the real program rather than against hand-built fixtures alone.
package policycheck
