// Package evaluation measures the detection engine: it runs detectors over
// scenario sets with ground truth (rendered in memory or read from disk) and
// over real clips treated as benign, and reports per event type precision,
// recall, detection latency and false alarms per camera-hour.
package evaluation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mediguard/mediguard/detection"
	"github.com/mediguard/mediguard/scenario"
)

// Episode is one ground-truth episode: what a perfect engine raises, from
// the first frame the condition holds (Start) until it stops holding (End).
type Episode struct {
	Type   detection.EventType `json:"type"`
	Reason string              `json:"reason"`
	Start  time.Time           `json:"start"`
	End    time.Time           `json:"end"`
}

// Clip is one camera's video with its configuration and ground truth.
type Clip struct {
	Name     string
	Benign   bool   // no event is expected: every event is a false alarm
	Camera   []byte // camera configuration (YAML or JSON)
	Truth    []Episode
	Duration time.Duration
	// Frames streams the frames in capture order to yield and stops at
	// the first error yield returns. Frame.CameraID may be left empty: the
	// evaluator fills it from the camera configuration.
	Frames func(yield func(detection.Frame) error) error
}

// CatalogClips renders scenario specs in memory: nothing touches the disk.
// The ground truth is computed first (Render without drawing), the frames
// are drawn when the clip is evaluated.
func CatalogClips(specs []scenario.Spec) ([]Clip, error) {
	clips := make([]Clip, 0, len(specs))
	for _, spec := range specs {
		truth, err := scenario.Render(spec, nil)
		if err != nil {
			return nil, fmt.Errorf("catalog clip %s: %w", spec.Name, err)
		}
		clips = append(clips, Clip{
			Name:     truth.Name,
			Benign:   truth.Benign,
			Camera:   truth.CameraConfigYAML(),
			Truth:    episodesOf(truth.Events),
			Duration: time.Duration(truth.Frames) * time.Second / time.Duration(truth.FPS),
			Frames: func(yield func(detection.Frame) error) error {
				_, err := scenario.Render(spec, func(i int, ts time.Time, jpeg []byte) error {
					return yield(detection.Frame{Ref: fmt.Sprintf("%s/frame_%06d.jpg", spec.Name, i), Timestamp: ts, JPEG: jpeg})
				})
				return err
			},
		})
	}
	return clips, nil
}

func episodesOf(events []scenario.TruthEvent) []Episode {
	out := make([]Episode, len(events))
	for i, e := range events {
		out[i] = Episode{Type: e.Type, Reason: e.Reason, Start: e.Start, End: e.End}
	}
	return out
}

// truthFile is the truth.json written by `mediguard scenario`.
type truthFile struct {
	Name   string    `json:"name"`
	FPS    int       `json:"fps"`
	Start  time.Time `json:"start"`
	Frames int       `json:"frames"`
	Benign bool      `json:"benign"`
	Events []Episode `json:"events"`
}

// DirClips reads a scenario set written by `mediguard scenario`: one
// directory per scenario with camera.yaml, truth.json and frames/*.jpg or
// stream.mjpeg. Directories without truth.json are skipped.
func DirClips(dir string) ([]Clip, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read scenario set %s: %w", dir, err)
	}
	var clips []Clip
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, "truth.json")); errors.Is(err, os.ErrNotExist) {
			continue
		}
		c, err := scenarioDirClip(sub)
		if err != nil {
			return nil, err
		}
		clips = append(clips, c)
	}
	if len(clips) == 0 {
		return nil, fmt.Errorf("read scenario set %s: no scenario directories with truth.json", dir)
	}
	return clips, nil
}

