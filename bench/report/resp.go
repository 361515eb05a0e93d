package main

import (
	"fmt"
	"strings"
)

// The RESP rows (bench/rust/benches/resp.rs): the same workloads through
// build/store-server and the redis crate, per request.
var respWays = []struct{ impl, what string }{
	{"resp_unix", "Unix socket"},
	{"resp_tcp", "TCP loopback"},
	{"resp_unix_p100", "Unix, pipelined 100"},
	{"resp_tcp_p100", "TCP, pipelined 100"},
}

// respSection compares the store over a socket with the FFI (rust) in the
// same run: time per request and the ratio RESP / FFI.
func respSection(res map[key]float64) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	found := false
	for _, w := range respWorkloads {
		for _, way := range respWays {
			if _, ok := res[key{w, way.impl, 100000}]; ok {
				found = true
			}
		}
	}
	if !found {
		return ""
	}
	p("## Over a socket (RESP) against the FFI\n\n" +
		"The same workloads through `build/store-server` (cmd/store-server, a store in memory) with the Rust `redis` crate " +
		"(bench/rust/benches/resp.rs): one request at a time, or pipelined 100 deep (one write of 100 requests, then their 100 replies; the time is per request). " +
		"`rust` is the store crate through libstore.so in the same run. The ratio is RESP time / FFI time: how many times dearer a request is over the socket.\n\n")
	p("| workload | N | rust (FFI) |")
	for _, way := range respWays {
		p(" %s |", way.what)
	}
	for _, way := range respWays {
		p(" %s / FFI |", way.what)
	}
	p("\n|---|---:|---:|%s\n", strings.Repeat("---:|", 2*len(respWays)))
	for _, w := range respWorkloads {
		n := 100000
		ffi, ok := res[key{w, "rust", n}]
		p("| %s | %d | %s |", w, n, cell(res, w, "rust", n))
		for _, way := range respWays {
			p(" %s |", cell(res, w, way.impl, n))
		}
		for _, way := range respWays {
			v, ok2 := res[key{w, way.impl, n}]
			if !ok || !ok2 || ffi == 0 {
				p(" n/a |")
				continue
			}
			p(" %s |", times(v/ffi))
		}
		p("\n")
	}
	p("\n")
	return b.String()
}

var respWorkloads = []string{"kv_get", "kv_set", "box", "knn10"}

func times(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}
