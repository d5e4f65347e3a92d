package evidence

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

func sampleMetadata() Metadata {
	return Metadata{
		EpisodeID:   "cam-301:fall:1",
		CameraID:    "cam-301",
		EventType:   "fall",
		FrameRef:    "frame_000157.jpg",
		DetectedAt:  time.Date(2026, 3, 2, 2, 0, 31, 200_000_000, time.UTC),
		ContentType: "image/jpeg",
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	store, err := NewStore(filepath.Join(t.TempDir(), "evidence"), newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	snapshot := []byte("\xff\xd8 redacted jpeg bytes \xff\xd9")
	name, err := store.Put(sampleMetadata(), snapshot)
	if err != nil {
		t.Fatal(err)
	}
	meta, got, err := store.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, snapshot) || meta != sampleMetadata() {
		t.Fatalf("round trip changed the evidence: %+v", meta)
	}
	raw, err := os.ReadFile(filepath.Join(store.Dir(), name))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("redacted jpeg bytes")) || bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(snapshot))) {
		t.Fatal("evidence file holds the snapshot in clear")
	}
	for path, want := range map[string]os.FileMode{store.Dir(): 0o700, filepath.Join(store.Dir(), name): 0o600} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Fatalf("%s mode = %o, want %o", filepath.Base(path), info.Mode().Perm(), want)
		}
	}
	names, err := store.List()
	if err != nil || len(names) != 1 || names[0] != name {
		t.Fatalf("List = %v, %v", names, err)
	}
}

func TestPutNeverOverwrites(t *testing.T) {
	t.Parallel()
	store, err := NewStore(t.TempDir(), newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	name, err := store.Put(sampleMetadata(), []byte("first"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(sampleMetadata(), []byte("second")); !errors.Is(err, ErrExists) {
		t.Fatalf("second Put = %v, want ErrExists", err)
	}
	if _, got, err := store.Open(name); err != nil || string(got) != "first" {
		t.Fatalf("first evidence changed: %q, %v", got, err)
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	cases := []struct {
		name   string
		mutate func(env map[string]any)
	}{
		{"ciphertext bit flip", func(env map[string]any) {
			ct, _ := base64.StdEncoding.DecodeString(env["ciphertext"].(string))
			ct[len(ct)/2] ^= 0x01
			env["ciphertext"] = base64.StdEncoding.EncodeToString(ct)
		}},
		{"episode moved", func(env map[string]any) {
			env["metadata"].(map[string]any)["episode_id"] = "cam-301:fall:2"
		}},
		{"camera changed", func(env map[string]any) {
			env["metadata"].(map[string]any)["camera_id"] = "cam-302"
		}},
		{"event type changed", func(env map[string]any) {
			env["metadata"].(map[string]any)["event_type"] = "bed_exit"
		}},
		{"nonce replaced", func(env map[string]any) {
			env["nonce"] = base64.StdEncoding.EncodeToString(make([]byte, 12))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store, err := NewStore(t.TempDir(), key)
			if err != nil {
				t.Fatal(err)
			}
			name, err := store.Put(sampleMetadata(), []byte("snapshot"))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(store.Dir(), name)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]any
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			tc.mutate(env)
			raw, err = json.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := store.Open(name); !errors.Is(err, ErrAuthentication) {
				t.Fatalf("Open of tampered evidence = %v, want ErrAuthentication", err)
			}
		})
	}
}

func TestOpenWithWrongKeyOrRenamedFileFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store, err := NewStore(dir, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	name, err := store.Put(sampleMetadata(), []byte("snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewStore(dir, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Open(name); !errors.Is(err, ErrAuthentication) {
		t.Fatalf("Open with wrong key = %v, want ErrAuthentication", err)
	}
	renamed := FileName("cam-301", "cam-301:fall:9")
	if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, renamed)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.Open(renamed); !errors.Is(err, ErrAuthentication) {
		t.Fatalf("Open of renamed evidence = %v, want ErrAuthentication", err)
	}
	if _, _, err := store.Open("../" + renamed); err == nil {
		t.Fatal("Open accepted a path outside the store")
	}
}

func TestFileNameIsSafe(t *testing.T) {
	t.Parallel()
	for _, ids := range [][2]string{{"cam-301", "ep:1"}, {"../../etc", "passwd"}, {"cam", strings.Repeat("x", 500)}} {
		name := FileName(ids[0], ids[1])
		if name != filepath.Base(name) || strings.Contains(name, "..") || len(name) > 200 {
			t.Fatalf("FileName(%q, %q) = %q is not a safe file name", ids[0], ids[1], name)
		}
	}
	if FileName("a", "b_c") == FileName("a_b", "c") {
		t.Fatal("distinct camera/episode pairs share a file name")
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	valid := []string{
		hex.EncodeToString(key),
		"  " + hex.EncodeToString(key) + "\n",
		base64.StdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
	}
	for _, text := range valid {
		got, err := ParseKey(text)
		if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("ParseKey(valid form) = %v", err)
		}
	}
	secret := hex.EncodeToString(key[:16])
	for _, text := range []string{"", secret, "not a key", hex.EncodeToString(append(key, 1))} {
		_, err := ParseKey(text)
		if err == nil {
			t.Fatalf("ParseKey accepted a %d-character invalid key", len(text))
		}
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Fatal("ParseKey error echoes the key text")
		}
	}
}

func TestReadKeyFileRefusesLoosePermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := newKey(t)
	strict := filepath.Join(dir, "strict.key")
	loose := filepath.Join(dir, "loose.key")
	for path, mode := range map[string]os.FileMode{strict: 0o600, loose: 0o644} {
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := ReadKeyFile(strict); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("ReadKeyFile(0600) = %v", err)
	}
	if _, err := ReadKeyFile(loose); err == nil {
		t.Fatal("ReadKeyFile accepted a world-readable key file")
	}
}

func TestNewStoreRejectsShortKey(t *testing.T) {
	t.Parallel()
	if _, err := NewStore(t.TempDir(), make([]byte, 16)); err == nil {
		t.Fatal("NewStore accepted a 16-byte key")
	}
}
