package monitor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadSecret(t *testing.T) {
	// Not parallel: it sets an environment variable.
	const secret = "a-webhook-secret-long-enough"
	dir := t.TempDir()
	strict := filepath.Join(dir, "strict")
	loose := filepath.Join(dir, "loose")
	short := filepath.Join(dir, "short")
	for path, content := range map[string]string{strict: secret + "\n", loose: secret, short: "tiny\n"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MEDIGUARD_TEST_SECRET", "  "+secret+"  ")
	t.Setenv("MEDIGUARD_TEST_SHORT", "tiny")
	cases := []struct {
		name      string
		file, env string
		want      string
		wantErr   bool
	}{
		{"file", strict, "", secret, false},
		{"env", "", "MEDIGUARD_TEST_SECRET", secret, false},
		{"neither", "", "", "", false},
		{"both", strict, "MEDIGUARD_TEST_SECRET", "", true},
		{"world-readable file", loose, "", "", true},
		{"short file", short, "", "", true},
		{"short env", "", "MEDIGUARD_TEST_SHORT", "", true},
		{"unset env", "", "MEDIGUARD_TEST_UNSET", "", true},
		{"missing file", filepath.Join(dir, "missing"), "", "", true},
	}
	for _, tc := range cases {
		got, err := LoadSecret("webhook secret", tc.file, tc.env, 16)
		if (err != nil) != tc.wantErr || string(got) != tc.want {
			t.Fatalf("%s: LoadSecret = %q, %v", tc.name, got, err)
		}
		if err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "tiny")) {
			t.Fatalf("%s: error reveals the secret: %v", tc.name, err)
		}
	}
}
