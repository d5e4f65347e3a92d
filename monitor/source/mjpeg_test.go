package source

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// scanAll returns the frames and the per-call errors of a scan, up to io.EOF.
func scanAll(t *testing.T, s *MJPEGScanner) (frames [][]byte, bad int) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		data, err := s.Next()
		switch {
		case errors.Is(err, io.EOF):
			return frames, bad
		case errors.Is(err, ErrBadFrame):
			bad++
		case err != nil:
			t.Fatalf("scan: %v", err)
		default:
			frames = append(frames, data)
		}
	}
	t.Fatal("scanner never reached EOF")
	return nil, 0
}

func TestMJPEGScanner(t *testing.T) {
	t.Parallel()
	a, b, c := testJPEG(t, 1), testJPEG(t, 2), testJPEG(t, 3)
	thumb := withAPP1(a, append([]byte("Exif\x00\x00"), testJPEG(t, 9)...)) // holds FF D8 ... FF D9
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := []struct {
		name    string
		stream  []byte
		max     int
		want    [][]byte
		wantBad int
	}{
		{"clean", cat(a, b, c), 0, [][]byte{a, b, c}, 0},
		{"garbage between frames", cat([]byte("junk"), a, []byte("\r\n--boundary\r\n\xff\x00"), b), 0, [][]byte{a, b}, 0},
		{"embedded thumbnail", cat(thumb, b), 0, [][]byte{thumb, b}, 0},
		{"truncated last frame", cat(a, b, c[:len(c)/2]), 0, [][]byte{a, b}, 1},
		{"cut frame followed by next", cat(a, b[:len(b)/2], c), 0, [][]byte{a, c}, 1},
		{"corrupt marker", cat(a, []byte{0xFF, 0xD8, 0x12, 0x34}, c), 0, [][]byte{a, c}, 1},
		{"oversized frame", cat(a, thumb, c), len(a) + 10, [][]byte{a, c}, 1},
		{"oversized cut frame", cat(a, thumb[:len(thumb)-30], c), len(a) + 10, [][]byte{a, c}, 1},
		{"empty", nil, 0, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			frames, bad := scanAll(t, NewMJPEGScanner(bytes.NewReader(tc.stream), tc.max))
			if bad != tc.wantBad || len(frames) != len(tc.want) {
				t.Fatalf("got %d frames and %d bad, want %d and %d", len(frames), bad, len(tc.want), tc.wantBad)
			}
			for i := range frames {
				if !bytes.Equal(frames[i], tc.want[i]) {
					t.Fatalf("frame %d differs from the original", i)
				}
			}
		})
	}
}

func TestMJPEGScannerRealFootage(t *testing.T) {
	t.Parallel()
	frames := vtestFrames(t, 20)
	got, bad := scanAll(t, NewMJPEGScanner(bytes.NewReader(bytes.Join(frames, nil)), 0))
	if bad != 0 || len(got) != len(frames) {
		t.Fatalf("got %d frames and %d bad, want %d and 0", len(got), bad, len(frames))
	}
	for i := range got {
		if !bytes.Equal(got[i], frames[i]) {
			t.Fatalf("frame %d differs from the original", i+1)
		}
	}
}

func TestMJPEGScannerReadError(t *testing.T) {
	t.Parallel()
	broken := io.MultiReader(bytes.NewReader(testJPEG(t, 1)), &failingReader{})
	s := NewMJPEGScanner(broken, 0)
	if _, err := s.Next(); err != nil {
		t.Fatalf("first frame: %v", err)
	}
	_, err := s.Next()
	if err == nil || errors.Is(err, ErrBadFrame) || errors.Is(err, io.EOF) {
		t.Fatalf("read error surfaced as %v, want a fatal error", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("device gone") }

func BenchmarkMJPEGScanner(b *testing.B) {
	frames := vtestFrames(b, 50)
	stream := bytes.Join(frames, nil)
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		s := NewMJPEGScanner(bytes.NewReader(stream), 0)
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
}

// FuzzMJPEGScanner checks that any byte stream ends the scan without a panic
// and that every frame returned is a bounded, complete SOI..EOI unit.
func FuzzMJPEGScanner(f *testing.F) {
	a, b := testJPEG(f, 1), testJPEG(f, 2)
	f.Add(bytes.Join([][]byte{a, b}, nil), 0)
	f.Add(append(a[:len(a)/2:len(a)/2], b...), 0)
	f.Add(withAPP1(a, []byte{0xFF, 0xD8, 0xFF, 0xD9}), 600)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0x00, 0xFF, 0xD9}, 0)
	f.Fuzz(func(t *testing.T, stream []byte, max int) {
		max = int(uint(max)%4096) + 16
		s := NewMJPEGScanner(bytes.NewReader(stream), max)
		for calls := 0; ; calls++ {
			if calls > len(stream)+1 {
				t.Fatalf("%d calls on a %d-byte stream without reaching EOF", calls, len(stream))
			}
			frame, err := s.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("in-memory stream gave a fatal error: %v", err)
				}
				continue
			}
			if len(frame) > max || len(frame) < 4 || !bytes.HasPrefix(frame, []byte{0xFF, 0xD8}) || !bytes.HasSuffix(frame, []byte{0xFF, 0xD9}) {
				t.Fatalf("frame of %d bytes is not a bounded SOI..EOI unit", len(frame))
			}
		}
	})
}
