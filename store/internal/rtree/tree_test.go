package rtree

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func mustCheck(t *testing.T, tr *Tree, step string) {
	t.Helper()
	if err := tr.Check(); err != nil {
		t.Fatalf("after %s: Check: %v", step, err)
	}
}

func loadModel(tr *Tree, m *model, g *gen, n int, maxID int) {
	var ids []uint32
	var boxes []float64
	used := map[uint32]bool{}
	for len(ids) < n {
		id := uint32(g.r.Intn(maxID))
		if used[id] {
			continue
		}
		used[id] = true
		b := g.box()
		ids = append(ids, id)
		boxes = append(boxes, b...)
		m.boxes[id] = b
	}
	tr.Load(ids, boxes)
}

// TestRandomOps runs random Insert/Remove/Update/Load/Clear sequences and
// compares every query with brute force after each step.
func TestRandomOps(t *testing.T) {
	for _, dims := range []int{1, 2, 3, 8} {
		for _, points := range []bool{true, false} {
			for seed := int64(1); seed <= 2; seed++ {
				name := fmt.Sprintf("d%d/points=%v/seed%d", dims, points, seed)
				t.Run(name, func(t *testing.T) {
					randomOps(t, dims, points, seed, 1200)
				})
			}
		}
	}
}

func randomOps(t *testing.T, dims int, points bool, seed int64, steps int) {
	r := rand.New(rand.NewSource(seed))
	g := &gen{r: r, dims: dims, points: points, span: 100}
	tr := New(dims)
	m := newModel(dims)
	maxID := 600
	for step := 0; step < steps; step++ {
		op := r.Intn(100)
		id := uint32(r.Intn(maxID))
		var what string
		switch {
		case op < 40:
			what = "insert"
			if _, ok := m.boxes[id]; ok {
				break
			}
			b := g.box()
			if r.Intn(5) == 0 && len(m.boxes) > 0 { // duplicate an existing box
				for _, ob := range m.boxes {
					b = append([]float64(nil), ob...)
					break
				}
			}
			tr.Insert(id, b[:dims], b[dims:])
			m.boxes[id] = b
		case op < 60:
			what = "remove"
			_, ok := m.boxes[id]
			if got := tr.Remove(id); got != ok {
				t.Fatalf("Remove(%d) = %v, want %v", id, got, ok)
			}
			delete(m.boxes, id)
		case op < 90:
			what = "update"
			b, ok := m.boxes[id]
			if !ok {
				break
			}
			var nb []float64
			if r.Intn(4) == 0 {
				nb = g.box()
			} else {
				nb = g.near(b)
			}
			tr.Update(id, nb[:dims], nb[dims:])
			m.boxes[id] = nb
		case op < 92:
			what = "clear+load"
			tr.Clear()
			m = newModel(dims)
			loadModel(tr, m, g, r.Intn(500), maxID)
		case op < 93:
			what = "clear"
			tr.Clear()
			m = newModel(dims)
		default:
			what = "remove-many"
			for _, id := range m.ids() {
				if r.Intn(3) == 0 {
					tr.Remove(id)
					delete(m.boxes, id)
				}
			}
		}
		mustCheck(t, tr, fmt.Sprintf("step %d %s", step, what))
		if step%10 == 0 {
			compare(t, tr, m, g, 3)
		}
		if step%100 == 0 {
			md := []float64{0, 3, -1, 10}[r.Intn(4)]
			comparePairs(t, "self-join", collectJoin(t, tr, tr, md), m.join(m, md, true))
		}
	}
	compare(t, tr, m, g, 20)
}

func TestJoinOther(t *testing.T) {
	for _, dims := range [][2]int{{2, 2}, {3, 2}, {2, 3}, {1, 8}, {8, 3}} {
		r := rand.New(rand.NewSource(int64(dims[0]*10 + dims[1])))
		ga := &gen{r: r, dims: dims[0], span: 100}
		gb := &gen{r: r, dims: dims[1], span: 100, points: true}
		ta, tb := New(dims[0]), New(dims[1])
		ma, mb := newModel(dims[0]), newModel(dims[1])
		loadModel(ta, ma, ga, 700, 2000)
		for i := 0; i < 500; i++ {
			b := gb.box()
			tb.Insert(uint32(i), b[:dims[1]], b[dims[1]:])
			mb.boxes[uint32(i)] = b
		}
		for _, md := range []float64{0, 2, 7.5, -1} {
			if md < 0 && dims[0]+dims[1] > 4 {
				continue
			}
			comparePairs(t, fmt.Sprintf("join %v md=%v", dims, md), collectJoin(t, ta, tb, md), ma.join(mb, md, false))
			comparePairs(t, fmt.Sprintf("self-join %v md=%v", dims, md), collectJoin(t, ta, ta, md), ma.join(ma, md, true))
		}
	}
}

