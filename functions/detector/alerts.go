package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/mediguard/mediguard/detection"
)

// Attributes of an episode's item in the episode table (hash key episode_id,
// the AnomalyDetector component's EpisodeTableHashKey).
const (
	attrEpisodeID    = "episode_id"
	attrStatus       = "status"
	attrLeaseUntil   = "lease_until"
	attrEventType    = "event_type"
	attrMessageID    = "sns_message_id"
	attrEvidenceKey  = "evidence_key"
	attrPublishedAt  = "published_at"
	statusPending    = "pending"
	statusPublished  = "published"
	episodeRetention = 30 * 24 * time.Hour
)

// DefaultPublishLease is how long a claim on an episode stops other
// invocations from publishing it: longer than one publish with its retries,
// shorter than the queue's visibility timeout, so a redelivery after a crash
// can take the claim over.
const DefaultPublishLease = 2 * time.Minute

// errEpisodeBusy means another invocation holds a live claim on the episode.
var errEpisodeBusy = errors.New("another invocation is publishing the episode")

// claim is the outcome of trying to claim an episode for publishing.
type claim int

const (
	claimWon       claim = iota // this invocation publishes
	claimPublished              // already published: nothing to do
)

// Alerter publishes each episode once. An episode item goes from pending
// (claimed, with a lease) to published; only the holder of a live claim
// publishes, and a failed publish releases the claim so the retry of the
// frame (or the offline check) publishes it.
type Alerter struct {
	db       *dynamodb.Client
	table    string
	sns      *sns.Client
	topicARN string
	lease    time.Duration
	now      func() time.Time
}

// NewAlerter records episodes in table and publishes to topicARN.
func NewAlerter(db *dynamodb.Client, table string, client *sns.Client, topicARN string, lease time.Duration, now func() time.Time) *Alerter {
	return &Alerter{db: db, table: table, sns: client, topicARN: topicARN, lease: lease, now: now}
}

func episodeKey(id string) map[string]dbtypes.AttributeValue {
	return map[string]dbtypes.AttributeValue{attrEpisodeID: &dbtypes.AttributeValueMemberS{Value: id}}
}

func millis(t time.Time) *dbtypes.AttributeValueMemberN {
	return &dbtypes.AttributeValueMemberN{Value: strconv.FormatInt(t.UnixMilli(), 10)}
}

// Claim wins the episode for this invocation, reports it already published,
// or returns errEpisodeBusy while another invocation's claim is live.
func (a *Alerter) Claim(ctx context.Context, ev detection.Event) (claim, error) {
	now := a.now()
	_, err := a.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(a.table),
		Item: map[string]dbtypes.AttributeValue{
			attrEpisodeID:  &dbtypes.AttributeValueMemberS{Value: ev.EpisodeID},
			attrCameraID:   &dbtypes.AttributeValueMemberS{Value: ev.CameraID},
			attrEventType:  &dbtypes.AttributeValueMemberS{Value: string(ev.Type)},
			attrStatus:     &dbtypes.AttributeValueMemberS{Value: statusPending},
			attrLeaseUntil: millis(now.Add(a.lease)),
			attrExpiresAt:  &dbtypes.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(episodeRetention).Unix(), 10)},
		},
		ConditionExpression:                 aws.String("attribute_not_exists(#id)"),
		ExpressionAttributeNames:            map[string]string{"#id": attrEpisodeID},
		ReturnValuesOnConditionCheckFailure: dbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil {
		return claimWon, nil
	}
	var exists *dbtypes.ConditionalCheckFailedException
	if !errors.As(err, &exists) {
		return 0, fmt.Errorf("claim episode %s in %s: %w", ev.EpisodeID, a.table, err)
	}
	status, _ := exists.Item[attrStatus].(*dbtypes.AttributeValueMemberS)
	if status != nil && status.Value == statusPublished {
		return claimPublished, nil
	}
	lease, _ := exists.Item[attrLeaseUntil].(*dbtypes.AttributeValueMemberN)
	if lease == nil {
		return 0, fmt.Errorf("claim episode %s in %s: item has no %s", ev.EpisodeID, a.table, attrLeaseUntil)
	}
	leaseMillis, err := strconv.ParseInt(lease.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("claim episode %s in %s: item's %s is not an integer", ev.EpisodeID, a.table, attrLeaseUntil)
	}
	if now.UnixMilli() < leaseMillis {
		return 0, fmt.Errorf("claim episode %s: %w", ev.EpisodeID, errEpisodeBusy)
	}
	// The claim expired or was released: take it over, but only if nobody
	// else did since it was read (the lease value is the version).
	_, err = a.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(a.table),
		Key:                      episodeKey(ev.EpisodeID),
		UpdateExpression:         aws.String("SET #l = :lease"),
		ConditionExpression:      aws.String("#s = :pending AND #l = :seen"),
		ExpressionAttributeNames: map[string]string{"#s": attrStatus, "#l": attrLeaseUntil},
		ExpressionAttributeValues: map[string]dbtypes.AttributeValue{
			":lease":   millis(now.Add(a.lease)),
			":pending": &dbtypes.AttributeValueMemberS{Value: statusPending},
			":seen":    lease,
		},
	})
	if err != nil {
		if errors.As(err, &exists) {
			return 0, fmt.Errorf("take over episode %s: %w", ev.EpisodeID, errEpisodeBusy)
		}
		return 0, fmt.Errorf("take over episode %s in %s: %w", ev.EpisodeID, a.table, err)
	}
	return claimWon, nil
}

