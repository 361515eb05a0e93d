package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tidwall/buntdb"
)

// What a power cut keeps: a file's bytes up to its last fsync, and the
// names in a folder up to the folder's last fsync. So a file created or
// renamed into place is durable only once its folder is synced too, and a
// file renamed over another must be synced before the rename, or the cut
// can leave the new name on an empty file. The power-cut test
// (powercut_test.go) checks the store against exactly this model.

// syncDir makes the names in dir durable.
func syncDir(dir string) error { return syncPath(dir) }

// syncFile makes the bytes of the file at path durable.
func syncFile(path string) error { return syncPath(path) }

// syncPath fsyncs what path names, a file or a folder.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	defer func() { _ = f.Close() }()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%w: sync %s: %v", ErrIO, path, err)
	}
	return nil
}

// createDurably creates the data file if it is missing and makes its name
// (and the lock file's) durable: BuntDB creates the file without syncing
// the folder, so a cut could take a file of synced commits away whole.
// Open calls it when it found either file missing.
func createDurably(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	return syncDir(filepath.Dir(path))
}

// Shrink and power cuts. BuntDB's Shrink writes the live items to
// path+".tmp" and renames it over the data file without syncing either the
// file or the folder: a cut just after it can leave the data file empty, or
// undo the rename after later commits were synced into the new file. So the
// store shrinks in steps of its own around BuntDB's:
//
//  1. link the current data file as path+".shrink" and sync the folder: the
//     old file stays reachable whatever the rename leaves behind;
//  2. BuntDB's Shrink (write, rename);
//  3. confirm, holding BuntDB's write lock: sync the old file and the new
//     one, sync the folder, remove the link, sync the folder again.
//
// A commit that finds the rename done but not confirmed confirms it first
// (Tx.Commit), so while the link exists no commit went into the new file,
// and at open a leftover link (recoverShrink) means the old file holds every
// commit: it goes back in place. BuntDB's own background shrink is turned
// off; the store runs it (autoShrink).

func shrinkLink(path string) string { return path + ".shrink" }

// Shrink rewrites the file with only the live items, in the background of
// other work: reads and writes go on while it runs. A store in memory has
// nothing to shrink. If a shrink is already running (the automatic one, or
// another caller's), Shrink waits for it and then runs its own, so that
// what it returns says the file is compacted.
func (db *DB) Shrink() error {
	// A shrink takes at least the quarter second BuntDB waits before it
	// starts: ask again with a growing pause.
	pause := time.Millisecond
	for {
		err := db.shrinkOnce()
		if !errors.Is(err, errShrinkRunning) {
			return err
		}
		db.shrinkWaits.Add(1)
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// errShrinkRunning is shrinkOnce's answer while another shrink runs.
var errShrinkRunning = fmt.Errorf("%w: a shrink is already running", ErrBusy)

// shrinkOnce is Shrink, or errShrinkRunning at once if a shrink is
// running (autoShrink then leaves it to the next tick).
func (db *DB) shrinkOnce() error {
	if db.closed.Load() {
		return ErrClosed
	}
	if db.path == "" {
		return nil
	}
	if !db.shrinking.CompareAndSwap(false, true) {
		return errShrinkRunning
	}
	defer db.shrinking.Store(false)
	link := shrinkLink(db.path)
	err := db.engine.View(func(*buntdb.Tx) error { // no commit appends meanwhile
		if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.Link(db.path, link); err != nil {
			return err
		}
		db.shrinkPending.Store(true)
		return syncDir(filepath.Dir(db.path))
	})
	if err != nil {
		// Drop a link made before the failure.
		_ = db.engine.Update(func(*buntdb.Tx) error { return db.confirmShrink(true) })
		return wrapEngine(err)
	}
	serr := db.engine.Shrink()
	err = db.engine.Update(func(*buntdb.Tx) error { return db.confirmShrink(true) })
	if serr != nil {
		return wrapEngine(serr)
	}
	return wrapEngine(err)
}

// confirmShrink runs holding BuntDB's write lock. If the shrink's rename
// has happened it makes the new file durable and drops the link to the old
// one; if not, and the shrink is over (done), it only drops the link.
func (db *DB) confirmShrink(done bool) error {
	if !db.shrinkPending.Load() {
		return nil
	}
	link := shrinkLink(db.path)
	old, err := os.Stat(link)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	cur, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	renamed := !os.SameFile(old, cur)
	if !renamed && !done {
		return nil // still writing the new file: commits go to the old one
	}
	dir := filepath.Dir(db.path)
	if renamed {
		// The note is about the old file, where no commit is in flight
		// now: clear it before the new file can be the one a cut leaves.
		if err := db.clearNote(); err != nil {
			return err
		}
		// Commits made while BuntDB wrote the new file went into the old
		// one too; under SyncEverySecond they may not be durable there yet,
		// and a cut before the link goes brings the old file back.
		if err := syncFile(link); err != nil {
			return err
		}
		if err := syncFile(db.path); err != nil {
			return err
		}
		if err := syncDir(dir); err != nil {
			return err
		}
	}
	if err := os.Remove(link); err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	db.shrinkPending.Store(false)
	db.shrinkBase.Store(cur.Size())
	return syncDir(dir)
}

// recoverShrink, at open, finishes or undoes a shrink that a crash cut
// short (see above), and removes the temporary files a crash can leave:
// BuntDB's shrink file and the index file's (writeFileAtomic).
func recoverShrink(path string) error {
	_ = os.Remove(path + ".tmp")
	if entries, err := os.ReadDir(filepath.Dir(path)); err == nil {
		prefix := filepath.Base(indexFile(path)) + ".tmp"
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), prefix) {
				_ = os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
			}
		}
	}
	link := shrinkLink(path)
	old, err := os.Stat(link)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	if cur, err := os.Stat(path); err == nil && os.SameFile(old, cur) {
		err = os.Remove(link) // the rename never happened
	} else {
		err = os.Rename(link, path) // the old file holds every commit
	}
	if err != nil {
		return fmt.Errorf("%w: finishing a shrink cut short: %v", ErrIO, err)
	}
	return syncDir(filepath.Dir(path))
}

