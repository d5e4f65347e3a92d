package phikey

import (
	"fmt"
	"slices"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the key policy, exported so tests and reviewers can find each
// grant by name.
const (
	SidKeyAdministration         = "KeyAdministration"
	SidUseThroughAWSServices     = "UseThroughAWSServices"
	SidGrantsForAWSResources     = "GrantsForAWSResources"
	SidCloudTrailEncryptLogs     = "CloudTrailEncryptLogs"
	SidCloudTrailDescribeKey     = "CloudTrailDescribeKey"
	SidCloudWatchLogsEncryptLogs = "CloudWatchLogsEncryptLogs"
)

// adminActions manage the key but never use it: no Encrypt, Decrypt,
// GenerateDataKey or CreateGrant (a grant would let an admin hand out usage).
var adminActions = []string{
	"kms:CancelKeyDeletion",
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:DescribeKey",
	"kms:DisableKey",
	"kms:DisableKeyRotation",
	"kms:EnableKey",
	"kms:EnableKeyRotation",
	"kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus",
	"kms:ListGrants",
	"kms:ListKeyPolicies",
	"kms:ListKeyRotations",
	"kms:ListResourceTags",
	"kms:PutKeyPolicy",
	"kms:RevokeGrant",
	"kms:RotateKeyOnDemand",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

// usageActions are the cryptographic operations a service performs for a caller.
var usageActions = []string{
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKey*",
	"kms:ReEncrypt*",
}

// grantActions let services such as Lambda, DynamoDB and Kinesis Video create
// the grants they need for the resources they manage, and nothing else.
var grantActions = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}

// publisherSids names the statement of each service principal that only needs
// to produce and read data keys for an encrypted topic or queue.
var publisherSids = map[ServicePrincipal]string{
	PrincipalS3Notifications:  "S3NotificationsToEncryptedTargets",
	PrincipalEventBridge:      "EventBridgeToEncryptedTargets",
	PrincipalCloudWatchAlarms: "CloudWatchAlarmsToEncryptedTopics",
	PrincipalSNS:              "SNSToEncryptedQueues",
}

// keyPolicy builds the key policy: who administers the key, through which
// services this account's principals may use it, and which service principals
// may use it under which conditions. Nothing else can use the key.
func keyPolicy(env awsenv.Environment, a PhiKeyArgs) policydoc.Document {
	admins := a.AdminPrincipalARNs
	if len(admins) == 0 {
		admins = []string{env.RootARN()}
	}
	account := []string{env.AccountID}
	statements := []policydoc.Statement{{
		Sid:       SidKeyAdministration,
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{AWS: admins},
		Actions:   adminActions,
		Resources: []string{"*"},
	}}

	if len(a.ViaServices) > 0 {
		via := make([]string, 0, len(a.ViaServices))
		for _, s := range a.ViaServices {
			via = append(via, fmt.Sprintf("%s.%s.amazonaws.com", s, env.Region))
		}
		slices.Sort(via)
		statements = append(statements,
			policydoc.Statement{
				Sid:       SidUseThroughAWSServices,
				Effect:    policydoc.Allow,
				Principal: &policydoc.Principal{AWS: []string{env.RootARN()}},
				Actions:   usageActions,
				Resources: []string{"*"},
				Conditions: policydoc.Conditions{
					"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via},
				},
			},
			policydoc.Statement{
				Sid:       SidGrantsForAWSResources,
				Effect:    policydoc.Allow,
				Principal: &policydoc.Principal{AWS: []string{env.RootARN()}},
				Actions:   grantActions,
				Resources: []string{"*"},
				Conditions: policydoc.Conditions{
					"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via},
					"Bool":         {"kms:GrantIsForAWSResource": {"true"}},
				},
			},
		)
	}

	for _, p := range a.ServicePrincipals {
		statements = append(statements, servicePrincipalStatements(env, p)...)
	}
	return policydoc.New(statements...)
}

// servicePrincipalStatements returns the statements for one service principal,
// each limited to this account and, where AWS supports it, to the encryption
// context that names the resource the service encrypts for.
func servicePrincipalStatements(env awsenv.Environment, p ServicePrincipal) []policydoc.Statement {
	account := []string{env.AccountID}
	switch p {
	case PrincipalCloudTrail:
		sourceConditions := policydoc.Conditions{
			"StringEquals": {"aws:SourceAccount": account},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/*", env.Partition, env.Region, env.AccountID)}},
		}
		encrypt := policydoc.Conditions{
			"StringEquals": sourceConditions["StringEquals"],
			"ArnLike": {
				"aws:SourceArn": sourceConditions["ArnLike"]["aws:SourceArn"],
				"kms:EncryptionContext:aws:cloudtrail:arn": {fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", env.Partition, env.AccountID)},
			},
		}
		service := &policydoc.Principal{Service: []string{"cloudtrail.amazonaws.com"}}
		return []policydoc.Statement{
			{Sid: SidCloudTrailEncryptLogs, Effect: policydoc.Allow, Principal: service,
				Actions: []string{"kms:GenerateDataKey*"}, Resources: []string{"*"}, Conditions: encrypt},
			{Sid: SidCloudTrailDescribeKey, Effect: policydoc.Allow, Principal: service,
				Actions: []string{"kms:DescribeKey"}, Resources: []string{"*"}, Conditions: sourceConditions},
		}
	case PrincipalCloudWatchLogs:
		return []policydoc.Statement{{
			Sid:       SidCloudWatchLogsEncryptLogs,
			Effect:    policydoc.Allow,
			Principal: &policydoc.Principal{Service: []string{fmt.Sprintf("logs.%s.amazonaws.com", env.Region)}},
			Actions:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resources: []string{"*"},
			Conditions: policydoc.Conditions{
				"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
					fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", env.Partition, env.Region, env.AccountID),
				}},
			},
		}}
	default:
		return []policydoc.Statement{{
			Sid:        publisherSids[p],
			Effect:     policydoc.Allow,
			Principal:  &policydoc.Principal{Service: []string{string(p) + ".amazonaws.com"}},
			Actions:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resources:  []string{"*"},
			Conditions: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": account}},
		}}
	}
}
