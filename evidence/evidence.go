// Package evidence keeps one encrypted, privacy-masked snapshot per alert on
// local disk.
//
// The caller hands in a snapshot that is already redacted (the watch loop masks
// the camera's privacy regions with detection.RedactJPEG first). Each snapshot
// is sealed with AES-256-GCM under a 32-byte key, with a fresh random nonce and
// the snapshot's metadata (which includes the episode ID and camera ID) as
// additional authenticated data: moving a snapshot to another episode, editing
// its metadata or flipping one ciphertext bit makes Open fail. Files are
// created with O_EXCL and mode 0600 inside a 0700 directory, so evidence is
// never overwritten and never world-readable.
package evidence

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// KeySize is the AES-256 key length in bytes.
const KeySize = 32

// formatVersion identifies the on-disk layout.
const formatVersion = 1

// fileSuffix marks evidence files in the store directory.
const fileSuffix = ".evidence.json"

// maxFileBytes bounds what Open reads, so a planted huge file cannot exhaust memory.
const maxFileBytes = 64 << 20

// ErrExists is returned when evidence for the episode is already stored.
var ErrExists = errors.New("evidence already stored")

// ErrAuthentication is returned when a file does not decrypt and verify under
// the key: it was tampered with, or the key is wrong.
var ErrAuthentication = errors.New("evidence failed authentication")

// Metadata describes a snapshot. It carries references only: no pixels and no
// patient identifiers. All of it is authenticated.
type Metadata struct {
	EpisodeID   string    `json:"episode_id"`
	CameraID    string    `json:"camera_id"`
	EventType   string    `json:"event_type"`
	FrameRef    string    `json:"frame_ref"`
	DetectedAt  time.Time `json:"detected_at"`
	ContentType string    `json:"content_type"`
}

// envelope is the on-disk JSON document.
type envelope struct {
	Version    int      `json:"version"`
	Metadata   Metadata `json:"metadata"`
	Nonce      string   `json:"nonce"`
	Ciphertext string   `json:"ciphertext"`
}

// Store writes and reads evidence files in one directory.
type Store struct {
	dir  string
	aead cipher.AEAD
}

// NewStore opens (creating with mode 0700 if needed) the evidence directory dir
// with a 32-byte AES-256 key.
func NewStore(dir string, key []byte) (*Store, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("open evidence store %s: key is %d bytes, want %d", dir, len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("open evidence store %s: %w", dir, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("open evidence store %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open evidence store %s: %w", dir, err)
	}
	return &Store{dir: dir, aead: aead}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// additionalData is the AAD for m: its canonical JSON (which contains the
// episode ID and camera ID) under the format version.
func additionalData(m Metadata) ([]byte, error) {
	m.DetectedAt = m.DetectedAt.UTC()
	md, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append([]byte(fmt.Sprintf("mediguard-evidence-v%d\n", formatVersion)), md...), nil
}

var unsafeNameChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// FileName is the deterministic file name for an episode of a camera: readable
// IDs plus a hash of the exact pair, so any ID characters are safe and the same
// episode always maps to the same file (which O_EXCL then protects).
func FileName(cameraID, episodeID string) string {
	sum := sha256.Sum256([]byte(cameraID + "\x00" + episodeID))
	clean := func(s string) string {
		s = unsafeNameChars.ReplaceAllString(s, "_")
		if len(s) > 64 {
			s = s[:64]
		}
		return s
	}
	return fmt.Sprintf("%s_%s_%s%s", clean(cameraID), clean(episodeID), hex.EncodeToString(sum[:6]), fileSuffix)
}

// Put encrypts snapshot under m and writes it to a new file, returning the file
// name (relative to the store directory). It fails with ErrExists if evidence
// for the same camera and episode is already stored.
func (s *Store) Put(m Metadata, snapshot []byte) (string, error) {
	if m.EpisodeID == "" || m.CameraID == "" {
		return "", fmt.Errorf("store evidence: episode ID and camera ID are required")
	}
	name := FileName(m.CameraID, m.EpisodeID)
	m.DetectedAt = m.DetectedAt.UTC()
	aad, err := additionalData(m)
	if err != nil {
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("store evidence %s: nonce: %w", name, err)
	}
	doc, err := json.Marshal(envelope{
		Version:    formatVersion,
		Metadata:   m,
		Nonce:      base64.StdEncoding.EncodeToString(nonce),
		Ciphertext: base64.StdEncoding.EncodeToString(s.aead.Seal(nil, nonce, snapshot, aad)),
	})
	if err != nil {
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	path := filepath.Join(s.dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("store evidence %s: %w", name, ErrExists)
	}
	if err != nil {
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	if _, err := f.Write(doc); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("store evidence %s: %w", name, err)
	}
	// Sync the directory too, so the new name survives a crash.
	if dir, err := os.Open(s.dir); err == nil {
		dir.Sync()
		dir.Close()
	}
	return name, nil
}

// Open reads, decrypts and verifies the evidence file name (as returned by Put
// or List) and returns its metadata and snapshot.
func (s *Store) Open(name string) (Metadata, []byte, error) {
	if name != filepath.Base(name) || !strings.HasSuffix(name, fileSuffix) {
		return Metadata{}, nil, fmt.Errorf("open evidence %q: not an evidence file name", name)
	}
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w", name, err)
	}
	defer f.Close()
	var env envelope
	dec := json.NewDecoder(io.LimitReader(f, maxFileBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w: malformed file: %v", name, ErrAuthentication, err)
	}
	if env.Version != formatVersion {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: unsupported format version %d", name, env.Version)
	}
	nonce, err := base64.StdEncoding.DecodeString(env.Nonce)
	if err != nil || len(nonce) != s.aead.NonceSize() {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w: bad nonce", name, ErrAuthentication)
	}
	ciphertext, err := base64.StdEncoding.DecodeString(env.Ciphertext)
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w: bad ciphertext encoding", name, ErrAuthentication)
	}
	aad, err := additionalData(env.Metadata)
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w", name, err)
	}
	snapshot, err := s.aead.Open(nil, nonce, ciphertext, aad)
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w", name, ErrAuthentication)
	}
	if FileName(env.Metadata.CameraID, env.Metadata.EpisodeID) != name {
		return Metadata{}, nil, fmt.Errorf("open evidence %s: %w: file was renamed", name, ErrAuthentication)
	}
	return env.Metadata, snapshot, nil
}

// List returns the evidence file names in the store, sorted.
func (s *Store) List() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list evidence in %s: %w", s.dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), fileSuffix) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}
