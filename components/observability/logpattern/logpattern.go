// Package logpattern parses and evaluates the subset of the CloudWatch Logs
// JSON filter pattern syntax that MediGuard's metric filters use, so that tests
// can show each filter matches the CloudTrail events it is meant to count and
// no others, without an AWS account.
//
// Supported: `{ expr }` where expr combines comparisons with && and || and
// parentheses, and a comparison is `$.a.b = value`, `$.a.b != value` or
// `$.a.b NOT EXISTS`. Values are double-quoted strings or bare words; `*` in a
// value matches any run of characters. As in CloudWatch Logs, a comparison on
// a property the event does not have is false (for = and != alike).
//
// Mixing && and || at one level without parentheses is rejected: CloudWatch's
// precedence there surprises readers, and a security filter must say exactly
// what it counts.
package logpattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Pattern is a parsed JSON filter pattern.
type Pattern struct {
	text string
	root node
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.text }

// node is one part of the expression tree.
type node interface {
	eval(event map[string]any) bool
}

type (
	andNode []node
	orNode  []node
	// comparison tests one property.
	comparison struct {
		selector []string
		op       string // "=", "!=", "NOT EXISTS"
		value    string
	}
)

func (n andNode) eval(e map[string]any) bool {
	for _, c := range n {
		if !c.eval(e) {
			return false
		}
	}
	return true
}

func (n orNode) eval(e map[string]any) bool {
	for _, c := range n {
		if c.eval(e) {
			return true
		}
	}
	return false
}

func (c comparison) eval(e map[string]any) bool {
	v, ok := lookup(e, c.selector)
	switch c.op {
	case "NOT EXISTS":
		return !ok
	case "=":
		return ok && matches(v, c.value)
	case "!=":
		return ok && !matches(v, c.value)
	}
	return false
}

// lookup walks the selector through nested objects.
func lookup(e map[string]any, selector []string) (any, bool) {
	var cur any = e
	for _, key := range selector {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// matches compares a JSON value with a pattern value; `*` is a wildcard.
func matches(v any, want string) bool {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case bool, float64:
		s = fmt.Sprint(x)
	default:
		return false
	}
	return glob(want, s)
}

// glob reports whether s matches pattern, where * matches any run of
// characters (including none) and every other character matches itself.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, middle := range parts[1 : len(parts)-1] {
		i := strings.Index(s, middle)
		if i < 0 {
			return false
		}
		s = s[i+len(middle):]
	}
	return strings.HasSuffix(s, last)
}

// Match reports whether the JSON log event matches. Events that are not JSON
// objects never match.
func (p *Pattern) Match(event []byte) bool {
	var e map[string]any
	if err := json.Unmarshal(event, &e); err != nil {
		return false
	}
	return p.root.eval(e)
}

// Parse parses a JSON filter pattern, naming the position of the first problem.
func Parse(text string) (*Pattern, error) {
	p := &parser{tokens: nil}
	toks, err := tokenize(text)
	if err != nil {
		return nil, fmt.Errorf("parse filter pattern: %w", err)
	}
	p.tokens = toks
	if !p.accept("{") {
		return nil, errors.New("parse filter pattern: a JSON filter pattern starts with {")
	}
	root, err := p.expr()
	if err != nil {
		return nil, fmt.Errorf("parse filter pattern: %w", err)
	}
	if !p.accept("}") {
		return nil, fmt.Errorf("parse filter pattern: expected } at token %d (%q)", p.pos, p.peek())
	}
	if p.pos != len(p.tokens) {
		return nil, fmt.Errorf("parse filter pattern: unexpected %q after }", p.peek())
	}
	return &Pattern{text: text, root: root}, nil
}

type parser struct {
	tokens []string
	pos    int
}

func (p *parser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *parser) accept(tok string) bool {
	if p.peek() == tok {
		p.pos++
		return true
	}
	return false
}

// expr parses terms joined by one kind of operator.
func (p *parser) expr() (node, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	terms := []node{first}
	op := ""
	for p.peek() == "&&" || p.peek() == "||" {
		next := p.peek()
		if op != "" && next != op {
			return nil, fmt.Errorf("&& and || mixed without parentheses at token %d", p.pos)
		}
		op = next
		p.pos++
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	switch op {
	case "&&":
		return andNode(terms), nil
	case "||":
		return orNode(terms), nil
	}
	return first, nil
}

func (p *parser) term() (node, error) {
	if p.accept("(") {
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.accept(")") {
			return nil, fmt.Errorf("expected ) at token %d (%q)", p.pos, p.peek())
		}
		return n, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (node, error) {
	sel := p.peek()
	if !strings.HasPrefix(sel, "$.") || len(sel) < 3 {
		return nil, fmt.Errorf("expected a $.property selector at token %d, got %q", p.pos, sel)
	}
	p.pos++
	c := comparison{selector: strings.Split(sel[2:], ".")}
	for _, part := range c.selector {
		if part == "" {
			return nil, fmt.Errorf("selector %q has an empty property name", sel)
		}
	}
	switch {
	case p.accept("="):
		c.op = "="
	case p.accept("!="):
		c.op = "!="
	case p.accept("NOT"):
		if !p.accept("EXISTS") {
			return nil, fmt.Errorf("expected EXISTS after NOT at token %d", p.pos)
		}
		c.op = "NOT EXISTS"
		return c, nil
	default:
		return nil, fmt.Errorf("expected =, != or NOT EXISTS after %s, got %q", sel, p.peek())
	}
	v := p.peek()
	switch {
	case strings.HasPrefix(v, `"`):
		c.value = strings.Trim(v, `"`)
	case v == "" || strings.ContainsAny(v, "(){}=!&|"):
		return nil, fmt.Errorf("expected a value after %s %s, got %q", sel, c.op, v)
	default:
		c.value = v
	}
	p.pos++
	return c, nil
}

// tokenize splits the pattern into punctuation, operators, quoted strings and words.
func tokenize(text string) ([]string, error) {
	var toks []string
	r := []rune(text)
	for i := 0; i < len(r); {
		switch c := r[i]; {
		case unicode.IsSpace(c):
			i++
		case strings.ContainsRune("{}()", c):
			toks = append(toks, string(c))
			i++
		case c == '&' || c == '|':
			if i+1 >= len(r) || r[i+1] != c {
				return nil, fmt.Errorf("lone %q at offset %d", c, i)
			}
			toks = append(toks, string([]rune{c, c}))
			i += 2
		case c == '!':
			if i+1 >= len(r) || r[i+1] != '=' {
				return nil, fmt.Errorf("lone ! at offset %d", i)
			}
			toks = append(toks, "!=")
			i += 2
		case c == '=':
			toks = append(toks, "=")
			i++
		case c == '"':
			j := i + 1
			for j < len(r) && r[j] != '"' {
				j++
			}
			if j >= len(r) {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			toks = append(toks, string(r[i:j+1]))
			i = j + 1
		default:
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) && !strings.ContainsRune(`{}()&|!="`, r[j]) {
				j++
			}
			toks = append(toks, string(r[i:j]))
			i = j
		}
	}
	return toks, nil
}
