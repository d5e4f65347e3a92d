package phikey

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:security:PhiKey"

// DeletionWindowDays is the longest waiting period KMS allows before a scheduled
// deletion takes effect: the most time to notice and cancel a mistaken deletion.
const DeletionWindowDays = 30

// PhiKey is a customer-managed symmetric KMS key with rotation, the longest
// deletion window, an alias and a key policy that names exactly who may use it.
type PhiKey struct {
	pulumi.ResourceState

	KeyARN    pulumi.StringOutput `pulumi:"keyArn"`
	KeyID     pulumi.StringOutput `pulumi:"keyId"`
	AliasName pulumi.StringOutput `pulumi:"aliasName"`
}

// NewPhiKey validates args, then creates the key and its alias as children of
// the component. Invalid args register nothing.
func NewPhiKey(ctx *pulumi.Context, name string, args *PhiKeyArgs, opts ...pulumi.ResourceOption) (*PhiKey, error) {
	cfg, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}

	component := &PhiKey{}
	inputs := pulumi.Map{
		"purpose":   pulumi.String(cfg.Purpose),
		"aliasName": pulumi.String(cfg.AliasName),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register phikey %q: %w", name, err)
	}
	env, err := awsenv.Lookup(ctx, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("phikey %q: %w", name, err)
	}
	policy, err := keyPolicy(env, cfg).JSON()
	if err != nil {
		return nil, fmt.Errorf("phikey %q: key policy: %w", name, err)
	}

	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:           pulumi.String(cfg.Description),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		IsEnabled:             pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		Policy:                pulumi.String(policy),
		// Explicitly false: KMS must refuse a policy that would lock out the
		// principal making the change.
		BypassPolicyLockoutSafetyCheck: pulumi.Bool(false),
		Tags:                           pulumi.ToStringMap(cfg.tags()),
	}, pulumi.Parent(component), pulumi.Protect(cfg.Protect))
	if err != nil {
		return nil, fmt.Errorf("phikey %q: create key: %w", name, err)
	}
	alias, err := kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String(cfg.AliasName),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(component))
	if err != nil {
		return nil, fmt.Errorf("phikey %q: create alias %s: %w", name, cfg.AliasName, err)
	}

	component.KeyARN = key.Arn
	component.KeyID = key.KeyId
	component.AliasName = alias.Name
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"keyArn":    key.Arn,
		"keyId":     key.KeyId,
		"aliasName": alias.Name,
	}); err != nil {
		return nil, fmt.Errorf("phikey %q: register outputs: %w", name, err)
	}
	return component, nil
}
