package platform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// secretSentinel is planted in secret configuration; it must reach resources
// only inside secret values.
const secretSentinel = "sentinel-7f3a9c-do-not-store"

// synthWithSecret runs the program for a real stack file with
// mediguard:alertSubscribers and mediguard:operationsSubscribers replaced by
// endpoints holding the sentinel, marked
// secret (as `pulumi config set --secret` does) when secret is true.
func synthWithSecret(t *testing.T, stack string, secret bool) *recorder.Recorder {
	t.Helper()
	sf, err := ReadStackFile("..", stack)
	if err != nil {
		t.Fatal(err)
	}
	subscribers := fmt.Sprintf(
		`[{"protocol":"email","endpoint":"%[1]s@example.org"},{"protocol":"https","endpoint":"https://pager.example.org/hook?token=%[1]s"}]`,
		secretSentinel)
	for _, key := range []string{"alertSubscribers", "operationsSubscribers"} {
		sf.Raw[key] = subscribers
		if secret {
			sf.SecretKeys = append(sf.SecretKeys, ConfigNamespace+":"+key)
		}
	}
	rec := recorder.New(sf.Project, stack, sf.Region)
	err = pulumi.RunErr(Program(Options{Archive: testArchive}), rec.RunOption(), func(info *pulumi.RunInfo) {
		info.Config = sf.Config()
		info.ConfigSecretKeys = sf.SecretKeys
	})
	if err != nil {
		t.Fatalf("synthesise %s: %v", stack, err)
	}
	return rec
}

// sentinelUses walks a property value and returns the paths where the
// sentinel appears in plaintext and, separately, inside secrets.
func sentinelUses(v resource.PropertyValue, path string, inSecret bool, plain, secret *[]string) {
	switch {
	case v.IsSecret():
		sentinelUses(v.SecretValue().Element, path, true, plain, secret)
	case v.IsOutput():
		o := v.OutputValue()
		sentinelUses(o.Element, path, inSecret || o.Secret, plain, secret)
	case v.IsComputed():
		sentinelUses(v.Input().Element, path, inSecret, plain, secret)
	case v.IsString():
		if strings.Contains(v.StringValue(), secretSentinel) {
			if inSecret {
				*secret = append(*secret, path)
			} else {
				*plain = append(*plain, path)
			}
		}
	case v.IsArray():
		for i, e := range v.ArrayValue() {
			sentinelUses(e, fmt.Sprintf("%s[%d]", path, i), inSecret, plain, secret)
		}
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			sentinelUses(e, path+"."+string(k), inSecret, plain, secret)
		}
	}
}

// scanInputs returns where the sentinel appears in the recorded inputs.
func scanInputs(rec *recorder.Recorder) (plain, secret []string) {
	for _, res := range rec.Resources() {
		sentinelUses(resource.NewObjectProperty(res.Inputs), res.Type+" "+res.Name, false, &plain, &secret)
	}
	return plain, secret
}

func TestSecretConfigNeverReachesResourceInputsInPlaintext(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			plain, secret := scanInputs(synthWithSecret(t, stack, true))
			for _, path := range plain {
				t.Errorf("secret config value in plaintext at %s", path)
			}
			// All four subscriptions (two alert, two operations) still
			// receive their endpoint, as secrets.
			if len(secret) != 4 {
				t.Errorf("sentinel found in %d secret inputs, want the 4 subscription endpoints: %v", len(secret), secret)
			}
		})
	}
}

// TestSentinelScanSeesPlainConfig is the control: the same value, not marked
// secret, is found in plaintext, so the scan above can fail.
func TestSentinelScanSeesPlainConfig(t *testing.T) {
	t.Parallel()
	plain, secret := scanInputs(synthWithSecret(t, "dev", false))
	if len(plain) != 4 || len(secret) != 0 {
		t.Errorf("unmarked sentinel: %d plaintext and %d secret uses, want 4 and 0 (%v)", len(plain), len(secret), plain)
	}
}
