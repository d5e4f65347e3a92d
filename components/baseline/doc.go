// Package baseline provides Baseline, a Pulumi component for the account's
// security baseline: the continuous detection of threats and drift a HIPAA
// risk analysis relies on (45 CFR 164.308(a)(1)(ii)(A) and (D)).
//
// A Baseline holds:
//
//   - a GuardDuty detector with S3 data events (access to the PHI buckets) and
//     Lambda network activity (the detector function) turned on, and Runtime
//     Monitoring as an option for EC2/ECS workloads the platform does not run;
//   - Security Hub without its default standards, subscribed to AWS
//     Foundational Security Best Practices and NIST 800-53 rev. 5, with
//     consolidated control findings;
//   - EventBridge rules that send high and critical GuardDuty and Security Hub
//     findings to the operations topic, so a finding pages someone;
//   - an AWS Config recorder for all supported and global resource types, its
//     role (AWS_ConfigRole plus an inline policy limited to the delivery
//     bucket and the audit key), a delivery channel into a PhiBucket of audit
//     classification encrypted with the audit key, the recorder started after
//     the channel exists, and a conformance pack rendered from HIPAARules, our
//     typed list of the HIPAA-relevant AWS managed Config rules;
//   - the account-wide S3 public access block (all four settings);
//   - optionally, the IAM account password policy (off by default: staff sign
//     in through SSO).
//
// GuardDuty, Security Hub, the Config recorder and the account public access
// block exist once per account (and region): when two stacks share an
// account, exactly one of them owns the baseline and the other disables it.
//
// Example:
//
//	base, err := baseline.NewBaseline(ctx, "baseline", &baseline.BaselineArgs{
//		AuditKeyARN:          auditKey.KeyARN,
//		FindingsTopicARN:     operationsTopic.TopicARN,
//		ConfigBucketLockMode: phibucket.LockCompliance,
//		ConfigBucketLockDays: 2192,
//		Protect:              true,
//	})
//	if err != nil {
//		return err
//	}
//	ctx.Export("guardDutyDetectorId", base.GuardDutyDetectorID)
package baseline
