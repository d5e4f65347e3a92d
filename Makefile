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

## deps: install the tools the tests use beyond Go (ffmpeg, graphviz, node and the policy pack's node modules).
deps: deps-apt deps-node

deps-apt:
	@missing=""; \
	command -v ffmpeg >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	command -v node   >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm    >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v dot    >/dev/null 2>&1 || missing="$$missing graphviz"; \
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

## demo: the main job on the embedded default, no AWS account and no Pulumi CLI:
##   1. render four synthetic patient rooms (a fall, a bed exit, a covered camera, lights switching)
##   2. watch all four at once with the detection engine: alerts as JSON lines, encrypted
##      privacy-masked evidence, a hash-chained audit log, then verify the chain
##   3. synthesise the dev stack of the Pulumi program under mocks and print what it would create
##   4. check the prod stack against the HIPAA policy pack, as `pulumi preview --policy-pack` would
DEMO_SCENARIOS ?= fall-01 bed-exit-01 tamper-covered-01 lights-01
MEDIGUARD := $(DEMO_DIR)/mediguard

demo: deps
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR) && chmod 700 $(DEMO_DIR)
	$(GO) build -o $(MEDIGUARD) ./cmd/mediguard
	@echo "== 1. synthetic patient rooms"
	$(MEDIGUARD) scenario render --out $(DEMO_DIR)/rooms $(addprefix --name ,$(DEMO_SCENARIOS))
	@umask 077 && head -c 32 /dev/urandom | base64 > $(DEMO_DIR)/evidence.key
	@echo "== 2. local monitoring: alerts (JSON lines), encrypted evidence, audit chain"
	$(MEDIGUARD) watch $(foreach s,$(DEMO_SCENARIOS),--camera $(DEMO_DIR)/rooms/$(s)) \
		--evidence-dir $(DEMO_DIR)/evidence --evidence-key-file $(DEMO_DIR)/evidence.key \
		--audit-log $(DEMO_DIR)/audit.jsonl
	$(MEDIGUARD) audit verify $(DEMO_DIR)/audit.jsonl
	@echo "== 3. the Pulumi program, dev stack, offline"
	$(MEDIGUARD) synth --stack dev
	@echo "== 4. the prod stack against the HIPAA policy pack"
	$(MEDIGUARD) check --stack prod

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(DEMO_DIR)

## diagrams: render the prod network and resource diagrams (DOT and SVG) into docs/diagrams
## from the synthesised stack; diagram's tests fail when the committed ones are stale.
.PHONY: diagrams
diagrams: deps-apt
	$(GO) run ./cmd/mediguard diagram --stack prod --out docs/diagrams --format svg
