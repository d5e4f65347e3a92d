package statebackend

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
)

// ConfigNamespace is the namespace of the bootstrap project's keys
// (`mediguard-bootstrap:<key>` in bootstrap/Pulumi.<stack>.yaml).
const ConfigNamespace = "mediguard-bootstrap"

// DefaultNoncurrentVersionDays keeps overwritten state checkpoints for a
// quarter: long enough to recover from a bad update or a corrupted checkpoint.
// Pulumi's own update history (.pulumi/history) is current data and stays.
const DefaultNoncurrentVersionDays = 90

// Config is the typed configuration of one bootstrap stack.
type Config struct {
	// Environment is "dev" or "prod": it names the keys' aliases and turns on
	// protection in prod.
	Environment string
	// DeployerRoleARNs are the IAM roles that run `pulumi` against the
	// environment's stacks (engineers' SSO roles, the pipeline's deploy role):
	// the only principals the secrets key lets encrypt and decrypt. Empty
	// delegates to the account's IAM policies; prod must name them.
	DeployerRoleARNs []string
	// NoncurrentVersionDays is how long overwritten state checkpoints are kept
	// (default 90).
	NoncurrentVersionDays int
}

var roleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)

// configKeys are the keys the bootstrap reads.
var configKeys = []string{"environment", "deployerRoleArns", "noncurrentVersionDays"}

// ParseConfig decodes the raw values Pulumi hands the program (key without
// namespace -> value; lists as JSON) and validates them, naming every bad key.
func ParseConfig(raw map[string]string) (Config, error) {
	c := Config{Environment: raw["environment"], NoncurrentVersionDays: DefaultNoncurrentVersionDays}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if !slices.Contains(configKeys, key) {
			errs = append(errs, configError(key, "unknown key"))
		}
	}
	if v, ok := raw["deployerRoleArns"]; ok {
		if err := json.Unmarshal([]byte(v), &c.DeployerRoleARNs); err != nil {
			errs = append(errs, configError("deployerRoleArns", "must be a list of IAM role ARNs: %v", err))
		}
	}
	if v, ok := raw["noncurrentVersionDays"]; ok {
		if err := json.Unmarshal([]byte(v), &c.NoncurrentVersionDays); err != nil {
			errs = append(errs, configError("noncurrentVersionDays", "must be a whole number of days: %v", err))
		}
	}
	errs = append(errs, c.Validate())
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate reports every problem of the configuration, each naming its key.
func (c Config) Validate() error {
	var errs []error
	if c.Environment != "dev" && c.Environment != "prod" {
		errs = append(errs, configError("environment", "must be dev or prod, got %q", c.Environment))
	}
	for i, arn := range c.DeployerRoleARNs {
		if !roleARNPattern.MatchString(arn) {
			errs = append(errs, configError(fmt.Sprintf("deployerRoleArns[%d]", i), "%q is not an IAM role ARN", arn))
		}
	}
	if c.Environment == "prod" && len(c.DeployerRoleARNs) == 0 {
		errs = append(errs, configError("deployerRoleArns", "prod must name the roles that may decrypt its secrets"))
	}
	if c.NoncurrentVersionDays < 1 {
		errs = append(errs, configError("noncurrentVersionDays", "must be at least 1, got %d", c.NoncurrentVersionDays))
	}
	return errors.Join(errs...)
}

// configError names the config key a problem is about.
func configError(key, format string, args ...any) error {
	return fmt.Errorf("config %s:%s: %s", ConfigNamespace, key, fmt.Sprintf(format, args...))
}
