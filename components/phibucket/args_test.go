package phibucket

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FuzzArgsDefaults checks withDefaults over arbitrary numbers: accepted args
// come back with every lifetime set and positive, noncurrent versions kept at
// least as long as the lock retains them when that was defaulted, and
// defaulting an already defaulted copy changes nothing.
func FuzzArgsDefaults(f *testing.F) {
	f.Add(30, 0, 0, 0, 0, false, "")
	f.Add(365, 400, 45, 2, 3653, false, "COMPLIANCE")
	f.Add(0, 0, 0, 0, 0, true, "")
	f.Add(-1, -2, -3, -4, -5, false, "LEGAL")
	f.Fuzz(func(t *testing.T, retention, expiration, noncurrent, abort, logDays int, disableLock bool, mode string) {
		args := &PhiBucketArgs{
			Purpose:                            "video-frames",
			KMSKeyARN:                          pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
			ObjectLockMode:                     LockMode(mode),
			ObjectLockRetentionDays:            retention,
			DisableObjectLock:                  disableLock,
			ExpirationDays:                     expiration,
			NoncurrentVersionExpirationDays:    noncurrent,
			AbortIncompleteMultipartUploadDays: abort,
			AccessLogRetentionDays:             logDays,
		}
		cfg, err := args.withDefaults("video")
		if err != nil {
			return
		}
		if cfg.NoncurrentVersionExpirationDays <= 0 || cfg.AbortIncompleteMultipartUploadDays <= 0 || cfg.AccessLogRetentionDays <= 0 || cfg.ExpirationDays < 0 {
			t.Errorf("accepted args left a lifetime unset or negative: %+v", cfg)
		}
		if disableLock != (cfg.ObjectLockMode == "") {
			t.Errorf("lock mode %q with DisableObjectLock=%v", cfg.ObjectLockMode, disableLock)
		}
		if noncurrent == 0 && cfg.NoncurrentVersionExpirationDays < cfg.ObjectLockRetentionDays {
			t.Errorf("defaulted noncurrent expiry %d is shorter than the lock retention %d", cfg.NoncurrentVersionExpirationDays, cfg.ObjectLockRetentionDays)
		}
		again, err := cfg.withDefaults("video")
		if err != nil {
			t.Fatalf("defaulted args rejected: %v", err)
		}
		if !reflect.DeepEqual(again, cfg) {
			t.Errorf("defaulting is not idempotent:\n%+v\n%+v", cfg, again)
		}
	})
}
