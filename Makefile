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
# Go's build cache does not see headers outside a package's folder, so a
# changed include/store.h (a status code, say) would leave capi's cgo
# objects stale: the header's checksum in the C flags makes it part of the key.
export CGO_CFLAGS := -g -O2 -DSTORE_H_SUM=$(shell cksum < include/store.h | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help lib test test-go test-c test-rust demo examples bench bench-quick bench-fences fuzz install clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

lib: $(LIB) ## build build/libstore.so and copy include/store.h beside it

$(LIB): $(GO_SOURCES)
	@mkdir -p $(BUILD)
	$(GO) build -buildmode=c-shared -o $(LIB) ./capi
	@rm -f $(BUILD)/libstore.h   # cgo's generated header: store.h is the public one
	cp include/store.h $(BUILD)/store.h

test: test-go test-c test-rust test-examples test-fuzz test-stress test-py test-js ## every test: Go (vet, race), C, Rust (test, clippy, doc), fuzzing, stress, examples, Python, JS

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
	cd examples/rust && $(CARGO) run --release --quiet -- --memory --ticks 60 --svg $(BUILD)/examples/world.svg | tee $(BUILD)/examples/rust.out
	cd examples/rust && $(CARGO) run --release --quiet --example regions | tee $(BUILD)/examples/regions.out

test-examples: examples ## check the examples' output
	diff -u examples/c/expected.txt $(BUILD)/examples/c.out
	diff -u examples/go/expected.txt $(BUILD)/examples/go.out
	grep -q '^world persisted' $(BUILD)/examples/rust.out || grep -q '^memory store' $(BUILD)/examples/rust.out
	grep -q '^  fences: on, tick p50=' $(BUILD)/examples/rust.out && grep -q '^picture: ' $(BUILD)/examples/rust.out
	test -s $(BUILD)/examples/world.svg && grep -q '</svg>' $(BUILD)/examples/world.svg
	diff -u examples/rust/regions.expected.txt $(BUILD)/examples/regions.out
	cd examples/rust && $(CARGO) test && $(CARGO) clippy --all-targets -- -D warnings

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

# ---- Reliability: fuzzing the C boundary, stress and leak tests -------------
FUZZTIME ?= 5m
FUZZ_CORPUS := capi/testdata/fuzz/FuzzCAPI
STRESS := $(BUILD)/stress
.PHONY: test-fuzz test-stress

fuzz: ## fuzz the C API (FuzzCAPI) for FUZZTIME (5m); new inputs are kept in capi/testdata
	@mkdir -p $(FUZZ_CORPUS)
	$(GO) test -tags capifuzz -run '^$$' -fuzz '^FuzzCAPI$$' -fuzztime $(FUZZTIME) ./capi; status=$$?; \
	  cache="$$($(GO) env GOCACHE)/fuzz/spatialstore/capi/FuzzCAPI"; \
	  if [ -d "$$cache" ]; then cp -n "$$cache"/* $(FUZZ_CORPUS)/ 2>/dev/null || true; fi; \
	  echo "fuzz: corpus $(FUZZ_CORPUS): $$(ls $(FUZZ_CORPUS) | wc -l) inputs"; exit $$status

test-fuzz: ## the capifuzz tests and FuzzCAPI seed corpus, then 20s of fuzzing
	$(GO) test -tags capifuzz -count=1 ./capi
	$(GO) test -tags capifuzz -run '^$$' -fuzz '^FuzzCAPI$$' -fuzztime 20s ./capi

$(STRESS): capi/stress/stress.c include/store.h $(LIB)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -pthread -Iinclude -o $@ $< -L$(BUILD) -lstore -Wl,-rpath,$(BUILD) -lm

test-stress: $(STRESS) ## threads, lifecycle, signals and a 200k-iteration leak loop against libstore.so
	$(STRESS) 3 200000

# ---- Benchmarks: bench/go, bench/rust, bench/report (see BENCHMARKS.md) ----
BENCH_OUT := $(BUILD)/bench
BENCH_GO := $(GO) test -run '^$$' ./bench/go -bench
# Repeats of the Go benchmarks (before and after the Rust ones) and criterion's
# measurement time per benchmark in seconds: sized to keep `make bench` near
# 15 minutes on 2 cores.
BENCH_GO_COUNT ?= 3
BENCH_RUST_TIME ?= 3
BENCH_MEM_N ?= 1000000
# The workloads whose Go CPU profile `make bench` takes (where the time goes).
BENCH_PROFILED := kv_get kv_set kv_set_batch kv_get_batch box knn10 box_batch knn10_batch move move_batch tick pairs load \
  box_clustered knn10_clustered move_clustered

bench: lib server ## the whole benchmark suite (~15 min): writes BENCHMARKS.md, bench/chart.svg, build/bench/summary.tsv
	@rm -rf $(BENCH_OUT) bench/rust/target/criterion && mkdir -p $(BENCH_OUT)/prof
	@printf 'start\t%s\n' "$$(date +%s)" > $(BENCH_OUT)/env.tsv
	cd bench/rust && $(CARGO) bench --bench compare --no-run && $(CARGO) bench --bench resp --no-run && $(CARGO) build --release --bin mem
	set -o pipefail; $(BENCH_GO) 'Benchmark(KV|Spatial)/' -benchmem -benchtime 1s -count $(BENCH_GO_COUNT) | tee $(BENCH_OUT)/go-before.txt
	set -o pipefail; cd bench/rust && $(CARGO) bench --bench compare -- --warm-up-time 1 --measurement-time $(BENCH_RUST_TIME) --noplot 2>&1 | tee $(BENCH_OUT)/rust.txt
	set -o pipefail; cd bench/rust && STORE_SERVER_BIN=$(SERVER) $(CARGO) bench --bench resp -- --warm-up-time 1 --measurement-time $(BENCH_RUST_TIME) --noplot 2>&1 | tee $(BENCH_OUT)/resp.txt
	set -o pipefail; $(BENCH_GO) 'Benchmark(KV|Spatial)/' -benchmem -benchtime 1s -count $(BENCH_GO_COUNT) | tee $(BENCH_OUT)/go-after.txt
	$(MAKE) --no-print-directory bench-bindings
	bench/rust/target/release/mem version >> $(BENCH_OUT)/env.tsv
	set -o pipefail; for impl in rust rstar sqlite; do bench/rust/target/release/mem $$impl $(BENCH_MEM_N) || exit 1; done | tee $(BENCH_OUT)/mem.tsv
	set -o pipefail; $(GO) run ./bench/go/mem -n $(BENCH_MEM_N) | tee -a $(BENCH_OUT)/mem.tsv
	for w in $(BENCH_PROFILED); do \
	  case $$w in kv_*) pat="BenchmarkKV/^$$w$$/";; tick|pairs) pat="BenchmarkSpatial/^$$w$$/n=10000$$";; *) pat="BenchmarkSpatial/^$$w$$/n=100000$$";; esac; \
	  $(BENCH_GO) "$$pat" -benchtime 3s -cpuprofile $(BENCH_OUT)/prof/$$w.prof -o $(BENCH_OUT)/prof/bench.test > /dev/null || exit 1; \
	  $(GO) tool pprof -top -nodecount 15 -ignore 'bench/go\.Load' $(BENCH_OUT)/prof/bench.test $(BENCH_OUT)/prof/$$w.prof > $(BENCH_OUT)/prof/$$w.txt 2>/dev/null || exit 1; \
	done
	@printf 'end\t%s\n' "$$(date +%s)" >> $(BENCH_OUT)/env.tsv
	$(GO) run ./bench/report -go $(BENCH_OUT)/go-before.txt,$(BENCH_OUT)/go-after.txt -mem $(BENCH_OUT)/mem.tsv \
	  -env $(BENCH_OUT)/env.tsv -prof $(BENCH_OUT)/prof -bindings $(BENCH_OUT)/bindings.tsv -md BENCHMARKS.md -svg bench/chart.svg -tsv $(BENCH_OUT)/summary.tsv

bench-quick: lib ## a reduced benchmark run (N = 10k, 100k; short): prints `workload n impl ns_per_op`, writes build/bench/summary.tsv
	@rm -rf $(BENCH_OUT) bench/rust/target/criterion && mkdir -p $(BENCH_OUT)
	cd bench/rust && $(CARGO) bench --bench compare --no-run --quiet
	$(BENCH_GO) 'Benchmark(KV|Spatial)/.*/n=(10000|100000)$$' -benchmem -benchtime 0.5s -count 1 > $(BENCH_OUT)/go.txt
	cd bench/rust && BENCH_QUICK=1 $(CARGO) bench --quiet --bench compare -- --warm-up-time 0.5 --measurement-time 1 --noplot > $(BENCH_OUT)/rust.txt 2>&1
	@$(GO) run ./bench/report -go $(BENCH_OUT)/go.txt -tsv $(BENCH_OUT)/summary.tsv

bench-fences: ## fence upkeep: a moved item's commit with 100 fences of each kind against one without (one run; ratios measured commit by commit in turn)
	$(GO) test -run '^$$' -bench '^BenchmarkFenceUpkeep(Ratio)?$$' -benchtime 2s -count 1 ./store

# ---- The store over a socket (cmd/store-server) and the data-file CLI -------
SERVER := $(BUILD)/store-server
SERVE_ADDR ?= 127.0.0.1:7379
.PHONY: server serve

server: ## build build/store-server (the store over RESP) and build/store-cli (data files)
	@mkdir -p $(BUILD)
	$(GO) build -o $(SERVER) ./cmd/store-server
	$(GO) build -o $(BUILD)/store-cli ./cmd/store-cli

serve: server ## run store-server on build/serve.db at SERVE_ADDR (127.0.0.1:7379) and build/store.sock; Ctrl-C stops it
	$(SERVER) --data $(BUILD)/serve.db --addr $(SERVE_ADDR) --unix $(BUILD)/store.sock

# ---- Python and JavaScript packages (pyclient/, jsclient/) -------------------
PYTHON ?= python3
NODE ?= node
PYENV := $(BUILD)/pyenv
PY_INSTALLED := $(PYENV)/.spatialstore-installed
JS_DEPS := jsclient/node_modules/.package-lock.json
BUN := jsclient/node_modules/.bin/bun
.PHONY: test-py test-js bench-bindings

$(PYENV)/bin/pytest:
	$(PYTHON) -m venv $(PYENV)
	$(PYENV)/bin/pip install --quiet --disable-pip-version-check pytest mypy 'setuptools>=61' wheel

# pip install ./pyclient copies build/libstore.so (STORE_LIB_DIR) into the package.
$(PY_INSTALLED): $(PYENV)/bin/pytest $(LIB) $(shell find pyclient/spatialstore -name '*.py') pyclient/pyproject.toml pyclient/setup.py
	$(PYENV)/bin/pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./pyclient
	@touch $@

test-py: $(PY_INSTALLED) ## the Python package: pip install ./pyclient into build/pyenv, then pytest and mypy
	cd pyclient && $(PYENV)/bin/pytest -q -p no:cacheprovider tests
	cd pyclient && $(PYENV)/bin/mypy --cache-dir $(BUILD)/mypy-cache --strict spatialstore && \
	  $(PYENV)/bin/mypy --cache-dir $(BUILD)/mypy-cache --warn-unused-ignores tests

$(JS_DEPS): jsclient/package.json jsclient/package-lock.json
	cd jsclient && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-js: lib $(JS_DEPS) ## the npm package: node --test, tsc on index.d.ts, then bun test (Bun comes from npm)
	cd jsclient && $(NODE) --test test/*.test.js && node_modules/.bin/tsc -p .
	cd jsclient && node_modules/.bin/bun test test/

$(BUILD)/bindings/bench-c: bench/bindings/bench.c capi/ctest/bench.h include/store.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Icapi/ctest -o $@ $< -L$(BUILD) -lstore -Wl,-rpath,$(BUILD)

bench-bindings: $(BUILD)/bindings/bench-c $(PY_INSTALLED) $(JS_DEPS) ## store_get and a 1000-key store_get_many from C, Python, Node, Bun (~1 min): build/bench/bindings.tsv
	bench/bindings/run.sh $(BUILD) $(PYENV)/bin/python $(NODE) $(BUN)

# ---- Power cuts: the store's files as a cut at random points leaves them ----
POWERCUT_CUTS ?= 400
.PHONY: powercut

powercut: ## hundreds of simulated power cuts per sync policy (POWERCUT_CUTS, 400); needs strace
	set -o pipefail; POWERCUT_CUTS=$(POWERCUT_CUTS) $(GO) test -count=1 -v -run '^TestPowerCut$$' -timeout 30m ./store \
	  | grep -E 'powercut policy=|^(---|ok|FAIL|PASS)'
