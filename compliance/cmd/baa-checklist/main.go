// Command baa-checklist writes docs/baa-checklist.md: the services the
// synthesised program uses, from compliance.Eligible. Run it through
// `go generate ./compliance`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mediguard/mediguard/compliance"
)

func main() {
	dir := flag.String("dir", ".", "project directory holding Pulumi.yaml and the stack files")
	out := flag.String("out", compliance.ChecklistPath, "file to write")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "baa-checklist:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	usage, err := compliance.ProgramUsage(dir)
	if err != nil {
		return err
	}
	text, err := compliance.RenderChecklist(usage)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, text, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
