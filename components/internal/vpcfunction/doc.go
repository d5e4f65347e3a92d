// Package vpcfunction builds the parts every MediGuard Go Lambda function in
// private subnets shares, for the components that deploy one
// (anomalydetector, imagegeneration): an execution role only Lambda acting
// for this account may assume, a log group encrypted with the PHI key and
// created before the function (else Lambda creates an unencrypted one
// without retention), an encrypted dead-letter queue, the execution policy
// attached as a managed policy (the policy pack refuses inline policies),
// and the function itself (provided.al2023 on arm64, in the VPC, active
// tracing, reserved concurrency, JSON logs to its own group).
//
// It also holds the execution policy statements Lambda itself needs (logs,
// dead-letter queue, VPC network interfaces, X-Ray) and the validation of the
// args every such component takes.
//
// It is a plain helper, not a component: the resources it creates are
// children of the caller's component and keep the caller's names, so using it
// changes no URN.
package vpcfunction
