package evidence

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// ParseKey decodes a 32-byte key written as hex (64 digits) or base64 (standard
// or URL alphabet, padded or not). Surrounding whitespace is ignored. Errors
// never echo the key text.
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if key, err := hex.DecodeString(text); err == nil && len(key) == KeySize {
		return key, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(text); err == nil && len(key) == KeySize {
			return key, nil
		}
	}
	return nil, fmt.Errorf("parse key: want %d bytes as 64 hex digits or base64", KeySize)
}

// ReadKeyFile reads a key file written as ParseKey accepts. The file must not
// be readable by group or others, as for SSH private keys.
func ReadKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("read key file %s: mode %o lets group or others read it; chmod 600 it", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	key, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	return key, nil
}

// KeyFromEnv reads a key from the environment variable name.
func KeyFromEnv(name string) ([]byte, error) {
	text, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("read key from environment: %s is not set", name)
	}
	key, err := ParseKey(text)
	if err != nil {
		return nil, fmt.Errorf("read key from environment %s: %w", name, err)
	}
	return key, nil
}
