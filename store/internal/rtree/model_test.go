package rtree

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"testing"
)

// model is the brute-force reference: a plain map of id -> box.
type model struct {
	dims  int
	boxes map[uint32][]float64 // 2*dims: mins then maxes
}

func newModel(dims int) *model { return &model{dims: dims, boxes: map[uint32][]float64{}} }

func (m *model) ids() []uint32 {
	out := make([]uint32, 0, len(m.boxes))
	for id := range m.boxes {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (m *model) search(min, max []float64, within bool) []uint32 {
	var out []uint32
	d := m.dims
	for id, b := range m.boxes {
		ok := true
		for a := 0; a < d; a++ {
			if within {
				if b[a] < min[a] || b[d+a] > max[a] {
					ok = false
				}
			} else if b[a] > max[a] || b[d+a] < min[a] {
				ok = false
			}
		}
		if ok {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func pointDist2(b []float64, d int, p []float64) float64 {
	s := 0.0
	for a, x := range p {
		if lo := b[a]; x < lo {
			s += (lo - x) * (lo - x)
		} else if hi := b[d+a]; x > hi {
			s += (x - hi) * (x - hi)
		}
	}
	return s
}

func (m *model) nearest(p []float64, k int, maxDist float64, less func(a, b uint32) bool) []Neighbor {
	var out []Neighbor
	for id, b := range m.boxes {
		dist := math.Sqrt(pointDist2(b, m.dims, p))
		if maxDist >= 0 && !(dist <= maxDist) {
			continue
		}
		out = append(out, Neighbor{id, dist})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dist != out[j].Dist {
			return out[i].Dist < out[j].Dist
		}
		if less == nil {
			return out[i].ID < out[j].ID
		}
		return less(out[i].ID, out[j].ID)
	})
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

type joinPair struct {
	a, b uint32
	dist float64
}

func modelBoxDist2(x []float64, xd int, y []float64, yd int) float64 {
	d := xd
	if yd < d {
		d = yd
	}
	s := 0.0
	for a := 0; a < d; a++ {
		if g := x[a] - y[yd+a]; g > 0 {
			s += g * g
		} else if g := y[a] - x[xd+a]; g > 0 {
			s += g * g
		}
	}
	return s
}

func (m *model) join(o *model, maxDist float64, self bool) []joinPair {
	var out []joinPair
	for a, x := range m.boxes {
		for b, y := range o.boxes {
			if self && a >= b {
				continue
			}
			dist := math.Sqrt(modelBoxDist2(x, m.dims, y, o.dims))
			if maxDist >= 0 && !(dist <= maxDist) {
				continue
			}
			out = append(out, joinPair{a, b, dist})
		}
	}
	sortPairs(out)
	return out
}

func sortPairs(p []joinPair) {
	sort.Slice(p, func(i, j int) bool {
		if p[i].a != p[j].a {
			return p[i].a < p[j].a
		}
		return p[i].b < p[j].b
	})
}

// collect runs a Search-like method and returns the ids sorted.
func collect(f func(min, max []float64, fn func(uint32) bool) bool, min, max []float64) []uint32 {
	var out []uint32
	f(min, max, func(id uint32) bool { out = append(out, id); return true })
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func equalIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// gen makes random boxes on a coarse grid so that duplicates, ties and
// touching boxes are common.
type gen struct {
	r      *rand.Rand
	dims   int
	points bool
	span   float64
}

func (g *gen) box() []float64 {
	b := make([]float64, 2*g.dims)
	for a := 0; a < g.dims; a++ {
		lo := math.Floor(g.r.Float64() * g.span)
		if g.r.Intn(8) == 0 {
			lo = g.r.Float64() * g.span // sometimes off the grid
		}
		hi := lo
		if !g.points && g.r.Intn(4) != 0 {
			hi = lo + math.Floor(g.r.Float64()*g.span/10)
		}
		b[a], b[g.dims+a] = lo, hi
	}
	return b
}

// near returns a box moved by a small step from b.
func (g *gen) near(b []float64) []float64 {
	nb := append([]float64(nil), b...)
	for a := 0; a < g.dims; a++ {
		s := (g.r.Float64()*2 - 1) * g.span / 50
		nb[a] += s
		nb[g.dims+a] += s
	}
	return nb
}

func (g *gen) query() ([]float64, []float64) {
	min := make([]float64, g.dims)
	max := make([]float64, g.dims)
	for a := 0; a < g.dims; a++ {
		lo := g.r.Float64()*g.span*1.2 - g.span*0.1
		w := g.r.Float64() * g.span / 2
		if g.r.Intn(2) == 0 {
			lo = math.Floor(lo)
			w = math.Floor(w)
		}
		min[a], max[a] = lo, lo+w
		switch g.r.Intn(10) {
		case 0:
			min[a] = math.Inf(-1)
		case 1:
			max[a] = math.Inf(1)
		}
	}
	return min, max
}

func (g *gen) point(n int) []float64 {
	p := make([]float64, n)
	for a := range p {
		p[a] = math.Floor(g.r.Float64()*g.span*1.2 - g.span*0.1)
		if g.r.Intn(3) == 0 {
			p[a] = g.r.Float64() * g.span
		}
	}
	return p
}

func reverse(a, b uint32) bool { return a > b }

// compare checks all queries of t against m.
func compare(t *testing.T, tr *Tree, m *model, g *gen, rounds int) {
	t.Helper()
	if tr.Len() != len(m.boxes) {
		t.Fatalf("Len %d, model %d", tr.Len(), len(m.boxes))
	}
	d := g.dims
	bmin, bmax := make([]float64, d), make([]float64, d)
	for id, b := range m.boxes {
		if !tr.Has(id) || !tr.Box(id, bmin, bmax) {
			t.Fatalf("id %d missing", id)
		}
		for a := 0; a < d; a++ {
			if bmin[a] != b[a] || bmax[a] != b[d+a] {
				t.Fatalf("Box(%d) = %v %v, want %v", id, bmin, bmax, b)
			}
		}
	}
	for r := 0; r < rounds; r++ {
		min, max := g.query()
		if got, want := collect(tr.Search, min, max), m.search(min, max, false); !equalIDs(got, want) {
			t.Fatalf("Search %v %v: got %v want %v", min, max, got, want)
		}
		if got, want := collect(tr.SearchWithin, min, max), m.search(min, max, true); !equalIDs(got, want) {
			t.Fatalf("SearchWithin %v %v: got %v want %v", min, max, got, want)
		}
		pd := d
		if g.r.Intn(3) == 0 {
			pd = 1 + g.r.Intn(d)
		}
		p := g.point(pd)
		k := []int{0, 1, 3, 10, len(m.boxes) + 2}[g.r.Intn(5)]
		maxDist := []float64{-1, math.Inf(1), 0, g.span / 10, math.Floor(g.r.Float64() * g.span / 3)}[g.r.Intn(5)]
		var less func(a, b uint32) bool
		if g.r.Intn(2) == 0 {
			less = reverse
		}
		got := tr.Nearest(p, k, maxDist, less, nil)
		want := m.nearest(p, k, maxDist, less)
		if len(got) != len(want) {
			t.Fatalf("Nearest %v k=%d max=%v: got %d items %v, want %d %v", p, k, maxDist, len(got), got, len(want), want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("Nearest %v k=%d max=%v: item %d got %v want %v\n got %v\nwant %v", p, k, maxDist, i, got[i], want[i], got, want)
			}
		}
		// NearestFunc: the k nearest of the items a predicate accepts,
		// against the model's full order filtered.
		mod := uint32(1 + g.r.Intn(7))
		accept := func(id uint32) bool { return id%mod == 0 }
		got = tr.NearestFunc(p, k, maxDist, less, accept, nil)
		want = nil
		for _, nb := range m.nearest(p, 0, maxDist, less) {
			if accept(nb.ID) && (k <= 0 || len(want) < k) {
				want = append(want, nb)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("NearestFunc %v k=%d max=%v id%%%d: got %v, want %v", p, k, maxDist, mod, got, want)
		}
	}
}

func collectJoin(t *testing.T, a, b *Tree, maxDist float64) []joinPair {
	var out []joinPair
	seen := map[[2]uint32]bool{}
	a.Join(b, maxDist, func(x, y uint32, dist float64) bool {
		if a == b {
			if x == y {
				t.Fatalf("self-join reported (%d, %d)", x, y)
			}
			if x > y {
				x, y = y, x
			}
		}
		if seen[[2]uint32{x, y}] {
			t.Fatalf("join reported (%d, %d) twice", x, y)
		}
		seen[[2]uint32{x, y}] = true
		out = append(out, joinPair{x, y, dist})
		return true
	})
	sortPairs(out)
	return out
}

func comparePairs(t *testing.T, what string, got, want []joinPair) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d pairs, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: pair %d got %v want %v", what, i, got[i], want[i])
		}
	}
}
