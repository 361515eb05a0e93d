package store

import (
	"errors"
	"time"

	"github.com/tidwall/buntdb"
)

// ReadWriter is what both *DB and *Tx offer: on a DB each call runs in a
// transaction of its own, on a Tx it joins that transaction. Code written
// against ReadWriter works with either.
type ReadWriter interface {
	Set(key, value string, ttl time.Duration) error
	Get(key string) (string, error)
	Delete(key string) error
	TTL(key string) (time.Duration, error)
	TTLMany(keys []string, fn func(i int, ttl time.Duration, found bool)) error
	SetMany(items []Item) error
	GetMany(keys []string, fn func(i int, value string, found bool)) error
	DeleteMany(keys []string) (int, error)
	Scan(index string, r Range, fn func(key, value string) bool) error
	Intersects(index string, box Rect, limit int, fn func(key, value string) bool) error
	Within(index string, box Rect, limit int, fn func(key, value string) bool) error
	Nearby(index string, point []float64, k int, maxDist float64, fn func(key, value string, dist float64) bool) error
	IntersectsMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error
	WithinMany(index string, boxes []Rect, limit int, fn func(q int, key, value string) bool) error
	NearbyMany(index string, points [][]float64, k int, maxDist float64, fn func(q int, key, value string, dist float64) bool) error
	Pairs(index string, maxDist float64, pattern string, fn func(p Pair) bool) error
	Len() (int, error)

	// Filtered queries (query.go), field updates (fields.go) and indexes
	// (indextx.go): on a Tx they join it, so an index made there is
	// queried there and goes away with a rollback.
	ScanFiltered(index string, r Range, f *Filter, fn func(key, value string) bool) error
	IntersectsFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error
	WithinFiltered(index string, box Rect, limit int, f *Filter, fn func(key, value string) bool) error
	NearbyFiltered(index string, point []float64, k int, maxDist float64, f *Filter,
		fn func(key, value string, dist float64) bool) error
	IntersectsManyFiltered(index string, boxes []Rect, limit int, f *Filter, fn func(q int, key, value string) bool) error
	WithinManyFiltered(index string, boxes []Rect, limit int, f *Filter, fn func(q int, key, value string) bool) error
	NearbyManyFiltered(index string, points [][]float64, k int, maxDist float64, f *Filter,
		fn func(q int, key, value string, dist float64) bool) error
	SetField(key, path, value string) error
	IncrField(key, path string, delta float64) (float64, error)
	DeleteField(key, path string) error
	UpdateFields(updates []FieldUpdate) error
	CreateIndex(name, pattern string, kind IndexKind, path string) error
	CreateSpatialIndex(name, pattern, path string) error
	DropIndex(name string) error
	Indexes() ([]IndexInfo, error)
}

var (
	_ ReadWriter = (*DB)(nil)
	_ ReadWriter = (*Tx)(nil)
)

// Item is one write of SetMany. A TTL of zero or less means no expiry.
type Item struct {
	Key, Value string
	TTL        time.Duration
}

// Set stores value under key, replacing any value there. A ttl > 0 makes
// the item expire after that long. If key matches a spatial index whose
// geometry cannot be read from value, Set refuses with ErrInvalidGeometry
// and writes nothing.
func (tx *Tx) Set(key, value string, ttl time.Duration) error {
	if err := tx.check(true); err != nil {
		return err
	}
	if err := tx.db.limits.CheckItem(uint64(len(key)), uint64(len(value))); err != nil {
		return err
	}
	defer tx.resetScratch()
	if err := tx.geometries(key, value); err != nil {
		return err
	}
	expires := expiresAt(ttl)
	if _, _, err := tx.engine.Set(key, value, tx.db.ttlOptions(ttl)); err != nil {
		return wrapEngine(err)
	}
	tx.spatialPut(key, value, tx.pendingGeoms(), expires)
	tx.written(key, setRecordSize(key, value, ttl))
	return nil
}

// Get returns the value under key, or ErrNotFound.
func (tx *Tx) Get(key string) (string, error) {
	if err := tx.check(false); err != nil {
		return "", err
	}
	v, err := tx.engine.Get(key)
	return v, wrapEngine(err)
}

// Delete removes key, or gives ErrNotFound if it is not there.
func (tx *Tx) Delete(key string) error {
	if err := tx.check(true); err != nil {
		return err
	}
	// BuntDB writes a delete record for an item it finds, expired or not,
	// even though it reports an expired one as not found.
	found := false
	if tx.pending != nil {
		_, gerr := tx.engine.Get(key, true)
		found = gerr == nil
	}
	_, err := tx.engine.Delete(key)
	if err == nil || errors.Is(err, buntdb.ErrNotFound) {
		// BuntDB removes an expired item too, though it reports it as not
		// found; any other error removed nothing.
		tx.spatialDelete(key)
	}
	if found {
		tx.written(key, delRecordSize(key))
	}
	return wrapEngine(err)
}

