package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/anomalydetector"
)

// configString returns value, read from the stack configuration under key
// (without namespace), as an input that stays secret when the key is a secret
// (`pulumi config set --secret`). LoadStackConfig decodes every key as plain
// text to type and validate it; without this, a secret's plaintext would be
// written to the state as an ordinary resource input.
func configString(ctx *pulumi.Context, key, value string) pulumi.StringInput {
	if ctx.IsConfigSecret(ConfigNamespace + ":" + key) {
		return pulumi.ToSecret(pulumi.String(value)).(pulumi.StringOutput)
	}
	return pulumi.String(value)
}

// alertSubscribers turns the configured alert subscriptions into the
// detector's, keeping the endpoints secret when mediguard:alertSubscribers is.
func alertSubscribers(ctx *pulumi.Context, configured []Subscriber) []anomalydetector.Subscriber {
	subscribers := make([]anomalydetector.Subscriber, len(configured))
	for i, s := range configured {
		subscribers[i] = anomalydetector.Subscriber{Protocol: s.Protocol, Endpoint: configString(ctx, "alertSubscribers", s.Endpoint)}
	}
	return subscribers
}
