package statebackend

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/phibucket"
	"github.com/mediguard/mediguard/components/phikey"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:bootstrap:StateBackend"

// secretsKeyDeletionWindowDays is the longest wait KMS allows before deleting
// a key: losing the secrets key makes every stack's secrets unreadable.
const secretsKeyDeletionWindowDays = 30

// StateBackend is the self-managed Pulumi backend of one environment.
type StateBackend struct {
	pulumi.ResourceState

	// BucketName and BucketARN are the state bucket.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	BucketARN  pulumi.StringOutput `pulumi:"bucketArn"`
	// StateKeyARN encrypts the state bucket (through S3 only).
	StateKeyARN pulumi.StringOutput `pulumi:"stateKeyArn"`
	// SecretsKeyARN and SecretsKeyAlias are the secrets provider's key.
	SecretsKeyARN   pulumi.StringOutput `pulumi:"secretsKeyArn"`
	SecretsKeyAlias pulumi.StringOutput `pulumi:"secretsKeyAlias"`
	// LoginURL is what `pulumi login` takes to keep state in the bucket.
	LoginURL pulumi.StringOutput `pulumi:"loginUrl"`
	// SecretsProvider is what `pulumi stack init --secrets-provider` takes and
	// Pulumi.<stack>.yaml declares as secretsprovider.
	SecretsProvider pulumi.StringOutput `pulumi:"secretsProvider"`
}

// StateKeyAlias is the alias of the environment's state bucket key.
func StateKeyAlias(environment string) string {
	return "alias/mediguard/" + environment + "/pulumi-state"
}

// SecretsKeyAlias is the alias of the environment's secrets provider key. It
// depends on the environment only, so the platform's stack files can declare
// their secrets provider before the bootstrap has run.
func SecretsKeyAlias(environment string) string {
	return "alias/mediguard/" + environment + "/pulumi-secrets"
}

// SecretsProviderURL is the awskms:// secrets provider of an environment.
func SecretsProviderURL(environment, region string) string {
	return fmt.Sprintf("awskms://%s?region=%s", SecretsKeyAlias(environment), region)
}

