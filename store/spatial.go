package store

import (
	"fmt"
	"math"
	"sort"
)

// spatialIndex finds the R-tree called name.
func (tx *Tx) spatialIndex(name string) (*indexDef, error) {
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

// live reports whether key has not expired. BuntDB's R-tree keeps expired
// items until its once-a-second sweep, so spatial results check each hit,
// unless no item with a TTL was ever written.
func (tx *Tx) live(key string) bool {
	if !tx.db.mayExpire.Load() {
		return true
	}
	_, err := tx.engine.TTL(key)
	return err == nil
}

// Intersects calls fn for every item of the spatial index whose box touches
// box, until fn returns false or limit items (0: no limit) have been seen.
// Bounds may be infinite; a box with fewer dimensions than an item matches
// it on the dimensions it has.
func (tx *Tx) Intersects(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, false, fn)
}

// Within is Intersects for the items that lie wholly inside box.
func (tx *Tx) Within(index string, box Rect, limit int, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, true, fn)
}

func (tx *Tx) search(index string, box Rect, limit int, inside bool, fn func(key, value string) bool) error {
	if err := tx.check(false); err != nil {
		return err
	}
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
	seen := 0
	tx.iterating++
	defer func() { tx.iterating-- }()
	err = tx.engine.Intersects(index, encodeQuery(box), func(key, value string) bool {
		if !tx.live(key) {
			return true
		}
		if inside {
			r, err := readGeometry(value, d.Path)
			if err != nil || !box.contains(r) {
				return true
			}
		}
		seen++
		return fn(key, value) && (limit == 0 || seen < limit)
	})
	return wrapEngine(err)
}

// Nearby calls fn for the items of the spatial index nearest to point,
// nearest first, with the Euclidean distance from point to each item's box
// (0 inside it). It stops after k items (0: no limit), at the first item
// farther than maxDist (maxDist < 0: no bound), or when fn returns false.
// With k = 0 and a maxDist it is a radius query.
func (tx *Tx) Nearby(index string, point []float64, k int, maxDist float64, fn func(key, value string, dist float64) bool) error {
	if err := tx.check(false); err != nil {
		return err
	}
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
	tx.iterating++
	defer func() { tx.iterating-- }()
	switch {
	case maxDist >= 0 && !math.IsInf(maxDist, 1):
		return tx.nearbyWithin(d, index, point, k, maxDist, fn)
	case d.mixedDims():
		return tx.nearbySorted(index, point, k, fn)
	}
	seen := 0
	err = tx.engine.Nearby(index, encodeQuery(Point(point...)), func(key, value string, dist2 float64) bool {
		if !tx.live(key) {
			return true
		}
		seen++
		return fn(key, value, math.Sqrt(dist2)) && (k == 0 || seen < k)
	})
	return wrapEngine(err)
}

type nearHit struct {
	key, value string
	dist       float64
}

// nearbyWithin answers a bounded Nearby with a box search of the radius
// around point, then sorts what lies within the radius. BuntDB's
// nearest-first search allocates for every node it queues and costs about
// ten times a box search of the same neighbourhood, so when the caller
// bounds the distance the box search is the cheaper way.
func (tx *Tx) nearbyWithin(d *indexDef, index string, point []float64, k int, maxDist float64, fn func(key, value string, dist float64) bool) error {
	lo, hi := make([]float64, len(point)), make([]float64, len(point))
	for i, c := range point {
		lo[i], hi[i] = c-maxDist, c+maxDist
	}
	var hits []nearHit
	err := tx.engine.Intersects(index, encodeQuery(Box(lo, hi)), func(key, value string) bool {
		r, err := readGeometry(value, d.Path)
		if err != nil {
			return true // never stored: writes check geometry first
		}
		if dist := r.distance(point); dist <= maxDist && tx.live(key) {
			hits = append(hits, nearHit{key, value, dist})
		}
		return true
	})
	if err != nil {
		return wrapEngine(err)
	}
	emitNearest(hits, k, fn)
	return nil
}

// nearbySorted is an unbounded Nearby for an R-tree that holds items of
// different numbers of dimensions. BuntDB keeps one tree per number of
// dimensions and does not merge their nearest-first results in order (nor
// stop their searches before returning when told to stop early), so read
// every hit and sort.
func (tx *Tx) nearbySorted(index string, point []float64, k int, fn func(key, value string, dist float64) bool) error {
	var hits []nearHit
	err := tx.engine.Nearby(index, encodeQuery(Point(point...)), func(key, value string, dist2 float64) bool {
		if tx.live(key) {
			hits = append(hits, nearHit{key, value, math.Sqrt(dist2)})
		}
		return true
	})
	if err != nil {
		return wrapEngine(err)
	}
	emitNearest(hits, k, fn)
	return nil
}

// emitNearest calls fn for the k nearest hits (0: all), nearest first; ties
// go by key so the order does not depend on the tree's shape.
func emitNearest(hits []nearHit, k int, fn func(key, value string, dist float64) bool) {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		return hits[i].key < hits[j].key
	})
	for i, h := range hits {
		if (k > 0 && i >= k) || !fn(h.key, h.value, h.dist) {
			return
		}
	}
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

func checkNearbyArgs(k int, maxDist float64) error {
	switch {
	case k < 0:
		return invalidf("negative k %d", k)
	case math.IsNaN(maxDist):
		return invalidf("maximum distance is NaN")
	}
	return nil
}

// pairs is a temporary implementation: a box search around every item.
func (tx *Tx) pairs(d *indexDef, maxDist float64, pattern string, fn func(p Pair) bool) error {
	type it struct {
		key, value string
		r          Rect
	}
	var items []it
	err := tx.engine.AscendKeys(d.Pattern, func(key, value string) bool {
		if r, err := readGeometry(value, d.Path); err == nil && tx.live(key) {
			items = append(items, it{key, value, r})
		}
		return true
	})
	if err != nil {
		return wrapEngine(err)
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			a, b := items[i], items[j]
			dist := boxDistance(a.r, b.r)
			if dist > maxDist {
				continue
			}
			ma, mb := pattern == "" || matchKey(a.key, pattern), pattern == "" || matchKey(b.key, pattern)
			if !ma && !mb {
				continue
			}
			if (ma && mb && b.key < a.key) || (!ma && mb) {
				a, b = b, a
			}
			if !fn(Pair{a.key, a.value, b.key, b.value, dist}) {
				return nil
			}
		}
	}
	return nil
}
