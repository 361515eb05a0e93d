package rtree

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"
)

// Benchmarks on 3D points in a 1000^3 world: "uniform" spreads them evenly;
// "clustered" puts 95% in 50 dense towns of radius ~20 and scatters the rest.

const world = 1000.0

type dataset struct {
	name string
	n    int
	pts  []float64 // 3 per item
}

var (
	dataMu    sync.Mutex
	dataCache = map[string]*dataset{}
	treeCache = map[string]*Tree{}
	posCache  = map[string][]float64{} // current positions of the items in a churned tree
)

func getData(kind string, n int) *dataset {
	dataMu.Lock()
	defer dataMu.Unlock()
	key := fmt.Sprintf("%s/%d", kind, n)
	if d, ok := dataCache[key]; ok {
		return d
	}
	r := rand.New(rand.NewSource(42))
	pts := make([]float64, 3*n)
	var towns [][3]float64
	for i := 0; i < 50; i++ {
		towns = append(towns, [3]float64{r.Float64() * world, r.Float64() * world, r.Float64() * world})
	}
	for i := 0; i < n; i++ {
		for a := 0; a < 3; a++ {
			pts[3*i+a] = r.Float64() * world
		}
		if kind == "clustered" && r.Intn(20) != 0 {
			c := towns[r.Intn(len(towns))]
			for {
				x, y, z := r.Float64()*2-1, r.Float64()*2-1, r.Float64()*2-1
				if x*x+y*y+z*z <= 1 {
					pts[3*i], pts[3*i+1], pts[3*i+2] = c[0]+20*x, c[1]+20*y, c[2]+20*z
					break
				}
			}
		}
	}
	d := &dataset{name: key, n: n, pts: pts}
	dataCache[key] = d
	return d
}

func (d *dataset) loadInput() ([]uint32, []float64) {
	ids := make([]uint32, d.n)
	boxes := make([]float64, 6*d.n)
	for i := range ids {
		ids[i] = uint32(i)
		p := d.pts[3*i : 3*i+3]
		copy(boxes[6*i:], p)
		copy(boxes[6*i+3:], p)
	}
	return ids, boxes
}

// getTree returns a cached tree: "load" is bulk-loaded; "churn" is a loaded
// tree after 10 random small moves per item (d.pts is not changed: the
// churned positions live in the tree only).
func getTree(kind string, n int, state string) *Tree {
	d := getData(kind, n)
	key := fmt.Sprintf("%s/%s", d.name, state)
	dataMu.Lock()
	defer dataMu.Unlock()
	if t, ok := treeCache[key]; ok {
		return t
	}
	t := New(3)
	if state == "insert" {
		for i := 0; i < n; i++ {
			p := d.pts[3*i : 3*i+3]
			t.Insert(uint32(i), p, p)
		}
		treeCache[key] = t
		return t
	}
	ids, boxes := d.loadInput()
	t.Load(ids, boxes)
	if state == "churn" {
		r := rand.New(rand.NewSource(7))
		pos := append([]float64(nil), d.pts...)
		for i := 0; i < 10*n; i++ {
			id := r.Intn(n)
			p := pos[3*id : 3*id+3]
			for a := range p {
				p[a] += r.Float64()*2 - 1
			}
			t.Update(uint32(id), p, p)
		}
		posCache[key] = pos
	}
	treeCache[key] = t
	return t
}

// cpuTimer reports CPU ns per op (see cpuNanos) when stopped.
type cpuTimer struct{ start int64 }

func startCPU(b *testing.B) cpuTimer {
	b.ResetTimer()
	return cpuTimer{cpuNanos()}
}

func (c cpuTimer) stop(b *testing.B) {
	b.StopTimer()
	if c.start != 0 {
		b.ReportMetric(float64(cpuNanos()-c.start)/float64(b.N), "cpu-ns/op")
	}
}

var sizes = []int{100_000, 1_000_000}
var kinds = []string{"uniform", "clustered"}

func forAll(b *testing.B, fn func(b *testing.B, kind string, n int)) {
	for _, kind := range kinds {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%dk", kind, n/1000), func(b *testing.B) { fn(b, kind, n) })
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) {
		d := getData(kind, n)
		ids, boxes := d.loadInput()
		var t *Tree
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t = New(3)
			t.Load(ids, boxes)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
		b.ReportMetric(float64(t.MemoryBytes())/float64(n), "bytes/item")
	})
}

