package store

import "fmt"

// Range selects what Scan visits: the items whose indexed value v (the key,
// when scanning the keys) has Lo <= v < Hi in the index's order, ascending
// or descending. A bound whose Has flag is false is open. For a JSON index
// the bounds are documents with a value at the index's path, for example
// `{"age":30}`; for the int, uint and float kinds they are numbers as text.
type Range struct {
	Lo, Hi       string
	HasLo, HasHi bool
	Desc         bool
	Limit        int // 0: no limit
}

// Scan calls fn for the items of index (the empty name scans the keys
// themselves) inside r, in index order, until fn returns false or Limit
// items have been seen. Expired items are skipped. A spatial index gives
// ErrNoIndex: query it with Intersects, Within or Nearby.
func (tx *Tx) Scan(index string, r Range, fn func(key, value string) bool) error {
	if err := tx.check(false); err != nil {
		return err
	}
	if r.Limit < 0 {
		return invalidf("negative limit %d", r.Limit)
	}
	byKey := index == ""
	less := func(a, b string) bool { return a < b }
	if !byKey {
		d, ok := tx.db.indexes[index]
		switch {
		case !ok:
			return fmt.Errorf("%w: %q", ErrNoIndex, index)
		case d.Spatial():
			return fmt.Errorf("%w: %q is a spatial index: query it with Intersects, Within or Nearby", ErrNoIndex, index)
		}
		less = d.order
	}
	if r.HasLo && r.HasHi && !less(r.Lo, r.Hi) {
		return nil // an empty range
	}
	seen := 0
	visit := func(key, value string) bool {
		seen++
		return fn(key, value) && (r.Limit == 0 || seen < r.Limit)
	}
	sortKey := func(key, value string) string {
		if byKey {
			return key
		}
		return value
	}
	e := tx.engine
	var err error
	switch {
	case !r.Desc && r.HasLo && r.HasHi:
		err = e.AscendRange(index, r.Lo, r.Hi, visit)
	case !r.Desc && r.HasLo:
		err = e.AscendGreaterOrEqual(index, r.Lo, visit)
	case !r.Desc && r.HasHi:
		err = e.AscendLessThan(index, r.Hi, visit)
	case !r.Desc:
		err = e.Ascend(index, visit)
	default:
		// BuntDB's descending bounds are (lo, hi]; ours stay [lo, hi), so
		// walk down from hi, skip hi itself and stop below lo.
		down := func(key, value string) bool {
			v := sortKey(key, value)
			if r.HasHi && !less(v, r.Hi) {
				return true
			}
			if r.HasLo && less(v, r.Lo) {
				return false
			}
			return visit(key, value)
		}
		if r.HasHi {
			err = e.DescendLessOrEqual(index, r.Hi, down)
		} else {
			err = e.Descend(index, down)
		}
	}
	return wrapEngine(err)
}

// Scan runs Tx.Scan in a read transaction of its own.
func (db *DB) Scan(index string, r Range, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.Scan(index, r, fn) })
}
