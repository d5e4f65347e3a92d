package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mediguard/mediguard/detection"
)

// EvidenceStore writes privacy-masked snapshots to the evidence bucket,
// encrypted with the PHI key and under object-lock retention, so a snapshot
// can be neither read without the key nor deleted before its retention ends.
type EvidenceStore struct {
	client    *s3.Client
	bucket    string
	kmsKeyARN string
	mode      types.ObjectLockMode
	retention time.Duration
	now       func() time.Time
}

// NewEvidenceStore writes to bucket with cfg's key, lock mode and retention.
func NewEvidenceStore(client *s3.Client, cfg PipelineConfig, now func() time.Time) *EvidenceStore {
	return &EvidenceStore{
		client:    client,
		bucket:    cfg.EvidenceBucket,
		kmsKeyARN: cfg.EvidenceKMSKeyARN,
		mode:      types.ObjectLockMode(cfg.EvidenceLockMode),
		retention: cfg.EvidenceRetention,
		now:       now,
	}
}

// EvidenceKey is where the snapshot of an episode is stored: one object per
// episode, so a retried write adds a version of the same object.
func EvidenceKey(ev detection.Event) string {
	return "evidence/" + ev.CameraID + "/" + ev.EpisodeID + ".jpg"
}

// Put stores snapshot (already masked) for ev and returns its key. Object
// metadata names the episode and event type only.
func (e *EvidenceStore) Put(ctx context.Context, ev detection.Event, snapshot []byte) (string, error) {
	key := EvidenceKey(ev)
	_, err := e.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:                    aws.String(e.bucket),
		Key:                       aws.String(key),
		Body:                      bytes.NewReader(snapshot),
		ContentLength:             aws.Int64(int64(len(snapshot))),
		ContentType:               aws.String("image/jpeg"),
		ServerSideEncryption:      types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:               aws.String(e.kmsKeyARN),
		BucketKeyEnabled:          aws.Bool(true),
		ObjectLockMode:            e.mode,
		ObjectLockRetainUntilDate: aws.Time(e.now().Add(e.retention).UTC().Truncate(time.Second)),
		ChecksumAlgorithm:         types.ChecksumAlgorithmSha256,
		Metadata: map[string]string{
			"episode-id": ev.EpisodeID,
			"event-type": string(ev.Type),
		},
	})
	if err != nil {
		return "", fmt.Errorf("store evidence %s in %s: %w", key, e.bucket, err)
	}
	return key, nil
}
