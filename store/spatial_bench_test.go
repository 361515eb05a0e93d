package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks of the spatial queries inside one read transaction, so that
// what they measure is the query itself: `go test -bench Spatial
// -benchmem ./store` shows the allocations per query (0 for a box and a
// kNN query; a DB-level call adds BuntDB's transaction object).

func benchWorld(b *testing.B, n int) *DB {
	b.Helper()
	db, err := Open(MemoryPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	items := make([]Item, 0, 10000)
	for i := range n {
		p := Point(rng.Float64()*1000, rng.Float64()*1000, rng.Float64()*1000)
		items = append(items, Item{Key: fmt.Sprintf("o:%d", i), Value: p.String()})
		if len(items) == cap(items) || i == n-1 {
			if err := db.SetMany(items); err != nil {
				b.Fatal(err)
			}
			items = items[:0]
		}
	}
	// Built after the items: a bulk-loaded index, as after an open.
	if err := db.CreateSpatialIndex("pos", "o:*", ""); err != nil {
		b.Fatal(err)
	}
	return db
}

// inView runs query b.N times inside one read transaction, with a fresh
// random place in point each time, and reports the allocations.
func inView(b *testing.B, db *DB, rng *rand.Rand, point []float64, query func(tx *Tx) error) {
	_ = db.View(func(tx *Tx) error {
		b.ReportAllocs()
		for b.Loop() {
			for i := range point {
				point[i] = rng.Float64() * 1000
			}
			if err := query(tx); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

func BenchmarkSpatialQuery(b *testing.B) {
	const n = 100000
	db := benchWorld(b, n)
	rng := rand.New(rand.NewPCG(3, 4))
	hits := 0
	count := func(_, _ string) bool { hits++; return true }
	countD := func(_, _ string, _ float64) bool { hits++; return true }
	lo, hi := make([]float64, 3), make([]float64, 3)
	b.Run("box", func(b *testing.B) {
		inView(b, db, rng, lo, func(tx *Tx) error {
			for i := range hi {
				hi[i] = lo[i] + 50
			}
			return tx.Intersects("pos", Box(lo, hi), 0, count)
		})
	})
	b.Run("knn10", func(b *testing.B) {
		inView(b, db, rng, lo, func(tx *Tx) error { return tx.Nearby("pos", lo, 10, -1, countD) })
	})
	b.Run("knn10_within_20", func(b *testing.B) {
		inView(b, db, rng, lo, func(tx *Tx) error { return tx.Nearby("pos", lo, 10, 20, countD) })
	})
	b.Run("pairs_within_10", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := db.Pairs("pos", 10, "", func(Pair) bool { hits++; return true }); err != nil {
				b.Fatal(err)
			}
		}
	})
	if hits == 0 {
		b.Fatal("no hits")
	}
}
