package store

import (
	"math"
	"slices"
	"time"

	"spatialstore/store/internal/idmap"
	"spatialstore/store/internal/rtree"
)

// spatialIndex is the store's own index behind one spatial index
// definition. BuntDB keeps keys, values, TTLs and the file; this keeps, for
// the items under the index's pattern, an R-tree per number of dimensions
// (usually just one) over small integer ids, and per id the item's key,
// value and expiry, so a query answers from here without a B-tree lookup or
// re-reading any value's geometry.
//
// Locking: it has no lock of its own. It changes only inside BuntDB write
// transactions (Tx.Set, Tx.Delete and index creation), which exclude every
// other transaction, and it is read only inside BuntDB transactions, read
// ones sharing BuntDB's read lock. So readers never see a write in
// progress, and a write transaction's changes are seen by its own reads at
// once and by others only after it ends. A rollback undoes them from the
// transaction's undo log (see spatialtx.go) before BuntDB's lock is released.
type spatialIndex struct {
	ids   *idmap.Map    // key -> id, the keys being items[id].key
	items []spatialItem // by id
	dims  []uint8       // by id: the item's number of dimensions, 0 for a free id
	free  []uint32      // ids of removed items, for reuse
	trees [MaxDims + 1]*rtree.Tree
	// present lists the numbers of dimensions that have a tree, ascending.
	present []int
	// expiring counts the items with an expiry; while it is 0 queries
	// skip the per-hit expiry check and the clock.
	expiring int
	// byKey is keyLess as a func value made once: a method value made per
	// query would be an allocation per query.
	byKey func(a, b uint32) bool
}

type spatialItem struct {
	key, value string // shared with BuntDB's copies: strings are immutable
	expires    int64  // Unix nanoseconds; 0: never
}

func newSpatialIndex() *spatialIndex {
	ix := &spatialIndex{}
	ix.ids = idmap.New(func(id uint32) string { return ix.items[id].key })
	ix.byKey = ix.keyLess
	return ix
}

// reserve makes room for n items, so that a bulk load fills its arrays
// without growing them: grown by appends, they would leave several times
// their final size behind as garbage.
func (ix *spatialIndex) reserve(n int) {
	ix.ids.Reserve(n)
	ix.items = slices.Grow(ix.items, n)
	ix.dims = slices.Grow(ix.dims, n)
}

// tree returns the tree for items of dims dimensions, making it if needed.
func (ix *spatialIndex) tree(dims int) *rtree.Tree {
	if t := ix.trees[dims]; t != nil {
		return t
	}
	t := rtree.New(dims)
	ix.trees[dims] = t
	i := 0
	for i < len(ix.present) && ix.present[i] < dims {
		i++
	}
	ix.present = append(ix.present, 0)
	copy(ix.present[i+1:], ix.present[i:])
	ix.present[i] = dims
	return t
}

// alloc gives key an id and records its item; the caller puts it in a tree.
func (ix *spatialIndex) alloc(key, value string, expires int64, dims int) uint32 {
	it := spatialItem{key: key, value: value, expires: expires}
	var id uint32
	if n := len(ix.free); n > 0 {
		id = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.items[id], ix.dims[id] = it, uint8(dims)
	} else {
		id = uint32(len(ix.items))
		ix.items = append(ix.items, it)
		ix.dims = append(ix.dims, uint8(dims))
	}
	ix.ids.Put(key, id)
	if expires != 0 {
		ix.expiring++
	}
	return id
}

// put stores key's item with box coords (dims minima, then dims maxima),
// replacing what key had.
func (ix *spatialIndex) put(key, value string, coords []float64, dims int, expires int64) {
	id, ok := ix.ids.Get(key)
	ix.putID(id, ok, key, value, coords, dims, expires)
}

