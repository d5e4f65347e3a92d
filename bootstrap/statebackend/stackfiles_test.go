package statebackend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestExampleStackFilesAreValid reads bootstrap/Pulumi.<stack>.yaml as Pulumi
// hands it to the program (strings bare, lists as JSON) and parses it.
func TestExampleStackFilesAreValid(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				Config map[string]any `yaml:"config"`
			}
			if err := yaml.Unmarshal(data, &file); err != nil {
				t.Fatal(err)
			}
			raw := map[string]string{}
			for key, value := range file.Config {
				name, ok := strings.CutPrefix(key, ConfigNamespace+":")
				if !ok {
					continue
				}
				if s, isString := value.(string); isString {
					raw[name] = s
					continue
				}
				encoded, err := json.Marshal(value)
				if err != nil {
					t.Fatal(err)
				}
				raw[name] = string(encoded)
			}
			cfg, err := ParseConfig(raw)
			if err != nil {
				t.Fatalf("Pulumi.%s.yaml: %v", stack, err)
			}
			if cfg.Environment != stack {
				t.Errorf("Pulumi.%s.yaml environment = %s", stack, cfg.Environment)
			}
		})
	}
}

// TestPlatformStacksUseTheBootstrapSecretsProvider holds the platform's
// Pulumi.<stack>.yaml to the secrets provider this package creates for the
// environment, so a renamed alias cannot leave a stack unable to decrypt.
func TestPlatformStacksUseTheBootstrapSecretsProvider(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				SecretsProvider string         `yaml:"secretsprovider"`
				Config          map[string]any `yaml:"config"`
			}
			if err := yaml.Unmarshal(data, &file); err != nil {
				t.Fatal(err)
			}
			region, _ := file.Config["aws:region"].(string)
			environment, _ := file.Config["mediguard:environment"].(string)
			if want := SecretsProviderURL(environment, region); file.SecretsProvider != want {
				t.Errorf("Pulumi.%s.yaml secretsprovider = %q, want %q", stack, file.SecretsProvider, want)
			}
		})
	}
}
