package store

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"spatialstore/store/internal/rtree"
)

// spatialIndex finds the spatial index called name, for a query: the
// transaction must still be open.
func (tx *Tx) spatialIndex(name string) (*indexDef, error) {
	if err := tx.check(false); err != nil {
		return nil, err
	}
	d, ok := tx.db.indexes[name]
	switch {
	case name == "":
		return nil, invalidf("empty index name: spatial queries need a spatial index")
	case !ok:
		return nil, fmt.Errorf("%w: %q", ErrNoIndex, name)
	case !d.Spatial():
		return nil, fmt.Errorf("%w: %q is a %s index, not a spatial one", ErrNoIndex, name, d.Kind)
	}
	return d, nil
}

// Intersects calls fn for every item of the spatial index whose box touches
// box, until fn returns false or limit items (0: no limit) have been seen.
// Bounds may be infinite; a box with fewer dimensions than an item matches
// it on the dimensions it has.
func (tx *Tx) Intersects(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, false, nil, fn)
}

// Within is Intersects for the items that lie wholly inside box.
func (tx *Tx) Within(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, true, nil, fn)
}

func (tx *Tx) search(index string, box Rect, limit int, inside bool, filter *Filter, fn func(key, value string) bool) error {
	d, err := tx.spatialIndex(index)
	if err != nil {
		return err
	}
	if err := box.validate(true); err != nil {
		return err
	}
	if limit < 0 {
		return invalidf("negative limit %d", limit)
	}
	f, err := filter.prepare()
	if err != nil {
		return err
	}
	tx.iterating++
	defer func() { tx.iterating-- }()
	searchIndex(d.ix, box, limit, inside, f, fn)
	return nil
}

// searchIndex runs a box query over every tree of ix. A tree of e
// dimensions is asked with the box cut or padded to e dimensions: the
// dimensions the box lacks are unbounded, those the items lack are
// ignored. Hits are gathered in chunks and handed to fn by emit (see
// there for why), which also tests them against the filter f: items it
// turns away do not count toward limit. It reports false if fn stopped it.
func searchIndex(ix *spatialIndex, box Rect, limit int, inside bool, f *filterRun, fn func(key, value string) bool) bool {
	now := ix.clock()
	hb := hitPool.Get().(*hitBuffer)
	defer hitPool.Put(hb)
	ids := hb.ids[:0]
	seen := 0 // hits counted toward limit
	stopped := false
	flush := func() {
		budget := 0
		if f != nil && limit > 0 {
			budget = limit - seen
		}
		n, more := ix.emit(ids, f, budget, fn)
		if f != nil {
			seen += n
		}
		stopped = !more
		ids = ids[:0]
	}
	visit := func(id uint32) bool {
		if !ix.live(id, now) {
			return true
		}
		ids = append(ids, id)
		if f == nil {
			seen++ // every hit counts: the chunk never holds more than limit
		}
		if len(ids) == hitChunk {
			flush()
		}
		return !stopped && (limit == 0 || seen < limit)
	}
	var lo, hi [MaxDims]float64
	for _, e := range ix.present {
		t := ix.trees[e]
		if t.Len() == 0 {
			continue
		}
		padQuery(box, e, &lo, &hi)
		var more bool
		if inside {
			more = t.SearchWithin(lo[:e], hi[:e], visit)
		} else {
			more = t.Search(lo[:e], hi[:e], visit)
		}
		if !more {
			break
		}
	}
	if !stopped && len(ids) > 0 {
		flush()
	}
	hb.ids = ids[:0]
	return !stopped
}

// hitChunk is how many hits a box query gathers before handing them on: a
// user's early stop wastes at most that much work.
const hitChunk = 256

type hitBuffer struct{ ids []uint32 }

var hitPool = sync.Pool{New: func() any { return &hitBuffer{ids: make([]uint32, 0, hitChunk)} }}

// emit hands the items of ids that pass f (nil: all) to fn, in order, until
// fn returns false or budget items (0: no budget) have gone. It returns
// how many went and whether fn wants more.
//
// At a million items a hit's record and its key and value bytes are almost
// never in the cache, and each miss costs more than the rest of the hit's
// work. Touched one hit at a time, as fn copies them out, the misses come
// one after another; touched first in loops of independent loads, they
// overlap in the memory system. So emit reads every record, then the key
// and value of each, and only then tests and calls fn on data now in the
// cache.
func (ix *spatialIndex) emit(ids []uint32, f *filterRun, budget int, fn func(key, value string) bool) (int, bool) {
	var sum uint
	for _, id := range ids {
		sum += uint(len(ix.items[id].value))
	}
	for _, id := range ids {
		sum += ix.items[id].touch()
	}
	keepLoads(sum)
	n := 0
	for _, id := range ids {
		it := &ix.items[id]
		if f != nil && !f.pass(it.key, it.value) {
			continue
		}
		n++
		if !fn(it.key, it.value) {
			return n, false
		}
		if n == budget {
			return n, true
		}
	}
	return n, true
}

// touch reads the first byte of the item's key and the first and last of
// its value (they share memory when the C API wrote them), to bring them
// into the cache; see emit.
func (it *spatialItem) touch() uint {
	var s uint
	if len(it.key) > 0 {
		s += uint(it.key[0])
	}
	if n := len(it.value); n > 0 {
		s += uint(it.value[0]) + uint(it.value[n-1])
	}
	return s
}

// keepLoads uses sum, the total of the loads that bring hits into the
// cache, so that the compiler keeps them: it can never be MaxUint.
func keepLoads(sum uint) {
	if sum == math.MaxUint {
		runtime.Gosched()
	}
}

