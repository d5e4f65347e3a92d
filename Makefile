# MediGuard build and test entry points. The README's quick start is:
#   make demo   # the main job on the embedded default: no AWS account, no Pulumi CLI
#   make test   # the whole test suite (Go and the policy pack)
# Every tool the tests need beyond Go is installed here, so a fresh machine and CI
# need nothing done by hand.

GO      ?= go
NPM     ?= npm
APT_GET ?= apt-get
DEMO_DIR ?= $(CURDIR)/.demo

.PHONY: all demo test test-go test-policypack deps deps-apt deps-node vet fmt-check build bench clean

all: build test

build:
	$(GO) build ./...

## deps: install the tools the tests use beyond Go (ffmpeg, node modules of the policy pack).
deps: deps-apt deps-node

deps-apt:
	@missing=""; \
	command -v ffmpeg >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	command -v node   >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm    >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $$missing; \
	fi

deps-node:
	@if [ -f policypack/package-lock.json ]; then \
		cd policypack && $(NPM) ci --no-audit --no-fund --loglevel=error; \
	fi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## test: the whole suite. Go tests include the policy pack end to end; the pack's own tests run under node.
test: deps fmt-check vet test-go test-policypack

test-go:
	$(GO) test -count=1 ./...

test-policypack:
	@if [ -f policypack/package.json ]; then cd policypack && $(NPM) test; fi

## demo: the main job offline: synthesise both stacks under mocks and print what they would create.
demo:
	$(GO) run ./cmd/mediguard synth --stack dev

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(DEMO_DIR)
