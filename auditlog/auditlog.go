// Package auditlog is an append-only, hash-chained audit log kept as JSON lines.
//
// Every entry carries a sequence number, the time, the actor, the action, the
// references of the objects it concerns, the previous entry's hash and its own
// SHA-256 hash over a canonical encoding of all of that. Editing, removing,
// inserting or reordering any entry breaks the chain, and Verify names the first
// line where it breaks. With an HMAC key each entry also carries a MAC, so even a
// rewrite of the whole chain by someone without the key is detectable.
//
// Entries hold references (camera IDs, episode IDs, evidence file names, frame
// references), never pixels and never patient identifiers: the log is meant to be
// readable by auditors who are not cleared for PHI.
//
// Durability: the file is opened with O_APPEND, each entry is written with a
// single write call, and by default the file is fsynced after every entry
// (SyncEveryEntry), so an acknowledged entry survives a crash. SyncOnClose trades
// that for throughput when entries are frequent; the chain still verifies after a
// crash, minus the unsynced tail.
package auditlog

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// GenesisHash is the "previous hash" of the first entry of every log.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// maxLineBytes bounds one entry when reading a log back, so a corrupt file
// cannot make Verify allocate without limit.
const maxLineBytes = 1 << 20

// Entry is one audit record. Field order is the canonical order.
type Entry struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Objects []string  `json:"objects"`
	Prev    string    `json:"prev"`
	Hash    string    `json:"hash"`
	MAC     string    `json:"mac,omitempty"`
}

// canonical is the hashed part of an entry: everything except Hash and MAC.
type canonical struct {
	Seq     uint64   `json:"seq"`
	Time    string   `json:"time"`
	Actor   string   `json:"actor"`
	Action  string   `json:"action"`
	Objects []string `json:"objects"`
	Prev    string   `json:"prev"`
}

// canonicalBytes is the byte string hashed and MACed for e: compact JSON of
// seq, time (RFC 3339 UTC with nanoseconds), actor, action, objects and prev, in
// that order, as documented in docs/local-monitoring.md.
func canonicalBytes(e Entry) ([]byte, error) {
	objects := e.Objects
	if objects == nil {
		objects = []string{}
	}
	return json.Marshal(canonical{
		Seq:     e.Seq,
		Time:    e.Time.UTC().Format(time.RFC3339Nano),
		Actor:   e.Actor,
		Action:  e.Action,
		Objects: objects,
		Prev:    e.Prev,
	})
}

// seal computes e's hash and, with a key, its MAC.
func seal(e Entry, key []byte) (Entry, error) {
	c, err := canonicalBytes(e)
	if err != nil {
		return Entry{}, fmt.Errorf("encode audit entry %d: %w", e.Seq, err)
	}
	sum := sha256.Sum256(c)
	e.Hash = hex.EncodeToString(sum[:])
	e.MAC = ""
	if len(key) > 0 {
		m := hmac.New(sha256.New, key)
		m.Write(c)
		e.MAC = hex.EncodeToString(m.Sum(nil))
	}
	return e, nil
}

// encodeLine is the exact line written for a sealed entry (without newline).
func encodeLine(e Entry) ([]byte, error) {
	if e.Objects == nil {
		e.Objects = []string{}
	}
	e.Time = e.Time.UTC()
	return json.Marshal(e)
}

// SyncPolicy says when the log file is flushed to stable storage.
type SyncPolicy int

const (
	// SyncEveryEntry fsyncs after each appended entry (the default).
	SyncEveryEntry SyncPolicy = iota
	// SyncOnClose fsyncs only when the log is closed.
	SyncOnClose
)

// Options configure a Log.
type Options struct {
	// HMACKey, when set, adds an HMAC-SHA256 of each entry's canonical encoding.
	HMACKey []byte
	// Sync is the fsync policy.
	Sync SyncPolicy
	// Now is the clock used for entry times; time.Now when nil.
	Now func() time.Time
}

// Log appends entries to one audit file. It is safe for concurrent use.
type Log struct {
	mu   sync.Mutex
	file *os.File
	path string
	opts Options
	seq  uint64
	head string
}

