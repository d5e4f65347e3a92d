package statebackend

import (
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the secrets key policy.
const (
	SidKeyAdministration      = "KeyAdministration"
	SidPulumiSecrets          = "PulumiSecretsEncryptDecrypt"
	SidDenyUseThroughServices = "DenyUseThroughAWSServices"
)

// secretsAdminActions manage the key but never use it (no Encrypt, Decrypt or
// CreateGrant): administering the key does not reveal the stacks' secrets.
var secretsAdminActions = []string{
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
	"kms:ListResourceTags",
	"kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

// secretsUseActions are what the Pulumi CLI's awskms secrets provider calls:
// it encrypts the stack's data key once (`pulumi stack init` writes the result
// as encryptedkey) and decrypts it on every run.
var secretsUseActions = []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"}

// secretsKeyPolicy lets the account administer the key without using it,
// lets only the deployer roles (or, when none are named, principals of this
// account that IAM allows) encrypt and decrypt directly, and denies any use
// through an AWS service: nothing but the Pulumi CLI has a reason to use this
// key, so no service can be tricked or granted into decrypting stack secrets.
func secretsKeyPolicy(env environment, deployers []string) policydoc.Document {
	users := deployers
	if len(users) == 0 {
		users = []string{env.RootARN()}
	}
	return policydoc.New(
		policydoc.Statement{
			Sid:       SidKeyAdministration,
			Effect:    policydoc.Allow,
			Principal: &policydoc.Principal{AWS: []string{env.RootARN()}},
			Actions:   secretsAdminActions,
			Resources: []string{"*"},
		},
		policydoc.Statement{
			Sid:        SidPulumiSecrets,
			Effect:     policydoc.Allow,
			Principal:  &policydoc.Principal{AWS: users},
			Actions:    secretsUseActions,
			Resources:  []string{"*"},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:CallerAccount": {env.AccountID}}},
		},
		policydoc.Statement{
			Sid:       SidDenyUseThroughServices,
			Effect:    policydoc.Deny,
			Principal: &policydoc.Principal{Any: true},
			Actions:   []string{"kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resources: []string{"*"},
			// kms:ViaService is present exactly when a service calls KMS for a principal.
			Conditions: policydoc.Conditions{"Null": {"kms:ViaService": {"false"}}},
		},
	)
}

// environment is the account, region and partition the backend is created in,
// from provider invokes so the policies name exactly where the keys live.
type environment = awsenv.Environment
