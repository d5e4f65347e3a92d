package scenario

import (
	"fmt"
	"math"

	"gopkg.in/yaml.v3"
)

// cameraConfig mirrors the camera.yaml fields of the detection contract; it
// is written here (not imported from package detection) so the generator
// states the file format it promises, and tests check the engine reads it.
type cameraConfig struct {
	CameraID       string          `yaml:"camera_id"`
	Ward           string          `yaml:"ward"`
	Room           string          `yaml:"room"`
	TimeZone       string          `yaml:"time_zone"`
	Patient        patientRisk     `yaml:"patient"`
	Zones          []zoneConfig    `yaml:"zones"`
	Masks          []polygon       `yaml:"masks,omitempty"`
	PrivacyRegions []polygon       `yaml:"privacy_regions,omitempty"`
	Inactivity     inactivityBlock `yaml:"inactivity"`
	OfflineAfter   string          `yaml:"offline_after"`
}

type zoneConfig struct {
	Name     string    `yaml:"name"`
	Kind     string    `yaml:"kind"`
	Polygon  polygon   `yaml:"polygon"`
	Schedule *schedule `yaml:"schedule,omitempty"`
}

type schedule struct {
	Days []string `yaml:"days,flow"`
	From string   `yaml:"from"`
	To   string   `yaml:"to"`
}

type inactivityBlock struct {
	After string `yaml:"after"`
	Zone  string `yaml:"zone"`
}

// polygon marshals as a flow sequence of [x, y] pairs rounded to 3
// decimals, the compact form used in the contract.
type polygon []Point

func (p polygon) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, pt := range p {
		pair := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range []float64{pt.X, pt.Y} {
			pair.Content = append(pair.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: fmt.Sprintf("%.3f", math.Round(v*1000)/1000)})
		}
		n.Content = append(n.Content, pair)
	}
	return n, nil
}

// restrictedSchedule is when restricted zones are off limits: overnight,
// every day, evaluated in the camera's time zone.
var restrictedSchedule = schedule{Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, From: "21:00", To: "07:00"}

// scheduleActive reports whether the restricted schedule holds at local
// minute-of-day m.
func scheduleActive(m int) bool {
	return m >= 21*60 || m < 7*60
}

// Zone names written to camera.yaml and used as event reasons.
const (
	zoneBed   = "bed"
	zoneFloor = "floor"
	zoneDoor  = "door"
)

// cameraConfig builds the configuration that matches the rendered room.
func (sc *scene) cameraConfig() cameraConfig {
	l := sc.lay
	room := 101 + int(uint64(sc.spec.Seed)%399)
	return cameraConfig{
		CameraID: fmt.Sprintf("cam-%d", room),
		Ward:     fmt.Sprintf("W%d", room/100),
		Room:     fmt.Sprint(room),
		TimeZone: sc.spec.TimeZone,
		Patient:  sc.risk,
		Zones: []zoneConfig{
			{Name: zoneBed, Kind: "bed", Polygon: polygon(l.bedZone())},
			{Name: l.zoneName, Kind: "restricted", Polygon: polygon(l.restrictedZone()), Schedule: &restrictedSchedule},
			{Name: zoneFloor, Kind: "floor", Polygon: polygon{{0, l.horizon}, {1, l.horizon}, {1, 1}, {0, 1}}},
			{Name: zoneDoor, Kind: "door", Polygon: polygon(l.door.polygon(0.01))},
		},
		Masks:          []polygon{polygon(l.tv.polygon(0.025)), polygon(l.window.polygon(0.03))},
		PrivacyRegions: []polygon{polygon(l.board.polygon(0.015)), polygon(l.pillow().polygon(0.03))},
		Inactivity:     inactivityBlock{After: fmt.Sprintf("%ds", int(inactivityAfter.Seconds())), Zone: zoneBed},
		OfflineAfter:   "60s",
	}
}

func (c cameraConfig) yaml() ([]byte, error) {
	out, err := yaml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode camera config %s: %w", c.CameraID, err)
	}
	return out, nil
}
