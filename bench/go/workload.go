// Package bench holds the Go side of the benchmark suite (see
// BENCHMARKS.md at the repository root): the store package called from Go,
// without FFI, on the same workloads and the same inputs as the Rust side
// (bench/rust/src/lib.rs). The inputs come from the same splitmix64
// generator with the same seeds.
package bench

import (
	"fmt"
	"strconv"
	"strings"

	"spatialstore/store"
)

// The workloads' constants, as in bench/rust/src/lib.rs.
const (
	World       = 1000.0 // side of the cube the objects live in
	BoxSide     = 50.0   // side of a box query
	K           = 10     // neighbours of knn10
	Batch       = 1000   // items per call of the batch workloads
	KVKeys      = 100000 // keys of the key-value workloads
	ValueLen    = 100    // bytes of a key-value value
	Players     = 10000  // players of the tick and pairs workloads
	PairDist    = 10.0   // the distance of the pairs workload
	SeedPoints  = 1      // stream of the objects
	SeedQueries = 2      // stream of what the benchmarks draw
	SpatialName = "pos"  // the spatial index

	// The clustered world: ClusteredN objects, TownShare of them in Towns
	// balls of radius TownRadius, the rest uniform in the cube, drawn from
	// stream SeedClustered.
	ClusteredN    = 100000
	Towns         = 50
	TownRadius    = 20.0
	TownShare     = 0.9
	SeedClustered = 3
)

// SplitMix64 is the generator every implementation draws its inputs from.
type SplitMix64 struct{ s uint64 }

// NewSplitMix64 starts a stream.
func NewSplitMix64(seed uint64) *SplitMix64 { return &SplitMix64{seed} }

// Next returns the next 64 bits.
func (r *SplitMix64) Next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Unit is uniform in [0, 1).
func (r *SplitMix64) Unit() float64 { return float64(r.Next()>>11) * (1.0 / (1 << 53)) }

// Below is uniform in [0, n).
func (r *SplitMix64) Below(n int) int { return int(r.Next() % uint64(n)) }

// Point is uniform in the cube.
func (r *SplitMix64) Point() [3]float64 {
	return [3]float64{r.Unit() * World, r.Unit() * World, r.Unit() * World}
}

// Step is a player's step: up to 1 unit in each axis, kept in the cube.
func (r *SplitMix64) Step(from [3]float64) [3]float64 {
	to := from
	for i := range to {
		to[i] = min(max(to[i]+r.Unit()*2-1, 0), World)
	}
	return to
}

// Points are the n objects of a spatial world.
func Points(n int) [][3]float64 {
	r := NewSplitMix64(SeedPoints)
	p := make([][3]float64, n)
	for i := range p {
		p[i] = r.Point()
	}
	return p
}

// ClusteredPoints are the n objects of the clustered world: Towns town
// centres first (uniform, at least TownRadius inside the cube), then per
// object a draw u: u < TownShare puts it in a random town, uniform in the
// ball of radius TownRadius (rejection sampling in the cube around it),
// otherwise it is uniform in the cube.
func ClusteredPoints(n int) [][3]float64 {
	r := NewSplitMix64(SeedClustered)
	towns := make([][3]float64, Towns)
	for i := range towns {
		for j := range towns[i] {
			towns[i][j] = TownRadius + r.Unit()*(World-2*TownRadius)
		}
	}
	p := make([][3]float64, n)
	for i := range p {
		if r.Unit() >= TownShare {
			p[i] = r.Point()
			continue
		}
		c := towns[r.Below(Towns)]
		for {
			d := [3]float64{r.Unit()*2 - 1, r.Unit()*2 - 1, r.Unit()*2 - 1}
			if d[0]*d[0]+d[1]*d[1]+d[2]*d[2] <= 1 {
				p[i] = [3]float64{c[0] + d[0]*TownRadius, c[1] + d[1]*TownRadius, c[2] + d[2]*TownRadius}
				break
			}
		}
	}
	return p
}

// Boxes holds n query boxes whose coordinates live in one array, so that
// filling it again allocates nothing.
type Boxes struct {
	Rects  []store.Rect
	coords []float64
}

