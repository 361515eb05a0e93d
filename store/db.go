package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/buntdb"
)

// MemoryPath opens a store that lives only in memory.
const MemoryPath = ":memory:"

// DB is an open store. All its methods are safe for concurrent use. Each
// data method on DB runs in a transaction of its own; to group calls, use
// Update, View or Begin.
//
// A DB method called from inside a transaction of the same DB, on the same
// goroutine, waits for that transaction forever, as in BuntDB: inside
// Update, View or between Begin and Commit, use the Tx.
type DB struct {
	engine *buntdb.DB
	path   string   // "" in memory
	lock   *os.File // advisory lock on path+".lock", which also holds the commit note
	// syncAlways: commit notes are synced before the data (see noteCommit).
	syncAlways bool
	limits     Limits

	// The store's own shrink (durable.go): shrinking while one runs,
	// shrinkPending while the old file's link is not yet removed,
	// shrinkBase what the file held after the last shrink (at open: an
	// estimate, liveSize).
	shrinking, shrinkPending atomic.Bool
	shrinkBase               atomic.Int64
	// The background work (durable.go): the shrinker and the every-second
	// syncer stop when stop closes; bg counts them. commits counts the
	// writable commits, so the syncer knows when there is nothing to sync.
	stop    chan struct{}
	bg      sync.WaitGroup
	commits atomic.Uint64
	syncs   atomic.Uint64 // every-second syncs done, for tests

	closed atomic.Bool
	// mayExpire is set once any item with a TTL may exist. Until then
	// spatial queries skip the per-hit expiry check.
	mayExpire atomic.Bool
	// shrinkWaits counts the times Shrink found another shrink running
	// (for the tests that force the overlap).
	shrinkWaits atomic.Int64

	mu  sync.Mutex       // guards txs and the closing decision
	txs map[*Tx]struct{} // transactions the caller holds open

	// Index definitions by name, and the spatial ones among them. They
	// change only inside a BuntDB write transaction, so every transaction
	// reads them under BuntDB's lock without one of its own.
	indexes map[string]*indexDef
	spatial []*indexDef
	// fences are the geofences and their event queue (fence.go).
	fences fenceState
}

// Open opens the store at path, creating the file if needed, or a store in
// memory when path is MemoryPath. A nil opts means DefaultOptions.
//
// A file store loads the file, takes an advisory lock so that no other
// store (in this process or another) opens the same file, and restores the
// indexes that were defined on it. A file that two stores hold is refused
// with ErrBusy; a file that is not a valid store with ErrCorrupt.
func Open(path string, opts *Options) (*DB, error) {
	o := DefaultOptions()
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, invalidf("empty path: give a file path or %q", MemoryPath)
	}
	db := &DB{txs: map[*Tx]struct{}{}, indexes: map[string]*indexDef{}, limits: o.limits()}
	db.fences.init()
	var defs indexFileContent
	if path != MemoryPath {
		db.path = path
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, invalidf("%s is a directory", path)
		} else if err == nil && !fi.Mode().IsRegular() {
			// A device such as /dev/zero reads NULs forever (BuntDB's
			// loader skips them without end); a FIFO blocks the open.
			return nil, invalidf("%s is not a regular file (%s)", path, fi.Mode().Type())
		}
		// Whether Open creates a file here, whose name a folder sync must
		// then make durable.
		_, lerr := os.Stat(path + ".lock")
		_, derr := os.Stat(path)
		creates := lerr != nil || derr != nil
		lock, err := lockFile(path)
		if err != nil {
			return nil, err
		}
		db.lock = lock
		if err := recoverShrink(path); err != nil {
			unlockFile(lock)
			return nil, err
		}
		if creates {
			if err := createDurably(path); err != nil {
				unlockFile(lock)
				return nil, err
			}
		}
		if defs, err = db.prepare(); err != nil {
			unlockFile(lock)
			return nil, err
		}
		// The note was about the last session's last commit, which the
		// repair just settled; later commits may end before it did.
		if _, ok := readNote(lock); ok {
			if err := db.clearNote(); err != nil {
				unlockFile(lock)
				return nil, err
			}
		}
	}
	engine, err := buntdb.Open(path)
	if err != nil {
		unlockFile(db.lock)
		return nil, wrapOpen(path, err)
	}
	db.engine = engine
	db.syncAlways = o.SyncPolicy == SyncAlways
	if err := engine.SetConfig(o.engineConfig(db.sweep)); err != nil {
		db.abandon()
		return nil, wrapEngine(err)
	}
	if db.path != "" {
		if err := db.restore(defs); err != nil {
			db.abandon()
			return nil, err
		}
		db.stop = make(chan struct{})
		if !o.AutoShrinkDisabled {
			db.shrinkBase.Store(db.liveSize())
			db.bg.Add(1)
			go db.autoShrink(o)
		}
		if o.SyncPolicy == SyncEverySecond {
			db.bg.Add(1)
			go db.syncEverySecond()
		}
	}
	return db, nil
}

