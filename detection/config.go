package detection

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ZoneKind says what a zone means to the rules.
type ZoneKind string

// Zone kinds.
const (
	ZoneBed        ZoneKind = "bed"        // the patient's bed: bed-exit and inactivity rules
	ZoneRestricted ZoneKind = "restricted" // intrusion inside its schedule raises restricted_zone
	ZoneFloor      ZoneKind = "floor"      // where people can stand: a foot point outside it is not a position
	ZoneDoor       ZoneKind = "door"       // the room door; no rule of its own
)

// Point is a position in normalised image coordinates: 0..1 on each axis,
// origin at the top-left corner, so a configuration survives a change of
// camera resolution. In YAML and JSON it is written as a pair [x, y].
type Point struct{ X, Y float64 }

// Polygon is a closed outline in normalised coordinates (at least 3 points).
type Polygon []Point

// Duration is a time.Duration written as a Go duration string ("2h", "60s").
type Duration time.Duration

// Schedule limits a restricted zone to certain days and hours, evaluated in
// the camera's time zone. From > To means the window crosses midnight: the
// day named is the day the window starts.
type Schedule struct {
	Days []string `yaml:"days" json:"days"`
	From string   `yaml:"from" json:"from"`
	To   string   `yaml:"to" json:"to"`

	days     [7]bool
	fromMins int
	toMins   int
}

// Zone is a named polygon with a meaning.
type Zone struct {
	Name     string    `yaml:"name" json:"name"`
	Kind     ZoneKind  `yaml:"kind" json:"kind"`
	Polygon  Polygon   `yaml:"polygon" json:"polygon"`
	Schedule *Schedule `yaml:"schedule,omitempty" json:"schedule,omitempty"`
}

// PatientRisk holds the clinical risk flags that switch rules on. It carries
// no identifying information; the parser rejects unknown keys so a name or
// note cannot be smuggled in unnoticed.
type PatientRisk struct {
	BedExitRisk bool `yaml:"bed_exit_risk" json:"bed_exit_risk"`
	FallRisk    bool `yaml:"fall_risk" json:"fall_risk"`
}

// Inactivity configures the repositioning reminder: an event when no motion
// is seen in Zone (or the whole room when Zone is empty) for After.
type Inactivity struct {
	After Duration `yaml:"after" json:"after"`
	Zone  string   `yaml:"zone,omitempty" json:"zone,omitempty"`
}

// Thresholds are the tunable numbers of the pipeline. Every field is
// optional; a zero value takes the default from DefaultThresholds.
type Thresholds struct {
	// MotionDiff is the luma difference (0..255) that marks a pixel as changed.
	MotionDiff float64 `yaml:"motion_diff,omitempty" json:"motion_diff,omitempty"`
	// MinBlobArea and MaxBlobArea bound a person blob as a fraction of the frame.
	MinBlobArea float64 `yaml:"min_blob_area,omitempty" json:"min_blob_area,omitempty"`
	MaxBlobArea float64 `yaml:"max_blob_area,omitempty" json:"max_blob_area,omitempty"`
	// LightChange is the changed-pixel fraction above which a frame is taken as
	// a global lighting change (lights, IR switch) and the background recalibrates.
	LightChange float64 `yaml:"light_change,omitempty" json:"light_change,omitempty"`
	// ZoneInertia is how long a track must be inside a zone before it counts.
	ZoneInertia Duration `yaml:"zone_inertia,omitempty" json:"zone_inertia,omitempty"`
	// BedExitAfter is how long the patient must be out of the bed zone.
	BedExitAfter Duration `yaml:"bed_exit_after,omitempty" json:"bed_exit_after,omitempty"`
	// FallStill is how long a fallen person must stay low and still.
	FallStill Duration `yaml:"fall_still,omitempty" json:"fall_still,omitempty"`
	// TamperAfter is how long a covered or defocused view must persist.
	TamperAfter Duration `yaml:"tamper_after,omitempty" json:"tamper_after,omitempty"`
	// MovedAfter is how long a large dissimilarity must persist to call the camera moved.
	MovedAfter Duration `yaml:"moved_after,omitempty" json:"moved_after,omitempty"`
	// Cooldown is the quiet time after an episode ends before the same rule may fire again.
	Cooldown Duration `yaml:"cooldown,omitempty" json:"cooldown,omitempty"`
}

// DefaultThresholds are the values used for every threshold left at zero.
// They were tuned on the scenario catalogue and the vtest clip (see docs/detection.md).
func DefaultThresholds() Thresholds {
	return Thresholds{
		MotionDiff:   22,
		MinBlobArea:  0.002,
		MaxBlobArea:  0.5,
		LightChange:  0.45,
		ZoneInertia:  Duration(1 * time.Second),
		BedExitAfter: Duration(600 * time.Millisecond),
		FallStill:    Duration(3 * time.Second),
		TamperAfter:  Duration(1 * time.Second),
		MovedAfter:   Duration(2 * time.Second),
		Cooldown:     Duration(30 * time.Second),
	}
}

// CameraConfig is the per-camera configuration: where the zones are, what to
// ignore, what to black out in evidence and which rules apply.
type CameraConfig struct {
	CameraID       string      `yaml:"camera_id" json:"camera_id"`
	Ward           string      `yaml:"ward,omitempty" json:"ward,omitempty"`
	Room           string      `yaml:"room,omitempty" json:"room,omitempty"`
	TimeZone       string      `yaml:"time_zone,omitempty" json:"time_zone,omitempty"`
	Patient        PatientRisk `yaml:"patient" json:"patient"`
	Zones          []Zone      `yaml:"zones,omitempty" json:"zones,omitempty"`
	Masks          []Polygon   `yaml:"masks,omitempty" json:"masks,omitempty"`
	PrivacyRegions []Polygon   `yaml:"privacy_regions,omitempty" json:"privacy_regions,omitempty"`
	Inactivity     *Inactivity `yaml:"inactivity,omitempty" json:"inactivity,omitempty"`
	OfflineAfter   Duration    `yaml:"offline_after,omitempty" json:"offline_after,omitempty"`
	Thresholds     Thresholds  `yaml:"thresholds,omitempty" json:"thresholds,omitempty"`

	location *time.Location
}

// DefaultOfflineAfter applies when offline_after is not set.
const DefaultOfflineAfter = 60 * time.Second

var (
	cameraIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	codePattern     = regexp.MustCompile(`^[A-Za-z0-9._-]{0,32}$`)
	zoneNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	clockPattern    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	weekdays        = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
)

// maxConfigBytes bounds what ParseCameraConfig will read: a camera
// configuration is a few kilobytes; anything larger is a mistake or an attack.
const maxConfigBytes = 1 << 20