// TTL returns how long key has left to live, -1 if it never expires, or
// ErrNotFound.
func (tx *Tx) TTL(key string) (time.Duration, error) {
	if err := tx.check(false); err != nil {
		return 0, err
	}
	d, err := tx.engine.TTL(key)
	if err != nil {
		return 0, wrapEngine(err)
	}
	if d < 0 {
		return -1, nil
	}
	return d, nil
}

// SetMany writes every item, all or none: the first item refused leaves the
// transaction as it was before the call.
func (tx *Tx) SetMany(items []Item) error {
	if err := tx.check(true); err != nil {
		return err
	}
	if err := tx.db.limits.CheckBatch(uint64(len(items))); err != nil {
		return err
	}
	for i, it := range items {
		if err := tx.db.limits.CheckItem(uint64(len(it.Key)), uint64(len(it.Value))); err != nil {
			return prefixErr(err, "item %d", i)
		}
	}
	// Read every item's geometry before writing any, so a refused item
	// leaves nothing written; ends[i] is where item i's geometries end.
	defer tx.resetScratch()
	ends := make([]int32, len(items))
	for i, it := range items {
		if err := tx.geometries(it.Key, it.Value); err != nil {
			return prefixErr(err, "item %d", i)
		}
		ends[i] = int32(len(tx.pendingGeoms()))
	}
	start := int32(0)
	for i, it := range items {
		expires := expiresAt(it.TTL)
		if _, _, err := tx.engine.Set(it.Key, it.Value, tx.db.ttlOptions(it.TTL)); err != nil {
			return wrapEngine(err)
		}
		tx.spatialPut(it.Key, it.Value, tx.pendingGeoms()[start:ends[i]], expires)
		start = ends[i]
		tx.written(it.Key, setRecordSize(it.Key, it.Value, it.TTL))
	}
	return nil
}

// DeleteMany removes every key of keys that is there and returns how many it
// removed; missing (and expired) keys are skipped, not an error.
func (tx *Tx) DeleteMany(keys []string) (int, error) {
	if err := tx.check(true); err != nil {
		return 0, err
	}
	if err := tx.db.limits.CheckBatch(uint64(len(keys))); err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		switch err := tx.Delete(k); {
		case err == nil:
			n++
		case !errors.Is(err, ErrNotFound):
			return n, err
		}
	}
	return n, nil
}

// GetMany looks up every key and calls fn with each key's position, value
// and whether it was found, in order.
func (tx *Tx) GetMany(keys []string, fn func(i int, value string, found bool)) error {
	if err := tx.check(false); err != nil {
		return err
	}
	if err := tx.db.limits.CheckBatch(uint64(len(keys))); err != nil {
		return err
	}
	for i, k := range keys {
		v, err := tx.engine.Get(k)
		fn(i, v, err == nil)
	}
	return nil
}

// TTLMany reads the TTL of every key and calls fn with each key's position,
// the time it has left (-1 for no expiry) and whether it was found, in
// order. A missing or expired key has found false and a ttl of 0.
func (tx *Tx) TTLMany(keys []string, fn func(i int, ttl time.Duration, found bool)) error {
	if err := tx.check(false); err != nil {
		return err
	}
	for i, k := range keys {
		switch d, err := tx.TTL(k); {
		case err == nil:
			fn(i, d, true)
		case errors.Is(err, ErrNotFound):
			fn(i, 0, false)
		default:
			return err
		}
	}
	return nil
}

// Set stores value under key in a transaction of its own; see Tx.Set.
func (db *DB) Set(key, value string, ttl time.Duration) error {
	return db.update(func(tx *Tx) error { return tx.Set(key, value, ttl) })
}

// Get returns the value under key, or ErrNotFound.
func (db *DB) Get(key string) (v string, err error) {
	err = db.view(func(tx *Tx) error { v, err = tx.Get(key); return err })
	return v, err
}

// Delete removes key, or gives ErrNotFound.
func (db *DB) Delete(key string) error {
	return db.update(func(tx *Tx) error { return tx.Delete(key) })
}

// TTL returns the time key has left, -1 for none, or ErrNotFound.
func (db *DB) TTL(key string) (d time.Duration, err error) {
	err = db.view(func(tx *Tx) error { d, err = tx.TTL(key); return err })
	return d, err
}

// TTLMany reads the TTLs of keys in one read transaction; see Tx.TTLMany.
func (db *DB) TTLMany(keys []string, fn func(i int, ttl time.Duration, found bool)) error {
	return db.view(func(tx *Tx) error { return tx.TTLMany(keys, fn) })
}

// SetMany writes every item in one transaction, all or none.
func (db *DB) SetMany(items []Item) error {
	return db.update(func(tx *Tx) error { return tx.SetMany(items) })
}

// DeleteMany removes the keys in one transaction; see Tx.DeleteMany.
func (db *DB) DeleteMany(keys []string) (n int, err error) {
	err = db.update(func(tx *Tx) error { n, err = tx.DeleteMany(keys); return err })
	if err != nil {
		n = 0 // rolled back
	}
	return n, err
}

// GetMany looks up every key in one read transaction; see Tx.GetMany.
func (db *DB) GetMany(keys []string, fn func(i int, value string, found bool)) error {
	return db.view(func(tx *Tx) error { return tx.GetMany(keys, fn) })
}
