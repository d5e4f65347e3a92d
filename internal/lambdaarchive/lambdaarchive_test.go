package lambdaarchive

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return root
}

// TestBuildIsReproducible builds the detector handler twice into separate
// directories and requires identical bytes: a single-entry zip holding an
// arm64 Linux executable named bootstrap with the fixed time and mode.
func TestBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the detector handler")
	}
	t.Parallel()
	root := repoRoot(t)
	ctx := context.Background()
	first, err := Build(ctx, root, "./functions/detector", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	second, err := Build(ctx, root, "./functions/detector/", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(first) != "detector.zip" || filepath.Base(second) != "detector.zip" {
		t.Errorf("archives named %s and %s, want detector.zip", first, second)
	}
	a, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds of the same source differ (%d and %d bytes)", len(a), len(b))
	}

	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("archive has %d entries, want 1", len(zr.File))
	}
	entry := zr.File[0]
	if entry.Name != EntryName {
		t.Errorf("entry name %q, want %q", entry.Name, EntryName)
	}
	if entry.Mode() != 0o755 {
		t.Errorf("entry mode %v, want 0755", entry.Mode())
	}
	if !entry.Modified.Equal(EntryTime) {
		t.Errorf("entry time %v, want %v", entry.Modified, EntryTime)
	}
	rc, err := entry.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var exe bytes.Buffer
	if _, err := exe.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	bin, err := elf.NewFile(bytes.NewReader(exe.Bytes()))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF executable: %v", err)
	}
	if bin.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap machine %v, want %v", bin.Machine, elf.EM_AARCH64)
	}
	if bin.Section(".symtab") != nil {
		t.Errorf("bootstrap keeps its symbol table; -s -w should strip it")
	}
}

func TestBuildErrorsNameThePackage(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	tests := []struct {
		name string
		pkg  string
		want string
	}{
		{name: "missing package", pkg: "./functions/no-such-handler", want: "./functions/no-such-handler"},
		{name: "empty package", pkg: " ", want: "package path is empty"},
		{name: "no name", pkg: ".", want: "no name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			_, err := Build(context.Background(), root, tc.pkg, out)
			if err == nil {
				t.Fatalf("Build(%q) succeeded", tc.pkg)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 0 {
				t.Errorf("failed build left %d files in the output directory", len(entries))
			}
		})
	}
}
