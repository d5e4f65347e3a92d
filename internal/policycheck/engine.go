package policycheck

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// engine is the part of the Pulumi engine's gRPC service a policy pack calls: Log. The pack
// logs its own failures there; they are kept so a failed analysis can say why.
type engine struct {
	pulumirpc.UnimplementedEngineServer

	mu   sync.Mutex
	logs []string
}

// Log records one message from the pack.
func (e *engine) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs = append(e.logs, fmt.Sprintf("%s: %s", req.GetSeverity(), strings.TrimSpace(req.GetMessage())))
	return &emptypb.Empty{}, nil
}

// messages returns what the pack logged so far.
func (e *engine) messages() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.logs...)
}

// serveEngine starts the engine service on a free loopback port.
func serveEngine() (*engine, *grpc.Server, string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, "", fmt.Errorf("listen for the engine service: %w", err)
	}
	e := &engine{}
	srv := grpc.NewServer()
	pulumirpc.RegisterEngineServer(srv, e)
	go func() { _ = srv.Serve(lis) }()
	return e, srv, lis.Addr().String(), nil
}
