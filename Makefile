# One set of build tags for every build and test: FTS5 is compiled into SQLite
# only with sqlite_fts5, and changing tags recompiles SQLite (about a minute).
TAGS := sqlite_fts5
GO   ?= go
BUF  := $(GO) tool -modfile=tools/go.mod buf

.PHONY: all build run test check generate lint fmt vet bench

all: check

build:
	$(GO) build -tags $(TAGS) -o bin/trithuc ./cmd/trithuc

run:
	$(GO) run -tags $(TAGS) ./cmd/trithuc serve --demo

test:
	$(GO) test -tags $(TAGS) ./...

# generate deletes every generated file under proto/ and makes them anew from
# the .proto files, offline: buf compiles, and the plugins are pinned in
# tools/go.mod.
generate:
	find proto -name '*.pb.go' -o -name '*.pb.gw.go' -o -name '*.swagger.json' | xargs -r rm
	$(BUF) generate

lint:
	$(BUF) lint

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '\.pb\.\(gw\.\)\?go$$')

vet:
	$(GO) vet -tags $(TAGS) ./...

check: vet test