func wrapOpen(path string, err error) error {
	if errors.Is(err, buntdb.ErrInvalid) {
		// checkFile accepted the file, so this is a record it does not
		// know to refuse; BuntDB gives no position.
		return fmt.Errorf("%w: %s is not a valid store file: %v", ErrCorrupt, path, err)
	}
	return fmt.Errorf("%w: open %s: %v", ErrIO, path, err)
}

// prepare checks the index file and the data file before BuntDB reads (and
// may truncate) the data file, so a refused open leaves both as they were.
// It returns the saved index and fence definitions.
func (db *DB) prepare() (indexFileContent, error) {
	defs, err := readIndexFile(db.path)
	if err != nil {
		return defs, err
	}
	note, hasNote := readNote(db.lock)
	expiry, err := prepareFile(db.path, note, hasNote)
	// Conservative: an item with an expiry may have been overwritten since.
	db.mayExpire.Store(expiry)
	return defs, err
}

// restore recreates the indexes and fences saved beside the file.
func (db *DB) restore(defs indexFileContent) error {
	err := db.engine.Update(func(btx *buntdb.Tx) error {
		tx := &Tx{db: db, engine: btx, writable: true}
		for _, d := range defs.Indexes {
			if err := tx.addIndex(d); err != nil {
				return fmt.Errorf("%w: restoring index %q from %s: %v", ErrCorrupt, d.Name, indexFile(db.path), err)
			}
		}
		for _, f := range defs.Fences {
			if err := tx.addFence(f); err != nil {
				return fmt.Errorf("%w: restoring fence %q from %s: %v", ErrCorrupt, f.Name, indexFile(db.path), err)
			}
		}
		return nil
	})
	return wrapEngine(err)
}

// prepareFile validates the data file (see checkFile) and drops a torn
// last record, as BuntDB would, but without reading the length the torn
// header claims (BuntDB allocates it, whatever it is). When the lock file's
// note describes the write that was cut short, the whole commit goes, not
// only its torn record: a transaction is all or nothing (see journal.go).
// It reports whether any record kept sets an expiry.
func prepareFile(path string, note commitNote, hasNote bool) (expiry bool, err error) {
	mark := int64(-1)
	if hasNote {
		mark = int64(note.start)
	}
	fc, err := checkFileMark(path, mark)
	if err != nil {
		return fc.expiry, err
	}
	cut := int64(-1)
	if fc.torn {
		cut = fc.good
	}
	// A power cut can also end the file cleanly between two records of a
	// commit: the note tells, torn or not.
	if hasNote && fc.marked {
		if note.covers(fc.good) {
			cut = int64(note.start)
		}
	}
	if cut < 0 {
		return fc.expiry, nil
	}
	if err := os.Truncate(path, cut); err != nil {
		return false, fmt.Errorf("%w: dropping the torn last commit of %s at offset %d: %v", ErrIO, path, cut, err)
	}
	// fc.expiry may count a dropped record: conservative, which costs only
	// a TTL check per spatial hit.
	return fc.expiry, nil
}

// abandon releases what a failed Open acquired.
func (db *DB) abandon() {
	_ = db.engine.Close()
	unlockFile(db.lock)
}

// Close flushes the file and releases the store. It refuses with ErrBusy,
// changing nothing, while a transaction from Begin is still open; calls in
// flight on other goroutines finish first. Closing twice gives ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed.Load() {
		db.mu.Unlock()
		return ErrClosed
	}
	if n := len(db.txs); n > 0 {
		db.mu.Unlock()
		return fmt.Errorf("%w: %d transaction(s) still open: commit or roll them back first", ErrBusy, n)
	}
	db.closed.Store(true)
	db.mu.Unlock()
	err := db.engine.Close()
	if db.stop != nil {
		close(db.stop)
		db.bg.Wait() // a shrink it was running fails at once on the closed engine
	}
	unlockFile(db.lock)
	if err != nil && !errors.Is(err, buntdb.ErrDatabaseClosed) {
		return fmt.Errorf("%w: close: %v", ErrIO, err)
	}
	return nil
}

