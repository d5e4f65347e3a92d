package platform

import (
	"strings"
	"testing"
)

func TestParseStackConfigDefaultsPerEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env       string
		zones     int
		lockMode  string
		protect   bool
		destroyOK bool
	}{
		{"dev", 2, "GOVERNANCE", false, true},
		{"prod", 3, "COMPLIANCE", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			cfg, err := ParseStackConfig("eu-west-1", map[string]string{
				"environment": tt.env,
				"cameras":     `[{"id":"cam-1","ward":"W1","room":"101"}]`,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.AvailabilityZones) != tt.zones || cfg.AvailabilityZones[0] != "eu-west-1a" {
				t.Errorf("zones = %v, want %d zones of eu-west-1", cfg.AvailabilityZones, tt.zones)
			}
			if cfg.ObjectLock.Mode != tt.lockMode || cfg.Protect != tt.protect || cfg.Destroyable != tt.destroyOK {
				t.Errorf("got lock %s protect %v destroyable %v", cfg.ObjectLock.Mode, cfg.Protect, cfg.Destroyable)
			}
			if cfg.Retention.AuditLogDays < hipaaRetentionDays {
				t.Errorf("audit log retention %d below six years", cfg.Retention.AuditLogDays)
			}
		})
	}
}

func TestParseStackConfigNamesEveryBadKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  map[string]string
		want []string
	}{
		{
			name: "missing environment",
			raw:  map[string]string{},
			want: []string{"mediguard:environment: required"},
		},
		{
			name: "unknown key and malformed JSON",
			raw: map[string]string{
				"environment": "dev", "camras": "[]", "cameras": `[{"id":`,
			},
			want: []string{"mediguard:camras: unknown key", "mediguard:cameras: invalid value"},
		},
		{
			name: "unknown field inside an object",
			raw:  map[string]string{"environment": "dev", "cameras": `[{"id":"cam-1","ward":"W1","room":"1","patient":"x"}]`},
			want: []string{`mediguard:cameras: invalid value: json: unknown field "patient"`},
		},
		{
			name: "every field problem at once",
			raw: map[string]string{
				"environment":       "prod",
				"availabilityZones": `["us-east-1a","us-east-1a","eu-west-1b"]`,
				"vpcCidr":           "10.0.0.0/8",
				"cameras":           `[{"id":"Cam 1","ward":"","room":"301"},{"id":"Cam 1","ward":"W3","room":"a room with a very long name"}]`,
				"alertSubscribers":  `[{"protocol":"http","endpoint":""}]`,
				"retention":         `{"videoHours":0,"frameDays":1,"evidenceDays":1,"auditLogDays":365,"appLogDays":2192,"flowLogDays":2192,"noncurrentDays":1}`,
				"objectLock":        `{"mode":"GOVERNANCE","days":0}`,
				"destroyable":       "true",
				"protect":           "false",
			},
			want: []string{
				"mediguard:availabilityZones[1]: duplicate zone",
				`mediguard:availabilityZones[2]: "eu-west-1b" is not an availability zone of us-east-1`,
				"mediguard:vpcCidr: must be an IPv4 CIDR between /16 and /24",
				"mediguard:cameras[0].id: must match",
				"mediguard:cameras[0].ward: must be a facility code",
				`mediguard:cameras[1].id: duplicate camera id "Cam 1"`,
				"mediguard:cameras[1].room: must be a facility code",
				"mediguard:alertSubscribers[0].protocol: must be one of",
				"mediguard:alertSubscribers[0].endpoint: required",
				"mediguard:retention.videoHours: must be 1..87600",
				"mediguard:retention.auditLogDays: must be at least 2192 days",
				"mediguard:objectLock.mode: prod requires COMPLIANCE",
				"mediguard:objectLock.days: must be at least 1",
				"mediguard:destroyable: prod stacks cannot be destroyable",
				"mediguard:protect: prod stacks must protect stateful resources",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseStackConfig("us-east-1", tt.raw)
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestReadStackFilesOfTheRepository(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			sf, err := ReadStackFile("..", stack)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := ParseStackConfig(sf.Region, sf.Raw)
			if err != nil {
				t.Fatalf("the committed Pulumi.%s.yaml is invalid: %v", stack, err)
			}
			if cfg.Environment != stack {
				t.Errorf("environment = %q, want %q", cfg.Environment, stack)
			}
		})
	}
}

