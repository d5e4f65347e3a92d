package source

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// multipartCamera serves frames as multipart/x-mixed-replace. Each connection
// gets perConn frames from the shared sequence, then the server drops the
// connection (as flaky cameras do); stall makes it hang instead.
type multipartCamera struct {
	t        *testing.T
	perConn  int
	next     atomic.Int64
	conns    atomic.Int64
	stall    bool
	oversize bool
}

func (c *multipartCamera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.conns.Add(1)
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary="+mw.Boundary())
	w.WriteHeader(http.StatusOK)
	for i := 0; i < c.perConn; i++ {
		n := int(c.next.Add(1))
		body := testJPEG(c.t, n)
		if c.oversize && n == 2 {
			body = withAPP1(body, make([]byte, 4096))
		}
		part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"image/jpeg"}, "Content-Length": {fmt.Sprint(len(body))}})
		if err != nil {
			return
		}
		part.Write(body)
		w.(http.Flusher).Flush()
	}
	if c.stall {
		<-r.Context().Done()
	}
	// Returning without the closing boundary drops the stream mid-way.
}

func fastHTTPOptions() HTTPOptions {
	return HTTPOptions{FrameTimeout: time.Second, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
}

func TestHTTPCameraReconnectsAfterDrop(t *testing.T) {
	t.Parallel()
	cam := &multipartCamera{t: t, perConn: 3}
	srv := httptest.NewServer(cam)
	defer srv.Close()
	src, err := NewHTTPCamera(srv.URL+"/video", fastHTTPOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 1; i <= 7; i++ {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := testJPEG(t, i); string(f.JPEG) != string(want) {
			t.Fatalf("frame %d bytes differ", i)
		}
		if f.Ref != fmt.Sprintf("http#%06d", i) || f.Timestamp.IsZero() {
			t.Fatalf("frame %d ref %s at %s", i, f.Ref, f.Timestamp)
		}
	}
	if got := cam.conns.Load(); got < 3 {
		t.Fatalf("%d connections for 7 frames at 3 per connection, want >= 3", got)
	}
	if !src.Live() {
		t.Fatal("HTTP camera is not live")
	}
}

func TestHTTPCameraStallTimesOutAndReconnects(t *testing.T) {
	t.Parallel()
	cam := &multipartCamera{t: t, perConn: 1, stall: true}
	srv := httptest.NewServer(cam)
	defer srv.Close()
	src, err := NewHTTPCamera(srv.URL, fastHTTPOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 1; i <= 2; i++ {
		if _, err := src.Next(ctx); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	// The server never ends a connection itself: only the frame timeout
	// makes the camera reconnect.
	if got := cam.conns.Load(); got < 2 {
		t.Fatalf("connections = %d, want 2 or more (stalled stream dropped)", got)
	}
}

func TestHTTPCameraOversizedPartIsBadFrame(t *testing.T) {
	t.Parallel()
	cam := &multipartCamera{t: t, perConn: 3, oversize: true, stall: true}
	srv := httptest.NewServer(cam)
	defer srv.Close()
	opts := fastHTTPOptions()
	opts.MaxFrameBytes = 3000
	src, err := NewHTTPCamera(srv.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	var results []error
	for i := 0; i < 3; i++ {
		_, err := src.Next(ctx)
		results = append(results, err)
	}
	if results[0] != nil || !errors.Is(results[1], ErrBadFrame) || results[2] != nil {
		t.Fatalf("results = %v, want ok, bad frame, ok", results)
	}
}

func TestHTTPCameraPermanentErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]http.HandlerFunc{
		"unauthorised": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no", http.StatusUnauthorized)
		},
		"not multipart": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(testJPEG(t, 1))
		},
	}
	for name, handler := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(handler)
			defer srv.Close()
			u := strings.Replace(srv.URL, "http://", "http://operator:hunter2@", 1)
			src, err := NewHTTPCamera(u+"/?token=s3cret", fastHTTPOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			_, err = src.Next(context.Background())
			if err == nil || errors.Is(err, ErrBadFrame) {
				t.Fatalf("Next = %v, want a permanent error", err)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error leaks credentials: %v", err)
			}
		})
	}
}

func TestHTTPCameraCancelUnblocksNext(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=frame")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	opts := fastHTTPOptions()
	opts.FrameTimeout = time.Minute
	src, err := NewHTTPCamera(srv.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Next(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Next after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next stayed blocked after cancel")
	}
}

func TestHTTPCameraDashedBoundaryQuirk(t *testing.T) {
	t.Parallel()
	// Some cameras declare boundary=--frame and then delimit parts with
	// "--frame" instead of "----frame".
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=--frame")
		for i := 1; i <= 2; i++ {
			body := testJPEG(t, i)
			fmt.Fprintf(w, "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(body))
			w.Write(body)
			w.Write([]byte("\r\n"))
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	src, err := NewHTTPCamera(srv.URL, fastHTTPOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := 1; i <= 2; i++ {
		f, err := src.Next(context.Background())
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if string(f.JPEG) != string(testJPEG(t, i)) {
			t.Fatalf("frame %d bytes differ", i)
		}
	}
}
