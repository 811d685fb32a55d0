# One set of build tags for every build and test: FTS5 is compiled into SQLite
# only with sqlite_fts5, and changing tags recompiles SQLite (about a minute).
TAGS := sqlite_fts5
# The benchmark ceilings (store/plain.go, cmd/trithuc-bench) build only with
# trithuc_bench, so that the production binary does not hold them.
BENCHTAGS := $(TAGS),trithuc_bench
GO   ?= go
BUF  := $(GO) tool -modfile=tools/go.mod buf
# The REST client example (examples/restclient) is generated from the
# OpenAPI document, converted to OpenAPI 3 for oapi-codegen.
# The example REST client covers the calls its test makes; drop
# -include-operation-ids to generate one for the whole API.
RESTCLIENT_OPS := PersonService_CreatePerson,PersonService_GetPerson,PersonService_CreateQualification,PersonService_GetQualification
OAPI_CODEGEN := $(GO) tool -modfile=tools/go.mod oapi-codegen -package restclient -generate types,client -include-operation-ids $(RESTCLIENT_OPS)

.PHONY: all build install image release run test check generate lint fmt vet bench-small bench-100k bench-1m bench-bulk bench-go bench-hostile bench-import pocketbase

all: check

# The release a build reports (trithuc version): the nearest tag and the
# commits since, or the commit alone; and the commit, "-dirty" when the tree
# has changes (as the Go toolchain's own stamp says). Both are linked in,
# not read from .git by the toolchain, so that a build without .git (the
# container's, which is given them: make image) reports them too.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git status --porcelain 2>/dev/null | grep -q . && echo -dirty)
LDFLAGS  = -X trithuc.gov.vn/trithuc/version.Version=$(VERSION) -X trithuc.gov.vn/trithuc/version.Commit=$(COMMIT)
BUILDFLAGS = -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)"
# Where make build puts the binary (the Dockerfile puts it in /out).
BIN ?= bin/trithuc
# The image make image tags, as IMAGE and IMAGE:VERSION.
IMAGE ?= trithuc

build:
	$(GO) build $(BUILDFLAGS) -o $(BIN) ./cmd/trithuc

# install puts trithuc on $(go env GOPATH)/bin (or $GOBIN).
install:
	$(GO) install $(BUILDFLAGS) ./cmd/trithuc

# release builds archives for linux/amd64 and linux/arm64 in $(DIST). cgo
# needs a C compiler for each target: for arm64, Debian's
# gcc-aarch64-linux-gnu (apt-get install gcc-aarch64-linux-gnu).
# An archive holds bin/trithuc and RELEASE_FILES at the paths a checkout
# has them after make build, so that the install lines of
# deploy/trithuc.service and the README work as written in either
# (cmd/trithuc/release_test.go checks that they do).
DIST ?= dist
RELEASE_ARCHES ?= amd64 arm64
RELEASE_FILES := README.md deploy/trithuc.service deploy/trithuc.conf deploy/proto
release:
	rm -rf $(DIST) && mkdir -p $(DIST)
	for arch in $(RELEASE_ARCHES); do \
		cc=gcc; [ $$arch = arm64 ] && cc=aarch64-linux-gnu-gcc; \
		d=$(DIST)/trithuc-$(VERSION)-linux-$$arch; mkdir -p $$d/bin; \
		CGO_ENABLED=1 GOOS=linux GOARCH=$$arch CC=$$cc $(GO) build $(BUILDFLAGS) -o $$d/bin/trithuc ./cmd/trithuc || exit 1; \
		tar -cf - $(RELEASE_FILES) | tar -C $$d -xf - || exit 1; \
		tar -C $(DIST) -czf $$d.tar.gz trithuc-$(VERSION)-linux-$$arch || exit 1; \
	done
	cd $(DIST) && sha256sum *.tar.gz > SHA256SUMS

# image builds the container (Dockerfile). Its build context leaves .git
# out, so the version and commit go in as build arguments.
image:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMAGE):$(VERSION) -t $(IMAGE) .

run:
	$(GO) run -tags $(TAGS) ./cmd/trithuc serve --demo

test:
	$(GO) test -tags $(TAGS) ./...

# generate deletes every generated file under proto/ and makes them anew from
# the .proto files, offline: buf compiles, and the plugins are pinned in
# tools/go.mod. tools/openapidoc finishes the OpenAPI document (path
# parameters named as the resource patterns name them, and the Operations
# routes the gateway writes by hand); the REST client is then generated from it.
generate:
	find proto -name '*.pb.go' -o -name '*.pb.gw.go' -o -name '*.swagger.json' -o -name '*.binpb' | xargs -r rm
	$(BUF) generate
	$(BUF) build --exclude-imports --path proto/trithuc -o proto/trithuc/v1/descriptor.binpb
	cd tools && $(GO) run ./openapidoc ../proto/trithuc/v1/trithuc.swagger.json ../proto/trithuc/v1/descriptor.binpb ../proto/longrunning.openapi.json
	cd tools && $(GO) run ./openapi3 ../proto/trithuc/v1/trithuc.swagger.json ../examples/restclient/openapi3.json
	$(OAPI_CODEGEN) -o examples/restclient/restclient.gen.go examples/restclient/openapi3.json

