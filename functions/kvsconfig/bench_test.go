package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// BenchmarkInvokeUnchanged is a repeated deployment's invocation for two
// streams against the wire double: two describes through the real SDK.
func BenchmarkInvokeUnchanged(b *testing.B) {
	d := newKVSDouble(b, stream101, stream102)
	h, err := NewHandler(d.client(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	req := loadRequest(b, "create.json")
	if _, err := h.Invoke(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.Invoke(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
