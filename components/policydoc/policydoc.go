// Package policydoc builds AWS policy documents (IAM, KMS key, S3 bucket, SNS topic
// and SQS queue policies) from typed Go values instead of string templates or
// provider invokes, so components can be unit-tested offline and every statement
// can be asserted after parsing.
//
// Values that come from other resources (ARNs) are resolved first with
// pulumi.All(...).ApplyT, then the document is built and rendered with
// Document.JSON inside the apply.
package policydoc

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the only policy language version AWS recommends.
const Version = "2012-10-17"

// Effect is Allow or Deny.
type Effect string

// Statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an AWS policy document.
type Document struct {
	Version    string      `json:"Version"`
	ID         string      `json:"Id,omitempty"`
	Statements []Statement `json:"Statement"`
}

// Statement is one policy statement. Action and Resource always render as lists,
// Principal as "*" (Any) or an object of principal kinds.
type Statement struct {
	Sid        string     `json:"Sid,omitempty"`
	Effect     Effect     `json:"Effect"`
	Principal  *Principal `json:"Principal,omitempty"`
	Actions    []string   `json:"Action"`
	Resources  []string   `json:"Resource,omitempty"`
	Conditions Conditions `json:"Condition,omitempty"`
}

// Principal names who a resource policy or trust policy applies to.
type Principal struct {
	// Any renders as "*": everyone. Only for Deny statements or with conditions
	// that restrict it (for example aws:SecureTransport).
	Any       bool
	AWS       []string
	Service   []string
	Federated []string
}

// Conditions maps a condition operator (StringEquals, ArnLike, Bool...) to its
// condition keys and their accepted values.
type Conditions map[string]map[string][]string

// New returns a document of the current version with the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statements: statements}
}

// JSON renders the document. It fails on documents AWS would reject: no
// statements, a statement without effect or actions, or duplicate Sids.
func (d Document) JSON() (string, error) {
	if err := d.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}

// Validate reports every structural problem of the document at once.
func (d Document) Validate() error {
	var errs []error
	if len(d.Statements) == 0 {
		errs = append(errs, errors.New("policy document has no statements"))
	}
	seen := map[string]bool{}
	for i, s := range d.Statements {
		if s.Effect != Allow && s.Effect != Deny {
			errs = append(errs, fmt.Errorf("statement %d (%q): effect must be Allow or Deny, got %q", i, s.Sid, s.Effect))
		}
		if len(s.Actions) == 0 {
			errs = append(errs, fmt.Errorf("statement %d (%q): no actions", i, s.Sid))
		}
		if s.Sid != "" {
			if seen[s.Sid] {
				errs = append(errs, fmt.Errorf("statement %d: duplicate Sid %q", i, s.Sid))
			}
			seen[s.Sid] = true
		}
	}
	return errors.Join(errs...)
}

// Statement returns the statement with the given Sid, or false.
func (d Document) Statement(sid string) (Statement, bool) {
	for _, s := range d.Statements {
		if s.Sid == sid {
			return s, true
		}
	}
	return Statement{}, false
}

// MarshalJSON renders "*" for Any, otherwise an object with the non-empty kinds.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Any {
		return json.Marshal("*")
	}
	m := map[string][]string{}
	if len(p.AWS) > 0 {
		m["AWS"] = p.AWS
	}
	if len(p.Service) > 0 {
		m["Service"] = p.Service
	}
	if len(p.Federated) > 0 {
		m["Federated"] = p.Federated
	}
	return json.Marshal(m)
}

// UnmarshalJSON accepts "*" or an object whose values are a string or a list.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return fmt.Errorf("principal: unexpected string %q", star)
		}
		*p = Principal{Any: true}
		return nil
	}
	var m map[string]stringList
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	*p = Principal{AWS: m["AWS"], Service: m["Service"], Federated: m["Federated"]}
	if len(p.AWS) == 1 && p.AWS[0] == "*" {
		p.Any = true
	}
	return nil
}

// Parse reads a policy document as AWS accepts it: Action, Resource and condition
// values may each be a single string or a list. Tests use it to assert statements.
func Parse(text string) (Document, error) {
	var raw struct {
		Version   string `json:"Version"`
		ID        string `json:"Id"`
		Statement []struct {
			Sid       string                           `json:"Sid"`
			Effect    Effect                           `json:"Effect"`
			Principal *Principal                       `json:"Principal"`
			Action    stringList                       `json:"Action"`
			Resource  stringList                       `json:"Resource"`
			Condition map[string]map[string]stringList `json:"Condition"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return Document{}, fmt.Errorf("parse policy document: %w", err)
	}
	doc := Document{Version: raw.Version, ID: raw.ID}
	for _, s := range raw.Statement {
		st := Statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, Actions: s.Action, Resources: s.Resource}
		if len(s.Condition) > 0 {
			st.Conditions = Conditions{}
			for op, kv := range s.Condition {
				st.Conditions[op] = map[string][]string{}
				for k, v := range kv {
					st.Conditions[op][k] = v
				}
			}
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

// stringList decodes a JSON string or list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}
