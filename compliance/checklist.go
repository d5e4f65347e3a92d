package compliance

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"text/template"
)

//go:generate go run ./cmd/baa-checklist -dir .. -out ../docs/baa-checklist.md

// ChecklistPath is where the generated checklist lives, relative to the
// repository root.
const ChecklistPath = "docs/baa-checklist.md"

//go:embed checklist.md.tmpl
var checklistTemplate string

var checklist = template.Must(template.New("baa-checklist").Funcs(template.FuncMap{
	"join": strings.Join,
	"phi": func(holds bool) string {
		if holds {
			return "yes"
		}
		return "no"
	},
	"code": func(items []string) string {
		quoted := make([]string, len(items))
		for i, s := range items {
			quoted[i] = "`" + s + "`"
		}
		return strings.Join(quoted, ", ")
	},
}).Parse(checklistTemplate))

// RenderChecklist renders the BAA checklist for the services the program
// uses. Every used service must say how the program protects it.
func RenderChecklist(usage []Usage) ([]byte, error) {
	for _, u := range usage {
		if strings.TrimSpace(u.Service.Safeguards) == "" {
			return nil, fmt.Errorf("render BAA checklist: service %s is used but has no safeguards written in compliance.Eligible", u.Service.Name)
		}
	}
	variants := make([]string, len(Variants))
	for i, v := range Variants {
		variants[i] = v.Name
	}
	var buf bytes.Buffer
	if err := checklist.Execute(&buf, struct {
		Usage    []Usage
		Variants []string
	}{usage, variants}); err != nil {
		return nil, fmt.Errorf("render BAA checklist: %w", err)
	}
	return buf.Bytes(), nil
}
