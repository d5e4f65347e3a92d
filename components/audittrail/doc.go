// Package audittrail provides AuditTrail, a Pulumi component for the
// platform's CloudTrail audit trail: the record of who touched PHI, kept so
// that it cannot be altered or deleted for six years.
//
// An AuditTrail is a multi-region trail that includes global service events,
// validates its log files and encrypts them with the audit KMS key. It records
// every management event and every object read and write in the PHI buckets
// (advanced event selectors), delivers to:
//
//   - an audit phibucket.PhiBucket with Object Lock in COMPLIANCE mode (six
//     years by default), whose policy admits CloudTrail only for this trail;
//   - a KMS-encrypted CloudWatch log group kept at least six years, through a
//     delivery role that only CloudTrail, for this trail, can assume and that
//     may only write to that log group.
//
// Metric filters and alarms on the trail's log group (the CIS AWS Foundations
// monitoring set) belong to the observability component, which takes
// LogGroupName.
//
// The trail is created after the bucket policy and the role's permissions,
// which AWS checks when the trail is created.
//
// Example:
//
//	audit, err := audittrail.NewAuditTrail(ctx, "audit", &audittrail.AuditTrailArgs{
//		KMSKeyARN:     auditKey.KeyARN,
//		PHIBucketARNs: []pulumi.StringInput{frames.BucketARN, evidence.BucketARN},
//		Protect:       true,
//	})
//	if err != nil {
//		return err
//	}
//	ctx.Export("trailArn", audit.TrailARN)
package audittrail