// Release gives up this invocation's claim after a failed publish, so the
// next attempt need not wait for the lease to run out.
func (a *Alerter) Release(ctx context.Context, episodeID string) error {
	_, err := a.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(a.table),
		Key:                       episodeKey(episodeID),
		UpdateExpression:          aws.String("SET #l = :zero"),
		ConditionExpression:       aws.String("#s = :pending"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStatus, "#l": attrLeaseUntil},
		ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":zero": &dbtypes.AttributeValueMemberN{Value: "0"}, ":pending": &dbtypes.AttributeValueMemberS{Value: statusPending}},
	})
	if err != nil {
		return fmt.Errorf("release episode %s in %s: %w", episodeID, a.table, err)
	}
	return nil
}

// MarkPublished records the publish, so later deliveries skip the episode.
func (a *Alerter) MarkPublished(ctx context.Context, episodeID, messageID, evidenceKey string) error {
	values := map[string]dbtypes.AttributeValue{
		":published": &dbtypes.AttributeValueMemberS{Value: statusPublished},
		":pending":   &dbtypes.AttributeValueMemberS{Value: statusPending},
		":message":   &dbtypes.AttributeValueMemberS{Value: messageID},
		":at":        millis(a.now()),
	}
	update := "SET #s = :published, #m = :message, #p = :at"
	names := map[string]string{"#s": attrStatus, "#m": attrMessageID, "#p": attrPublishedAt}
	if evidenceKey != "" {
		update += ", #e = :evidence"
		names["#e"] = attrEvidenceKey
		values[":evidence"] = &dbtypes.AttributeValueMemberS{Value: evidenceKey}
	}
	_, err := a.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(a.table),
		Key:                       episodeKey(episodeID),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("#s = :pending"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if err != nil {
		return fmt.Errorf("mark episode %s published in %s: %w", episodeID, a.table, err)
	}
	return nil
}

// AlertMessage is the SNS message body: the de-identified event (the same
// JSON the local watch loop writes) and the evidence object's key, never
// pixels.
type AlertMessage struct {
	detection.Event
	EvidenceKey string `json:"evidence_key,omitempty"`
}

// Publish sends the alert with message attributes subscriptions filter on
// (severity, type and, when the camera has one, ward) and returns SNS's
// message ID.
func (a *Alerter) Publish(ctx context.Context, ev detection.Event, evidenceKey string) (string, error) {
	body, err := json.Marshal(AlertMessage{Event: ev, EvidenceKey: evidenceKey})
	if err != nil {
		return "", fmt.Errorf("encode alert for episode %s: %w", ev.EpisodeID, err)
	}
	attributes := map[string]snstypes.MessageAttributeValue{
		"severity": {DataType: aws.String("String"), StringValue: aws.String(string(ev.Severity))},
		"type":     {DataType: aws.String("String"), StringValue: aws.String(string(ev.Type))},
	}
	if ev.Ward != "" {
		attributes["ward"] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(ev.Ward)}
	}
	out, err := a.sns.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(a.topicARN),
		Subject:           aws.String(fmt.Sprintf("MediGuard %s alert: %s", ev.Severity, ev.Type)),
		Message:           aws.String(string(body)),
		MessageAttributes: attributes,
	})
	if err != nil {
		return "", fmt.Errorf("publish episode %s to %s: %w", ev.EpisodeID, a.topicARN, err)
	}
	return aws.ToString(out.MessageId), nil
}
