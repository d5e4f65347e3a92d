package source

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// FolderOptions say how a folder of frames is timed.
type FolderOptions struct {
	FPS           float64   // frames per second; DefaultFPS when <= 0
	Start         time.Time // timestamp of the first frame
	UseModTime    bool      // take each frame's timestamp from its file's modification time instead
	MaxFrameBytes int       // DefaultMaxFrameBytes when <= 0
}

// Folder yields the JPEG files of one directory in name order.
type Folder struct {
	dir   string
	names []string
	next  int
	opts  FolderOptions
}

// NewFolder lists the .jpg and .jpeg files of dir (not recursing).
func NewFolder(dir string, opts FolderOptions) (*Folder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open frame folder %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.Type().IsRegular() && (ext == ".jpg" || ext == ".jpeg") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("open frame folder %s: no .jpg or .jpeg files", dir)
	}
	sort.Strings(names)
	if opts.FPS <= 0 {
		opts.FPS = DefaultFPS
	}
	if opts.MaxFrameBytes <= 0 {
		opts.MaxFrameBytes = DefaultMaxFrameBytes
	}
	return &Folder{dir: dir, names: names, opts: opts}, nil
}

// Next reads the next file. Its Ref is the file name.
func (f *Folder) Next(ctx context.Context) (Frame, error) {
	if err := ctx.Err(); err != nil {
		return Frame{}, err
	}
	if f.next >= len(f.names) {
		return Frame{}, io.EOF
	}
	index := f.next
	name := f.names[index]
	f.next++
	path := filepath.Join(f.dir, name)
	info, err := os.Stat(path)
	if err != nil {
		return Frame{}, fmt.Errorf("read frame %s: %w: %w", name, err, ErrBadFrame)
	}
	if info.Size() > int64(f.opts.MaxFrameBytes) {
		return Frame{}, fmt.Errorf("read frame %s: %d bytes exceeds %d: %w", name, info.Size(), f.opts.MaxFrameBytes, ErrBadFrame)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Frame{}, fmt.Errorf("read frame %s: %w: %w", name, err, ErrBadFrame)
	}
	ts := frameTime(f.opts.Start, f.opts.FPS, index)
	if f.opts.UseModTime {
		ts = info.ModTime()
	}
	return Frame{Ref: name, Timestamp: ts, JPEG: data}, nil
}

// Live is false: timestamps come from the recording.
func (f *Folder) Live() bool { return false }

// Close does nothing: files are read whole, one at a time.
func (f *Folder) Close() error { return nil }
