package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// JPEG markers the scanner needs (ITU T.81 table B.1).
const (
	markerPrefix = 0xFF
	markerSOI    = 0xD8
	markerEOI    = 0xD9
	markerSOS    = 0xDA
	markerTEM    = 0x01
	markerRST0   = 0xD0
	markerRST7   = 0xD7
)

// MJPEGScanner splits a raw concatenated JPEG stream (what ffmpeg writes with
// -f image2pipe -vcodec mjpeg, or a .mjpeg file) into frames.
//
// It follows the JPEG marker structure rather than searching for the bytes
// FF D9, so an EXIF thumbnail inside an APP segment does not end a frame early.
// Garbage between frames is skipped. A frame that is cut off, malformed or
// larger than the limit is reported as ErrBadFrame and scanning resumes at the
// next frame.
type MJPEGScanner struct {
	src      *pushbackReader
	r        *bufio.Reader
	max      int
	offset   int64 // bytes consumed so far
	buf      []byte
	oversize bool
	done     bool
}

// NewMJPEGScanner scans r with frames limited to maxFrameBytes
// (DefaultMaxFrameBytes when <= 0).
func NewMJPEGScanner(r io.Reader, maxFrameBytes int) *MJPEGScanner {
	if maxFrameBytes <= 0 {
		maxFrameBytes = DefaultMaxFrameBytes
	}
	src := &pushbackReader{r: r}
	return &MJPEGScanner{src: src, r: bufio.NewReaderSize(src, 64*1024), max: maxFrameBytes}
}

// errTruncated is the reason for a frame cut off by the end of the stream.
var errTruncated = errors.New("stream ended inside the frame")

// Next returns the next complete JPEG (its own copy), io.EOF at the end of the
// stream, an error wrapping ErrBadFrame for a frame that was skipped, or the
// underlying reader's error.
func (s *MJPEGScanner) Next() ([]byte, error) {
	if s.done {
		return nil, io.EOF
	}
	if err := s.seekSOI(); err != nil {
		s.done = true
		return nil, err
	}
	start := s.offset - 2
	s.buf = append(s.buf[:0], markerPrefix, markerSOI)
	s.oversize = false
	err := s.readFrame()
	switch {
	case err == nil && s.oversize:
		return nil, fmt.Errorf("frame at byte %d exceeds %d bytes: %w", start, s.max, ErrBadFrame)
	case err == nil:
		return append([]byte(nil), s.buf...), nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		s.rescan()
		return nil, fmt.Errorf("frame at byte %d: %w: %w", start, errTruncated, ErrBadFrame)
	case errors.Is(err, ErrBadFrame):
		s.rescan()
		return nil, fmt.Errorf("frame at byte %d: %w", start, err)
	default:
		s.done = true
		return nil, fmt.Errorf("read MJPEG stream at byte %d: %w", s.offset, err)
	}
}

// rescan puts the bytes of a failed frame after its start-of-image back in
// front of the stream when they contain another start-of-image: a cut-off
// frame's segment lengths can swallow the beginning of the next, intact frame.
func (s *MJPEGScanner) rescan() {
	if s.oversize || len(s.buf) < 4 {
		return
	}
	if i := bytes.Index(s.buf[2:], []byte{markerPrefix, markerSOI}); i >= 0 {
		s.pushBack(s.buf[2+i:])
	}
}

// pushBack makes p the next bytes read.
func (s *MJPEGScanner) pushBack(p []byte) {
	buffered, _ := s.r.Peek(s.r.Buffered())
	pending := make([]byte, 0, len(p)+len(buffered)+len(s.src.pending))
	pending = append(append(append(pending, p...), buffered...), s.src.pending...)
	s.src.pending = pending
	s.r.Reset(s.src)
	s.offset -= int64(len(p))
}

// pushbackReader serves pushed-back bytes before its underlying reader.
type pushbackReader struct {
	pending []byte
	r       io.Reader
}