// Open opens (or creates, mode 0600) the audit log at path for appending. An
// existing file is verified first: appending to a broken chain would hide the
// break, so Open refuses it.
func Open(path string, opts Options) (*Log, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	l := &Log{path: path, opts: opts, head: GenesisHash}
	if existing, err := os.Open(path); err == nil {
		res, verr := Verify(existing, opts.HMACKey)
		existing.Close()
		if verr != nil {
			return nil, fmt.Errorf("open audit log %s: existing chain does not verify: %w", path, verr)
		}
		l.seq, l.head = res.Entries, res.Head
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	l.file = f
	return l, nil
}

// Append records that actor performed action on the referenced objects and
// returns the sealed entry.
func (l *Log) Append(actor, action string, objects ...string) (Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return Entry{}, fmt.Errorf("append to audit log %s: log is closed", l.path)
	}
	e, err := seal(Entry{
		Seq:     l.seq + 1,
		Time:    l.opts.Now().UTC(),
		Actor:   actor,
		Action:  action,
		Objects: append([]string{}, objects...),
		Prev:    l.head,
	}, l.opts.HMACKey)
	if err != nil {
		return Entry{}, err
	}
	line, err := encodeLine(e)
	if err != nil {
		return Entry{}, fmt.Errorf("encode audit entry %d: %w", e.Seq, err)
	}
	if _, err := l.file.Write(append(line, '\n')); err != nil {
		return Entry{}, fmt.Errorf("append audit entry %d to %s: %w", e.Seq, l.path, err)
	}
	if l.opts.Sync == SyncEveryEntry {
		if err := l.file.Sync(); err != nil {
			return Entry{}, fmt.Errorf("sync audit log %s: %w", l.path, err)
		}
	}
	l.seq, l.head = e.Seq, e.Hash
	return e, nil
}

// Head returns the number of entries and the hash of the last one. Recording it
// elsewhere (a ticket, a second system) makes truncation of the tail detectable.
func (l *Log) Head() (uint64, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.head
}

// Close syncs and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return nil
	}
	f := l.file
	l.file = nil
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync audit log %s: %w", l.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close audit log %s: %w", l.path, err)
	}
	return nil
}

// Result summarises a verified chain.
type Result struct {
	Entries uint64 // number of entries
	Head    string // hash of the last entry (GenesisHash for an empty log)
}

// VerifyError names the first line (1-based) where the chain breaks and why.
type VerifyError struct {
	Line   int
	Reason string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("audit chain broken at line %d: %s", e.Line, e.Reason)
}

// Verify reads a whole log and checks every entry: the line is the exact
// canonical serialisation of its entry (no added, removed or reformatted field),
// sequence numbers run 1, 2, 3..., each entry's prev is the previous entry's
// hash, each hash matches its content and, with a key, each MAC matches. The
// first failure is returned as a *VerifyError.
func Verify(r io.Reader, hmacKey []byte) (Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	res := Result{Head: GenesisHash}
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		bad := func(format string, args ...any) (Result, error) {
			return res, &VerifyError{Line: line, Reason: fmt.Sprintf(format, args...)}
		}
		var e Entry
		if err := decodeEntry(raw, &e); err != nil {
			return bad("not an audit entry: %v", err)
		}
		want, err := encodeLine(e)
		if err != nil || !bytes.Equal(want, raw) {
			return bad("entry is not in canonical form (edited by hand?)")
		}
		if e.Seq != res.Entries+1 {
			return bad("sequence %d where %d was expected (entry removed, inserted or reordered)", e.Seq, res.Entries+1)
		}
		if e.Prev != res.Head {
			return bad("prev hash does not match the previous entry (entry removed, inserted or reordered)")
		}
		sealed, err := seal(e, hmacKey)
		if err != nil {
			return bad("%v", err)
		}
		if !hmac.Equal([]byte(sealed.Hash), []byte(e.Hash)) {
			return bad("hash does not match the entry's content (entry edited)")
		}
		if len(hmacKey) > 0 && !hmac.Equal([]byte(sealed.MAC), []byte(e.MAC)) {
			return bad("HMAC does not match (chain rewritten without the key, or wrong key)")
		}
		res.Entries, res.Head = e.Seq, e.Hash
	}
	if err := sc.Err(); err != nil {
		return res, &VerifyError{Line: line + 1, Reason: fmt.Sprintf("unreadable line: %v", err)}
	}
	return res, nil
}

// decodeEntry strictly decodes one line: unknown fields are an error.
func decodeEntry(line []byte, e *Entry) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	return dec.Decode(e)
}

// VerifyFile verifies the log at path; see Verify.
func VerifyFile(path string, hmacKey []byte) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("verify audit log %s: %w", path, err)
	}
	defer f.Close()
	return Verify(f, hmacKey)
}
