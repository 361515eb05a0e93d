package bench

import (
	"fmt"
	"testing"

	"spatialstore/store"
)

// The benchmarks are named <Top>/<workload>/n=<N>, the workload names of
// the Rust side (bench/rust/benches/compare.rs). Worlds are built lazily,
// once per N, by the first sub-benchmark that needs them, so a -bench
// pattern that leaves N = 1M out never builds the 1M world:
//
//	go test -run '^$' -bench 'BenchmarkSpatial/.*/n=(10000|100000)$' ./bench/go

func TestInputsMatchRust(t *testing.T) {
	// The same numbers are checked in bench/rust/src/lib.rs.
	r := NewSplitMix64(SeedPoints)
	if got := r.Next(); got != 0x910a2dec89025cc1 {
		t.Fatalf("splitmix64(1) = %#x", got)
	}
	if got, want := RectText(Points(1)[0]), "[566.5615751722809 745.7817572627011 971.0027535867962]"; got != want {
		t.Fatalf("first point %s, want %s", got, want)
	}
}

func BenchmarkKV(b *testing.B) {
	var kv *kvWorld
	get := func(b *testing.B) *kvWorld {
		if kv == nil {
			db, keys, err := LoadKV()
			if err != nil {
				b.Fatal(err)
			}
			kv = &kvWorld{db, keys}
		}
		return kv
	}
	defer func() {
		if kv != nil {
			_ = kv.db.Close()
		}
	}()
	name := func(w string) string { return fmt.Sprintf("%s/n=%d", w, KVKeys) }
	b.Run(name("kv_get"), func(b *testing.B) { loopKVGet(b, get(b)) })
	b.Run(name("kv_set"), func(b *testing.B) { loopKVSet(b, get(b)) })
	b.Run(name("kv_set_batch"), func(b *testing.B) { loopKVSetBatch(b, get(b)) })
	b.Run(name("kv_get_batch"), func(b *testing.B) { loopKVGetBatch(b, get(b)) })
}

// kvWorld is the store with KVKeys keys.
type kvWorld struct {
	db   *store.DB
	keys []string
}

func loopKVGet(b *testing.B, kv *kvWorld) {
	db, keys := kv.db, kv.keys
	r := NewSplitMix64(SeedQueries)
	total := 0
	for b.Loop() {
		v, err := db.Get(keys[r.Below(KVKeys)])
		if err != nil {
			b.Fatal(err)
		}
		total += len(v)
	}
	sink = total
}

func loopKVSet(b *testing.B, kv *kvWorld) {
	db, keys := kv.db, kv.keys
	r := NewSplitMix64(SeedQueries)
	value := KVValue()
	for b.Loop() {
		if err := db.Set(keys[r.Below(KVKeys)], value, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func loopKVSetBatch(b *testing.B, kv *kvWorld) {
	db, keys := kv.db, kv.keys
	r := NewSplitMix64(SeedQueries)
	value := KVValue()
	items := make([]store.Item, Batch)
	for b.Loop() {
		for i := range items {
			items[i] = store.Item{Key: keys[r.Below(KVKeys)], Value: value}
		}
		if err := db.SetMany(items); err != nil {
			b.Fatal(err)
		}
	}
}

func loopKVGetBatch(b *testing.B, kv *kvWorld) {
	db, keys := kv.db, kv.keys
	r := NewSplitMix64(SeedQueries)
	batch := make([]string, Batch)
	total := 0
	for b.Loop() {
		for i := range batch {
			batch[i] = keys[r.Below(KVKeys)]
		}
		if err := db.GetMany(batch, func(_ int, v string, _ bool) { total += len(v) }); err != nil {
			b.Fatal(err)
		}
	}
	sink = total
}

var sink int

// world is the store with n objects and where each object is now.
type world struct {
	db   *store.DB
	keys []string
	pos  [][3]float64
	r    *SplitMix64
}

func BenchmarkSpatial(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		var w *world
		get := func(b *testing.B) *world {
			if w == nil {
				pos := Points(n)
				db, keys, err := LoadSpatial(pos)
				if err != nil {
					b.Fatal(err)
				}
				w = &world{db: db, keys: keys, pos: pos, r: NewSplitMix64(SeedQueries)}
			}
			return w
		}
		name := func(wl string) string { return fmt.Sprintf("%s/n=%d", wl, n) }
		b.Run(name("box"), func(b *testing.B) { loopBox(b, get(b)) })
		b.Run(name("knn10"), func(b *testing.B) { loopKNN(b, get(b)) })
		b.Run(name("move"), func(b *testing.B) { loopMove(b, get(b)) })
		b.Run(name("move_batch"), func(b *testing.B) { loopMoveBatch(b, get(b)) })
		if n == Players {
			// tick: every object of the 10k world is a player.
			b.Run(name("tick"), func(b *testing.B) { loopTick(b, get(b)) })
		}
		if w != nil {
			_ = w.db.Close()
			w = nil
		}
	}
}

func loopBox(b *testing.B, w *world) {
	hits := 0
	for b.Loop() {
		if err := w.db.Intersects(SpatialName, BoxAround(w.r.Point()), 0, func(_, _ string) bool {
			hits++
			return true
		}); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopKNN(b *testing.B, w *world) {
	hits := 0
	for b.Loop() {
		p := w.r.Point()
		if err := w.db.Nearby(SpatialName, p[:], K, -1, func(_, _ string, _ float64) bool {
			hits++
			return true
		}); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopMove(b *testing.B, w *world) {
	for b.Loop() {
		id := w.r.Below(len(w.pos))
		to := w.r.Step(w.pos[id])
		if err := w.db.Set(w.keys[id], RectText(to), 0); err != nil {
			b.Fatal(err)
		}
		w.pos[id] = to
	}
}

// step moves n objects (random ones, or all of them in order) and returns
// the writes.
func (w *world) step(items []store.Item, all bool) {
	for i := range items {
		id := i
		if !all {
			id = w.r.Below(len(w.pos))
		}
		w.pos[id] = w.r.Step(w.pos[id])
		items[i] = store.Item{Key: w.keys[id], Value: RectText(w.pos[id])}
	}
}

func loopMoveBatch(b *testing.B, w *world) {
	items := make([]store.Item, Batch)
	for b.Loop() {
		w.step(items, false)
		if err := w.db.SetMany(items); err != nil {
			b.Fatal(err)
		}
	}
}

func loopTick(b *testing.B, w *world) {
	items := make([]store.Item, len(w.pos))
	hits := 0
	count := func(_, _ string) bool { hits++; return true }
	for b.Loop() {
		w.step(items, true)
		if err := w.db.SetMany(items); err != nil {
			b.Fatal(err)
		}
		for _, p := range w.pos {
			if err := w.db.Intersects(SpatialName, BoxAround(p), 0, count); err != nil {
				b.Fatal(err)
			}
		}
	}
	sink = hits
}
