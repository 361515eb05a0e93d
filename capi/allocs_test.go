//go:build capifuzz

package main

import (
	"fmt"
	"testing"
)

// The Go side of a single-key read through the C API: what the exports add
// to the engine's own allocations. BuntDB allocates twice per read (its
// transaction, and the pivot item of the B-tree lookup), in Go's DB.Get as
// here; the C layer must add none: no copy of the key, no closure, no
// buffer (store_get_into writes into the caller's memory).

const engineAllocsPerGet = 2

func openKV(t testing.TB, n int) (uint64, [][]byte) {
	st, h := drvOpen(ptr(":memory:"), nil, false)
	if st != sOK {
		t.Fatalf("open: %s", drvStatusName(st))
	}
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "k%015d", i)
		if st := drvSet(h, keys[i], drvPtr, []byte("a value of some thirty bytes.."), drvPtr, 0); st != sOK {
			t.Fatalf("set: %s", drvStatusName(st))
		}
	}
	return h, keys
}

func TestGetAddsNoAllocations(t *testing.T) {
	h, keys := openKV(t, 1000)
	defer drvClose(h)
	for _, into := range []bool{true, false} {
		p := drvPrepareGet(h, keys[500], into)
		if st := p.Run(); st != sOK {
			t.Fatalf("get (into %v): %s", into, drvStatusName(st))
		}
		got := testing.AllocsPerRun(1000, func() { p.Run() })
		p.Free()
		if got > engineAllocsPerGet {
			t.Errorf("get (into %v): %.1f allocations per call, want the engine's %d and none of the C layer's", into, got, engineAllocsPerGet)
		}
	}
}

// BenchmarkGetInto and BenchmarkGet: a hot key through the exports, as Go
// calls them (no cgo crossing: that is the Rust benchmarks' part).
func BenchmarkGetInto(b *testing.B) { benchGet(b, true) }
func BenchmarkGet(b *testing.B)     { benchGet(b, false) }

func benchGet(b *testing.B, into bool) {
	h, keys := openKV(b, 1000)
	defer drvClose(h)
	p := drvPrepareGet(h, keys[500], into)
	defer p.Free()
	b.ReportAllocs()
	for b.Loop() {
		if st := p.Run(); st != sOK {
			b.Fatal(drvStatusName(st))
		}
	}
}
