package store

import (
	"fmt"
	"sync"

	"github.com/tidwall/buntdb"
)

// Tx is a transaction. A read-only one shares the store with other readers;
// a writable one excludes every other transaction until it ends. A Tx is for
// one goroutine at a time, and ends with Commit or Rollback: until then it
// holds the store's lock, and Close refuses with ErrBusy.
//
// The callbacks of Scan, Intersects, Within and Nearby may read through the
// same Tx; writes from inside them are refused.
type Tx struct {
	db       *DB
	engine   *buntdb.Tx // nil once the transaction has ended
	writable bool
	held     bool // opened by Begin, Update or View: counted by Close
	// pending holds, for a writable transaction on a file store, the size
	// of the record each written key will append at commit (see journal.go).
	pending map[string]int64
	// iterating counts the spatial queries running on this Tx. BuntDB
	// refuses writes during its own scans but not during R-tree searches,
	// where a write would change the tree under the search.
	iterating int
	// w is a writable transaction's undo log and scratch (spatialtx.go), taken
	// from a pool at its first write and given back when it ends.
	w *writeState
	// indexLog lists the indexes the transaction made or dropped
	// (indextx.go), for a rollback and the save at commit.
	indexLog []indexChange
}

var txPool = sync.Pool{New: func() any { return new(Tx) }}

// Begin opens a transaction. It waits while a writable transaction is open
// (and a writable Begin waits for every open transaction).
func (db *DB) Begin(writable bool) (*Tx, error) {
	tx, err := db.begin(writable)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed.Load() {
		// Close decided while Begin waited for the lock.
		_ = tx.engine.Rollback()
		return nil, ErrClosed
	}
	tx.held = true
	db.txs[tx] = struct{}{}
	return tx, nil
}

func (db *DB) begin(writable bool) (*Tx, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	btx, err := db.engine.Begin(writable)
	if err != nil {
		return nil, wrapEngine(err)
	}
	tx := txPool.Get().(*Tx)
	*tx = Tx{db: db, engine: btx, writable: writable}
	if writable && db.path != "" {
		tx.pending = map[string]int64{}
	}
	return tx, nil
}

// written notes the record a write will append for key at commit; the last
// write of a key is the one BuntDB writes.
func (tx *Tx) written(key string, size int64) {
	if tx.pending != nil {
		tx.pending[key] = size
	}
}

// Writable reports whether the transaction may write.
func (tx *Tx) Writable() bool { return tx.writable }

// Commit makes the transaction's writes durable (as the sync policy says)
// and visible, and ends it. If writing the file fails, every change is
// rolled back and the error wraps ErrIO. Committing a read-only transaction
// just ends it.
func (tx *Tx) Commit() error {
	if tx.engine == nil {
		return ErrTxClosed
	}
	var err error
	if tx.writable {
		fenced := tx.weighFences()
		// A shrink's new file must be durable before a commit goes into it
		// (durable.go).
		err = tx.db.confirmShrink(false)
		if err == nil {
			err = tx.saveIndexLog()
		}
		if err == nil {
			err = tx.noteCommit()
		}
		if err == nil {
			err = tx.engine.Commit() // BuntDB rolls its part back if this fails
			if err != nil && len(tx.pending) > 1 {
				// The note describes a commit that is not there: later
				// ones would sit inside its range.
				_ = tx.db.clearNote()
			}
		} else {
			_ = tx.engine.Rollback()
		}
		if err != nil {
			tx.undoSpatial()
			if len(tx.indexLog) > 0 {
				tx.undoIndexes()
				_ = tx.db.saveIndexes() // the definitions as they are again
			}
		} else {
			tx.db.commits.Add(1)
		}
		tx.db.finishFences(fenced, err == nil)
		tx.indexLog = nil
		tx.forgetUndo()
	} else {
		err = tx.engine.Rollback()
	}
	tx.end()
	if err != nil {
		if isKnown(err) { // ErrIO from saving the index definitions
			return err
		}
		return fmt.Errorf("%w: commit: %v", ErrIO, err)
	}
	return nil
}

// Rollback undoes the transaction's writes and ends it.
func (tx *Tx) Rollback() error {
	if tx.engine == nil {
		return ErrTxClosed
	}
	tx.undoSpatial()
	tx.undoIndexes()
	err := tx.engine.Rollback()
	tx.end()
	return wrapEngine(err)
}

// noteCommit records where this commit's bytes will go, if it writes more
// than one record: a torn single record is dropped whole anyway, so the
// commits of single writes skip the note and its cost (a stat and a write).
// The note left from an earlier commit cannot describe this one's torn
// record, so it is ignored then.
func (tx *Tx) noteCommit() error {
	if len(tx.pending) < 2 {
		return nil
	}
	var size int64
	for _, n := range tx.pending {
		size += n
	}
	return tx.db.noteCommit(size)
}

func (tx *Tx) end() {
	tx.releaseWriteState()
	tx.engine = nil
	if tx.held {
		tx.db.mu.Lock()
		delete(tx.db.txs, tx)
		tx.db.mu.Unlock()
	}
}

// Update runs fn in a writable transaction and commits it if fn returns nil.
// If fn returns an error or panics, the transaction is rolled back (and the
// panic goes on).
func (db *DB) Update(fn func(tx *Tx) error) error {
	return db.managed(true, true, fn)
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.managed(false, true, fn)
}

// update and view run one of the DB's own single calls. Their transactions
// are not counted by Close: they end by themselves.
func (db *DB) update(fn func(tx *Tx) error) error { return db.managed(true, false, fn) }
func (db *DB) view(fn func(tx *Tx) error) error   { return db.managed(false, false, fn) }

func (db *DB) managed(writable, held bool, fn func(tx *Tx) error) (err error) {
	var tx *Tx
	if held {
		tx, err = db.Begin(writable)
	} else {
		tx, err = db.begin(writable)
	}
	if err != nil {
		return err
	}
	if !held {
		// The DB's own one-call transactions never let their Tx out, so it
		// goes back to the pool (after the commit below: defers run last
		// first) and a query through the DB allocates no Tx.
		defer func() {
			*tx = Tx{}
			txPool.Put(tx)
		}()
	}
	defer func() {
		if tx.engine == nil {
			return // fn ended it: leave the outcome to fn's caller
		}
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
		if err != nil {
			_ = tx.Rollback()
			return
		}
		err = tx.Commit()
	}()
	return fn(tx)
}

// check reports whether the transaction can still be used, and for writes
// whether it may write.
func (tx *Tx) check(write bool) error {
	switch {
	case tx.engine == nil:
		if tx.db.closed.Load() {
			return ErrClosed
		}
		return ErrTxClosed
	case write && !tx.writable:
		return ErrTxReadOnly
	case write && tx.iterating > 0:
		return invalidf("cannot write while iterating")
	}
	return nil
}

// Len is the number of items that have not expired, with the
// transaction's own writes. It costs nothing in a store where no item has
// had a TTL since it opened; otherwise it walks the keys.
func (tx *Tx) Len() (int, error) {
	if err := tx.check(false); err != nil {
		return 0, err
	}
	if !tx.db.mayExpire.Load() {
		// No item has had a TTL since the store opened: BuntDB's count
		// holds no expired item, and costs nothing to read.
		n, err := tx.engine.Len()
		return n, wrapEngine(err)
	}
	// BuntDB counts expired items until its sweep (once a second) deletes
	// them, and keeps no count of them; its scan skips them. So a store
	// with TTLs pays a walk of its keys for an exact count.
	n := 0
	err := tx.engine.Ascend("", func(_, _ string) bool { n++; return true })
	return n, wrapEngine(err)
}
