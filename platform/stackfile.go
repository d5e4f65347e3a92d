package platform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// secretPlaceholder stands in for a `secure:` value offline: the ciphertext in a
// stack file can only be decrypted by the stack's secrets provider, which an
// offline run does not have. The value is still marked secret, as Pulumi would.
const secretPlaceholder = "offline-secret-placeholder"

// StackFile is the program's view of a Pulumi.<stack>.yaml file.
type StackFile struct {
	// Project is the project name from Pulumi.yaml.
	Project string
	// Region is aws:region.
	Region string
	// Raw maps a mediguard:* key (without namespace) to its value as Pulumi hands
	// it to a program: strings bare, structured values as JSON.
	Raw map[string]string
	// SecretKeys lists the fully qualified keys whose values are secrets.
	SecretKeys []string
}

// ReadStackFile reads Pulumi.yaml and Pulumi.<stack>.yaml from dir.
func ReadStackFile(dir, stack string) (StackFile, error) {
	var project struct {
		Name    string `yaml:"name"`
		Runtime any    `yaml:"runtime"`
	}
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &project); err != nil {
		return StackFile{}, err
	}
	if project.Name == "" {
		return StackFile{}, fmt.Errorf("read %s: no project name", filepath.Join(dir, "Pulumi.yaml"))
	}
	var file struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if err := readYAML(path, &file); err != nil {
		return StackFile{}, err
	}
	sf := StackFile{Project: project.Name, Raw: map[string]string{}}
	keys := make([]string, 0, len(file.Config))
	for k := range file.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		node := file.Config[key]
		var value any
		if err := node.Decode(&value); err != nil {
			return StackFile{}, fmt.Errorf("read %s: config %s: %w", path, key, err)
		}
		if m, ok := value.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			value = secretPlaceholder
			sf.SecretKeys = append(sf.SecretKeys, key)
		}
		ns, name, ok := strings.Cut(key, ":")
		if !ok {
			ns, name = project.Name, key
		}
		switch {
		case ns == "aws" && name == "region":
			region, isString := value.(string)
			if !isString {
				return StackFile{}, fmt.Errorf("read %s: config aws:region: must be a string", path)
			}
			sf.Region = region
		case ns == ConfigNamespace:
			raw, err := rawValue(value)
			if err != nil {
				return StackFile{}, fmt.Errorf("read %s: config %s: %w", path, key, err)
			}
			sf.Raw[name] = raw
		}
	}
	return sf, nil
}

// Config returns the stack's configuration as pulumi.RunInfo.Config expects it:
// fully qualified keys, structured values as JSON.
func (sf StackFile) Config() map[string]string {
	out := map[string]string{"aws:region": sf.Region}
	for k, v := range sf.Raw {
		out[ConfigNamespace+":"+k] = v
	}
	return out
}

// rawValue renders a decoded YAML value the way Pulumi passes config to programs.
func rawValue(value any) (string, error) {
	if s, ok := value.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(value)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func readYAML(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