func TestLoadSizes(t *testing.T) {
	for _, dims := range []int{1, 2, 3, 8, 20} {
		r := rand.New(rand.NewSource(int64(dims)))
		for _, n := range []int{1, 2, 15, 16, 17, 100, 255, 256, 257, 1000, 4097, 5000} {
			g := &gen{r: r, dims: dims, span: 1000, points: n%2 == 0}
			tr := New(dims)
			m := newModel(dims)
			loadModel(tr, m, g, n, 3*n)
			mustCheck(t, tr, fmt.Sprintf("load d=%d n=%d", dims, n))
			compare(t, tr, m, g, 5)
			// Churn after a load.
			for _, id := range m.ids() {
				if r.Intn(2) == 0 {
					nb := g.near(m.boxes[id])
					tr.Update(id, nb[:dims], nb[dims:])
					m.boxes[id] = nb
				} else if r.Intn(3) == 0 {
					tr.Remove(id)
					delete(m.boxes, id)
				}
			}
			mustCheck(t, tr, fmt.Sprintf("churn d=%d n=%d", dims, n))
			compare(t, tr, m, g, 5)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	tr := New(2)
	inf := math.Inf(1)
	all := func(min, max []float64) []uint32 { return collect(tr.Search, min, max) }
	if got := all([]float64{-inf, -inf}, []float64{inf, inf}); len(got) != 0 {
		t.Fatal("empty tree Search found items")
	}
	if got := tr.Nearest([]float64{0, 0}, 3, -1, nil, nil); len(got) != 0 {
		t.Fatal("empty tree Nearest found items")
	}
	if !tr.Join(tr, -1, func(a, b uint32, d float64) bool { t.Fatal("empty join"); return true }) {
		t.Fatal("empty Join returned false")
	}
	if tr.Remove(3) || tr.Has(3) || tr.Box(3, make([]float64, 2), make([]float64, 2)) {
		t.Fatal("empty tree has 3")
	}
	mustCheck(t, tr, "empty")
	tr.Insert(7, []float64{1, 2}, []float64{1, 2})
	mustCheck(t, tr, "one")
	if got := all([]float64{-inf, -inf}, []float64{inf, inf}); len(got) != 1 || got[0] != 7 {
		t.Fatalf("one item Search: %v", got)
	}
	if got := all([]float64{1, 2}, []float64{1, 2}); len(got) != 1 {
		t.Fatalf("degenerate query on point: %v", got)
	}
	if got := tr.Nearest([]float64{4, 6}, 10, -1, nil, nil); len(got) != 1 || got[0] != (Neighbor{7, 5}) {
		t.Fatalf("Nearest: %v", got)
	}
	if got := tr.Nearest([]float64{4, 6}, 10, 0, nil, nil); len(got) != 0 {
		t.Fatalf("Nearest maxDist 0: %v", got)
	}
	if got := tr.Nearest([]float64{1, 2}, 10, 0, nil, nil); len(got) != 1 {
		t.Fatalf("Nearest maxDist 0 on the point: %v", got)
	}
	if got := tr.Nearest([]float64{1}, 0, 0, nil, nil); len(got) != 1 {
		t.Fatalf("Nearest 1D point: %v", got)
	}
	tr.Update(7, []float64{5, 5}, []float64{6, 6})
	mustCheck(t, tr, "update one")
	if !tr.Remove(7) || tr.Len() != 0 {
		t.Fatal("Remove last")
	}
	mustCheck(t, tr, "removed last")
	tr.Insert(7, []float64{1, 2}, []float64{1, 2})
	mustCheck(t, tr, "reinsert")

	// Stopping early.
	for i := uint32(0); i < 100; i++ {
		tr.Insert(100+i, []float64{float64(i), 0}, []float64{float64(i), 0})
	}
	n := 0
	if tr.Search([]float64{-inf, -inf}, []float64{inf, inf}, func(uint32) bool { n++; return n < 5 }) || n != 5 {
		t.Fatalf("Search stop: %d", n)
	}
	n = 0
	if tr.SearchWithin([]float64{-inf, -inf}, []float64{inf, inf}, func(uint32) bool { n++; return n < 5 }) || n != 5 {
		t.Fatalf("SearchWithin stop: %d", n)
	}
	n = 0
	if tr.Scan(func(uint32, []float64, []float64) bool { n++; return n < 5 }) || n != 5 {
		t.Fatalf("Scan stop: %d", n)
	}
	n = 0
	if tr.Join(tr, 100, func(a, b uint32, d float64) bool { n++; return n < 5 }) || n != 5 {
		t.Fatalf("Join stop: %d", n)
	}
	n = 0
	tr.Scan(func(uint32, []float64, []float64) bool { n++; return true })
	if n != 101 {
		t.Fatalf("Scan saw %d", n)
	}
}

func TestPanics(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic("New(0)", func() { New(0) })
	mustPanic("New(21)", func() { New(21) })
	tr := New(2)
	tr.Insert(1, []float64{0, 0}, []float64{1, 1})
	mustPanic("Insert dup", func() { tr.Insert(1, []float64{0, 0}, []float64{1, 1}) })
	mustPanic("Insert bad box", func() { tr.Insert(2, []float64{2, 0}, []float64{1, 1}) })
	mustPanic("Insert NaN", func() { tr.Insert(2, []float64{math.NaN(), 0}, []float64{1, 1}) })
	mustPanic("Insert short", func() { tr.Insert(2, []float64{0}, []float64{1}) })
	mustPanic("Update absent", func() { tr.Update(5, []float64{0, 0}, []float64{1, 1}) })
	mustPanic("Load non-empty", func() { tr.Load([]uint32{9}, []float64{0, 0, 1, 1}) })
	mustPanic("Nearest long point", func() { tr.Nearest([]float64{0, 0, 0}, 1, -1, nil, nil) })
	e := New(2)
	mustPanic("Load dup", func() { e.Load([]uint32{9, 9}, []float64{0, 0, 1, 1, 0, 0, 1, 1}) })
}

// TestLargeChurn drives a tree of height 4 through loads, moves, big jumps,
// mass removals and reinsertions, so that splits, forced reinsertion and
// condensing run at every level.
func TestLargeChurn(t *testing.T) {
	for _, dims := range []int{2, 3} {
		r := rand.New(rand.NewSource(int64(77 + dims)))
		g := &gen{r: r, dims: dims, span: 1000, points: dims == 3}
		tr := New(dims)
		m := newModel(dims)
		loadModel(tr, m, g, 5000, 8000)
		mustCheck(t, tr, "load")
		for round := 0; round < 6; round++ {
			ids := m.ids()
			for k := 0; k < 4000; k++ {
				id := ids[r.Intn(len(ids))]
				var nb []float64
				if r.Intn(10) == 0 {
					nb = g.box()
				} else {
					nb = g.near(m.boxes[id])
				}
				tr.Update(id, nb[:dims], nb[dims:])
				m.boxes[id] = nb
			}
			mustCheck(t, tr, fmt.Sprintf("round %d moves", round))
			for _, id := range ids {
				if r.Intn(3) == 0 {
					tr.Remove(id)
					delete(m.boxes, id)
				}
			}
			mustCheck(t, tr, fmt.Sprintf("round %d removals", round))
			for i := 0; i < 2000; i++ {
				id := uint32(r.Intn(8000))
				if _, ok := m.boxes[id]; ok {
					continue
				}
				b := g.box()
				tr.Insert(id, b[:dims], b[dims:])
				m.boxes[id] = b
			}
			mustCheck(t, tr, fmt.Sprintf("round %d inserts", round))
			compare(t, tr, m, g, 10)
		}
		if h := tr.nodes[tr.root].level + 1; h < 4 {
			t.Errorf("height %d, want >= 4 to exercise every level", h)
		}
	}
}