func (p *pushbackReader) Read(b []byte) (int, error) {
	if len(p.pending) > 0 {
		n := copy(b, p.pending)
		p.pending = p.pending[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// seekSOI discards bytes up to and including the next FF D8.
func (s *MJPEGScanner) seekSOI() error {
	prevFF := false
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		s.offset++
		if prevFF && b == markerSOI {
			return nil
		}
		prevFF = b == markerPrefix
	}
}

// readByte reads one byte of the current frame.
func (s *MJPEGScanner) readByte() (byte, error) {
	b, err := s.r.ReadByte()
	if err != nil {
		return 0, err
	}
	s.offset++
	s.keep(b)
	return b, nil
}

// keep appends to the frame unless it is already over the limit, in which case
// the rest of the frame is parsed and dropped.
func (s *MJPEGScanner) keep(p ...byte) {
	if s.oversize {
		return
	}
	if len(s.buf)+len(p) > s.max {
		s.oversize = true
		s.buf = s.buf[:0]
		return
	}
	s.buf = append(s.buf, p...)
}

// readFrame parses marker segments after SOI up to and including EOI.
func (s *MJPEGScanner) readFrame() error {
	for {
		b, err := s.readByte()
		if err != nil {
			return err
		}
		if b != markerPrefix {
			return fmt.Errorf("byte %#02x where a marker was expected: %w", b, ErrBadFrame)
		}
		marker, err := s.markerAfterPrefix()
		if err != nil {
			return err
		}
		for {
			done, next, err := s.segment(marker)
			if err != nil || done {
				return err
			}
			if next == 0 {
				break
			}
			marker = next
		}
	}
}

// markerAfterPrefix reads the marker code after an FF, skipping fill bytes.
func (s *MJPEGScanner) markerAfterPrefix() (byte, error) {
	for {
		b, err := s.readByte()
		if err != nil {
			return 0, err
		}
		if b != markerPrefix {
			return b, nil
		}
	}
}

// segment consumes the segment introduced by marker. It reports done at EOI,
// and for a scan (SOS) the marker that ended its entropy-coded data.
func (s *MJPEGScanner) segment(marker byte) (done bool, next byte, err error) {
	switch {
	case marker == markerEOI:
		return true, 0, nil
	case marker == markerSOI:
		// A new image starts before this one ended: this frame is cut off.
		// Within the size limit rescan finds this start-of-image in the
		// kept bytes; past it, nothing was kept, so hand it back here.
		if s.oversize {
			s.pushBack([]byte{markerPrefix, markerSOI})
		}
		return false, 0, fmt.Errorf("%w: %w", errTruncated, ErrBadFrame)
	case marker == markerTEM || (marker >= markerRST0 && marker <= markerRST7):
		return false, 0, nil
	case marker == 0x00:
		return false, 0, fmt.Errorf("stuffed zero outside entropy-coded data: %w", ErrBadFrame)
	}
	hi, err := s.readByte()
	if err != nil {
		return false, 0, err
	}
	lo, err := s.readByte()
	if err != nil {
		return false, 0, err
	}
	length := int(hi)<<8 | int(lo)
	if length < 2 {
		return false, 0, fmt.Errorf("segment %#02x has length %d: %w", marker, length, ErrBadFrame)
	}
	if err := s.copyN(length - 2); err != nil {
		return false, 0, err
	}
	if marker != markerSOS {
		return false, 0, nil
	}
	next, err = s.entropyData()
	if err != nil {
		return false, 0, err
	}
	return false, next, nil
}

// copyN moves n segment bytes into the frame.
func (s *MJPEGScanner) copyN(n int) error {
	for n > 0 {
		chunk, err := s.r.Peek(min(n, s.r.Size()))
		if len(chunk) == 0 && err != nil {
			return err
		}
		s.keep(chunk...)
		if _, err := s.r.Discard(len(chunk)); err != nil {
			return err
		}
		s.offset += int64(len(chunk))
		n -= len(chunk)
	}
	return nil
}

// entropyData consumes entropy-coded data up to the next real marker, which it
// returns (byte-stuffed FF 00 and restart markers are data).
func (s *MJPEGScanner) entropyData() (byte, error) {
	for {
		chunk, err := s.r.ReadSlice(markerPrefix)
		s.offset += int64(len(chunk))
		s.keep(chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return 0, err
		}
		b, err := s.markerAfterPrefix()
		if err != nil {
			return 0, err
		}
		if b == 0x00 || (b >= markerRST0 && b <= markerRST7) {
			continue
		}
		return b, nil
	}
}
