package policycheck

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestNeedsBuild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(rel string, mod time.Time) {
		t.Helper()
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	write("src/index.ts", now.Add(-time.Hour))
	if stale, err := needsBuild(dir); err != nil || !stale {
		t.Fatalf("no bin/index.js: needsBuild = %v, %v; want true", stale, err)
	}
	write("bin/index.js", now)
	if stale, err := needsBuild(dir); err != nil || stale {
		t.Fatalf("bin newer than src: needsBuild = %v, %v; want false", stale, err)
	}
	write("src/policies/x.ts", now.Add(time.Hour))
	if stale, err := needsBuild(dir); err != nil || !stale {
		t.Fatalf("a source newer than bin: needsBuild = %v, %v; want true", stale, err)
	}
}

func TestProviderCarriesTheRegion(t *testing.T) {
	t.Parallel()
	p, err := providerFor(Stack{Project: "mediguard", Name: "prod", Region: "us-east-2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.GetProperties().GetFields()["region"].GetStringValue(); got != "us-east-2" {
		t.Errorf("provider region = %q, want us-east-2", got)
	}
	if p.GetUrn() != "urn:pulumi:prod::mediguard::pulumi:providers:aws::default" {
		t.Errorf("provider URN = %q", p.GetUrn())
	}
}