// NewBoxes makes room for n boxes.
func NewBoxes(n int) *Boxes {
	b := &Boxes{Rects: make([]store.Rect, n), coords: make([]float64, 6*n)}
	for i := range b.Rects {
		c := b.coords[6*i : 6*i+6 : 6*i+6]
		b.Rects[i] = store.Box(c[:3:3], c[3:])
	}
	return b
}

// Around sets box i to the box of side BoxSide centred on c.
func (b *Boxes) Around(i int, c [3]float64) {
	h := BoxSide / 2
	r := b.Rects[i]
	for d := range 3 {
		r.Min[d], r.Max[d] = c[d]-h, c[d]+h
	}
}

// QueryPoints holds n query points whose coordinates live in one array.
type QueryPoints struct {
	Points [][]float64
	coords []float64
}

// NewQueryPoints makes room for n points.
func NewQueryPoints(n int) *QueryPoints {
	q := &QueryPoints{Points: make([][]float64, n), coords: make([]float64, 3*n)}
	for i := range q.Points {
		q.Points[i] = q.coords[3*i : 3*i+3 : 3*i+3]
	}
	return q
}

// Set sets point i.
func (q *QueryPoints) Set(i int, p [3]float64) { copy(q.Points[i], p[:]) }

// ObjectKey is the key of object id.
func ObjectKey(id int) string { return "o:" + strconv.Itoa(id) }

// RectText is BuntDB's rect text of a point, the value of an object.
func RectText(p [3]float64) string { return store.Point(p[0], p[1], p[2]).String() }

// KVKey is key i of the key-value workloads: 16 bytes.
func KVKey(i int) string { return fmt.Sprintf("k%015d", i) }

// ReadAll reads every byte of a value, as a caller that uses it does: a
// get that returns a view without touching the bytes would be measured
// against gets that copy them out (the C API, SQLite). The Rust side's
// read_all is the same sum.
func ReadAll(v string) int {
	s := 0
	for i := 0; i < len(v); i++ {
		s += int(v[i])
	}
	return s
}

// KVValue is the 100-byte value of the key-value workloads.
func KVValue() string { return strings.Repeat("abcdefghijklmnopqrstuvwxyz", 4)[:ValueLen] }

// LoadSpatial opens a memory store, writes the objects in batches of 10k
// and then makes the spatial index over "o:*" (rect text values, no JSON
// path): made after the objects, the index is bulk-loaded, as at an open
// and as rstar's tree is.
func LoadSpatial(points [][3]float64) (*store.DB, []string, error) {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]string, len(points))
	for i := range keys {
		keys[i] = ObjectKey(i)
	}
	for lo := 0; lo < len(points); lo += 10000 {
		hi := min(lo+10000, len(points))
		items := make([]store.Item, 0, hi-lo)
		for i := lo; i < hi; i++ {
			items = append(items, store.Item{Key: keys[i], Value: RectText(points[i])})
		}
		if err := db.SetMany(items); err != nil {
			return nil, nil, err
		}
	}
	if err := db.CreateSpatialIndex(SpatialName, "o:*", ""); err != nil {
		return nil, nil, err
	}
	return db, keys, nil
}

// LoadSpatialFile writes the file of the load workload from a loaded
// memory store: a snapshot of db at path, then a file store opened on it
// once to define the spatial index (which writes path+".idx").
func LoadSpatialFile(db *store.DB, path string) error {
	if err := db.SaveFile(path); err != nil {
		return err
	}
	f, err := store.Open(path, nil)
	if err != nil {
		return err
	}
	if err := f.CreateSpatialIndex(SpatialName, "o:*", ""); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// LoadKV opens a memory store with KVKeys keys and returns it and its keys.
func LoadKV() (*store.DB, []string, error) {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]string, KVKeys)
	value := KVValue()
	items := make([]store.Item, 0, 10000)
	for i := range keys {
		keys[i] = KVKey(i)
		// The store gets copies of its own, as from a network or a file:
		// sharing one value string among all keys, or the very key
		// strings the benchmark looks up with, would keep them in cache
		// (and Go's string compare short-cuts equal pointers), which no
		// real program and no caller through the C API enjoys.
		items = append(items, store.Item{Key: strings.Clone(keys[i]), Value: strings.Clone(value)})
		if len(items) == cap(items) {
			if err := db.SetMany(items); err != nil {
				return nil, nil, err
			}
			items = items[:0]
		}
	}
	return db, keys, db.SetMany(items)
}
