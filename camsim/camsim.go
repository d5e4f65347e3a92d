package camsim

import (
	"context"
	"errors"
)

// fragmentBuffer is how many encoded fragments may wait for the sender: a
// short backlog while a reconnection is under way.
const fragmentBuffer = 8

// Run encodes src and streams it with client until the source ends and every
// fragment is persisted, or a failure stops it.
func Run(ctx context.Context, src Source, encode EncodeOptions, client *Client) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fragments := make(chan Fragment, fragmentBuffer)
	encoded := make(chan error, 1)
	go func() {
		defer close(fragments)
		encoded <- Encode(ctx, src, encode, func(f Fragment) error {
			select {
			case fragments <- f:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	stats, streamErr := client.Stream(ctx, fragments)
	cancel()
	encodeErr := <-encoded
	if errors.Is(encodeErr, context.Canceled) {
		encodeErr = nil // stopped because streaming stopped
	}
	// An encoder failure explains a stream that ran out of fragments.
	return stats, errors.Join(encodeErr, streamErr)
}
