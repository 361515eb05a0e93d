package store

import "sync"

// The spatial indexes change at once when a write transaction writes, so
// its own reads see the change; BuntDB's write lock keeps every other
// transaction out until it ends. A rollback (asked for, or forced by a
// failed commit) puts them back from this log, newest change first, while
// BuntDB's lock is still held: no other transaction ever sees a change
// that did not commit.

// writeState is what a writable transaction keeps for its spatial
// writes: the undo log, and the scratch in which each write's geometry is
// parsed. It is pooled: a transaction of one Set then allocates nothing
// for it.
type writeState struct {
	undo       []spatialUndo
	undoCoords []float64 // the old boxes of undo
	geoms      []spatialGeom
	coords     []float64 // the boxes of geoms
}

var writeStatePool = sync.Pool{New: func() any { return new(writeState) }}

// ws returns the transaction's write state, taking one from the pool.
func (tx *Tx) ws() *writeState {
	if tx.w == nil {
		tx.w = writeStatePool.Get().(*writeState)
	}
	return tx.w
}

func (tx *Tx) releaseWriteState() {
	w := tx.w
	if w == nil {
		return
	}
	tx.w = nil
	clear(w.undo) // let go of the strings
	w.undo, w.undoCoords, w.geoms, w.coords = w.undo[:0], w.undoCoords[:0], w.geoms[:0], w.coords[:0]
	if cap(w.undo) <= 1<<16 && cap(w.coords) <= 1<<18 { // do not pin a huge batch's memory
		writeStatePool.Put(w)
	}
}

// spatialUndo is what one change replaced.
type spatialUndo struct {
	ix  *spatialIndex
	key string
	had bool // key was in the index; its old item follows
	old spatialItem
	// dims is the old box's number of dimensions.
	dims int
	// off is where the old box starts in writeState.undoCoords.
	off int
}

// spatialGeom is the geometry a write found for one spatial index: its box
// is coords[off : off+2*dims] of the transaction's write state.
type spatialGeom struct {
	ix   *spatialIndex
	off  int
	dims int
}

// geometries reads the geometry of value for every spatial index whose
// pattern matches key, appending to the transaction's scratch. It refuses
// the first value an index cannot read, naming the key and the index.
func (tx *Tx) geometries(key, value string) error {
	for _, d := range tx.db.spatial {
		if !d.matches(key) {
			continue
		}
		w := tx.ws() // only a write under a spatial index needs one
		off := len(w.coords)
		var dims int
		var err error
		w.coords, dims, err = appendGeometry(w.coords, value, d.Path)
		if err != nil {
			return prefixErr(err, "key %q under spatial index %q", truncate(key), d.Name)
		}
		w.geoms = append(w.geoms, spatialGeom{ix: d.ix, off: off, dims: dims})
	}
	return nil
}

// resetScratch empties the write scratch for the next write.
func (tx *Tx) resetScratch() {
	if w := tx.w; w != nil {
		w.geoms, w.coords = w.geoms[:0], w.coords[:0]
	}
}

// pendingGeoms are the geometries read by geometries since the last
// resetScratch.
func (tx *Tx) pendingGeoms() []spatialGeom {
	if tx.w == nil {
		return nil
	}
	return tx.w.geoms
}

// spatialPut applies geoms (from geometries) for key, logging what each
// replaces.
func (tx *Tx) spatialPut(key, value string, geoms []spatialGeom, expires int64) {
	for _, g := range geoms {
		id, ok := g.ix.ids.Get(key)
		tx.logChange(g.ix, key, id, ok)
		g.ix.putID(id, ok, key, value, tx.w.coords[g.off:g.off+2*g.dims], g.dims, expires)
	}
}

// spatialDelete takes key out of every spatial index that holds it.
func (tx *Tx) spatialDelete(key string) {
	for _, d := range tx.db.spatial {
		if id, ok := d.ix.ids.Get(key); ok {
			tx.logChange(d.ix, key, id, true)
			d.ix.removeID(id, key)
		}
	}
}

// logChange logs what key has in ix before a change: the item of id when
// ok, else nothing (a rollback then removes key).
func (tx *Tx) logChange(ix *spatialIndex, key string, id uint32, ok bool) {
	w := tx.ws()
	u := spatialUndo{ix: ix, key: key}
	if ok {
		u.had, u.old, u.dims, u.off = true, ix.items[id], int(ix.dims[id]), len(w.undoCoords)
		w.undoCoords = ix.box(id, w.undoCoords)
	}
	w.undo = append(w.undo, u)
}

// undoSpatial reverts every logged change, newest first, and empties the
// log.
func (tx *Tx) undoSpatial() {
	w := tx.w
	if w == nil {
		return
	}
	for i := len(w.undo) - 1; i >= 0; i-- {
		u := &w.undo[i]
		if !u.had {
			u.ix.remove(u.key)
			continue
		}
		d := u.dims
		u.ix.put(u.key, u.old.value, w.undoCoords[u.off:u.off+2*d], d, u.old.expires)
	}
	tx.forgetUndo()
}

// forgetUndo empties the log: at commit, the changes stay.
func (tx *Tx) forgetUndo() {
	if w := tx.w; w != nil {
		clear(w.undo) // let go of the strings
		w.undo, w.undoCoords = w.undo[:0], w.undoCoords[:0]
	}
}
