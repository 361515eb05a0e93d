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

clean: ## remove build outputs
	rm -rf $(BUILD) rustclient/target

test-c: lib ## C tests: every export against include/store.h, -Wall -Wextra -Werror
	@echo "test-c: not yet written" && false

test-rust: lib ## cargo test, clippy and doc for the Rust crates
	@echo "test-rust: not yet written" && false
