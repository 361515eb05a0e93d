package store

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSpatialConcurrentReaders: many readers query the spatial index while
// one writer moves items in transactions that commit or roll back. Run
// under -race it shows that queries keep their scratch space to themselves;
// the checks show that no reader sees a transaction half done: every
// writer's transaction moves all items together, so every item a reader
// finds sits at the same generation.
func TestSpatialConcurrentReaders(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	const items = 300
	at := func(i, gen int) string { return Point(float64(i%30), float64(i/30), float64(gen)).String() }
	set := func(gen int) []Item {
		out := make([]Item, items)
		for i := range out {
			out[i] = Item{Key: fmt.Sprintf("k%03d", i), Value: at(i, gen)}
		}
		return out
	}
	mustOK(t, db.SetMany(set(0)))

	var stop atomic.Bool
	var queries atomic.Int64
	var wg sync.WaitGroup
	for r := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 7))
			for !stop.Load() {
				err := db.View(func(tx *Tx) error {
					gen, n := -1.0, 0
					same := func(_, value string) bool {
						r, err := ParseRect(value)
						if err != nil {
							t.Errorf("stored value %q: %v", value, err)
							return false
						}
						if gen >= 0 && r.Min[2] != gen {
							t.Errorf("a reader saw generations %g and %g in one transaction", gen, r.Min[2])
						}
						gen = r.Min[2]
						n++
						return true
					}
					all := Box([]float64{-1, -1, -1e9}, []float64{100, 100, 1e9})
					switch rng.IntN(3) {
					case 0:
						if err := tx.Intersects("g", all, 0, same); err != nil {
							return err
						}
					case 1:
						if err := tx.Nearby("g", []float64{rng.Float64() * 30, rng.Float64() * 10, 0}, 0, -1,
							func(k, v string, _ float64) bool { return same(k, v) }); err != nil {
							return err
						}
					default:
						if err := tx.Pairs("g", 1, "", func(p Pair) bool { return same(p.KeyA, p.ValueA) && same(p.KeyB, p.ValueB) }); err != nil {
							return err
						}
						n = items // pairs see each item several times
					}
					if n != items {
						t.Errorf("a reader saw %d items, want %d", n, items)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
				}
				queries.Add(1)
			}
		}()
	}
	gen := 0
	deadline := time.Now().Add(time.Second)
	for round := 0; time.Now().Before(deadline); round++ {
		tx, err := db.Begin(true)
		mustOK(t, err)
		mustOK(t, tx.SetMany(set(gen+1)))
		if round%3 == 2 {
			mustOK(t, tx.Rollback())
			continue
		}
		mustOK(t, tx.Commit())
		gen++
	}
	stop.Store(true)
	wg.Wait()
	checkIndexInvariants(t, db)
	if queries.Load() == 0 || gen == 0 {
		t.Fatalf("%d queries, %d generations: nothing ran concurrently", queries.Load(), gen)
	}
}