// NewStateBackend validates cfg, then creates the state key, the state
// bucket and the secrets key as children of the component. An invalid cfg
// registers nothing.
func NewStateBackend(ctx *pulumi.Context, name string, cfg Config, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("state backend %q: %w", name, err)
	}
	protect := cfg.Environment == "prod"
	component := &StateBackend{}
	inputs := pulumi.Map{
		"environment":           pulumi.String(cfg.Environment),
		"deployerRoles":         pulumi.Int(len(cfg.DeployerRoleARNs)),
		"noncurrentVersionDays": pulumi.Int(cfg.NoncurrentVersionDays),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register state backend %q: %w", name, err)
	}
	parent := pulumi.Parent(component)
	env, err := awsenv.Lookup(ctx, parent)
	if err != nil {
		return nil, fmt.Errorf("state backend %q: %w", name, err)
	}
	tags := map[string]string{"environment": cfg.Environment, "project": "mediguard"}

	// The state holds resource configuration and ARNs, and secrets only as
	// ciphertext: audit-class data, under a key of its own that principals can
	// use only through S3.
	stateKey, err := phikey.NewPhiKey(ctx, name+"-state", &phikey.PhiKeyArgs{
		Purpose:     phikey.PurposeAudit,
		Description: "MediGuard " + cfg.Environment + " Pulumi state bucket key",
		AliasName:   StateKeyAlias(cfg.Environment),
		ViaServices: []phikey.Service{phikey.ServiceS3},
		Tags:        tags,
		Protect:     protect,
	}, parent)
	if err != nil {
		return nil, err
	}
	// Hardened like a PHI bucket (KMS, versioning, public access block, TLS
	// 1.2 only, access logging, lifecycle) but without object lock: Pulumi
	// rewrites its checkpoints, and versioning already keeps the old ones.
	bucket, err := phibucket.NewPhiBucket(ctx, name+"-state", &phibucket.PhiBucketArgs{
		Classification:                  phibucket.ClassificationAudit,
		Purpose:                         "pulumi-state",
		KMSKeyARN:                       stateKey.KeyARN,
		DisableObjectLock:               true,
		NoncurrentVersionExpirationDays: cfg.NoncurrentVersionDays,
		Tags:                            tags,
		Protect:                         protect,
	}, parent)
	if err != nil {
		return nil, err
	}

	policy, err := secretsKeyPolicy(env, cfg.DeployerRoleARNs).JSON()
	if err != nil {
		return nil, fmt.Errorf("state backend %q: secrets key policy: %w", name, err)
	}
	secretsKey, err := kms.NewKey(ctx, name+"-secrets-key", &kms.KeyArgs{
		Description:                    pulumi.String("MediGuard " + cfg.Environment + " Pulumi secrets provider key"),
		KeyUsage:                       pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec:          pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:              pulumi.Bool(true),
		DeletionWindowInDays:           pulumi.Int(secretsKeyDeletionWindowDays),
		Policy:                         pulumi.String(policy),
		BypassPolicyLockoutSafetyCheck: pulumi.Bool(false),
		Tags:                           pulumi.ToStringMap(withClassification(tags)),
	}, parent, pulumi.Protect(protect))
	if err != nil {
		return nil, fmt.Errorf("state backend %q: create secrets key: %w", name, err)
	}
	alias, err := kms.NewAlias(ctx, name+"-secrets-alias", &kms.AliasArgs{
		Name:        pulumi.String(SecretsKeyAlias(cfg.Environment)),
		TargetKeyId: secretsKey.KeyId,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("state backend %q: create alias %s: %w", name, SecretsKeyAlias(cfg.Environment), err)
	}

	component.BucketName = bucket.BucketName
	component.BucketARN = bucket.BucketARN
	component.StateKeyARN = stateKey.KeyARN
	component.SecretsKeyARN = secretsKey.Arn
	component.SecretsKeyAlias = alias.Name
	component.LoginURL = pulumi.Sprintf("s3://%s?region=%s&awssdk=v2", bucket.BucketName, env.Region)
	component.SecretsProvider = alias.Name.ApplyT(func(string) string {
		return SecretsProviderURL(cfg.Environment, env.Region)
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"bucketName":      component.BucketName,
		"bucketArn":       component.BucketARN,
		"stateKeyArn":     component.StateKeyARN,
		"secretsKeyArn":   component.SecretsKeyARN,
		"secretsKeyAlias": component.SecretsKeyAlias,
		"loginUrl":        component.LoginURL,
		"secretsProvider": component.SecretsProvider,
	}); err != nil {
		return nil, fmt.Errorf("state backend %q: register outputs: %w", name, err)
	}
	return component, nil
}

// withClassification tags the secrets key like the platform's keys.
func withClassification(tags map[string]string) map[string]string {
	out := map[string]string{"data-classification": "audit", "managed-by": "mediguard"}
	for k, v := range tags {
		out[k] = v
	}
	return out
}

// Program is the bootstrap project's program: it reads the stack
// configuration, creates the backend and exports what the platform stacks
// need to log in and encrypt their secrets.
func Program(ctx *pulumi.Context) error {
	raw := map[string]string{}
	for _, key := range configKeys {
		if v, ok := ctx.GetConfig(ConfigNamespace + ":" + key); ok {
			raw[key] = v
		}
	}
	cfg, err := ParseConfig(raw)
	if err != nil {
		return err
	}
	backend, err := NewStateBackend(ctx, "pulumi", cfg)
	if err != nil {
		return err
	}
	ctx.Export("stateBucket", backend.BucketName)
	ctx.Export("stateKeyArn", backend.StateKeyARN)
	ctx.Export("secretsKeyArn", backend.SecretsKeyARN)
	ctx.Export("loginUrl", backend.LoginURL)
	ctx.Export("secretsProvider", backend.SecretsProvider)
	return nil
}
