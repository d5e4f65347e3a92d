package diagram

import (
	"fmt"
	"slices"
	"strings"
)

// Graph is a directed graph ready to print as Graphviz DOT. Nodes keep the
// order they were added in, clusters nest, and edges are printed in the
// order added after removing duplicates, so the same stack always gives the
// same file.
type Graph struct {
	Name  string
	Label string
	// Attributes are graph-level settings (rankdir, fontname...).
	Attributes [][2]string
	root       Cluster
	edges      []Edge
	seenEdges  map[Edge]bool
	nodes      map[string]bool
}

// Node is one box of the diagram.
type Node struct {
	ID    string
	Label string
	// Shape and Fill are Graphviz attributes ("box", "cylinder", "#fde0dc").
	Shape string
	Fill  string
}

// Edge is one arrow; Style is a Graphviz style ("dashed") or empty.
type Edge struct {
	From, To string
	Label    string
	Style    string
}

// Cluster is a subgraph drawn as a framed group.
type Cluster struct {
	id       string
	label    string
	fill     string
	nodes    []Node
	children []*Cluster
}

// NewGraph returns an empty graph.
func NewGraph(name, label string, attributes ...[2]string) *Graph {
	return &Graph{Name: name, Label: label, Attributes: attributes, seenEdges: map[Edge]bool{}, nodes: map[string]bool{}}
}

// Subgraph returns the cluster at path (outermost first), creating the
// missing levels; labels[i] labels path[i] when it is created.
func (g *Graph) Subgraph(path []string, labels []string, fill string) *Cluster {
	c := &g.root
	for i, id := range path {
		var next *Cluster
		for _, child := range c.children {
			if child.id == id {
				next = child
				break
			}
		}
		if next == nil {
			next = &Cluster{id: id, label: labels[i], fill: fill}
			c.children = append(c.children, next)
		}
		c = next
	}
	return c
}

// AddNode adds n to cluster c (nil: the top level). A node ID already in
// the graph is kept where it was first added.
func (g *Graph) AddNode(c *Cluster, n Node) {
	if g.nodes[n.ID] {
		return
	}
	g.nodes[n.ID] = true
	if c == nil {
		c = &g.root
	}
	c.nodes = append(c.nodes, n)
}

// HasNode reports whether a node with the ID was added.
func (g *Graph) HasNode(id string) bool { return g.nodes[id] }

// AddEdge adds e once; edges to or from unknown nodes are errors at DOT time.
func (g *Graph) AddEdge(e Edge) {
	if e.From == e.To || g.seenEdges[e] {
		return
	}
	g.seenEdges[e] = true
	g.edges = append(g.edges, e)
}

// Edges returns the edges in the order they were added.
func (g *Graph) Edges() []Edge { return slices.Clone(g.edges) }

// DOT renders the graph. It fails if an edge names a node that was never
// added, which would make Graphviz draw an unlabelled stray box.
func (g *Graph) DOT() ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(g.Name))
	attrs := append([][2]string{{"label", g.Label}, {"labelloc", "t"}, {"fontname", "Helvetica"}}, g.Attributes...)
	for _, a := range attrs {
		fmt.Fprintf(&b, "  %s=%s;\n", a[0], quote(a[1]))
	}
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	writeCluster(&b, &g.root, "  ")
	for _, e := range g.edges {
		for _, id := range []string{e.From, e.To} {
			if !g.nodes[id] {
				return nil, fmt.Errorf("diagram %s: edge %s -> %s names unknown node %s", g.Name, e.From, e.To, id)
			}
		}
		fmt.Fprintf(&b, "  %s -> %s", quote(e.From), quote(e.To))
		var attrs []string
		if e.Label != "" {
			attrs = append(attrs, "label="+quote(e.Label))
		}
		if e.Style != "" {
			attrs = append(attrs, "style="+quote(e.Style))
		}
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return []byte(b.String()), nil
}

func writeCluster(b *strings.Builder, c *Cluster, indent string) {
	for _, n := range c.nodes {
		shape := n.Shape
		if shape == "" {
			shape = "box"
		}
		fmt.Fprintf(b, "%s%s [label=%s, shape=%s", indent, quote(n.ID), quote(n.Label), quote(shape))
		if n.Fill != "" {
			fmt.Fprintf(b, ", fillcolor=%s", quote(n.Fill))
		}
		b.WriteString("];\n")
	}
	for _, child := range c.children {
		fmt.Fprintf(b, "%ssubgraph %s {\n", indent, quote("cluster_"+child.id))
		fmt.Fprintf(b, "%s  label=%s;\n", indent, quote(child.label))
		if child.fill != "" {
			fmt.Fprintf(b, "%s  style=\"filled\"; fillcolor=%s;\n", indent, quote(child.fill))
		}
		writeCluster(b, child, indent+"  ")
		fmt.Fprintf(b, "%s}\n", indent)
	}
}

// quote renders s as a DOT string: backslashes and quotes escaped, line
// breaks as \n (Graphviz's centred line break).
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
