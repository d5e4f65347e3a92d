package monitor

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxSiteBytes bounds a site file.
const maxSiteBytes = 1 << 20

// CameraSpec names one camera to watch: its configuration file and its
// source spec (see source.Open).
type CameraSpec struct {
	Config string `yaml:"config"`
	Source string `yaml:"source"`
}

// site is the site file layout.
type site struct {
	Cameras []CameraSpec `yaml:"cameras"`
}

// LoadSite reads a site file listing cameras:
//
//	cameras:
//	  - config: cam-301.yaml
//	    source: http://10.20.0.31/video.mjpg
//
// Relative config paths, and relative locations of frames:, mjpeg: and
// scenario: sources, are taken from the site file's directory.
func LoadSite(path string) ([]CameraSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load site %s: %w", path, err)
	}
	if len(data) > maxSiteBytes {
		return nil, fmt.Errorf("load site %s: %d bytes exceeds %d", path, len(data), maxSiteBytes)
	}
	var s site
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("load site %s: %w", path, err)
	}
	if len(s.Cameras) == 0 {
		return nil, fmt.Errorf("load site %s: cameras: none listed", path)
	}
	base := filepath.Dir(path)
	for i, c := range s.Cameras {
		if c.Config == "" || c.Source == "" {
			return nil, fmt.Errorf("load site %s: cameras[%d]: config and source are required", path, i)
		}
		if !filepath.IsAbs(c.Config) {
			s.Cameras[i].Config = filepath.Join(base, c.Config)
		}
		s.Cameras[i].Source = resolveSourcePath(base, c.Source)
	}
	return s.Cameras, nil
}

// resolveSourcePath makes the location of a local-file source relative to base.
func resolveSourcePath(base, spec string) string {
	scheme, location, ok := strings.Cut(spec, ":")
	if !ok || (scheme != "frames" && scheme != "mjpeg" && scheme != "scenario") || filepath.IsAbs(location) {
		return spec
	}
	if path, query, hasQuery := strings.Cut(location, "?"); hasQuery {
		return scheme + ":" + filepath.Join(base, path) + "?" + query
	}
	return scheme + ":" + filepath.Join(base, location)
}

// ParseCameraFlag reads a --camera value: "CONFIG=SOURCE", or a rendered
// scenario directory DIR, which means DIR/camera.yaml watched through
// scenario:DIR.
func ParseCameraFlag(value string) (CameraSpec, error) {
	if config, src, ok := strings.Cut(value, "="); ok {
		if config == "" || src == "" {
			return CameraSpec{}, fmt.Errorf("camera %q: want CONFIG=SOURCE or a scenario directory", value)
		}
		return CameraSpec{Config: config, Source: src}, nil
	}
	config := filepath.Join(value, "camera.yaml")
	if _, err := os.Stat(config); err != nil {
		return CameraSpec{}, fmt.Errorf("camera %q: want CONFIG=SOURCE, or a scenario directory holding camera.yaml: %w", value, err)
	}
	return CameraSpec{Config: config, Source: "scenario:" + value}, nil
}
