package imageguard

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// smallJPEG encodes a w x h gradient.
func smallJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withDeclaredSize rewrites the frame header (SOF0) of a baseline JPEG to
// declare w x h without adding any pixel data.
func withDeclaredSize(t testing.TB, data []byte, w, h int) []byte {
	t.Helper()
	out := bytes.Clone(data)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	out[i+5], out[i+6] = byte(h>>8), byte(h)
	out[i+7], out[i+8] = byte(w>>8), byte(w)
	return out
}

func TestDecode(t *testing.T) {
	t.Parallel()
	good := smallJPEG(t, 64, 48)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	corrupt := bytes.Clone(good)
	for i := len(corrupt) / 2; i < len(corrupt)-2; i++ {
		corrupt[i] = 0xFF
	}
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"valid", good, DefaultLimits(), nil},
		{"zero-size", nil, DefaultLimits(), ErrEmpty},
		{"wrong format (PNG)", pngBuf.Bytes(), DefaultLimits(), ErrFormat},
		{"text", []byte("not an image at all"), DefaultLimits(), ErrFormat},
		{"truncated header", good[:20], DefaultLimits(), ErrCorrupt},
		{"truncated data", good[:len(good)/2], DefaultLimits(), ErrCorrupt},
		{"corrupt data", corrupt, DefaultLimits(), ErrCorrupt},
		{"declared 30000x30000", withDeclaredSize(t, good, 30000, 30000), DefaultLimits(), ErrTooLarge},
		{"declared zero width", withDeclaredSize(t, good, 0, 48), DefaultLimits(), ErrCorrupt},
		{"too many bytes", good, Limits{MaxBytes: 100}, ErrTooLarge},
		{"too many pixels", good, Limits{MaxPixels: 64*48 - 1}, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, err := Decode(tc.data, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode error = %v, want %v", err, tc.want)
			}
			if tc.want == nil && img.Bounds() != image.Rect(0, 0, 64, 48) {
				t.Errorf("bounds = %v", img.Bounds())
			}
		})
	}
}

// TestDecodeHugeHeaderIsCheap shows a hostile header is refused before any
// pixel buffer is allocated.
func TestDecodeHugeHeaderIsCheap(t *testing.T) {
	huge := withDeclaredSize(t, smallJPEG(t, 64, 48), 30000, 30000)
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := Decode(huge, DefaultLimits()); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	// The header parse allocates a few small tables; a 30000x30000 frame
	// would need 900 MB.
	var m1, m2 runtimeMem
	m1.read()
	_, _ = Decode(huge, DefaultLimits())
	m2.read()
	if allocs > 50 || m2.total-m1.total > 1<<20 {
		t.Errorf("refusing a huge header cost %v allocations, %d bytes", allocs, m2.total-m1.total)
	}
}

func TestDecodeKeepsColourModel(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(*image.YCbCr); !ok {
		t.Errorf("colour JPEG decoded as %T, want *image.YCbCr", got)
	}
	gray, err := Decode(smallJPEG(t, 8, 8), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := gray.(*image.Gray); !ok {
		t.Errorf("grayscale JPEG decoded as %T, want *image.Gray", gray)
	}
}

// FuzzDecode checks that no input makes the guard panic or return an image
// larger than its limits. The seed corpus in testdata/fuzz/FuzzDecode runs
// in the normal test suite.
func FuzzDecode(f *testing.F) {
	f.Add(smallJPEG(f, 16, 16))
	f.Add(withDeclaredSize(f, smallJPEG(f, 16, 16), 30000, 30000))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	if seeds, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "vtest", "frame_000[1-2].jpg")); err == nil {
		for _, s := range seeds {
			if data, err := os.ReadFile(s); err == nil {
				f.Add(data)
			}
		}
	}
	lim := Limits{MaxBytes: 1 << 20, MaxWidth: 512, MaxHeight: 512, MaxPixels: 512 * 512}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, lim)
		if err != nil {
			return
		}
		b := img.Bounds()
		if b.Dx() > lim.MaxWidth || b.Dy() > lim.MaxHeight || b.Dx()*b.Dy() > lim.MaxPixels {
			t.Fatalf("decoded %v beyond limits", b)
		}
	})
}

// runtimeMem samples the cumulative bytes allocated by the process.
type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}
