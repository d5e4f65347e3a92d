package diagram

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
	"github.com/mediguard/mediguard/platform"
)

// repoRoot is the project directory, relative to this package.
const repoRoot = ".."

// committedDir holds the diagrams `make diagrams` renders.
const committedDir = "docs/diagrams"

// placeholderArchive stands in for the Lambda packages: the diagrams do not
// depend on the handlers' code.
func placeholderArchive(handler string) (pulumi.Archive, error) {
	return pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("placeholder for " + handler)}), nil
}

func synthesize(t *testing.T, stack string, configure func(map[string]string)) []recorder.Resource {
	t.Helper()
	syn, err := platform.Synthesize(platform.SynthOptions{Dir: repoRoot, Stack: stack, Configure: configure, Program: platform.Options{Archive: placeholderArchive}})
	if err != nil {
		t.Fatal(err)
	}
	return syn.Recorder.Resources()
}

// TestCommittedDiagramsAreCurrent regenerates the prod diagrams and compares
// them with docs/diagrams: a change to the program that changes the network
// or the data flows must come with its diagrams (`make diagrams`).
func TestCommittedDiagramsAreCurrent(t *testing.T) {
	t.Parallel()
	diagrams, err := Build("prod", synthesize(t, "prod", nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diagrams {
		path := filepath.Join(repoRoot, committedDir, d.Name+".dot")
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run `make diagrams`)", err)
			continue
		}
		if !bytes.Equal(committed, d.DOT) {
			t.Errorf("%s is stale: run `make diagrams`", path)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, committedDir, d.Name+".svg")); err != nil {
			t.Errorf("no SVG next to %s: %v", path, err)
		}
	}
}

func TestNetworkDiagramShowsTheNetwork(t *testing.T) {
	t.Parallel()
	g, err := Network("prod", synthesize(t, "prod", nil))
	if err != nil {
		t.Fatal(err)
	}
	text, err := g.DOT()
	if err != nil {
		t.Fatal(err)
	}
	dot := string(text)
	for _, want := range []string{
		"VPC network-vpc  10.50.0.0/16",
		`label="AZ us-east-1a"`, `label="AZ us-east-1b"`, `label="AZ us-east-1c"`,
		`subnet network-private-us-east-1a\n10.50.0.0/19\nno public IPs`,
		"local route only",
		"ingress 100 allow all all 10.50.0.0/16",
		`interface endpoint\nkms (private DNS)`, `gateway endpoint\ns3`,
		`label="egress tcp 443 "`, `label="ingress tcp 443 "`,
		"no internet or NAT gateway",
		`label="records"`,
		"cameras (PutMedia over TLS)",
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("network diagram lacks %q", want)
		}
	}
}

func TestResourceDiagramShowsTheDataFlows(t *testing.T) {
	t.Parallel()
	g, err := Resources("prod", synthesize(t, "prod", nil))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, res := range synthesize(t, "prod", nil) {
		labels[res.URN] = res.Type + " " + res.Name
	}
	var edges []string
	for _, e := range g.Edges() {
		from, to := labels[e.From], labels[e.To]
		if from == "" {
			from = e.From
		}
		if to == "" {
			to = e.To
		}
		edges = append(edges, from+" -> "+to+" : "+e.Label)
	}
	all := strings.Join(edges, "\n")
	for _, want := range []string{
		"camera cam-w3-301 -> aws:kinesis/videoStream:VideoStream camera-cam-w3-301-stream : H.264 (PutMedia, TLS)",
		"aws:kinesis/videoStream:VideoStream camera-cam-w3-301-stream -> aws:s3/bucketV2:BucketV2 frames-bucket : JPEG frames (image generation)",
		"aws:s3/bucketV2:BucketV2 frames-bucket -> aws:sqs/queue:Queue detector-frames : object created",
		"aws:sqs/queue:Queue detector-frames -> aws:lambda/function:Function detector-function : frame events",
		"aws:s3/bucketV2:BucketV2 frames-bucket -> aws:lambda/function:Function detector-function : reads",
		"aws:lambda/function:Function detector-function -> aws:s3/bucketV2:BucketV2 evidence-bucket : writes",
		"aws:lambda/function:Function detector-function -> aws:sns/topic:Topic detector-alerts : writes",
		"aws:s3/bucketV2:BucketV2 evidence-bucket -> aws:cloudtrail/trail:Trail audit-trail : S3 data events",
		"aws:ec2/vpc:Vpc network-vpc -> aws:cloudwatch/logGroup:LogGroup network-flow-logs : flow records",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("resource diagram lacks %q", want)
		}
	}
	text, err := g.DOT()
	if err != nil {
		t.Fatal(err)
	}
	dot := string(text)
	for _, want := range []string{`2 email subscriber(s)\nof detector-alerts`, `data: PHI\nKMS key: phi`, "CloudWatch alarms"} {
		if !strings.Contains(dot, want) {
			t.Errorf("resource diagram lacks %q", want)
		}
	}
	// Subscribers are counted, never named: their addresses are not drawn.
	if strings.Contains(dot, "@example.org") {
		t.Error("resource diagram prints a subscriber address")
	}
}

func TestResourceDiagramShowsTheDeliveryPipelineWhenOwned(t *testing.T) {
	t.Parallel()
	delivery := `{"connectionArn":"arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789","repository":"h/mediguard",` +
		`"targets":[{"stack":"prod","previewRoleArn":"arn:aws:iam::222222222222:role/p","deployRoleArn":"arn:aws:iam::222222222222:role/d","backendUrl":"s3://mediguard-prod-state?region=us-east-1","manualApproval":true}]}`
	g, err := Resources("prod", synthesize(t, "prod", func(raw map[string]string) { raw["delivery"] = delivery }))
	if err != nil {
		t.Fatal(err)
	}
	text, err := g.DOT()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`label="Deploy-prod: deploy"`, `label="Test: make-test"`, `label="artifacts"`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("resource diagram lacks %s", want)
		}
	}
}

func TestDOTRejectsEdgesToUnknownNodes(t *testing.T) {
	t.Parallel()
	g := NewGraph("g", "test")
	g.AddNode(nil, Node{ID: "a", Label: "a"})
	g.AddEdge(Edge{From: "a", To: "b"})
	if _, err := g.DOT(); err == nil || !strings.Contains(err.Error(), "unknown node b") {
		t.Errorf("err = %v", err)
	}
}

func TestQuoteEscapes(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`plain`:      `"plain"`,
		`say "hi"`:   `"say \"hi\""`,
		"two\nlines": `"two\nlines"`,
		`back\slash`: `"back\\slash"`,
	}
	for in, want := range tests {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestWriteDOTAndImages(t *testing.T) {
	diagrams := []Diagram{{Name: "tiny", DOT: []byte("digraph tiny { a -> b; }\n")}}
	dir := t.TempDir()
	written, err := Write(context.Background(), dir, diagrams)
	if err != nil || len(written) != 1 || filepath.Base(written[0]) != "tiny.dot" {
		t.Fatalf("DOT only: %v, %v", written, err)
	}
	if _, err := exec.LookPath("dot"); err == nil {
		written, err = Write(context.Background(), dir, diagrams, "svg")
		if err != nil || len(written) != 2 {
			t.Fatalf("with svg: %v, %v", written, err)
		}
		svg, err := os.ReadFile(filepath.Join(dir, "tiny.svg"))
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("tiny.svg is not an SVG: %v", err)
		}
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := Write(context.Background(), dir, diagrams, "png"); !errors.Is(err, ErrNoGraphviz) {
		t.Errorf("without dot: err = %v, want ErrNoGraphviz", err)
	}
}
