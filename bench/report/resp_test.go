package main

import (
	"strings"
	"testing"
)

func TestRespSection(t *testing.T) {
	if got := respSection(map[key]float64{{"kv_get", "rust", 100000}: 1000}); got != "" {
		t.Fatalf("a run without RESP rows: %q", got)
	}
	res := map[key]float64{
		{"kv_get", "rust", 100000}: 1000, {"kv_get", "resp_unix", 100000}: 20000, {"kv_get", "resp_tcp", 100000}: 25000,
		{"kv_get", "resp_unix_p100", 100000}: 3000, {"kv_get", "resp_tcp_p100", 100000}: 3500,
		{"box", "resp_unix", 100000}: 30000, // no FFI row: no ratio
	}
	got := respSection(res)
	for _, want := range []string{
		"## Over a socket (RESP) against the FFI",
		"| kv_get | 100000 | 1 µs | 20 µs | 25 µs | 3 µs | 3.5 µs | 20× | 25× | 3.00× | 3.50× |",
		"| box | 100000 | not measured | 30 µs | not measured | not measured | not measured | n/a | n/a | n/a | n/a |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}
