package store

import (
	"math"
	"sync"
)

// Pair is one answer of Pairs: two items and the Euclidean distance between
// their boxes (0 where they touch or overlap).
type Pair struct {
	KeyA, ValueA string
	KeyB, ValueB string
	Dist         float64
}

// Pairs calls fn for every pair of distinct live items of the spatial index
// whose boxes are within maxDist of each other: "who is near whom" in one
// call. Each pair comes once. With an empty pattern the first key of a pair
// is the smaller one (in byte order); with a pattern (BuntDB's glob syntax)
// only pairs where at least one key matches come, the matching key first,
// and the smaller first when both match: "players against everything".
// Pairs come in no particular order. Distances are taken over the
// dimensions both items have. maxDist must be finite and >= 0.
func (tx *Tx) Pairs(index string, maxDist float64, pattern string, fn func(p Pair) bool) error {
	d, err := tx.spatialIndex(index)
	if err != nil {
		return err
	}
	if math.IsNaN(maxDist) || math.IsInf(maxDist, 0) || maxDist < 0 {
		return invalidf("maximum distance %g: want a finite number >= 0", maxDist)
	}
	tx.iterating++
	defer func() { tx.iterating-- }()
	return tx.pairs(d, maxDist, pattern, fn)
}

// pairs runs a distance join of every pair of trees of the index (a tree
// with itself included), which prunes whole subtrees at once instead of
// searching around every item.
func (tx *Tx) pairs(d *indexDef, maxDist float64, pattern string, fn func(p Pair) bool) error {
	ix := d.ix
	now := ix.clock()
	m := matchPool.Get().(*keyMatch)
	defer matchPool.Put(m)
	m.reset(ix, pattern)
	for i, e := range ix.present {
		for _, f := range ix.present[i:] {
			more := ix.trees[e].Join(ix.trees[f], maxDist, func(a, b uint32, dist float64) bool {
				if !ix.live(a, now) || !ix.live(b, now) {
					return true
				}
				first, ok := m.orient(a, b)
				if !ok {
					return true
				}
				if !first {
					a, b = b, a
				}
				x, y := &ix.items[a], &ix.items[b]
				return fn(Pair{KeyA: x.key, ValueA: x.value, KeyB: y.key, ValueB: y.value, Dist: dist})
			})
			if !more {
				return nil
			}
		}
	}
	return nil
}

// keyMatch remembers, per id, whether the item's key matches a pattern,
// so a key that takes part in many pairs is matched once.
type keyMatch struct {
	ix      *spatialIndex
	pattern string
	memo    []uint8 // by id: 0 not yet known, 1 matches, 2 does not
}

var matchPool = sync.Pool{New: func() any { return new(keyMatch) }}

func (m *keyMatch) reset(ix *spatialIndex, pattern string) {
	m.ix, m.pattern = ix, pattern
	if pattern == "" {
		return
	}
	if cap(m.memo) < len(ix.items) {
		m.memo = make([]uint8, len(ix.items))
	}
	m.memo = m.memo[:len(ix.items)]
	clear(m.memo)
}

func (m *keyMatch) matches(id uint32) bool {
	if m.memo[id] == 0 {
		m.memo[id] = 2
		if matchKey(m.ix.items[id].key, m.pattern) {
			m.memo[id] = 1
		}
	}
	return m.memo[id] == 1
}

// orient says whether the pair (a, b) is reported, and whether a comes
// first: the key that matches the pattern first, else the smaller key.
func (m *keyMatch) orient(a, b uint32) (aFirst, ok bool) {
	aFirst = m.ix.items[a].key < m.ix.items[b].key
	if m.pattern == "" {
		return aFirst, true
	}
	ma, mb := m.matches(a), m.matches(b)
	switch {
	case ma && mb:
		return aFirst, true
	case ma || mb:
		return ma, true
	}
	return false, false
}

// Pairs runs Tx.Pairs in a read transaction of its own.
func (db *DB) Pairs(index string, maxDist float64, pattern string, fn func(p Pair) bool) error {
	return db.view(func(tx *Tx) error { return tx.Pairs(index, maxDist, pattern, fn) })
}
