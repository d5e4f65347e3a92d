package auditlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedClock returns times one second apart from a fixed start, so entries are
// deterministic.
func fixedClock() func() time.Time {
	t := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// writeLog creates a log with n entries and returns its lines.
func writeLog(t testing.TB, key []byte, n int) (string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path, Options{HMACKey: key, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := l.Append("mediguard-watch", "alert.raised", "camera:cam-301", "episode:ep-"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func join(lines []string) string { return strings.Join(lines, "\n") + "\n" }

func TestVerifyAcceptsIntactChain(t *testing.T) {
	t.Parallel()
	for _, key := range [][]byte{nil, []byte("audit-key-for-tests")} {
		path, lines := writeLog(t, key, 5)
		res, err := VerifyFile(path, key)
		if err != nil {
			t.Fatalf("key=%v: %v", key != nil, err)
		}
		if res.Entries != 5 || len(lines) != 5 {
			t.Fatalf("entries = %d, lines = %d, want 5", res.Entries, len(lines))
		}
	}
}

func TestVerifyNamesFirstBadLine(t *testing.T) {
	t.Parallel()
	_, lines := writeLog(t, nil, 5)
	cases := []struct {
		name     string
		mutate   func([]string) []string
		wantLine int
	}{
		{"edited action", func(l []string) []string {
			l[2] = strings.Replace(l[2], "alert.raised", "alert.ignored", 1)
			return l
		}, 3},
		{"edited object", func(l []string) []string {
			l[1] = strings.Replace(l[1], "cam-301", "cam-302", 1)
			return l
		}, 2},
		{"added field", func(l []string) []string {
			l[3] = strings.Replace(l[3], `{"seq"`, `{"note":"x","seq"`, 1)
			return l
		}, 4},
		{"reformatted", func(l []string) []string {
			l[0] = strings.Replace(l[0], `,"actor"`, `, "actor"`, 1)
			return l
		}, 1},
		{"removed middle", func(l []string) []string {
			return append(l[:2:2], l[3:]...)
		}, 3},
		{"removed first", func(l []string) []string { return l[1:] }, 1},
		{"reordered", func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		}, 2},
		{"inserted copy", func(l []string) []string {
			out := append([]string{}, l[:3]...)
			out = append(out, l[1])
			return append(out, l[3:]...)
		}, 4},
		{"garbage line", func(l []string) []string {
			l[4] = "not json"
			return l
		}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mutated := tc.mutate(append([]string{}, lines...))
			_, err := Verify(strings.NewReader(join(mutated)), nil)
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %v, want *VerifyError", err)
			}
			if ve.Line != tc.wantLine {
				t.Fatalf("first bad line = %d (%s), want %d", ve.Line, ve.Reason, tc.wantLine)
			}
		})
	}
}

func TestVerifyRecomputedChainNeedsKey(t *testing.T) {
	t.Parallel()
	key := []byte("audit-key-for-tests")
	_, lines := writeLog(t, key, 3)
	// An attacker rewrites the whole chain, recomputing every hash, but without the key.
	var forged bytes.Buffer
	prev := GenesisHash
	for _, line := range lines {
		line = strings.Replace(line, "alert.raised", "alert.forged", 1)
		var e Entry
		if err := decodeEntry([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		e.Prev = prev
		sealed, err := seal(e, []byte("attacker-key"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := encodeLine(sealed)
		if err != nil {
			t.Fatal(err)
		}
		forged.Write(append(out, '\n'))
		prev = sealed.Hash
	}
	if _, err := Verify(bytes.NewReader(forged.Bytes()), nil); err != nil {
		t.Fatalf("without a key the recomputed chain is internally consistent, got %v", err)
	}
	_, err := Verify(bytes.NewReader(forged.Bytes()), key)
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Line != 1 {
		t.Fatalf("Verify with key = %v, want failure at line 1", err)
	}
}

func TestOpenContinuesChainAndRefusesBrokenOne(t *testing.T) {
	t.Parallel()
	path, lines := writeLog(t, nil, 2)
	l, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Append("operator", "audit.verify")
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 3 {
		t.Fatalf("seq after reopen = %d, want 3", e.Seq)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if res, err := VerifyFile(path, nil); err != nil || res.Entries != 3 || res.Head != e.Hash {
		t.Fatalf("VerifyFile = %+v, %v", res, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("audit log mode = %o, want 600", perm)
	}

	broken := filepath.Join(t.TempDir(), "broken.jsonl")
	if err := os.WriteFile(broken, []byte(join([]string{lines[1]})), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(broken, Options{}); err == nil {
		t.Fatal("Open appended to a broken chain")
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	t.Parallel()
	l, err := Open(filepath.Join(t.TempDir(), "a.jsonl"), Options{Sync: SyncOnClose})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append("x", "y"); err == nil {
		t.Fatal("Append after Close succeeded")
	}
}

// FuzzVerify checks that Verify never panics, that every rejection names a
// line, and that non-empty input is never accepted as an empty chain.
func FuzzVerify(f *testing.F) {
	_, lines := writeLog(f, nil, 3)
	f.Add(join(lines))
	f.Add(join(lines[1:]))
	f.Add(strings.Replace(join(lines), "alert", "alarm", 1))
	f.Add("{}\n")
	f.Fuzz(func(t *testing.T, log string) {
		res, err := Verify(strings.NewReader(log), nil)
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Line < 1 {
				t.Fatalf("error %v does not name a line", err)
			}
			return
		}
		if res.Entries == 0 && strings.TrimSpace(log) != "" {
			t.Fatalf("accepted %q as an empty log", log)
		}
	})
}
