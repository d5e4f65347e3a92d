package camsim

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkStream sends 10 one-second fixture fragments per connection to
// the PutMedia double (signing, Matroska writing, the double's parsing and
// acknowledgements).
func BenchmarkStream(b *testing.B) {
	d := newKVSDouble(b)
	fragments := fixtureFragments(b, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.client().Stream(context.Background(), feed(fragments)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunRealFootage encodes the 100 vtest frames with ffmpeg into
// one-second fragments and streams them to the double.
func BenchmarkRunRealFootage(b *testing.B) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		b.Fatal("ffmpeg is not installed: run make deps")
	}
	d := newKVSDouble(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), FileSource(vtestFrames), EncodeOptions{FragmentDuration: time.Second}, d.client()); err != nil {
			b.Fatal(err)
		}
	}
}
