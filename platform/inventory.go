package platform

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mediguard/mediguard/internal/recorder"
)

// Node is one resource in the synthesised tree, with its children.
type Node struct {
	Type     string  `json:"type"`
	Name     string  `json:"name"`
	URN      string  `json:"urn"`
	Custom   bool    `json:"custom"`
	Protect  bool    `json:"protect,omitempty"`
	Children []*Node `json:"children,omitempty"`
}

// Inventory is what a stack would create: the resource tree and its counts.
type Inventory struct {
	Stack      string         `json:"stack"`
	Project    string         `json:"project"`
	Resources  int            `json:"resources"`  // cloud resources (custom)
	Components int            `json:"components"` // MediGuard component resources
	Protected  int            `json:"protected"`
	ByType     map[string]int `json:"byType"`
	Tree       []*Node        `json:"tree"`
}

// NewInventory builds the tree (by parent, children in name order) and counts
// from a recording.
func NewInventory(project, stack string, resources []recorder.Resource) Inventory {
	inv := Inventory{Stack: stack, Project: project, ByType: map[string]int{}}
	nodes := map[string]*Node{}
	for _, r := range resources {
		nodes[r.URN] = &Node{Type: r.Type, Name: r.Name, URN: r.URN, Custom: r.Custom, Protect: r.Protect}
		inv.ByType[r.Type]++
		if r.Custom {
			inv.Resources++
		} else {
			inv.Components++
		}
		if r.Protect {
			inv.Protected++
		}
	}
	for _, r := range resources {
		n := nodes[r.URN]
		if parent, ok := nodes[r.Parent]; ok {
			parent.Children = append(parent.Children, n)
		} else {
			inv.Tree = append(inv.Tree, n)
		}
	}
	// Registration order varies between runs (resources register from
	// concurrent goroutines); name order makes two inventories diffable.
	var sortNodes func([]*Node)
	sortNodes = func(nodes []*Node) {
		sort.Slice(nodes, func(i, j int) bool {
			if nodes[i].Name != nodes[j].Name {
				return nodes[i].Name < nodes[j].Name
			}
			return nodes[i].Type < nodes[j].Type
		})
		for _, n := range nodes {
			sortNodes(n.Children)
		}
	}
	sortNodes(inv.Tree)
	return inv
}

// WriteText prints the tree and the counts for a person to read.
func (inv Inventory) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Stack %s/%s would create %d resources in %d components (%d protected)\n\n",
		inv.Project, inv.Stack, inv.Resources, inv.Components, inv.Protected)
	var walk func(nodes []*Node, prefix string)
	walk = func(nodes []*Node, prefix string) {
		for i, n := range nodes {
			branch, next := "├─ ", "│  "
			if i == len(nodes)-1 {
				branch, next = "└─ ", "   "
			}
			mark := ""
			if n.Protect {
				mark = "  [protected]"
			}
			fmt.Fprintf(&b, "%s%s%s  %s%s\n", prefix, branch, n.Name, n.Type, mark)
			walk(n.Children, prefix+next)
		}
	}
	walk(inv.Tree, "")
	b.WriteString("\nResources by type:\n")
	types := make([]string, 0, len(inv.ByType))
	for t := range inv.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "  %4d  %s\n", inv.ByType[t], t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
