package rtree

import (
	"math/rand"
	"sync"
	"testing"
)

// TestConcurrentReads runs every read method from many goroutines on one
// tree; under -race it proves reads share nothing writable.
func TestConcurrentReads(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	g := &gen{r: r, dims: 3, span: 1000, points: true}
	tr := New(3)
	m := newModel(3)
	loadModel(tr, m, g, 3000, 5000)
	for i := 0; i < 500; i++ {
		b := g.box()
		id := uint32(5000 + i)
		tr.Insert(id, b[:3], b[3:])
		m.boxes[id] = b
	}
	type query struct {
		min, max, p []float64
		search      []uint32
		near        []Neighbor
	}
	qs := make([]query, 50)
	for i := range qs {
		min, max := g.query()
		p := g.point(3)
		qs[i] = query{min, max, p, m.search(min, max, false), m.nearest(p, 10, -1, nil)}
	}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var dst []Neighbor
			for i := 0; i < 200; i++ {
				q := qs[(i+w)%len(qs)]
				if got := collect(tr.Search, q.min, q.max); !equalIDs(got, q.search) {
					t.Errorf("Search mismatch")
					return
				}
				dst = tr.Nearest(q.p, 10, -1, nil, dst[:0])
				for j := range dst {
					if dst[j] != q.near[j] {
						t.Errorf("Nearest mismatch")
						return
					}
				}
				tr.SearchWithin(q.min, q.max, func(uint32) bool { return true })
				if i%50 == 0 {
					tr.Join(tr, 1, func(a, b uint32, d float64) bool { return true })
					tr.Scan(func(uint32, []float64, []float64) bool { return true })
					_ = tr.Len()
				}
			}
		}(w)
	}
	wg.Wait()
}
