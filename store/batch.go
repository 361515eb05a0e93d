package store

// Many queries in one call: a game server asks the same question for every
// player each tick, and one call per player costs a transaction (and, from
// C, a crossing and a buffer) each. The batch forms run every query in one
// transaction and report each hit with the position of its query.

// IntersectsMany runs Intersects for each box in turn, in one transaction.
// fn gets the index of the query in boxes with each hit; queries come in
// order, so q never decreases. limit applies to each query on its own.
// Every box is checked before any query runs: a bad one fails the call.
// fn returning false stops the whole batch.
func (tx *Tx) IntersectsMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error {
	return tx.searchMany(index, boxes, limit, false, nil, fn)
}

// WithinMany is IntersectsMany for the items that lie wholly inside each
// box.
func (tx *Tx) WithinMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error {
	return tx.searchMany(index, boxes, limit, true, nil, fn)
}

func (tx *Tx) searchMany(index string, boxes []Rect, limit int, inside bool, filter *Filter,
	fn func(q int, key, value string) bool) error {
	d, err := tx.spatialIndex(index)
	if err != nil {
		return err
	}
	if err := tx.db.limits.CheckBatch(uint64(len(boxes))); err != nil {
		return err
	}
	for i, b := range boxes {
		if err := b.validate(true); err != nil {
			return prefixErr(err, "box %d", i)
		}
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
	for q, b := range boxes {
		if !searchIndex(d.ix, b, limit, inside, f, func(key, value string) bool { return fn(q, key, value) }) {
			break
		}
	}
	return nil
}

// NearbyMany runs Nearby for each point in turn, in one transaction, with
// the same k and maxDist for every point. fn gets the index of the query in
// points with each hit; within a query hits come nearest first.
func (tx *Tx) NearbyMany(index string, points [][]float64, k int, maxDist float64,
	fn func(q int, key, value string, dist float64) bool) error {
	return tx.NearbyManyFiltered(index, points, k, maxDist, nil, fn)
}

// NearbyManyFiltered is NearbyMany over the items that pass f (nil: all):
// each query gets the k nearest items that pass.
func (tx *Tx) NearbyManyFiltered(index string, points [][]float64, k int, maxDist float64, filter *Filter,
	fn func(q int, key, value string, dist float64) bool) error {
	d, err := tx.spatialIndex(index)
	if err != nil {
		return err
	}
	if err := tx.db.limits.CheckBatch(uint64(len(points))); err != nil {
		return err
	}
	for i, p := range points {
		if err := Point(p...).validate(false); err != nil {
			return prefixErr(err, "point %d", i)
		}
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
	for q, p := range points {
		if !nearbyIndex(d.ix, p, k, maxDist, f, func(key, value string, dist float64) bool { return fn(q, key, value, dist) }) {
			break
		}
	}
	return nil
}

// IntersectsMany runs Tx.IntersectsMany in a read transaction of its own.
func (db *DB) IntersectsMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.IntersectsMany(index, boxes, limit, fn) })
}

// WithinMany runs Tx.WithinMany in a read transaction of its own.
func (db *DB) WithinMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.WithinMany(index, boxes, limit, fn) })
}

// NearbyMany runs Tx.NearbyMany in a read transaction of its own.
func (db *DB) NearbyMany(index string, points [][]float64, k int, maxDist float64,
	fn func(q int, key, value string, dist float64) bool) error {
	return db.view(func(tx *Tx) error { return tx.NearbyMany(index, points, k, maxDist, fn) })
}
