package logpattern

import (
	"strings"
	"testing"
)

const consoleLogin = `{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/ops"},"additionalEventData":{"MFAUsed":"No"},"count":3,"readOnly":false}`

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    bool
	}{
		{`{ $.eventName = ConsoleLogin }`, true},
		{`{ $.eventName = "ConsoleLogin" }`, true},
		{`{ $.eventName = "Console*" }`, true},
		{`{ $.eventName = "*Login" }`, true},
		{`{ $.eventName = "*sole*" }`, true},
		{`{ $.eventName = "C*e*n" }`, true},
		{`{ $.eventName = "Login*" }`, false},
		{`{ $.eventName != ConsoleLogin }`, false},
		{`{ $.userIdentity.type = "IAMUser" }`, true},
		{`{ $.userIdentity.arn = "arn:aws:iam::*:user/*" }`, true},
		{`{ $.userIdentity.invokedBy NOT EXISTS }`, true},
		{`{ $.userIdentity.type NOT EXISTS }`, false},
		{`{ $.missing = "x" }`, false},
		{`{ $.missing != "x" }`, false},
		{`{ $.userIdentity.type.deeper = "x" }`, false},
		{`{ $.count = 3 }`, true},
		{`{ $.readOnly = false }`, true},
		{`{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != "Yes") }`, true},
		{`{ ($.eventName = CreateVpc) || ($.eventName = ConsoleLogin) }`, true},
		{`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }`, false},
		{`{ ($.eventName = ConsoleLogin) && (($.errorMessage = "Failed*") || ($.errorCode = "*Unauthorized*")) }`, true},
		{`{ ($.eventName = ConsoleLogin) && (($.errorMessage = "Nope") || ($.errorCode = "*Unauthorized*")) }`, false},
	}
	for _, tc := range tests {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.pattern, err)
			continue
		}
		if got := p.Match([]byte(consoleLogin)); got != tc.want {
			t.Errorf("%s matches = %v, want %v", tc.pattern, got, tc.want)
		}
	}
}

func TestNonJSONEventsNeverMatch(t *testing.T) {
	t.Parallel()
	p, err := Parse(`{ $.eventName NOT EXISTS }`)
	if err != nil {
		t.Fatal(err)
	}
	for _, event := range []string{"", "plain text", "[1,2]", `"string"`} {
		if p.Match([]byte(event)) {
			t.Errorf("%q matched", event)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ pattern, want string }{
		{`$.a = b`, "starts with {"},
		{`{ $.a = b`, "expected }"},
		{`{ $.a = b } extra`, "unexpected"},
		{`{ $.a = b && $.c = d || $.e = f }`, "mixed without parentheses"},
		{`{ ($.a = b }`, "expected )"},
		{`{ a = b }`, "selector"},
		{`{ $. = b }`, "selector"},
		{`{ $.a..b = c }`, "empty property"},
		{`{ $.a NOT b }`, "EXISTS"},
		{`{ $.a > 3 }`, "expected =, != or NOT EXISTS"},
		{`{ $.a = }`, "expected a value"},
		{`{ $.a = "open }`, "unterminated"},
		{`{ $.a = b & $.c = d }`, "lone"},
		{`{ $.a ! b }`, "lone !"},
	}
	for _, tc := range tests {
		if _, err := Parse(tc.pattern); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) error = %v, want %q", tc.pattern, err, tc.want)
		}
	}
}

func FuzzParseNeverPanics(f *testing.F) {
	for _, seed := range []string{`{ $.a = b }`, `{ ($.a = "x*") || ($.b != c) }`, `{ $.a NOT EXISTS }`, `{`, `"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		p, err := Parse(pattern)
		if err == nil {
			p.Match([]byte(consoleLogin))
		}
	})
}
