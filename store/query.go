package store

// The filtered forms of the queries: each is its plain form with a
// *Filter (see Filter) applied inside the store, so items that do not pass
// are never handed to fn and do not count toward a limit or k. A nil
// filter is the plain query. A bad filter (a pattern ending in a lone
// escape, an empty path, NaN or crossed bounds, an unknown operator) is
// refused with ErrInvalidArgument before anything runs.

// ScanFiltered is Scan over the items that pass f.
func (tx *Tx) ScanFiltered(index string, r Range, filter *Filter, fn func(key, value string) bool) error {
	f, err := filter.prepare()
	if err != nil {
		return err
	}
	if f == nil {
		return tx.Scan(index, r, fn)
	}
	return tx.scan(index, r, func(key, value string) (counts, more bool) {
		if !f.pass(key, value) {
			return false, true
		}
		return true, fn(key, value)
	})
}

// IntersectsFiltered is Intersects over the items that pass f.
func (tx *Tx) IntersectsFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, false, f, fn)
}

// WithinFiltered is Within over the items that pass f.
func (tx *Tx) WithinFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error {
	return tx.search(index, box, limit, true, f, fn)
}

// IntersectsManyFiltered is IntersectsMany over the items that pass f; the
// same filter applies to every box.
func (tx *Tx) IntersectsManyFiltered(index string, boxes []Rect, limit int, f *Filter,
	fn func(q int, key, value string) bool) error {
	return tx.searchMany(index, boxes, limit, false, f, fn)
}

// WithinManyFiltered is WithinMany over the items that pass f.
func (tx *Tx) WithinManyFiltered(index string, boxes []Rect, limit int, f *Filter,
	fn func(q int, key, value string) bool) error {
	return tx.searchMany(index, boxes, limit, true, f, fn)
}

// ScanFiltered runs Tx.ScanFiltered in a read transaction of its own.
func (db *DB) ScanFiltered(index string, r Range, f *Filter, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.ScanFiltered(index, r, f, fn) })
}

// IntersectsFiltered runs Tx.IntersectsFiltered in a read transaction of its own.
func (db *DB) IntersectsFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.IntersectsFiltered(index, box, limit, f, fn) })
}

// WithinFiltered runs Tx.WithinFiltered in a read transaction of its own.
func (db *DB) WithinFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.WithinFiltered(index, box, limit, f, fn) })
}

// NearbyFiltered runs Tx.NearbyFiltered in a read transaction of its own.
func (db *DB) NearbyFiltered(index string, point []float64, k int, maxDist float64, f *Filter,
	fn func(key, value string, dist float64) bool) error {
	return db.view(func(tx *Tx) error { return tx.NearbyFiltered(index, point, k, maxDist, f, fn) })
}

// IntersectsManyFiltered runs Tx.IntersectsManyFiltered in a read transaction of its own.
func (db *DB) IntersectsManyFiltered(index string, boxes []Rect, limit int, f *Filter,
	fn func(q int, key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.IntersectsManyFiltered(index, boxes, limit, f, fn) })
}

// WithinManyFiltered runs Tx.WithinManyFiltered in a read transaction of its own.
func (db *DB) WithinManyFiltered(index string, boxes []Rect, limit int, f *Filter,
	fn func(q int, key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.WithinManyFiltered(index, boxes, limit, f, fn) })
}

// NearbyManyFiltered runs Tx.NearbyManyFiltered in a read transaction of its own.
func (db *DB) NearbyManyFiltered(index string, points [][]float64, k int, maxDist float64, f *Filter,
	fn func(q int, key, value string, dist float64) bool) error {
	return db.view(func(tx *Tx) error { return tx.NearbyManyFiltered(index, points, k, maxDist, f, fn) })
}