func BenchmarkInsert(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) {
		d := getData(kind, n)
		var t *Tree
		for i := 0; i < b.N; i++ {
			t = New(3)
			for j := 0; j < n; j++ {
				p := d.pts[3*j : 3*j+3]
				t.Insert(uint32(j), p, p)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
		b.ReportMetric(float64(t.MemoryBytes())/float64(n), "bytes/item")
	})
}

// queries returns box-query centres uniform in the world.
func queries(seed int64) [][3]float64 {
	r := rand.New(rand.NewSource(seed))
	q := make([][3]float64, 4096)
	for i := range q {
		q[i] = [3]float64{r.Float64() * world, r.Float64() * world, r.Float64() * world}
	}
	return q
}

// knnPoints returns query points: uniform for the uniform world, near data
// points for the clustered one (where people ask "what is near me").
func knnPoints(kind string, n int) [][3]float64 {
	if kind == "uniform" {
		return queries(3)
	}
	d := getData(kind, n)
	r := rand.New(rand.NewSource(4))
	q := make([][3]float64, 4096)
	for i := range q {
		j := r.Intn(n)
		for a := 0; a < 3; a++ {
			q[i][a] = d.pts[3*j+a] + r.Float64()*2 - 1
		}
	}
	return q
}

func benchSearch(b *testing.B, t *Tree, side float64) {
	qs := queries(1)
	hits := 0
	fn := func(uint32) bool { hits++; return true }
	var min, max [3]float64
	b.ReportAllocs()
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		q := qs[i&4095]
		for a := 0; a < 3; a++ {
			min[a], max[a] = q[a]-side/2, q[a]+side/2
		}
		t.Search(min[:], max[:], fn)
	}
	c.stop(b)
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
}

func benchNearest(b *testing.B, t *Tree, qs [][3]float64) {
	dst := make([]Neighbor, 0, 10)
	b.ReportAllocs()
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		q := qs[i&4095]
		dst = t.Nearest(q[:], 10, -1, nil, dst[:0])
	}
	c.stop(b)
}

func BenchmarkSearch(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) { benchSearch(b, getTree(kind, n, "load"), 50) })
}

func BenchmarkSearchChurned(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) { benchSearch(b, getTree(kind, n, "churn"), 50) })
}

func BenchmarkSearchInserted(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) { benchSearch(b, getTree(kind, n, "insert"), 50) })
}

func BenchmarkNearest(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) { benchNearest(b, getTree(kind, n, "load"), knnPoints(kind, n)) })
}

func BenchmarkNearestChurned(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) { benchNearest(b, getTree(kind, n, "churn"), knnPoints(kind, n)) })
}

// BenchmarkUpdate moves random items by a random step of up to 1 unit per
// axis, on the churned tree (steady state: it keeps churning it).
func BenchmarkUpdate(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) {
		t := getTree(kind, n, "churn")
		pos := posCache[fmt.Sprintf("%s/%d/churn", kind, n)]
		benchUpdate(b, t, pos, n)
	})
}

// BenchmarkUpdateAfterLoad is BenchmarkUpdate on a freshly loaded tree, whose
// full nodes split on the first moves out of their leaves.
func BenchmarkUpdateAfterLoad(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) {
		d := getData(kind, n)
		t := New(3)
		ids, boxes := d.loadInput()
		t.Load(ids, boxes)
		benchUpdate(b, t, append([]float64(nil), d.pts...), n)
	})
}

func benchUpdate(b *testing.B, t *Tree, pos []float64, n int) {
	r := rand.New(rand.NewSource(11))
	steps := make([]float64, 3*4096)
	for i := range steps {
		steps[i] = r.Float64()*2 - 1
	}
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = r.Intn(n)
	}
	b.ReportAllocs()
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		id := order[i&(1<<16-1)]
		p := pos[3*id : 3*id+3]
		s := steps[3*(i&4095):]
		p[0] += s[0]
		p[1] += s[1]
		p[2] += s[2]
		t.Update(uint32(id), p, p)
	}
	c.stop(b)
	b.ReportMetric(float64(t.MemoryBytes())/float64(n), "bytes/item")
}

// BenchmarkSelfJoin finds all pairs of points within 5 units of each other.
func BenchmarkSelfJoin(b *testing.B) {
	forAll(b, func(b *testing.B, kind string, n int) {
		t := getTree(kind, n, "load")
		pairs := 0
		b.ReportAllocs()
		c := startCPU(b)
		for i := 0; i < b.N; i++ {
			t.Join(t, 5, func(a, b uint32, d float64) bool { pairs++; return true })
		}
		c.stop(b)
		b.ReportMetric(float64(pairs)/float64(b.N), "pairs/op")
	})
}
