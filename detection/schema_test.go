package detection

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// TestSchemaAgreesWithParser validates every testdata configuration against
// schema/camera.schema.json and requires the schema and ParseCameraConfig
// to agree: valid-* files pass both, invalid-* files fail both.
func TestSchemaAgreesWithParser(t *testing.T) {
	t.Parallel()
	schema, err := jsonschema.Compile(filepath.Join("schema", "camera.schema.json"))
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*"))
	if err != nil || len(files) < 6 {
		t.Fatalf("config fixtures: %v (%d)", err, len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wantValid := strings.HasPrefix(name, "valid-")
			_, parseErr := ParseCameraConfig(data)
			if (parseErr == nil) != wantValid {
				t.Errorf("ParseCameraConfig error = %v, want valid=%v", parseErr, wantValid)
			}
			doc, err := jsonDocument(data)
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := schema.Validate(doc)
			if (schemaErr == nil) != wantValid {
				t.Errorf("schema validation error = %v, want valid=%v", schemaErr, wantValid)
			}
		})
	}
}

// jsonDocument converts a YAML or JSON document into the generic JSON form
// the schema validator works on.
func jsonDocument(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc any
	return doc, json.Unmarshal(raw, &doc)
}
