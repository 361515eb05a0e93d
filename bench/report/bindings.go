package main

import (
	"fmt"
	"strconv"
	"strings"
)

// bindingsFile is the output of bench/bindings/run.sh (`make
// bench-bindings`): impl, workload, ns per operation, operations.
var bindingsFile string

// bindingsSection is the report's table of the per-call cost from each
// language beside C's, all from one run.
func bindingsSection(path string) string {
	per := map[[2]string]float64{}
	var impls []string
	seen := map[string]bool{}
	for _, l := range readLines(path) {
		f := strings.Split(l, "\t")
		if len(f) < 3 {
			continue
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			continue
		}
		if !seen[f[0]] {
			seen[f[0]] = true
			impls = append(impls, f[0])
		}
		per[[2]string{f[0], f[1]}] = v
	}
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("## Per-call cost from each language\n\nThe same memory store of 100k keys (16-byte keys, 100-byte values) from each caller, in one run (`make bench-bindings`, bench/bindings): " +
		"`store_get` + `store_bytes_free` on one hot key, and `store_get_many` of 1000 random keys + free, the median of 5 runs. " +
		"`c` is a C loop (bench/bindings/bench.c); `python` the spatialstore package (ctypes); `node-main` and `node-worker` the npm package under Node through koffi, on the main thread and in a worker_threads Worker; `bun` the npm package under Bun (bun:ffi). " +
		"Python and JS times include making the key and copying the value out (jsclient/README.md explains the Node main-thread cost).\n\n")
	p("| caller | store_get + free | ×C | store_get_many, 1000 keys | ×C | per key |\n|---|---:|---:|---:|---:|---:|\n")
	cget, cmany := per[[2]string{"c", "get"}], per[[2]string{"c", "get_many_1000"}]
	times := func(v, base float64) string {
		if v == 0 || base == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f×", v/base)
	}
	show := func(v, per float64) string {
		if v == 0 {
			return "-"
		}
		return ns(v / per)
	}
	for _, impl := range impls {
		g, m := per[[2]string{impl, "get"}], per[[2]string{impl, "get_many_1000"}]
		p("| %s | %s | %s | %s | %s | %s |\n", impl, show(g, 1), times(g, cget), show(m, 1), times(m, cmany), show(m, 1000))
	}
	if len(impls) == 0 {
		p("| (not measured in this run) | | | | | |\n")
	}
	p("\n")
	return b.String()
}
