package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		total += ReadAll(v)
	}
	sink = total
}

func loopKVSet(b *testing.B, kv *kvWorld) {
	db, keys := kv.db, kv.keys
	r := NewSplitMix64(SeedQueries)
	value := KVValue()
	for b.Loop() {
		// A fresh copy per write, as a program writes values it has just
		// made (and as every write through the C API copies its value):
		// one string shared by every write costs no allocation and leaves
		// the garbage collector nothing to do.
		if err := db.Set(keys[r.Below(KVKeys)], strings.Clone(value), 0); err != nil {
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
			items[i] = store.Item{Key: keys[r.Below(KVKeys)], Value: strings.Clone(value)}
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
		if err := db.GetMany(batch, func(_ int, v string, _ bool) { total += ReadAll(v) }); err != nil {
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
	// Reused query buffers, so that the harness itself allocates nothing
	// per query (the allocation figures are the store's).
	box   *Boxes
	pt    *QueryPoints
	batch struct {
		boxes *Boxes
		pts   *QueryPoints
	}
}

// worlds builds a world lazily, once, from its points, and the file of the
// load workload from it.
type worlds struct {
	points func() [][3]float64
	w      *world
	dir    string
	file   string
}

func (ws *worlds) get(b *testing.B) *world {
	if ws.w == nil {
		pos := ws.points()
		db, keys, err := LoadSpatial(pos)
		if err != nil {
			b.Fatal(err)
		}
		ws.w = &world{db: db, keys: keys, pos: pos, r: NewSplitMix64(SeedQueries), box: NewBoxes(1), pt: NewQueryPoints(1)}
		ws.w.batch.boxes, ws.w.batch.pts = NewBoxes(Batch), NewQueryPoints(Batch)
	}
	return ws.w
}

// loadFile is the file store the load workload opens, written once from
// the world (see LoadSpatialFile).
func (ws *worlds) loadFile(b *testing.B) string {
	if ws.file == "" {
		w := ws.get(b)
		dir, err := os.MkdirTemp("", "store-bench-go-")
		if err != nil {
			b.Fatal(err)
		}
		ws.dir = dir
		path := filepath.Join(dir, "world.db")
		if err := LoadSpatialFile(w.db, path); err != nil {
			b.Fatal(err)
		}
		ws.file = path
	}
	return ws.file
}

func (ws *worlds) close() {
	if ws.w != nil {
		_ = ws.w.db.Close()
		ws.w = nil
	}
	if ws.dir != "" {
		_ = os.RemoveAll(ws.dir)
		ws.dir, ws.file = "", ""
	}
}

func BenchmarkSpatial(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		ws := &worlds{points: func() [][3]float64 { return Points(n) }}
		name := func(wl string) string { return fmt.Sprintf("%s/n=%d", wl, n) }
		// The read-only workloads first, so that every implementation
		// answers them on the world as loaded.
		b.Run(name("box"), func(b *testing.B) { loopBox(b, ws.get(b), randomPlace) })
		b.Run(name("knn10"), func(b *testing.B) { loopKNN(b, ws.get(b), randomPlace) })
		b.Run(name("box_batch"), func(b *testing.B) { loopBoxBatch(b, ws.get(b)) })
		b.Run(name("knn10_batch"), func(b *testing.B) { loopKNNBatch(b, ws.get(b)) })
		if n == Players {
			// pairs: every object of the 10k world is a player.
			b.Run(name("pairs"), func(b *testing.B) { loopPairs(b, ws.get(b)) })
		}
		b.Run(name("load"), func(b *testing.B) { loopLoad(b, ws.loadFile(b)) })
		b.Run(name("move"), func(b *testing.B) { loopMove(b, ws.get(b)) })
		b.Run(name("move_batch"), func(b *testing.B) { loopMoveBatch(b, ws.get(b)) })
		if n == Players {
			// tick: every object of the 10k world is a player.
			b.Run(name("tick"), func(b *testing.B) { loopTick(b, ws.get(b)) })
		}
		ws.close()
		if n == ClusteredN {
			cs := &worlds{points: func() [][3]float64 { return ClusteredPoints(n) }}
			b.Run(name("box_clustered"), func(b *testing.B) { loopBox(b, cs.get(b), onObject) })
			b.Run(name("knn10_clustered"), func(b *testing.B) { loopKNN(b, cs.get(b), onObject) })
			b.Run(name("move_clustered"), func(b *testing.B) { loopMove(b, cs.get(b)) })
			cs.close()
		}
	}
}

// randomPlace is a query place uniform in the cube (the uniform world's
// queries); onObject is where a random object is now (the clustered
// world's queries, which then land mostly in towns).
func randomPlace(w *world) [3]float64 { return w.r.Point() }
func onObject(w *world) [3]float64    { return w.pos[w.r.Below(len(w.pos))] }

func loopBox(b *testing.B, w *world, place func(*world) [3]float64) {
	b.ReportAllocs()
	hits := 0
	count := func(_, _ string) bool { hits++; return true }
	for b.Loop() {
		w.box.Around(0, place(w))
		if err := w.db.Intersects(SpatialName, w.box.Rects[0], 0, count); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopKNN(b *testing.B, w *world, place func(*world) [3]float64) {
	b.ReportAllocs()
	hits := 0
	count := func(_, _ string, _ float64) bool { hits++; return true }
	for b.Loop() {
		w.pt.Set(0, place(w))
		if err := w.db.Nearby(SpatialName, w.pt.Points[0], K, -1, count); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopBoxBatch(b *testing.B, w *world) {
	b.ReportAllocs()
	hits := 0
	count := func(_ int, _, _ string) bool { hits++; return true }
	boxes := w.batch.boxes
	for b.Loop() {
		for i := range boxes.Rects {
			boxes.Around(i, w.r.Point())
		}
		if err := w.db.IntersectsMany(SpatialName, boxes.Rects, 0, count); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopKNNBatch(b *testing.B, w *world) {
	b.ReportAllocs()
	hits := 0
	count := func(_ int, _, _ string, _ float64) bool { hits++; return true }
	pts := w.batch.pts
	for b.Loop() {
		for i := range pts.Points {
			pts.Set(i, w.r.Point())
		}
		if err := w.db.NearbyMany(SpatialName, pts.Points, K, -1, count); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

func loopPairs(b *testing.B, w *world) {
	b.ReportAllocs()
	pairs := 0
	count := func(store.Pair) bool { pairs++; return true }
	for b.Loop() {
		pairs = 0
		if err := w.db.Pairs(SpatialName, PairDist, "", count); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(pairs), "pairs")
}

func loopLoad(b *testing.B, path string) {
	b.ReportAllocs()
	for b.Loop() {
		db, err := store.Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func loopMove(b *testing.B, w *world) {
	b.ReportAllocs()
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
	b.ReportAllocs()
	items := make([]store.Item, Batch)
	for b.Loop() {
		w.step(items, false)
		if err := w.db.SetMany(items); err != nil {
			b.Fatal(err)
		}
	}
}

// loopTick: the players move in one SetMany, then one IntersectsMany asks
// for the box around every player.
func loopTick(b *testing.B, w *world) {
	b.ReportAllocs()
	items := make([]store.Item, len(w.pos))
	boxes := NewBoxes(len(w.pos))
	hits := 0
	count := func(_ int, _, _ string) bool { hits++; return true }
	for b.Loop() {
		w.step(items, true)
		if err := w.db.SetMany(items); err != nil {
			b.Fatal(err)
		}
		for i, p := range w.pos {
			boxes.Around(i, p)
		}
		if err := w.db.IntersectsMany(SpatialName, boxes.Rects, 0, count); err != nil {
			b.Fatal(err)
		}
	}
	sink = hits
}

// TestClusteredAndPairs pins the clustered world's points and the number of
// pairs the pairs workload finds (brute force); bench/rust checks the same.
func TestClusteredAndPairs(t *testing.T) {
	p := ClusteredPoints(ClusteredN)
	if got, want := RectText(p[0]), "[595.3181420825092 853.5424825725762 315.800469181852]"; got != want {
		t.Fatalf("first clustered point %s, want %s", got, want)
	}
	if got, want := RectText(p[len(p)-1]), "[124.49309063922736 695.4367888430033 616.9044875400107]"; got != want {
		t.Fatalf("last clustered point %s, want %s", got, want)
	}
	pts := Points(Players)
	n := 0
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			d := 0.0
			for k := range 3 {
				d += (pts[i][k] - pts[j][k]) * (pts[i][k] - pts[j][k])
			}
			if d <= PairDist*PairDist {
				n++
			}
		}
	}
	if n != 211 {
		t.Fatalf("pairs within %g among %d players: %d, want 211", PairDist, Players, n)
	}
}
