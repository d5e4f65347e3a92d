package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mediguard/mediguard/internal/recorder"
)

// Kinds of diagram, the suffix of their file names.
const (
	KindNetwork   = "network"
	KindResources = "resources"
)

// Diagram is one rendered diagram.
type Diagram struct {
	// Name is the file name without extension: "<stack>-<kind>".
	Name string
	DOT  []byte
}

// Build renders both diagrams of a stack as DOT.
func Build(stack string, resources []recorder.Resource) ([]Diagram, error) {
	network, err := Network(stack, resources)
	if err != nil {
		return nil, err
	}
	flows, err := Resources(stack, resources)
	if err != nil {
		return nil, err
	}
	var out []Diagram
	for _, d := range []struct {
		kind string
		g    *Graph
	}{{KindNetwork, network}, {KindResources, flows}} {
		text, err := d.g.DOT()
		if err != nil {
			return nil, err
		}
		out = append(out, Diagram{Name: stack + "-" + d.kind, DOT: text})
	}
	return out, nil
}

// ErrNoGraphviz is returned by Write when images were asked for and the
// Graphviz dot command is not installed.
var ErrNoGraphviz = errors.New("graphviz `dot` is not installed (apt-get install graphviz, or `make deps`)")

// Write writes each diagram as <dir>/<name>.dot and, for every image format
// given ("svg", "png"), renders it with Graphviz's dot. It returns the paths
// written.
func Write(ctx context.Context, dir string, diagrams []Diagram, formats ...string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	dotPath := ""
	if len(formats) > 0 {
		p, err := exec.LookPath("dot")
		if err != nil {
			return nil, ErrNoGraphviz
		}
		dotPath = p
	}
	var written []string
	for _, d := range diagrams {
		path := filepath.Join(dir, d.Name+".dot")
		if err := os.WriteFile(path, d.DOT, 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
		for _, format := range formats {
			out := filepath.Join(dir, d.Name+"."+format)
			cmd := exec.CommandContext(ctx, dotPath, "-T"+format, "-o", out)
			cmd.Stdin = bytes.NewReader(d.DOT)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				return written, fmt.Errorf("render %s as %s: %w: %s", d.Name, format, err, bytes.TrimSpace(stderr.Bytes()))
			}
			written = append(written, out)
		}
	}
	return written, nil
}
