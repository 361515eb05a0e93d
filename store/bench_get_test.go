package store_test

import (
	"fmt"
	"strings"
	"testing"

	"spatialstore/store"
)

// BenchmarkGet is the Go side of capi/ctest/bench_get.c: a memory store
// with 100k keys of 16 bytes and values of 100 bytes, and db.Get on random
// existing keys. Compare its ns/op with bench_get's ns/call:
//
//	go test -run '^$' -bench '^BenchmarkGet$' -benchtime 2000000x -count 5 ./store
func BenchmarkGet(b *testing.B) {
	const keys, valLen = 100000, 100
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	value := strings.Repeat("abcdefghijklmnopqrstuvwxyz", 4)[:valLen]
	names := make([]string, keys)
	items := make([]store.Item, keys)
	for i := range names {
		names[i] = fmt.Sprintf("k%015d", i)
		items[i] = store.Item{Key: names[i], Value: value}
	}
	if err := db.SetMany(items); err != nil {
		b.Fatal(err)
	}
	// The same xorshift sequence as bench_get.c, drawn before the clock.
	order := make([]uint32, b.N)
	rng := uint64(0x9e3779b97f4a7c15)
	for i := range order {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		order[i] = uint32(rng>>32) % keys
	}
	total := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := db.Get(names[order[i]])
		if err != nil {
			b.Fatal(err)
		}
		total += len(v)
	}
	b.StopTimer()
	if total != b.N*valLen {
		b.Fatalf("read %d bytes, want %d", total, b.N*valLen)
	}
}
