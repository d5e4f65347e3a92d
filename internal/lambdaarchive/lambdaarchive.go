package lambdaarchive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EntryName is the executable name the provided.* runtimes start.
const EntryName = "bootstrap"

// EntryTime is the modification time written for the archive entry: the
// earliest time a zip (MS-DOS) timestamp can hold, so it never reflects the build.
var EntryTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// entryMode is the fixed mode of the executable in the archive.
const entryMode os.FileMode = 0o755

// buildEnv pins the target and clears the settings a developer's environment
// could use to change the binary (GOFLAGS such as -race or -cover,
// experiments, the arm64 feature level).
var buildEnv = []string{
	"GOOS=linux",
	"GOARCH=arm64",
	"GOARM64=v8.0",
	"CGO_ENABLED=0",
	"GOFLAGS=",
	"GOEXPERIMENT=",
}

// Build compiles the main package pkg (an import path or a ./relative path
// inside moduleDir) for linux/arm64 into a file named bootstrap and writes
// <outDir>/<last element of pkg>.zip holding only that file. It returns the
// archive's absolute path. The archive is replaced atomically, so a failed
// build leaves any previous archive intact.
func Build(ctx context.Context, moduleDir, pkg, outDir string) (zipPath string, err error) {
	if strings.TrimSpace(pkg) == "" {
		return "", errors.New("build lambda archive: package path is empty")
	}
	name := path.Base(strings.TrimRight(filepath.ToSlash(pkg), "/"))
	if name == "." || name == ".." || name == "/" {
		return "", fmt.Errorf("build lambda archive %s: package path has no name to call the archive by", pkg)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build lambda archive %s: find the go command: %w", pkg, err)
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return "", fmt.Errorf("build lambda archive %s: resolve output directory: %w", pkg, err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("build lambda archive %s: create output directory: %w", pkg, err)
	}
	work, err := os.MkdirTemp(outDir, ".build-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("build lambda archive %s: create work directory: %w", pkg, err)
	}
	defer os.RemoveAll(work)

	binary := filepath.Join(work, EntryName)
	cmd := exec.CommandContext(ctx, goBin, "build",
		"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w -buildid=",
		"-o", binary, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), buildEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build lambda archive %s: go build: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}

	staged := filepath.Join(work, name+".zip")
	if err := writeZip(staged, binary); err != nil {
		return "", fmt.Errorf("build lambda archive %s: %w", pkg, err)
	}
	zipPath = filepath.Join(outDir, name+".zip")
	if err := os.Rename(staged, zipPath); err != nil {
		return "", fmt.Errorf("build lambda archive %s: move archive into place: %w", pkg, err)
	}
	return zipPath, nil
}

// writeZip writes a zip at zipPath holding binary as its only entry, with the
// fixed name, time and mode.
func writeZip(zipPath, binary string) (err error) {
	in, err := os.Open(binary)
	if err != nil {
		return fmt.Errorf("open built binary: %w", err)
	}
	defer in.Close()
	out, err := os.Create(zipPath)
	if err != nil {
		return fmt.Errorf("create archive: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close archive: %w", cerr)
		}
	}()
	zw := zip.NewWriter(out)
	header := &zip.FileHeader{Name: EntryName, Method: zip.Deflate, Modified: EntryTime}
	header.SetMode(entryMode)
	w, err := zw.CreateHeader(header)
	if err != nil {
		return fmt.Errorf("add %s to archive: %w", EntryName, err)
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("write %s to archive: %w", EntryName, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish archive: %w", err)
	}
	return nil
}

// Archive returns the built zip as the Code of an aws lambda.Function.
func Archive(zipPath string) pulumi.Archive {
	return pulumi.NewFileArchive(zipPath)
}
