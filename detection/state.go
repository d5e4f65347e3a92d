package detection

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
)

// MaxStateBytes is the ceiling on an encoded detector state: it must fit in
// one DynamoDB item (400 KB) with room to spare, and stay cheap to read and
// write on every invocation.
const MaxStateBytes = 64 << 10

// stateVersion changes whenever the encoding changes incompatibly.
const stateVersion = 1

// state is everything a detector remembers between frames. All of it is
// encoded by MarshalState, so a restored detector continues exactly where
// the original stopped.
type state struct {
	Stats        Stats
	LastTS       int64
	W, H         int
	Ref          []uint8 // reference thumbnail of the view (moved check)
	Prev         []uint8 // previous thumbnail (activity)
	SharpBase    float64
	SharpFrames  int
	Calibrating  bool
	Monochrome   bool // the camera delivers monochrome (infrared) frames
	CalibSince   int64
	Tracks       []track
	NextTrack    uint32
	LastActivity int64
	TamperSince  [3]int64
	Tamper       [3]episode
	Fall         episode
	BedExit      episode
	Zones        []episode // per configured zone (restricted zones use theirs)
	Inactivity   episode
}

// wireState is the encoded form: the background travels as raw bytes, which
// is about half the size of gob's varint encoding of []uint16.
type wireState struct {
	Version    int
	CameraID   string
	State      state
	Background []byte
}

// MarshalState encodes the detector's state (at most MaxStateBytes) so that
// RestoreDetector can continue from it, e.g. across Lambda invocations.
func (d *Detector) MarshalState() ([]byte, error) {
	bg := make([]byte, 2*len(d.bg))
	for i, v := range d.bg {
		binary.LittleEndian.PutUint16(bg[2*i:], v)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(wireState{Version: stateVersion, CameraID: d.cfg.CameraID, State: d.st, Background: bg}); err != nil {
		return nil, fmt.Errorf("marshal detector state for camera %s: %w", d.cfg.CameraID, err)
	}
	if buf.Len() > MaxStateBytes {
		return nil, fmt.Errorf("marshal detector state for camera %s: %d bytes exceeds %d", d.cfg.CameraID, buf.Len(), MaxStateBytes)
	}
	return buf.Bytes(), nil
}

// RestoreDetector builds a detector for cfg that continues from a state
// produced by MarshalState. Empty state gives a fresh detector. A state from
// another camera, another configuration shape or a corrupt encoding is
// refused.
func RestoreDetector(cfg CameraConfig, data []byte) (*Detector, error) {
	d, err := NewDetector(cfg)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return d, nil
	}
	if len(data) > MaxStateBytes {
		return nil, fmt.Errorf("restore detector for camera %s: state of %d bytes exceeds %d", cfg.CameraID, len(data), MaxStateBytes)
	}
	var w wireState
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return nil, fmt.Errorf("restore detector for camera %s: decode state: %w", cfg.CameraID, err)
	}
	if err := w.check(cfg); err != nil {
		return nil, fmt.Errorf("restore detector for camera %s: %w", cfg.CameraID, err)
	}
	d.st = w.State
	d.bg = make([]uint16, len(w.Background)/2)
	for i := range d.bg {
		d.bg[i] = binary.LittleEndian.Uint16(w.Background[2*i:])
	}
	if d.st.Stats.Frames > 0 {
		d.prepareGeometry()
	}
	return d, nil
}

// check verifies that a decoded state is consistent with cfg and with itself,
// so a damaged or foreign state cannot make the pipeline index out of range.
func (w *wireState) check(cfg CameraConfig) error {
	s := &w.State
	switch {
	case w.Version != stateVersion:
		return fmt.Errorf("state version %d, want %d", w.Version, stateVersion)
	case w.CameraID != cfg.CameraID:
		return errors.New("state belongs to another camera")
	case len(s.Zones) != len(cfg.Zones):
		return errors.New("state does not match the configured zones")
	}
	if s.Stats.Frames == 0 {
		return nil
	}
	thumbCells := thumbW * thumbH
	if s.W <= 0 || s.H <= 0 || s.W > analysisSide || s.H > analysisSide ||
		len(w.Background) != 2*s.W*s.H || len(s.Ref) != thumbCells || len(s.Prev) != thumbCells {
		return errors.New("state has inconsistent image dimensions")
	}
	if len(s.Tracks) > maxTracks {
		return errors.New("state has too many tracks")
	}
	for _, t := range s.Tracks {
		if len(t.Hist) == 0 || len(t.Hist) > histLen || len(t.ZoneSince) != len(cfg.Zones) {
			return errors.New("state has a malformed track")
		}
	}
	return nil
}
