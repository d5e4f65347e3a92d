package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestJSONComparesNormalisedDocuments(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }()
	if err := os.Mkdir("testdata", 0o755); err != nil {
		t.Fatal(err)
	}

	JSON(t, "doc.json", `{"b":1,"a":[1,2]}`, true)
	data, err := os.ReadFile(filepath.Join("testdata", "doc.json"))
	if err != nil || string(data) != "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": 1\n}\n" {
		t.Fatalf("written golden file = %q, %v", data, err)
	}
	for _, tc := range []struct {
		text     string
		wantFail bool
	}{
		{`{"a":[1,2],"b":1}`, false}, // same document, other key order and spacing
		{`{"a":[2,1],"b":1}`, true},  // a changed value
		{`not json`, true},
	} {
		r := &recorder{TB: t}
		JSON(r, "doc.json", tc.text, false)
		if r.failed != tc.wantFail {
			t.Errorf("%s: failed = %v, want %v", tc.text, r.failed, tc.wantFail)
		}
	}
}
