// Package phibucket provides PhiBucket, a Pulumi component for an S3 bucket
// that holds PHI (video frames) or audit records, secure by default.
//
// A PhiBucket is an aws s3.BucketV2 with its side resources:
//
//   - public access blocked (all four flags) and ACLs disabled (BucketOwnerEnforced);
//   - default encryption SSE-KMS with the given customer-managed key and S3
//     Bucket Keys, and a bucket policy that denies plain HTTP, TLS older than
//     1.2, and uploads asking for any other encryption or key;
//   - versioning, Object Lock (set at creation; default retention in GOVERNANCE
//     or COMPLIANCE mode) and a lifecycle for expiry, noncurrent versions and
//     abandoned multipart uploads;
//   - server access logging into a second, hardened bucket the component creates
//     (SSE-S3, because log delivery cannot write to SSE-KMS buckets);
//   - optionally cross-region replication and EventBridge notifications.
//
// Escape hatches are explicit, named fields: DisableObjectLock and
// AllowForceDestroy. ServiceStatements lets an AWS service (CloudTrail) write
// into the bucket under conditions.
//
// Ordering AWS needs but the data flow does not express is explicit: the bucket
// policy after the public access block, the Object Lock configuration and
// replication after versioning. Dependents that need the policy in force use
// the Policy field.
//
// Example:
//
//	frames, err := phibucket.NewPhiBucket(ctx, "frames", &phibucket.PhiBucketArgs{
//		Purpose:                  "video-frames",
//		KMSKeyARN:                phiKey.KeyARN,
//		ObjectLockMode:           phibucket.LockGovernance,
//		ObjectLockRetentionDays:  30,
//		ExpirationDays:           90,
//		EventBridgeNotifications: true,
//		Protect:                  true,
//	})
//	if err != nil {
//		return err
//	}
//	ctx.Export("framesBucket", frames.BucketName)
package phibucket
