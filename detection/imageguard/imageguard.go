// Package imageguard decodes untrusted JPEG frames with hard limits checked
// before any pixel buffer is allocated, so a hostile or corrupt frame (a
// 30000x30000 header, a truncated stream, a PNG posing as a frame) costs a
// few microseconds and an error, never memory or a panic.
package imageguard

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
)

// Limits bound what Decode accepts.
type Limits struct {
	MaxBytes  int // encoded size
	MaxWidth  int // declared width in pixels
	MaxHeight int // declared height in pixels
	MaxPixels int // declared width*height
}

// DefaultLimits accept frames up to 1920x1080 (full HD) and 4 MiB: the
// largest a room camera sends for analysis.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 4 << 20, MaxWidth: 1920, MaxHeight: 1920, MaxPixels: 1920 * 1080}
}

// Errors callers may test with errors.Is.
var (
	ErrEmpty    = errors.New("empty image")
	ErrTooLarge = errors.New("image exceeds limits")
	ErrFormat   = errors.New("not a JPEG image")
	ErrCorrupt  = errors.New("corrupt JPEG image")
)

// jpegSOI is the start-of-image marker every JPEG begins with.
var jpegSOI = []byte{0xFF, 0xD8, 0xFF}

// Check validates the encoded size, the format and the declared dimensions
// without decoding pixels, and returns the declared configuration.
func Check(data []byte, lim Limits) (image.Config, error) {
	if len(data) == 0 {
		return image.Config{}, ErrEmpty
	}
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return image.Config{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	if !bytes.HasPrefix(data, jpegSOI) {
		return image.Config{}, ErrFormat
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return image.Config{}, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, fmt.Errorf("%w: zero dimension %dx%d", ErrCorrupt, cfg.Width, cfg.Height)
	}
	if (lim.MaxWidth > 0 && cfg.Width > lim.MaxWidth) || (lim.MaxHeight > 0 && cfg.Height > lim.MaxHeight) ||
		(lim.MaxPixels > 0 && cfg.Width*cfg.Height > lim.MaxPixels) {
		return image.Config{}, fmt.Errorf("%w: declared %dx%d", ErrTooLarge, cfg.Width, cfg.Height)
	}
	return cfg, nil
}

// Decode checks data against lim and then decodes it. The result is an
// *image.YCbCr for colour JPEGs or an *image.Gray for grayscale ones (an IR
// camera), which lets callers read the luma plane without conversion.
func Decode(data []byte, lim Limits) (image.Image, error) {
	cfg, err := Check(data, lim)
	if err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("%w: decoded %dx%d, header declared %dx%d", ErrCorrupt, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return img, nil
}
