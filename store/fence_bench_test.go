package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkFenceUpkeep is the cost fences add to a commit: one item of a
// 10k-item 2-D world moved a short step per commit, with no fences, then
// with 100 fences of each kind (box, radius, roaming) on the index, then
// with those fences when the item moved is a roaming fence's anchor (its
// fence is weighed again whole). Compare the ns/op of the three in one run
// (`make bench-fences` prints the ratios).
func BenchmarkFenceUpkeep(b *testing.B) {
	for _, c := range upkeepCases {
		b.Run(c.name, func(b *testing.B) {
			w := newUpkeepWorld(b, c.fences, c.anchors)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w.commit(b, i)
				if i%4096 == 4095 {
					b.StopTimer()
					w.drain(b)
					b.StartTimer()
				}
			}
		})
	}
}

// BenchmarkFenceUpkeepRatio times the three cases of BenchmarkFenceUpkeep
// commit by commit in turn, so that a shared machine's changing load
// falls on all of them alike, and reports each one's ns per commit and
// their ratios to the commit without fences.
func BenchmarkFenceUpkeepRatio(b *testing.B) {
	worlds := make([]*upkeepWorld, len(upkeepCases))
	for i, c := range upkeepCases {
		worlds[i] = newUpkeepWorld(b, c.fences, c.anchors)
	}
	spent := make([]time.Duration, len(worlds))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, w := range worlds {
			t0 := time.Now()
			w.commit(b, i)
			spent[j] += time.Since(t0)
			if i%4096 == 4095 {
				w.drain(b)
			}
		}
	}
	b.StopTimer()
	for j, c := range upkeepCases {
		b.ReportMetric(float64(spent[j].Nanoseconds())/float64(b.N), "ns/"+c.name)
		if j > 0 {
			b.ReportMetric(float64(spent[j])/float64(spent[0]), c.name+"/none")
		}
	}
	b.ReportMetric(0, "ns/op") // the sum of the three is not a figure
}

var upkeepCases = []struct {
	name            string
	fences, anchors bool
}{{"none", false, false}, {"fences", true, false}, {"fences-anchor-moves", true, true}}

// upkeepWorld is a 10k-item 2-D world, with or without 300 fences, and
// the moves to make in it.
type upkeepWorld struct {
	db    *DB
	moves []Item
}

func newUpkeepWorld(b *testing.B, fences, anchors bool) *upkeepWorld {
	b.Helper()
	db, err := Open(MemoryPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	r := rand.New(rand.NewPCG(1, 2))
	const n = 10000
	pos := make([][2]float64, n)
	items := make([]Item, n)
	for i := range items {
		pos[i] = [2]float64{r.Float64() * 1000, r.Float64() * 1000}
		items[i] = Item{Key: fmt.Sprintf("o:%d", i), Value: fmt.Sprintf("[%g %g]", pos[i][0], pos[i][1])}
	}
	if err := db.SetMany(items); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateSpatialIndex("g", "o:*", ""); err != nil {
		b.Fatal(err)
	}
	if fences {
		for i := range 100 {
			x, y := r.Float64()*950, r.Float64()*950
			for _, f := range []Fence{
				BoxFence(fmt.Sprintf("box%d", i), "g", "o:*", Box([]float64{x, y}, []float64{x + 50, y + 50})),
				RadiusFence(fmt.Sprintf("radius%d", i), "g", "o:*", []float64{x, y}, 25),
				RoamFence(fmt.Sprintf("roam%d", i), "g", "o:*", fmt.Sprintf("o:%d", i), 25),
			} {
				if err := db.CreateFence(f); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	// The moves, made before timing: a short step of a random item (an
	// anchor, in the anchors case).
	moves := make([]Item, 4096)
	for i := range moves {
		j := 100 + r.IntN(n-100)
		if anchors {
			j = r.IntN(100)
		}
		pos[j][0] += r.Float64()*10 - 5
		pos[j][1] += r.Float64()*10 - 5
		moves[i] = Item{Key: items[j].Key, Value: fmt.Sprintf("[%g %g]", pos[j][0], pos[j][1])}
	}
	return &upkeepWorld{db: db, moves: moves}
}

// commit makes move i in a transaction of its own.
func (w *upkeepWorld) commit(b *testing.B, i int) {
	m := w.moves[i%len(w.moves)]
	if err := w.db.Set(m.Key, m.Value, 0); err != nil {
		b.Fatal(err)
	}
}

// drain empties the event queue (untimed, every 4096 commits), so that
// it never overflows into the drop-oldest path.
func (w *upkeepWorld) drain(b *testing.B) {
	if _, _, err := w.db.PollEvents(0); err != nil {
		b.Fatal(err)
	}
}
