package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkFenceUpkeep is the cost fences add to a commit: one item of a
// 10k-item 2-D world moved a short step per commit, with no fences, then
// with 100 fences of each kind (box, radius, roaming) on the index, then
// with those fences when the item moved is a roaming fence's anchor (its
// fence is weighed again whole). Compare the ns/op of the three in one run
// (`make bench-fences` prints the ratios).
func BenchmarkFenceUpkeep(b *testing.B) {
	for _, c := range []struct {
		name            string
		fences, anchors bool
	}{{"none", false, false}, {"fences", true, false}, {"fences-anchor-moves", true, true}} {
		b.Run(c.name, func(b *testing.B) {
			db, err := Open(MemoryPath, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = db.Close() }()
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
			if c.fences {
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
			// The moves, made before timing: item, then its new value.
			moves := make([]Item, 4096)
			for i := range moves {
				j := 100 + r.IntN(n-100)
				if c.anchors {
					j = r.IntN(100)
				}
				pos[j][0] += r.Float64()*10 - 5
				pos[j][1] += r.Float64()*10 - 5
				moves[i] = Item{Key: items[j].Key, Value: fmt.Sprintf("[%g %g]", pos[j][0], pos[j][1])}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m := moves[i%len(moves)]
				if err := db.Set(m.Key, m.Value, 0); err != nil {
					b.Fatal(err)
				}
				if i%4096 == 4095 {
					b.StopTimer()
					if _, _, err := db.PollEvents(0); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			}
		})
	}
}
