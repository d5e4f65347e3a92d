package main

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// TestProgramRunsUnderMocks runs the example as a preview and as an update and
// checks it builds what it says: two keys, the scans bucket with its access-log
// bucket, the audit bucket, and one trail.
func TestProgramRunsUnderMocks(t *testing.T) {
	t.Parallel()
	for _, dryRun := range []bool{false, true} {
		rec := recorder.New("consumer", "example", "")
		err := pulumi.RunErr(program, rec.RunOption(), func(info *pulumi.RunInfo) { info.DryRun = dryRun })
		if err != nil {
			t.Fatalf("dry run %v: %v", dryRun, err)
		}
		counts := rec.TypeCounts()
		for token, want := range map[string]int{
			"aws:kms/key:Key":            2,
			"aws:s3/bucketV2:BucketV2":   4, // scans, its log bucket, the audit bucket, its log bucket
			"aws:cloudtrail/trail:Trail": 1,
		} {
			if counts[token] != want {
				t.Errorf("dry run %v: %s registered %d times, want %d", dryRun, token, counts[token], want)
			}
		}
	}
}
