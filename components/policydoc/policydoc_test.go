package policydoc

import (
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	doc := New(
		Statement{
			Sid: "DenyInsecureTransport", Effect: Deny, Principal: &Principal{Any: true},
			Actions: []string{"s3:*"}, Resources: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"},
			Conditions: Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		Statement{
			Sid: "AllowService", Effect: Allow, Principal: &Principal{Service: []string{"logs.amazonaws.com"}},
			Actions: []string{"kms:Decrypt"}, Resources: []string{"*"},
		},
	)
	text, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, `"Principal":"*"`) {
		t.Errorf("Any principal must render as \"*\": %s", text)
	}
	back, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Errorf("round trip changed the document:\n got %#v\nwant %#v", back, doc)
	}
}

func TestParseAcceptsSingleStrings(t *testing.T) {
	t.Parallel()
	doc, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Statements[0]
	if !s.Principal.Any || s.Actions[0] != "s3:GetObject" || s.Resources[0] != "arn:aws:s3:::b/*" ||
		s.Conditions["StringEquals"]["aws:PrincipalOrgID"][0] != "o-1" {
		t.Errorf("unexpected parse: %#v", s)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	t.Parallel()
	doc := Document{Version: Version, Statements: []Statement{
		{Sid: "A", Effect: "Maybe", Actions: []string{"s3:*"}},
		{Sid: "A", Effect: Allow},
	}}
	_, err := doc.JSON()
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"effect must be Allow or Deny", "no actions", `duplicate Sid "A"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := New().JSON(); err == nil || !strings.Contains(err.Error(), "no statements") {
		t.Errorf("empty document: got %v", err)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "{", `{"Statement":[{"Principal":"someone"}]}`, `{"Statement":[{"Action":7}]}`} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted invalid input", in)
		}
	}
}