// putID is put for a caller that has looked key up already: id, ok.
func (ix *spatialIndex) putID(id uint32, ok bool, key, value string, coords []float64, dims int, expires int64) {
	lo, hi := coords[:dims], coords[dims:2*dims]
	if !ok {
		id = ix.alloc(key, value, expires, dims)
		ix.tree(dims).Insert(id, lo, hi)
		return
	}
	it := &ix.items[id]
	if it.expires != 0 {
		ix.expiring--
	}
	if expires != 0 {
		ix.expiring++
	}
	if old := int(ix.dims[id]); old == dims {
		ix.trees[dims].Update(id, lo, hi)
	} else {
		ix.trees[old].Remove(id)
		ix.tree(dims).Insert(id, lo, hi)
		ix.dims[id] = uint8(dims)
	}
	// The new key string, equal to the old: it sits beside the new value
	// when the C API copied them in one block, and the old block can go
	// (the key map keeps no string of its own).
	it.key, it.value, it.expires = key, value, expires
}

// remove takes key out; it reports whether key was there.
func (ix *spatialIndex) remove(key string) bool {
	id, ok := ix.ids.Get(key)
	if ok {
		ix.removeID(id, key)
	}
	return ok
}

// removeID is remove for a caller that has looked key up already: id.
func (ix *spatialIndex) removeID(id uint32, key string) {
	it := &ix.items[id]
	ix.trees[ix.dims[id]].Remove(id)
	if it.expires != 0 {
		ix.expiring--
	}
	ix.ids.Delete(key)                  // before the key goes: the map reads it
	*it, ix.dims[id] = spatialItem{}, 0 // let go of the strings
	ix.free = append(ix.free, id)
}

// box copies id's box into dst (dims minima, then dims maxima).
func (ix *spatialIndex) box(id uint32, dst []float64) []float64 {
	d := int(ix.dims[id])
	start := len(dst)
	dst = slices.Grow(dst, 2*d)[:start+2*d]
	ix.trees[d].Box(id, dst[start:start+d], dst[start+d:])
	return dst
}

// clock is the time against which queries test expiry, or 0 when no item
// can expire.
func (ix *spatialIndex) clock() int64 {
	if ix.expiring == 0 {
		return 0
	}
	return time.Now().UnixNano()
}

// live reports whether id has not expired at now (see clock).
func (ix *spatialIndex) live(id uint32, now int64) bool {
	if now == 0 {
		return true
	}
	e := ix.items[id].expires
	return e == 0 || now < e
}

// keyLess orders ids by key: ties in distance go by key, so results do not
// depend on the tree's shape.
func (ix *spatialIndex) keyLess(a, b uint32) bool { return ix.items[a].key < ix.items[b].key }

// bulk is what a bulk load gathers: per number of dimensions, ids and
// their boxes. n is how many items it expects in all: each list is made
// that large when its first item comes.
type bulk struct {
	n     int
	ids   [MaxDims + 1][]uint32
	boxes [MaxDims + 1][]float64
}

// add records key's item, whose box is coords, for load.
func (ix *spatialIndex) add(b *bulk, key, value string, coords []float64, dims int, expires int64) {
	id := ix.alloc(key, value, expires, dims)
	if b.ids[dims] == nil {
		b.ids[dims] = make([]uint32, 0, b.n)
		b.boxes[dims] = make([]float64, 0, 2*dims*b.n)
	}
	b.ids[dims] = append(b.ids[dims], id)
	b.boxes[dims] = append(b.boxes[dims], coords...)
}

// load builds the trees from what add gathered, packed rather than one
// insert at a time: packed trees answer queries faster and build faster.
func (ix *spatialIndex) load(b *bulk) {
	for d := 1; d <= MaxDims; d++ {
		if len(b.ids[d]) > 0 {
			ix.tree(d).Load(b.ids[d], b.boxes[d])
		}
	}
}

// expiresAt turns a TTL into the Unix nanoseconds the spatial index keeps;
// ttl <= 0 means none.
func expiresAt(ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return deadline(time.Now().UnixNano(), ttl)
}

// deadline is now + ttl, saturated: a TTL of centuries must not wrap
// around into the past.
func deadline(now int64, ttl time.Duration) int64 {
	if int64(ttl) > math.MaxInt64-now {
		return math.MaxInt64
	}
	return now + int64(ttl)
}
