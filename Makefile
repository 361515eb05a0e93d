# Build, test, demo and benchmark the store. `make` alone lists the targets.
SHELL := /bin/bash
GO ?= go
CARGO ?= cargo
CC ?= gcc
PREFIX ?= /usr/local
BUILD := $(CURDIR)/build
LIB := $(BUILD)/libstore.so
GO_SOURCES := $(shell find store capi -name '*.go' -not -name '*_test.go') $(wildcard capi/*.c) include/store.h go.mod go.sum
# The Rust crates link the library built here instead of building their own.
export STORE_LIB_DIR := $(BUILD)

.DEFAULT_GOAL := help
.PHONY: help lib test test-go test-c test-rust demo examples bench bench-quick fuzz install clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

lib: $(LIB) ## build build/libstore.so and copy include/store.h beside it

$(LIB): $(GO_SOURCES)
	@mkdir -p $(BUILD)
	$(GO) build -buildmode=c-shared -o $(LIB) ./capi
	@rm -f $(BUILD)/libstore.h   # cgo's generated header: store.h is the public one
	cp include/store.h $(BUILD)/store.h

test: test-go test-c test-rust ## run every test: go vet, go test -race, C tests, cargo test and clippy

test-go: ## go vet and go test -race
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

demo: lib ## the Rust game-server example on a file-backed store under build/
	cd examples/rust && $(CARGO) run --release --quiet -- --data $(BUILD)/demo

examples: lib ## build and run the C, Go and Rust examples
	@mkdir -p $(BUILD)/examples
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude examples/c/example.c \
		-L$(BUILD) -lstore -Wl,-rpath,$(BUILD) -o $(BUILD)/examples/c-example
	$(BUILD)/examples/c-example | tee $(BUILD)/examples/c.out
	$(GO) run ./examples/go | tee $(BUILD)/examples/go.out
	cd examples/rust && $(CARGO) run --release --quiet -- --memory --ticks 60 | tee $(BUILD)/examples/rust.out

test-examples: examples ## check the examples' output
	diff -u examples/c/expected.txt $(BUILD)/examples/c.out
	diff -u examples/go/expected.txt $(BUILD)/examples/go.out
	grep -q '^world persisted' $(BUILD)/examples/rust.out || grep -q '^memory store' $(BUILD)/examples/rust.out

install: lib ## install the library, header and a pkg-config file under PREFIX (default /usr/local)
	install -Dm755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libstore.so
	install -Dm644 include/store.h $(DESTDIR)$(PREFIX)/include/store.h
	@mkdir -p $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' store.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/store.pc

clean: ## remove build outputs
	rm -rf $(BUILD) rustclient/target

test-c: lib ## C tests: every export against include/store.h, -Wall -Wextra -Werror
	@$(MAKE) --no-print-directory -C capi/ctest test CC="$(CC)" BUILD="$(BUILD)"

test-rust: lib ## cargo test, clippy and doc for the Rust crates
	cd rustclient && $(CARGO) test --workspace --all-features && $(CARGO) clippy --workspace --all-targets --all-features -- -D warnings && RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps
