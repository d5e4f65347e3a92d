package monitor

import (
	"fmt"
	"os"
	"strings"
)

// LoadSecret reads a shared secret (the webhook HMAC secret, the audit HMAC
// key) from a file or from an environment variable; with neither given it
// returns nil and no error. A file must not be readable by group or others,
// as for SSH private keys. Surrounding whitespace is trimmed and the secret
// must have at least minLen bytes. Errors name where the secret came from,
// never its value.
func LoadSecret(what, file, env string, minLen int) ([]byte, error) {
	var text, from string
	switch {
	case file != "" && env != "":
		return nil, fmt.Errorf("load %s: give a file or an environment variable, not both", what)
	case file != "":
		info, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", what, err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			return nil, fmt.Errorf("load %s: %s has mode %o, readable by group or others; chmod 600 it", what, file, perm)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", what, err)
		}
		text, from = string(data), file
	case env != "":
		text, from = os.Getenv(env), "$"+env
	default:
		return nil, nil
	}
	secret := strings.TrimSpace(text)
	if len(secret) < minLen {
		return nil, fmt.Errorf("load %s from %s: want at least %d characters, got %d", what, from, minLen, len(secret))
	}
	return []byte(secret), nil
}
