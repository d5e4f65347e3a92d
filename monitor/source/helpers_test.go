package source

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// vtestDir is the shared real footage, relative to this package.
const vtestDir = "../../../shared/data/vtest"

// testJPEG encodes a small distinct image for frame n.
func testJPEG(t testing.TB, n int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = uint8(n*37 + i%7)
	}
	img.SetGray(n%32, 0, color.Gray{Y: 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// vtestFrames reads the first n real frames.
func vtestFrames(t testing.TB, n int) [][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(vtestDir, "frame_*.jpg"))
	if err != nil || len(names) < n {
		t.Fatalf("shared footage %s: %d frames (%v), want at least %d", vtestDir, len(names), err, n)
	}
	sort.Strings(names)
	frames := make([][]byte, n)
	for i := range frames {
		if frames[i], err = os.ReadFile(names[i]); err != nil {
			t.Fatal(err)
		}
	}
	return frames
}

// withAPP1 inserts an APP1 segment holding payload right after SOI, as EXIF
// data with an embedded thumbnail does.
func withAPP1(jpg, payload []byte) []byte {
	n := len(payload) + 2
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, byte(n >> 8), byte(n)}, payload...)
	return append(out, jpg[2:]...)
}