// ParseCameraConfig reads a camera configuration written in YAML or JSON
// (JSON is accepted as the YAML subset it is). Unknown keys are rejected, and
// a validation error names the offending field, e.g.
// "zones[1].polygon: needs at least 3 points".
func ParseCameraConfig(data []byte) (CameraConfig, error) {
	var cfg CameraConfig
	if len(data) > maxConfigBytes {
		return cfg, fmt.Errorf("parse camera config: %d bytes exceeds the %d byte limit", len(data), maxConfigBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, errors.New("parse camera config: empty document")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return CameraConfig{}, fmt.Errorf("parse camera config: %w", err)
	}
	if err := cfg.validate(); err != nil {
		return CameraConfig{}, fmt.Errorf("camera config: %w", err)
	}
	return cfg, nil
}

// LoadCameraConfig reads and validates the camera configuration file at path.
func LoadCameraConfig(path string) (CameraConfig, error) {
	info, err := os.Stat(path)
	if err != nil {
		return CameraConfig{}, fmt.Errorf("load camera config %s: %w", path, err)
	}
	if info.Size() > maxConfigBytes {
		return CameraConfig{}, fmt.Errorf("load camera config %s: %d bytes exceeds the %d byte limit", path, info.Size(), maxConfigBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return CameraConfig{}, fmt.Errorf("load camera config %s: %w", path, err)
	}
	cfg, err := ParseCameraConfig(data)
	if err != nil {
		return CameraConfig{}, fmt.Errorf("load camera config %s: %w", path, err)
	}
	return cfg, nil
}

// validate checks every field, fills defaults and resolves the time zone and
// schedules. Errors name the field with its path.
func (c *CameraConfig) validate() error {
	if !cameraIDPattern.MatchString(c.CameraID) {
		return fmt.Errorf("camera_id: %q must match [a-z0-9-]{1,64}", c.CameraID)
	}
	if !codePattern.MatchString(c.Ward) {
		return errors.New("ward: must be a facility code of at most 32 letters, digits, '.', '_' or '-'")
	}
	if !codePattern.MatchString(c.Room) {
		return errors.New("room: must be a facility code of at most 32 letters, digits, '.', '_' or '-'")
	}
	tz := c.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("time_zone: %q is not an IANA time zone", c.TimeZone)
	}
	c.location = loc
	names := make(map[string]ZoneKind, len(c.Zones))
	for i := range c.Zones {
		z := &c.Zones[i]
		field := fmt.Sprintf("zones[%d]", i)
		if !zoneNamePattern.MatchString(z.Name) {
			return fmt.Errorf("%s.name: %q must match [a-z0-9][a-z0-9_-]{0,63}", field, z.Name)
		}
		if _, dup := names[z.Name]; dup {
			return fmt.Errorf("%s.name: %q is used by another zone", field, z.Name)
		}
		names[z.Name] = z.Kind
		switch z.Kind {
		case ZoneBed, ZoneRestricted, ZoneFloor, ZoneDoor:
		default:
			return fmt.Errorf("%s.kind: %q must be one of bed, restricted, floor, door", field, z.Kind)
		}
		if err := validatePolygon(z.Polygon); err != nil {
			return fmt.Errorf("%s.polygon: %w", field, err)
		}
		if z.Schedule != nil {
			if z.Kind != ZoneRestricted {
				return fmt.Errorf("%s.schedule: only restricted zones have a schedule", field)
			}
			if err := z.Schedule.resolve(); err != nil {
				return fmt.Errorf("%s.schedule.%w", field, err)
			}
		}
	}
	for i, m := range c.Masks {
		if err := validatePolygon(m); err != nil {
			return fmt.Errorf("masks[%d]: %w", i, err)
		}
	}
	for i, p := range c.PrivacyRegions {
		if err := validatePolygon(p); err != nil {
			return fmt.Errorf("privacy_regions[%d]: %w", i, err)
		}
	}
	if in := c.Inactivity; in != nil {
		if in.After <= 0 {
			return errors.New("inactivity.after: must be a positive duration such as 2h")
		}
		if in.Zone != "" {
			if _, ok := names[in.Zone]; !ok {
				return fmt.Errorf("inactivity.zone: %q names no zone", in.Zone)
			}
		}
	}
	if c.OfflineAfter < 0 {
		return errors.New("offline_after: must not be negative")
	}
	if c.OfflineAfter == 0 {
		c.OfflineAfter = Duration(DefaultOfflineAfter)
	}
	return c.Thresholds.resolve()
}

func validatePolygon(p Polygon) error {
	if len(p) < 3 {
		return errors.New("needs at least 3 points")
	}
	if len(p) > 64 {
		return errors.New("has more than 64 points")
	}
	for j, pt := range p {
		if !(pt.X >= 0 && pt.X <= 1 && pt.Y >= 0 && pt.Y <= 1) {
			return fmt.Errorf("point %d: coordinates must be normalised to 0..1", j)
		}
	}
	if polygonArea(p) < 1e-6 {
		return errors.New("has no area")
	}
	return nil
}

// polygonArea is the shoelace area of p in normalised units.
func polygonArea(p Polygon) float64 {
	var a float64
	for i := range p {
		j := (i + 1) % len(p)
		a += p[i].X*p[j].Y - p[j].X*p[i].Y
	}
	if a < 0 {
		a = -a
	}
	return a / 2
}

func (s *Schedule) resolve() error {
	if len(s.Days) == 0 {
		return errors.New("days: needs at least one day")
	}
	s.days = [7]bool{}
	for i, d := range s.Days {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			return fmt.Errorf("days[%d]: %q must be one of mon tue wed thu fri sat sun", i, d)
		}
		s.days[wd] = true
	}
	var err error
	if s.fromMins, err = parseClock(s.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if s.toMins, err = parseClock(s.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	if s.fromMins == s.toMins {
		return errors.New("to: must differ from from")
	}
	return nil
}

func parseClock(v string) (int, error) {
	if !clockPattern.MatchString(v) {
		return 0, fmt.Errorf("%q must be HH:MM (24-hour)", v)
	}
	h, _ := strconv.Atoi(v[:2])
	m, _ := strconv.Atoi(v[3:])
	return h*60 + m, nil
}

// Active reports whether t falls inside the schedule in loc.
func (s *Schedule) Active(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	mins := lt.Hour()*60 + lt.Minute()
	day := lt.Weekday()
	if s.fromMins < s.toMins {
		return s.days[day] && mins >= s.fromMins && mins < s.toMins
	}
	// The window crosses midnight: the evening part belongs to today, the
	// morning part to the window that started yesterday.
	if mins >= s.fromMins {
		return s.days[day]
	}
	if mins < s.toMins {
		return s.days[(day+6)%7]
	}
	return false
}

func (t *Thresholds) resolve() error {
	def := DefaultThresholds()
	checks := []struct {
		name     string
		v        *float64
		def      float64
		min, max float64
	}{
		{"motion_diff", &t.MotionDiff, def.MotionDiff, 1, 255},
		{"min_blob_area", &t.MinBlobArea, def.MinBlobArea, 1e-5, 1},
		{"max_blob_area", &t.MaxBlobArea, def.MaxBlobArea, 1e-5, 1},
		{"light_change", &t.LightChange, def.LightChange, 0.05, 1},
	}
	for _, c := range checks {
		if *c.v == 0 {
			*c.v = c.def
		}
		if !(*c.v >= c.min && *c.v <= c.max) {
			return fmt.Errorf("thresholds.%s: %v must be within %v..%v", c.name, *c.v, c.min, c.max)
		}
	}
	if t.MinBlobArea >= t.MaxBlobArea {
		return errors.New("thresholds.min_blob_area: must be below max_blob_area")
	}
	durations := []struct {
		name string
		v    *Duration
		def  Duration
	}{
		{"zone_inertia", &t.ZoneInertia, def.ZoneInertia},
		{"bed_exit_after", &t.BedExitAfter, def.BedExitAfter},
		{"fall_still", &t.FallStill, def.FallStill},
		{"tamper_after", &t.TamperAfter, def.TamperAfter},
		{"moved_after", &t.MovedAfter, def.MovedAfter},
		{"cooldown", &t.Cooldown, def.Cooldown},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return fmt.Errorf("thresholds.%s: must not be negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	return nil
}

// Location is the resolved time zone of the camera (UTC when unset).
func (c CameraConfig) Location() *time.Location {
	if c.location == nil {
		return time.UTC
	}
	return c.location
}

// UnmarshalYAML reads a point written as [x, y].
func (p *Point) UnmarshalYAML(n *yaml.Node) error {
	var xy []float64
	if err := n.Decode(&xy); err != nil || len(xy) != 2 {
		return fmt.Errorf("line %d: a point is written [x, y]", n.Line)
	}
	p.X, p.Y = xy[0], xy[1]
	return nil
}

// MarshalYAML writes a point as [x, y].
func (p Point) MarshalYAML() (any, error) { return []float64{p.X, p.Y}, nil }

// MarshalJSON writes a point as [x, y].
func (p Point) MarshalJSON() ([]byte, error) {
	return []byte("[" + strconv.FormatFloat(p.X, 'g', -1, 64) + "," + strconv.FormatFloat(p.Y, 'g', -1, 64) + "]"), nil
}

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: a duration is written like 60s or 2h", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 60s or 2h", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
