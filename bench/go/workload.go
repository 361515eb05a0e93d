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
	Players     = 10000  // players of the tick workload
	SeedPoints  = 1      // stream of the objects
	SeedQueries = 2      // stream of what the benchmarks draw
	SpatialName = "pos"  // the spatial index
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

// BoxAround is the box of side BoxSide centred on c.
func BoxAround(c [3]float64) store.Rect {
	h := BoxSide / 2
	return store.Box([]float64{c[0] - h, c[1] - h, c[2] - h}, []float64{c[0] + h, c[1] + h, c[2] + h})
}

// ObjectKey is the key of object id.
func ObjectKey(id int) string { return "o:" + strconv.Itoa(id) }

// RectText is BuntDB's rect text of a point, the value of an object.
func RectText(p [3]float64) string { return store.Point(p[0], p[1], p[2]).String() }

// KVKey is key i of the key-value workloads: 16 bytes.
func KVKey(i int) string { return fmt.Sprintf("k%015d", i) }

// KVValue is the 100-byte value of the key-value workloads.
func KVValue() string { return strings.Repeat("abcdefghijklmnopqrstuvwxyz", 4)[:ValueLen] }

// LoadSpatial opens a memory store with a spatial index over "o:*" (rect
// text values, no JSON path) and writes the objects in batches of 10k.
func LoadSpatial(points [][3]float64) (*store.DB, []string, error) {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := db.CreateSpatialIndex(SpatialName, "o:*", ""); err != nil {
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
	return db, keys, nil
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
		items = append(items, store.Item{Key: keys[i], Value: value})
		if len(items) == cap(items) {
			if err := db.SetMany(items); err != nil {
				return nil, nil, err
			}
			items = items[:0]
		}
	}
	return db, keys, db.SetMany(items)
}
