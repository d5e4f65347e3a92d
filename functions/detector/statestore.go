package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attributes of a camera's item in the state table (hash key camera_id, the
// AnomalyDetector component's StateTableHashKey).
const (
	attrCameraID     = "camera_id"
	attrVersion      = "version"
	attrEngineState  = "engine_state"
	attrLastFrameAt  = "last_frame_at"
	attrLastFrameKey = "last_frame_key"
	attrExpiresAt    = "expires_at"
)

// stateRetention is how long a silent camera's state is kept before the
// table's TTL removes it: long enough for any outage to be noticed and fixed.
const stateRetention = 30 * 24 * time.Hour

// errStateConflict means another invocation saved the camera's state since
// it was loaded.
var errStateConflict = errors.New("camera state changed since it was loaded")

// cameraState is one camera's item.
type cameraState struct {
	// Version counts saves; a save succeeds only over the version it loaded
	// (optimistic concurrency). 0 means no item yet.
	Version int64
	// Engine is detection.Detector.MarshalState.
	Engine []byte
	// LastFrameAt is when S3 stored the newest frame processed: the arrival
	// clock the offline check compares with.
	LastFrameAt time.Time
	// LastFrameKey is that frame's object key.
	LastFrameKey string
}

// StateStore keeps camera states in DynamoDB.
type StateStore struct {
	client *dynamodb.Client
	table  string
}

// NewStateStore uses table through client.
func NewStateStore(client *dynamodb.Client, table string) *StateStore {
	return &StateStore{client: client, table: table}
}

// Load reads the camera's state with a strongly consistent read; a camera
// with no item yet gets the zero state (Version 0).
func (s *StateStore) Load(ctx context.Context, cameraID string) (cameraState, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            map[string]types.AttributeValue{attrCameraID: &types.AttributeValueMemberS{Value: cameraID}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return cameraState{}, fmt.Errorf("load state of camera %s from %s: %w", cameraID, s.table, err)
	}
	if out.Item == nil {
		return cameraState{}, nil
	}
	st, err := decodeState(out.Item)
	if err != nil {
		return cameraState{}, fmt.Errorf("load state of camera %s from %s: %w", cameraID, s.table, err)
	}
	return st, nil
}

func decodeState(item map[string]types.AttributeValue) (cameraState, error) {
	var st cameraState
	version, ok := item[attrVersion].(*types.AttributeValueMemberN)
	if !ok {
		return st, fmt.Errorf("item has no numeric %s", attrVersion)
	}
	v, err := strconv.ParseInt(version.Value, 10, 64)
	if err != nil || v < 1 {
		return st, fmt.Errorf("item's %s is not a positive integer", attrVersion)
	}
	st.Version = v
	if engine, ok := item[attrEngineState].(*types.AttributeValueMemberB); ok {
		st.Engine = engine.Value
	}
	if at, ok := item[attrLastFrameAt].(*types.AttributeValueMemberN); ok {
		ms, err := strconv.ParseInt(at.Value, 10, 64)
		if err != nil {
			return st, fmt.Errorf("item's %s is not an integer", attrLastFrameAt)
		}
		st.LastFrameAt = time.UnixMilli(ms).UTC()
	}
	if key, ok := item[attrLastFrameKey].(*types.AttributeValueMemberS); ok {
		st.LastFrameKey = key.Value
	}
	return st, nil
}

// Save writes next as the camera's state if the stored version is still
// loaded.Version, and returns errStateConflict if it is not.
func (s *StateStore) Save(ctx context.Context, cameraID string, loaded, next cameraState) error {
	item := map[string]types.AttributeValue{
		attrCameraID:     &types.AttributeValueMemberS{Value: cameraID},
		attrVersion:      &types.AttributeValueMemberN{Value: strconv.FormatInt(loaded.Version+1, 10)},
		attrEngineState:  &types.AttributeValueMemberB{Value: next.Engine},
		attrLastFrameAt:  &types.AttributeValueMemberN{Value: strconv.FormatInt(next.LastFrameAt.UnixMilli(), 10)},
		attrLastFrameKey: &types.AttributeValueMemberS{Value: next.LastFrameKey},
		attrExpiresAt:    &types.AttributeValueMemberN{Value: strconv.FormatInt(next.LastFrameAt.Add(stateRetention).Unix(), 10)},
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item}
	if loaded.Version == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(#id)")
		in.ExpressionAttributeNames = map[string]string{"#id": attrCameraID}
	} else {
		in.ConditionExpression = aws.String("#v = :loaded")
		in.ExpressionAttributeNames = map[string]string{"#v": attrVersion}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{
			":loaded": &types.AttributeValueMemberN{Value: strconv.FormatInt(loaded.Version, 10)},
		}
	}
	if _, err := s.client.PutItem(ctx, in); err != nil {
		var conflict *types.ConditionalCheckFailedException
		if errors.As(err, &conflict) {
			return fmt.Errorf("save state of camera %s version %d: %w", cameraID, loaded.Version+1, errStateConflict)
		}
		return fmt.Errorf("save state of camera %s to %s: %w", cameraID, s.table, err)
	}
	return nil
}
