package policycheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// runPolicyPack is the launcher the Pulumi CLI uses for Node.js policy packs, relative to
// the pack directory.
const runPolicyPack = "node_modules/@pulumi/pulumi/cmd/run-policy-pack"

// startTimeout bounds how long the pack may take to print its port.
const startTimeout = 60 * time.Second

// ErrPackNotInstalled means the pack's node modules are missing (run `npm ci` in policypack/).
var ErrPackNotInstalled = errors.New("policy pack dependencies are not installed")

// Pack is a running policy pack process and an Analyzer client connected to it.
type Pack struct {
	dir    string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	conn   *grpc.ClientConn
	client pulumirpc.AnalyzerClient
	engine *engine
	server *grpc.Server
	// exited is closed when the process has ended; waitErr is then its exit status.
	exited  chan struct{}
	waitErr error
}

// lockedBuffer collects the pack's stderr while the process runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Build compiles the pack's TypeScript (npm run build) when bin/index.js is missing or older
// than a source file, so a fresh clone can be checked without a separate build step.
func Build(ctx context.Context, packDir string) error {
	if _, err := os.Stat(filepath.Join(packDir, runPolicyPack)); err != nil {
		return fmt.Errorf("%w: %s (run `npm ci` in %s)", ErrPackNotInstalled, runPolicyPack, packDir)
	}
	stale, err := needsBuild(packDir)
	if err != nil {
		return err
	}
	if !stale {
		return nil
	}
	cmd := exec.CommandContext(ctx, "npm", "run", "--silent", "build")
	cmd.Dir = packDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build policy pack in %s: %w\n%s", packDir, err, out)
	}
	return nil
}

func needsBuild(packDir string) (bool, error) {
	built, err := os.Stat(filepath.Join(packDir, "bin", "index.js"))
	if err != nil {
		return true, nil
	}
	stale := false
	walkErr := filepath.WalkDir(filepath.Join(packDir, "src"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().After(built.ModTime()) {
			stale = true
		}
		return nil
	})
	if walkErr != nil {
		return false, fmt.Errorf("scan policy pack sources in %s: %w", packDir, walkErr)
	}
	return stale, nil
}

// Start launches the pack in packDir as the Pulumi CLI does and connects to it. The pack must
// be built (see Build). Close stops it.
func Start(ctx context.Context, packDir string) (*Pack, error) {
	dir, err := filepath.Abs(packDir)
	if err != nil {
		return nil, fmt.Errorf("resolve policy pack directory %s: %w", packDir, err)
	}
	launcher := filepath.Join(dir, runPolicyPack)
	if _, err := os.Stat(launcher); err != nil {
		return nil, fmt.Errorf("%w: %s (run `npm ci` in %s)", ErrPackNotInstalled, launcher, dir)
	}
	eng, srv, engineAddr, err := serveEngine()
	if err != nil {
		return nil, err
	}
	p := &Pack{dir: dir, engine: eng, server: srv, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	// The pack reads package.json from its working directory (for its version).
	p.cmd = exec.Command("node", launcher, engineAddr, dir)
	p.cmd.Dir = dir
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		srv.Stop()
		return nil, fmt.Errorf("policy pack stdout: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		srv.Stop()
		return nil, fmt.Errorf("start policy pack %s: %w", dir, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()

	port, err := readPort(ctx, stdout, p.exited)
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("policy pack %s did not report its port: %w\n%s", dir, err, p.stderr.String())
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("connect to policy pack on port %d: %w", port, err)
	}
	p.conn = conn
	p.client = pulumirpc.NewAnalyzerClient(conn)
	return p, nil
}

// readPort reads the first line the pack prints: its gRPC port.
func readPort(ctx context.Context, stdout io.Reader, exited <-chan struct{}) (int, error) {
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		for sc.Scan() {
			// Drain the rest so the pack never blocks on a full pipe.
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	select {
	case line, ok := <-lines:
		if !ok {
			return 0, errors.New("no output")
		}
		port, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil {
			return 0, fmt.Errorf("first line %q is not a port", line)
		}
		return port, nil
	case <-exited:
		return 0, errors.New("pack exited before printing its port")
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Info returns the pack's name, version and policies as the analyzer reports them.
func (p *Pack) Info(ctx context.Context) (*pulumirpc.AnalyzerInfo, error) {
	info, err := p.client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		return nil, p.wrap("get analyzer info", err)
	}
	return info, nil
}

// Config is policy configuration as `pulumi preview --policy-pack-config` reads it: policy name
// to settings; an "enforcementLevel" setting overrides the policy's own level.
type Config map[string]map[string]any

// LoadConfig reads a policy config file. A missing file is no config.
func LoadConfig(path string) (Config, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy config %s: %w", path, err)
	}
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("parse policy config %s: %w", path, err)
	}
	return c, nil
}

// StackConfigPath is where the pack keeps the policy config of a stack (policypack/config/<stack>.json).
func StackConfigPath(packDir, stack string) string {
	return filepath.Join(packDir, "config", stack+".json")
}

// Configure sends policy config to the pack. Policies keep the enforcement level the pack gives
// them unless the config sets "enforcementLevel", as the Pulumi CLI does.
func (p *Pack) Configure(ctx context.Context, config Config) error {
	info, err := p.Info(ctx)
	if err != nil {
		return err
	}
	levels := map[string]pulumirpc.EnforcementLevel{}
	for _, pol := range info.GetPolicies() {
		levels[pol.GetName()] = pol.GetEnforcementLevel()
	}
	req := &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{}}
	for name, settings := range config {
		level, ok := levels[name]
		if !ok {
			return fmt.Errorf("policy config names %q, which is not a policy of the pack", name)
		}
		props := map[string]any{}
		for k, v := range settings {
			if k != "enforcementLevel" {
				props[k] = v
			}
		}
		if s, ok := settings["enforcementLevel"].(string); ok {
			v, known := pulumirpc.EnforcementLevel_value[strings.ToUpper(s)]
			if !known {
				return fmt.Errorf("policy config of %s: unknown enforcementLevel %q", name, s)
			}
			level = pulumirpc.EnforcementLevel(v)
		}
		st, err := structpb.NewStruct(props)
		if err != nil {
			return fmt.Errorf("encode config of policy %s: %w", name, err)
		}
		req.PolicyConfig[name] = &pulumirpc.PolicyConfig{EnforcementLevel: level, Properties: st}
	}
	if _, err := p.client.Configure(ctx, req); err != nil {
		return p.wrap("configure policy pack", err)
	}
	return nil
}

// wrap adds what the pack logged to an RPC error.
func (p *Pack) wrap(op string, err error) error {
	logs := p.engine.messages()
	if len(logs) == 0 {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w (pack log: %s)", op, err, strings.Join(logs, "; "))
}

// Close stops the pack process and the engine service.
func (p *Pack) Close() error {
	var err error
	if p.conn != nil {
		err = p.conn.Close()
	}
	p.stop()
	return err
}

func (p *Pack) stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.server.Stop()
}