// autoShrink shrinks the file in the background when it has grown by the
// options' percentage since the last shrink (BuntDB's rule, which the store
// applies itself: see above). It ends when the store closes.
func (db *DB) autoShrink(o Options) {
	defer db.bg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
		}
		fi, err := os.Stat(db.path)
		if err != nil {
			continue
		}
		base := db.shrinkBase.Load()
		if fi.Size() > o.AutoShrinkMinSize && fi.Size() > base+base*int64(o.AutoShrinkPercentage)/100 {
			_ = db.shrinkOnce() // a failure leaves the file as it was; the next tick tries again
		}
	}
}

// syncEverySecond is SyncEverySecond. BuntDB's own syncs the file holding
// its lock, so every reader and writer of the store waits for the fsync
// (milliseconds on a disk) once a second; this one holds no lock: a commit
// acknowledged before a sync starts is durable when it ends, whatever
// commits meanwhile. It syncs only when something was committed since the
// last sync, and ends when the store closes (Close syncs the file).
func (db *DB) syncEverySecond() {
	defer db.bg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var synced uint64
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
		}
		n := db.commits.Load()
		if n == synced {
			continue
		}
		// Until a shrink is confirmed a cut may bring the old file back
		// (recoverShrink), so it must hold what this sync covers too. The
		// link may be gone meanwhile: then the shrink was confirmed.
		if db.shrinkPending.Load() {
			_ = syncFile(shrinkLink(db.path))
		}
		if syncFile(db.path) == nil {
			synced = n
			db.syncs.Add(1)
		}
	}
}

// liveSize estimates the bytes a shrink would leave (a set record per live
// item, expiries left out), the base the background shrink measures growth
// from after an open, as BuntDB's own did: a file opened bloated is shrunk
// once it is past the percentage over what it holds, not over its size.
func (db *DB) liveSize() int64 {
	var n int64
	_ = db.engine.View(func(btx *buntdb.Tx) error {
		return btx.AscendKeys("*", func(k, v string) bool {
			n += setRecordSize(k, v, 0)
			return true
		})
	})
	return n
}