// Path is the file behind the store, or MemoryPath.
func (db *DB) Path() string {
	if db.path == "" {
		return MemoryPath
	}
	return db.path
}

// Save writes a snapshot of every live item to w. Writers wait while it
// runs; readers do not.
func (db *DB) Save(w io.Writer) error {
	if db.closed.Load() {
		return ErrClosed
	}
	return wrapEngine(db.engine.Save(w))
}

// SaveFile writes a snapshot to path atomically: a reader of path sees the
// old file or the whole new one, never a part.
func (db *DB) SaveFile(path string) error {
	if path == "" || path == MemoryPath {
		return invalidf("snapshot path %q", path)
	}
	return writeFileAtomic(path, db.Save)
}

// Load adds every item of a snapshot made by Save to the store, in one
// transaction: either the whole snapshot is loaded or, on a malformed
// snapshot or an item whose geometry a spatial index cannot read, nothing
// is. Items already in the store with the same keys are replaced; items
// whose TTL ran out since the snapshot are skipped.
func (db *DB) Load(r io.Reader) error {
	if db.closed.Load() {
		return ErrClosed
	}
	// BuntDB's own Load applies records as it reads them and stops at the
	// first bad one, leaving a part behind. Read into a scratch store first.
	scratch, err := buntdb.Open(MemoryPath)
	if err != nil {
		return wrapEngine(err)
	}
	defer func() { _ = scratch.Close() }()
	if err := loadScratch(scratch, r); err != nil {
		if errors.Is(err, buntdb.ErrInvalid) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: snapshot: %v", ErrCorrupt, err)
		}
		return wrapEngine(err)
	}
	return scratch.View(func(src *buntdb.Tx) error {
		return db.Update(func(tx *Tx) error {
			var werr error
			err := src.AscendKeys("*", func(key, value string) bool {
				ttl, err := src.TTL(key)
				if err != nil || ttl == 0 {
					return true // expired meanwhile
				}
				werr = tx.Set(key, value, max(ttl, 0)) // -1: no expiry
				return werr == nil
			})
			if werr != nil {
				return werr
			}
			return wrapEngine(err)
		})
	})
}

// loadScratch runs BuntDB's Load, which panics on some malformed records
// (a command name shorter than three bytes): that is a corrupt snapshot.
func loadScratch(scratch *buntdb.DB, r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: snapshot: malformed record (%v)", ErrCorrupt, p)
		}
	}()
	return scratch.Load(r)
}

// LoadFile loads a snapshot file written by SaveFile; see Load. The file is
// checked first, so a bad one is refused naming the offset of its first bad
// record, and a torn one (SaveFile never leaves one) is refused too.
func (db *DB) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	defer func() { _ = f.Close() }()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return invalidf("snapshot %s is not a regular file", path)
	}
	if fc, err := checkFile(path); err != nil {
		return err
	} else if fc.torn {
		return fmt.Errorf("%w: snapshot %s ends inside the record at byte offset %d", ErrCorrupt, path, fc.good)
	}
	return db.Load(f)
}

// Len is the number of items that have not expired; see Tx.Len.
func (db *DB) Len() (n int, err error) {
	err = db.view(func(tx *Tx) error { n, err = tx.Len(); return err })
	return n, err
}

// writeFileAtomic writes through a temporary file in the same folder, syncs
// it, renames it over path and syncs the folder.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := write(tmp); err != nil {
		_ = tmp.Close()
		if isKnown(err) { // ErrClosed, or ErrIO from Save already
			return err
		}
		return fmt.Errorf("%w: write %s: %v", ErrIO, path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("%w: sync %s: %v", ErrIO, path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	return syncDir(filepath.Dir(path)) // or a power cut may undo the rename
}

// ttlOptions turns a TTL into BuntDB's set options; ttl <= 0 means none.
func (db *DB) ttlOptions(ttl time.Duration) *buntdb.SetOptions {
	if ttl <= 0 {
		return nil
	}
	db.mayExpire.Store(true)
	return &buntdb.SetOptions{Expires: true, TTL: ttl}
}