// padQuery writes box, cut or padded with unbounded dimensions to e
// dimensions, into lo and hi.
func padQuery(box Rect, e int, lo, hi *[MaxDims]float64) {
	for i := 0; i < e; i++ {
		if i < len(box.Min) {
			lo[i], hi[i] = box.Min[i], box.Max[i]
		} else {
			lo[i], hi[i] = math.Inf(-1), math.Inf(1)
		}
	}
}

// Nearby calls fn for the items of the spatial index nearest to point,
// nearest first, with the Euclidean distance from point to each item's box
// (0 inside it), over the dimensions both have; equal distances come in
// key order. It stops after k items (0: no limit), at the first item
// farther than maxDist (maxDist < 0 or +Inf: no bound), or when fn returns
// false. With k = 0 and a maxDist it is a radius query.
func (tx *Tx) Nearby(index string, point []float64, k int, maxDist float64, fn func(key, value string, dist float64) bool) error {
	return tx.NearbyFiltered(index, point, k, maxDist, nil, fn)
}

// NearbyFiltered is Nearby over the items that pass f (nil: all): the k
// nearest items that pass, not the k nearest filtered afterwards.
func (tx *Tx) NearbyFiltered(index string, point []float64, k int, maxDist float64, filter *Filter,
	fn func(key, value string, dist float64) bool) error {
	d, err := tx.spatialIndex(index)
	if err != nil {
		return err
	}
	if err := Point(point...).validate(false); err != nil {
		return err
	}
	if err := checkNearbyArgs(k, maxDist); err != nil {
		return err
	}
	f, err := filter.prepare()
	if err != nil {
		return err
	}
	tx.iterating++
	defer func() { tx.iterating-- }()
	nearbyIndex(d.ix, point, k, maxDist, f, fn)
	return nil
}

func checkNearbyArgs(k int, maxDist float64) error {
	switch {
	case k < 0:
		return invalidf("negative k %d", k)
	case math.IsNaN(maxDist):
		return invalidf("maximum distance is NaN")
	}
	return nil
}

// neighbors holds a query's results; queries on many goroutines each take
// their own from the pool, so no scratch space belongs to the index.
type neighbors struct{ list []rtree.Neighbor }

var neighborPool = sync.Pool{New: func() any { return new(neighbors) }}

// nearbyIndex answers Nearby over every tree of ix, merging trees of
// different numbers of dimensions by distance and key, over the items that
// pass f. It reports false if fn stopped it.
func nearbyIndex(ix *spatialIndex, point []float64, k int, maxDist float64, f *filterRun,
	fn func(key, value string, dist float64) bool) bool {
	if math.IsInf(maxDist, 1) {
		maxDist = -1
	}
	nb := neighborPool.Get().(*neighbors)
	defer func() {
		if cap(nb.list) <= 1<<16 { // do not pin a huge result's memory
			nb.list = nb.list[:0]
			neighborPool.Put(nb)
		}
	}()
	now := ix.clock()
	// A filter is applied inside the tree's search (NearestFunc), so the k
	// nearest items that pass come in one search, however few pass.
	var accept func(id uint32) bool
	if f != nil {
		accept = func(id uint32) bool {
			it := &ix.items[id]
			return ix.live(id, now) && f.pass(it.key, it.value)
		}
	}
	// Expired items are still in the trees until the sweep removes them:
	// they are skipped here, and when they took places among the k nearest,
	// the search runs again with room for more.
	want := k
	var res []rtree.Neighbor
	for {
		res = nb.list[:0]
		trees := 0
		for _, e := range ix.present {
			if t := ix.trees[e]; t.Len() > 0 {
				res = t.NearestFunc(point[:min(len(point), e)], want, maxDist, ix.byKey, accept, res)
				trees++
			}
		}
		nb.list = res
		if trees > 1 {
			slices.SortFunc(res, func(a, b rtree.Neighbor) int {
				if c := cmp.Compare(a.Dist, b.Dist); c != 0 {
					return c
				}
				return strings.Compare(ix.items[a.ID].key, ix.items[b.ID].key)
			})
			if want > 0 && len(res) > want {
				res = res[:want]
			}
		}
		n, dropped := 0, 0
		for _, h := range res {
			if ix.live(h.ID, now) {
				res[n] = h
				n++
			} else {
				dropped++
			}
		}
		exhausted := want == 0 || len(res) < want
		res = res[:n]
		if dropped == 0 || exhausted || n >= k {
			break
		}
		want += 2 * dropped
	}
	if k > 0 && len(res) > k {
		res = res[:k]
	}
	// Bring the hits' bytes into the cache together; see emit.
	var sum uint
	for _, h := range res {
		sum += ix.items[h.ID].touch()
	}
	keepLoads(sum)
	for _, h := range res {
		it := &ix.items[h.ID]
		if !fn(it.key, it.value, h.Dist) {
			return false
		}
	}
	return true
}

// Intersects runs Tx.Intersects in a read transaction of its own.
func (db *DB) Intersects(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.Intersects(index, box, limit, fn) })
}

// Within runs Tx.Within in a read transaction of its own.
func (db *DB) Within(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.Within(index, box, limit, fn) })
}

// Nearby runs Tx.Nearby in a read transaction of its own.
func (db *DB) Nearby(index string, point []float64, k int, maxDist float64, fn func(key, value string, dist float64) bool) error {
	return db.view(func(tx *Tx) error { return tx.Nearby(index, point, k, maxDist, fn) })
}