func scenarioDirClip(dir string) (Clip, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return Clip{}, fmt.Errorf("read scenario %s: %w", dir, err)
	}
	var tf truthFile
	if err := json.Unmarshal(raw, &tf); err != nil {
		return Clip{}, fmt.Errorf("read scenario %s: truth.json: %w", dir, err)
	}
	if tf.FPS <= 0 || tf.Start.IsZero() {
		return Clip{}, fmt.Errorf("read scenario %s: truth.json: fps and start are required", dir)
	}
	camera, err := os.ReadFile(filepath.Join(dir, "camera.yaml"))
	if err != nil {
		return Clip{}, fmt.Errorf("read scenario %s: %w", dir, err)
	}
	name := tf.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	c := Clip{Name: name, Benign: tf.Benign, Camera: camera, Truth: tf.Events,
		Duration: time.Duration(tf.Frames) * time.Second / time.Duration(tf.FPS)}
	stream := filepath.Join(dir, "stream.mjpeg")
	if _, err := os.Stat(stream); err == nil {
		c.Frames = mjpegFrames(stream, tf.Start, tf.FPS)
		return c, nil
	}
	files, err := frameFiles(filepath.Join(dir, "frames"))
	if err != nil {
		return Clip{}, fmt.Errorf("read scenario %s: %w", dir, err)
	}
	c.Frames = fileFrames(files, tf.Start, tf.FPS)
	return c, nil
}

// FolderClip treats a folder of JPEG frames (sorted by name, captured at
// fps) as benign footage: any event on it is a false alarm. camera is the
// configuration to run with; empty means a camera with no zones.
func FolderClip(dir string, fps int, camera []byte) (Clip, error) {
	if fps <= 0 {
		return Clip{}, fmt.Errorf("read clip %s: fps must be positive", dir)
	}
	files, err := frameFiles(dir)
	if err != nil {
		return Clip{}, fmt.Errorf("read clip %s: %w", dir, err)
	}
	if len(camera) == 0 {
		camera = []byte("camera_id: real-footage\n")
	}
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	return Clip{
		Name:     filepath.Base(filepath.Clean(dir)),
		Benign:   true,
		Camera:   camera,
		Duration: time.Duration(len(files)) * time.Second / time.Duration(fps),
		Frames:   fileFrames(files, start, fps),
	}, nil
}

func frameFiles(dir string) ([]string, error) {
	var files []string
	for _, pattern := range []string{"*.jpg", "*.jpeg"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no JPEG frames in %s", dir)
	}
	slices.Sort(files)
	return files, nil
}

// frameTime is the capture time of the i-th frame (0-based).
func frameTime(start time.Time, fps, i int) time.Time {
	return start.Add(time.Duration(i) * time.Second / time.Duration(fps))
}

func fileFrames(files []string, start time.Time, fps int) func(func(detection.Frame) error) error {
	return func(yield func(detection.Frame) error) error {
		for i, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("read frame %s: %w", f, err)
			}
			if err := yield(detection.Frame{Ref: filepath.Base(f), Timestamp: frameTime(start, fps, i), JPEG: data}); err != nil {
				return err
			}
		}
		return nil
	}
}

// mjpegFrames splits a concatenated MJPEG stream at JPEG start-of-image
// markers that follow an end-of-image marker.
func mjpegFrames(path string, start time.Time, fps int) func(func(detection.Frame) error) error {
	return func(yield func(detection.Frame) error) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read stream %s: %w", path, err)
		}
		for i, frame := range splitMJPEG(data) {
			ref := fmt.Sprintf("%s#%d", filepath.Base(path), i+1)
			if err := yield(detection.Frame{Ref: ref, Timestamp: frameTime(start, fps, i), JPEG: frame}); err != nil {
				return err
			}
		}
		return nil
	}
}

// splitMJPEG cuts a stream of concatenated JPEGs into frames. A frame ends
// at an end-of-image marker immediately followed by the next start-of-image.
func splitMJPEG(data []byte) [][]byte {
	var frames [][]byte
	boundary := []byte{0xFF, 0xD9, 0xFF, 0xD8}
	for len(data) > 0 {
		i := bytes.Index(data, boundary)
		if i < 0 {
			frames = append(frames, data)
			break
		}
		frames = append(frames, data[:i+2])
		data = data[i+2:]
	}
	return frames
}
