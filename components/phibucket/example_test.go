package phibucket_test

import (
	"fmt"
	"slices"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A bucket for video frames, locked for 30 days and expired after 90,
// synthesised offline: the data bucket, its log bucket and their side resources.
func ExampleNewPhiBucket() {
	r := recorder.New("mediguard", "dev", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		frames, err := phibucket.NewPhiBucket(ctx, "frames", &phibucket.PhiBucketArgs{
			Purpose:                 "video-frames",
			KMSKeyARN:               pulumi.String("arn:aws:kms:us-east-1:123456789012:key/phi"),
			ObjectLockRetentionDays: 30,
			ExpirationDays:          90,
		})
		if err != nil {
			return err
		}
		ctx.Export("framesBucket", frames.BucketName)
		return nil
	}, r.RunOption())
	if err != nil {
		fmt.Println(err)
		return
	}
	var created []string
	for _, res := range r.Resources() {
		created = append(created, res.Type+" "+res.Name)
	}
	slices.Sort(created)
	for _, c := range created {
		fmt.Println(c)
	}
	// Output:
	// aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2 frames-access-logs-lifecycle
	// aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2 frames-lifecycle
	// aws:s3/bucketLoggingV2:BucketLoggingV2 frames-access-logging
	// aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2 frames-object-lock
	// aws:s3/bucketOwnershipControls:BucketOwnershipControls frames-access-logs-ownership
	// aws:s3/bucketOwnershipControls:BucketOwnershipControls frames-ownership
	// aws:s3/bucketPolicy:BucketPolicy frames-access-logs-policy
	// aws:s3/bucketPolicy:BucketPolicy frames-policy
	// aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock frames-access-logs-public-access-block
	// aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock frames-public-access-block
	// aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 frames-access-logs-encryption
	// aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 frames-encryption
	// aws:s3/bucketV2:BucketV2 frames-access-logs
	// aws:s3/bucketV2:BucketV2 frames-bucket
	// aws:s3/bucketVersioningV2:BucketVersioningV2 frames-access-logs-versioning
	// aws:s3/bucketVersioningV2:BucketVersioningV2 frames-versioning
	// mediguard:storage:PhiBucket frames
}