lint:
	$(BUF) lint
	cd proto && $(GO) tool -modfile=../tools/go.mod api-linter --config ../api-linter.yaml --proto-path ../third_party/proto --set-exit-status $$(find trithuc -name "*.proto")

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '\.pb\.\(gw\.\)\?go$$')

vet:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) vet -tags $(BENCHTAGS) ./store ./cmd/trithuc-bench

check: vet test

# Benchmarks (BENCHMARKS.md): trithuc-bench makes a database of synthetic
# profiles with the bulk path (timing it against plain SQLite), serves it
# from a child process, and runs every scenario against the server, a bare
# gRPC server and plain SQLite. The databases live outside the repository.
BENCH_DIR ?= /tmp/trithuc-bench
BENCH      = $(GO) run -tags $(BENCHTAGS) ./cmd/trithuc-bench
# PocketBase as a peer on the same rows (issue 19): `make pocketbase` builds
# it; bench-small and bench-1m run it when POCKETBASE names the binary (or
# $$TRITHUC_POCKETBASE does), and say how to add it when not.
POCKETBASE_VERSION ?= v0.36.8
POCKETBASE ?= $(TRITHUC_POCKETBASE)
# PocketBase stores with synchronous=NORMAL, so that a power cut can lose
# creates it acknowledged; bench/pocketbase-durable is the same server with
# synchronous=FULL, trithuc's promise. Beside POCKETBASE, the bench targets
# run it too when it is built (or POCKETBASE_DURABLE names it).
POCKETBASE_DURABLE ?= $(or $(TRITHUC_POCKETBASE_DURABLE),$(if $(POCKETBASE),$(wildcard $(BENCH_DIR)/bin/base-durable)))

# pocketbase: PocketBase's examples/base, built with the Go here, and
# bench/pocketbase-durable (a module of its own, whose go.mod names the same
# release: change both together; the harness refuses two releases).
pocketbase:
	GOBIN=$(abspath $(BENCH_DIR))/bin $(GO) install github.com/pocketbase/pocketbase/examples/base@$(POCKETBASE_VERSION)
	cd bench/pocketbase-durable && $(GO) build -o $(abspath $(BENCH_DIR))/bin/base-durable .
	@echo "make bench-small POCKETBASE=$(BENCH_DIR)/bin/base (runs $(BENCH_DIR)/bin/base-durable beside it)"

# bench-small: 10,000 people, 3 s per run; a few minutes.
bench-small:
	$(BENCH) --db $(BENCH_DIR)/10k.db --people 10000 --duration 3s --warmup 1s \
		--pocketbase "$(POCKETBASE)" --pocketbase-durable "$(POCKETBASE_DURABLE)" \
		--profile-dir $(BENCH_DIR)/profiles-10k --out $(BENCH_DIR)/results-10k.md

# bench-100k: 100,000 people at 1 and 16 callers (issue 19's targets), in
# three rounds of 3 s runs, each target's median reported (steadier ratios
# on a shared machine); the first run makes the database (about 2 minutes).
bench-100k:
	$(BENCH) --db $(BENCH_DIR)/100k.db --people 100000 --duration 3s --warmup 1s --rounds 3 --concurrency 1,16 \
		--pocketbase "$(POCKETBASE)" --pocketbase-durable "$(POCKETBASE_DURABLE)" \
		--profile-dir $(BENCH_DIR)/profiles-100k --out $(BENCH_DIR)/results-100k.md

# bench-1m: a million people at 1 and 16 callers, three rounds of 3 s as
# bench-100k; the first run makes the database (about 15 minutes) and
# times the bulk load against plain SQLite, and with POCKETBASE seeds
# PocketBase's beside it (about 4 minutes, written into its data.db).
bench-1m:
	$(BENCH) --db $(BENCH_DIR)/1m.db --people 1000000 --duration 3s --warmup 1s --rounds 3 --concurrency 1,16 \
		--pocketbase "$(POCKETBASE)" --pocketbase-durable "$(POCKETBASE_DURABLE)" \
		--profile-dir $(BENCH_DIR)/profiles-1m --out $(BENCH_DIR)/results-1m.md

# bench-bulk: only the bulk load of a million people against plain SQLite,
# into scratch databases.
bench-bulk:
	$(BENCH) --db $(BENCH_DIR)/scratch.db --people 0 --bulk 1000000 --scenarios none \
		--out $(BENCH_DIR)/results-bulk.md

# bench-go: the store's Go benchmarks beside plain SQLite, on 10,000 people.
bench-go:
	$(GO) test -tags $(BENCHTAGS) -run '^$$' -bench . -benchtime 2s ./store

# bench-hostile: a mixed load alone and beside six callers sending the
# costliest listing the contract allows, on 50,000 people, against the
# server as it is and unguarded (issue 12); about two minutes.
bench-hostile:
	$(BENCH) hostile --db $(BENCH_DIR)/50k.db --people 50000 --out $(BENCH_DIR)/results-hostile.md

# bench-import: a workbook of 100,000 people imported through a server in a
# child process, against the bulk path (gen --db) for as many people in the
# same run, with the server's peak RSS (issue 15); a few minutes.
bench-import:
	$(BENCH) import --dir $(BENCH_DIR)/import --people 100000 --out $(BENCH_DIR)/results-import.md
