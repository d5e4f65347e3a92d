package scenario

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"
)

// Output formats of WriteSet.
const (
	FormatJPEG  = "jpeg"  // frames/frame_000001.jpg ...
	FormatMJPEG = "mjpeg" // stream.mjpeg: the JPEGs concatenated, as ffmpeg -f mjpeg reads
)

// WriteSet renders specs into dir, one directory per scenario:
//
//	<dir>/<name>/camera.yaml
//	<dir>/<name>/truth.json
//	<dir>/<name>/frames/frame_000001.jpg ...   (format "jpeg")
//	<dir>/<name>/stream.mjpeg                  (format "mjpeg")
//
// Specs are all validated before anything is written, so a bad spec loses
// nothing. A scenario directory that already exists is replaced. Scenarios
// render in parallel, one per core.
func WriteSet(dir string, specs []Spec, format string) error {
	if format != FormatJPEG && format != FormatMJPEG {
		return fmt.Errorf("write scenario set %s: unknown format %q (jpeg or mjpeg)", dir, format)
	}
	seen := map[string]bool{}
	for _, s := range specs {
		n, err := s.Normalize()
		if err != nil {
			return fmt.Errorf("write scenario set %s: %w", dir, err)
		}
		if seen[n.Name] {
			return fmt.Errorf("write scenario set %s: duplicate scenario name %q", dir, n.Name)
		}
		seen[n.Name] = true
	}
	// Scenarios are independent: render them on every core. The first
	// failure cancels the renders still running.
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, s := range specs {
		g.Go(func() error {
			return writeScenario(ctx, filepath.Join(dir, s.Name), s, format)
		})
	}
	return g.Wait()
}

// writeScenario renders one scenario into a temporary sibling directory and
// renames it into place, so a failed render never leaves a half set behind.
func writeScenario(ctx context.Context, target string, s Spec, format string) error {
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write scenario %s: %w", s.Name, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+s.Name+".tmp-")
	if err != nil {
		return fmt.Errorf("write scenario %s: %w", s.Name, err)
	}
	defer os.RemoveAll(tmp)
	truth, err := renderInto(ctx, tmp, s, format)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "camera.yaml"), truth.CameraConfigYAML(), 0o644); err != nil {
		return fmt.Errorf("write scenario %s: camera.yaml: %w", s.Name, err)
	}
	data, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return fmt.Errorf("write scenario %s: encode truth: %w", s.Name, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "truth.json"), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write scenario %s: truth.json: %w", s.Name, err)
	}
	if err := os.RemoveAll(target); err != nil {
		return fmt.Errorf("write scenario %s: replace %s: %w", s.Name, target, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("write scenario %s: %w", s.Name, err)
	}
	return nil
}

// renderInto renders the frames of s into dir; it stops at the next frame
// once ctx is cancelled.
func renderInto(ctx context.Context, dir string, s Spec, format string) (Truth, error) {
	if format == FormatMJPEG {
		f, err := os.Create(filepath.Join(dir, "stream.mjpeg"))
		if err != nil {
			return Truth{}, fmt.Errorf("write scenario %s: %w", s.Name, err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		truth, err := Render(s, func(_ int, _ time.Time, jpeg []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			_, err := w.Write(jpeg)
			return err
		})
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write scenario %s: stream.mjpeg: %w", s.Name, cerr)
		}
		return truth, err
	}
	frames := filepath.Join(dir, "frames")
	if err := os.Mkdir(frames, 0o755); err != nil {
		return Truth{}, fmt.Errorf("write scenario %s: %w", s.Name, err)
	}
	return Render(s, func(i int, _ time.Time, jpeg []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(frames, FrameFileName(i)), jpeg, 0o644)
	})
}

// FrameFileName is the file name of frame i (1-based) in a jpeg-format set.
func FrameFileName(i int) string { return fmt.Sprintf("frame_%06d.jpg", i) }