func TestReadStackFileMarksSecureValuesSecret(t *testing.T) {
	t.Parallel()
	sf, err := ReadStackFile("testdata", "secure")
	if err != nil {
		t.Fatal(err)
	}
	if len(sf.SecretKeys) != 1 || sf.SecretKeys[0] != "mediguard:vpcCidr" {
		t.Errorf("secret keys = %v", sf.SecretKeys)
	}
	if strings.Contains(sf.Raw["vpcCidr"], "v1:") {
		t.Errorf("ciphertext leaked into the offline config: %q", sf.Raw["vpcCidr"])
	}
	if sf.Project != "fixture" || sf.Region != "eu-central-1" {
		t.Errorf("project/region = %q/%q", sf.Project, sf.Region)
	}
}

func TestReadStackFileErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	if _, err := ReadStackFile("testdata", "missing"); err == nil || !strings.Contains(err.Error(), "Pulumi.missing.yaml") {
		t.Errorf("got %v", err)
	}
	if _, err := ReadStackFile("testdata", "broken"); err == nil || !strings.Contains(err.Error(), "Pulumi.broken.yaml") {
		t.Errorf("got %v", err)
	}
}

func TestCameraDetectionConfigIsValidatedByTheEngine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		detection string
		want      string // "" = valid
	}{
		{name: "defaults", detection: ``},
		{name: "zones", detection: `{"zones":[{"name":"bed","kind":"bed","polygon":[[0.1,0.1],[0.5,0.1],[0.5,0.5]]}]}`},
		{name: "polygon too short", detection: `{"zones":[{"name":"bed","kind":"bed","polygon":[[0.1,0.1],[0.5,0.1]]}]}`, want: "zones[0].polygon: needs at least 3 points"},
		{name: "identity fields belong to the entry", detection: `{"camera_id":"other"}`, want: "mediguard:cameras[0].detection: camera_id is set by the camera entry"},
		{name: "patient identifier field refused", detection: `{"patient":{"name":"Jane Doe"}}`, want: "mediguard:cameras[0].detection"},
		{name: "not an object", detection: `[1,2]`, want: "mediguard:cameras[0].detection: must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cam := `{"id":"cam-1","ward":"W1","room":"101"}`
			if tt.detection != "" {
				cam = `{"id":"cam-1","ward":"W1","room":"101","detection":` + tt.detection + `}`
			}
			_, err := ParseStackConfig("us-east-1", map[string]string{
				"environment": "dev", "timeZone": "Europe/Paris", "cameras": "[" + cam + "]",
			})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid configuration refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "Jane Doe") {
				t.Errorf("the error repeats a patient identifier: %v", err)
			}
		})
	}
}

func TestCameraDetectionDocumentCarriesTheStackTimeZone(t *testing.T) {
	t.Parallel()
	doc, err := Camera{ID: "cam-1", Ward: "W1", Room: "101"}.DetectionConfig("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"camera_id":"cam-1"`, `"ward":"W1"`, `"room":"101"`, `"time_zone":"Europe/Paris"`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("document %s lacks %s", doc, want)
		}
	}
}

func TestTimeZoneMustBeIANA(t *testing.T) {
	t.Parallel()
	_, err := ParseStackConfig("us-east-1", map[string]string{
		"environment": "dev", "timeZone": "Mars/Olympus", "cameras": `[{"id":"cam-1","ward":"W1","room":"101"}]`,
	})
	if err == nil || !strings.Contains(err.Error(), "mediguard:timeZone") {
		t.Errorf("got %v", err)
	}
}
