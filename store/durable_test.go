package store

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The file-level repairs the power-cut test (powercut_test.go) called for,
// each on a file made by hand.

// TestCommitCutAtARecordBoundary: a power cut can end the file cleanly
// between two records of a commit (no torn record to see); the note still
// takes the whole commit away.
func TestCommitCutAtARecordBoundary(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.Set("kept", "1", 0))
	mustOK(t, db.SetMany([]Item{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}}))
	note, ok := readNote(db.lock)
	if !ok {
		t.Fatal("no note after a commit")
	}
	mustOK(t, db.Close())
	data, err := os.ReadFile(path)
	mustOK(t, err)
	// The end of the commit's first record: the next record's start.
	second := int64(note.start) + 1 + int64(strings.Index(string(data[note.start+1:]), "*3\r\n"))
	mustOK(t, os.Truncate(path, second))
	lock, err := os.OpenFile(path+".lock", os.O_RDWR, 0)
	mustOK(t, err)
	_, err = lock.WriteAt(note.encode(), 0) // Close leaves it; restated for clarity
	mustOK(t, err)
	mustOK(t, lock.Close())

	db, err = Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	wantValue(t, db, "kept", "1")
	for _, k := range []string{"a", "b", "c"} {
		wantMissing(t, db, k)
	}
	// The note is cleared at open: a later commit shorter than the one it
	// described is not cut by it after another crash.
	if _, ok := readNote(db.lock); ok {
		t.Error("the note survived the open")
	}
}

// TestShrinkCutShortRestoresTheOldFile: a leftover link means the shrink's
// new file may not be durable, and no commit went into it: the old file
// goes back in place. A link to the current file is just removed.
func TestShrinkCutShortRestoresTheOldFile(t *testing.T) {
	db, path := fileDB(t, nil)
	for i := range 20 {
		mustOK(t, db.Set(fmt.Sprintf("k%d", i), strings.Repeat("v", 100), 0))
	}
	mustOK(t, db.Close())
	mustOK(t, os.Link(path, shrinkLink(path)))
	mustOK(t, os.WriteFile(path+".new", []byte(hfRec[:10]), 0o644)) // a new file the cut left torn
	mustOK(t, os.Rename(path+".new", path))
	mustOK(t, os.WriteFile(path+".tmp", []byte("half a shrink"), 0o644))
	mustOK(t, os.WriteFile(path+".idx.tmp123", []byte("half an index file"), 0o644))

	db, err := Open(path, nil)
	mustOK(t, err)
	for i := range 20 {
		wantValue(t, db, fmt.Sprintf("k%d", i), strings.Repeat("v", 100))
	}
	mustOK(t, db.Close())
	for _, leftover := range []string{shrinkLink(path), path + ".tmp", path + ".idx.tmp123"} {
		if _, err := os.Stat(leftover); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the open (%v)", leftover, err)
		}
	}

	mustOK(t, os.Link(path, shrinkLink(path))) // the rename never happened
	db, err = Open(path, nil)
	mustOK(t, err)
	wantValue(t, db, "k3", strings.Repeat("v", 100))
	mustOK(t, db.Close())
	if _, err := os.Stat(shrinkLink(path)); !os.IsNotExist(err) {
		t.Errorf("the link is still there (%v)", err)
	}
}

// TestShrinkLeavesNoLink: a shrink that finished leaves only the data
// file, and a commit right after it lands in the new file.
func TestShrinkLeavesNoLink(t *testing.T) {
	db, path := fileDB(t, &Options{SyncPolicy: SyncAlways, AutoShrinkDisabled: true})
	for i := range 50 {
		mustOK(t, db.Set("same", fmt.Sprint(i), 0))
	}
	before, err := os.Stat(path)
	mustOK(t, err)
	mustOK(t, db.Shrink())
	mustOK(t, db.Set("after", "shrink", 0))
	if _, err := os.Stat(shrinkLink(path)); !os.IsNotExist(err) {
		t.Errorf("the link is still there after the shrink (%v)", err)
	}
	after, err := os.Stat(path)
	mustOK(t, err)
	if after.Size() >= before.Size() {
		t.Errorf("the file grew from %d to %d bytes across a shrink", before.Size(), after.Size())
	}
	mustOK(t, db.Close())
	db, err = Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	wantValue(t, db, "same", "49")
	wantValue(t, db, "after", "shrink")
}

// TestEverySecondSyncHoldsNoLock: the every-second sync runs while a
// transaction holds the store's lock (BuntDB's own waited for the lock,
// stalling every reader and writer for the fsync), and only after a commit.
func TestEverySecondSyncHoldsNoLock(t *testing.T) {
	db, _ := fileDB(t, &Options{SyncPolicy: SyncEverySecond, AutoShrinkDisabled: true})
	defer db.Close()
	time.Sleep(1500 * time.Millisecond)
	if n := db.syncs.Load(); n != 0 {
		t.Errorf("%d syncs with nothing committed", n)
	}
	mustOK(t, db.Set("a", "1", 0))
	tx, err := db.Begin(true) // holds the lock from here
	mustOK(t, err)
	deadline := time.Now().Add(5 * time.Second)
	for db.syncs.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	mustOK(t, tx.Rollback())
	if db.syncs.Load() == 0 {
		t.Error("no sync within 5 s while a transaction held the lock")
	}
}

// TestAutoShrink: the store's background shrink (BuntDB's is off) rewrites
// a file that has grown past the percentage over what it holds, also one
// that was opened bloated, and leaves no link behind.
func TestAutoShrink(t *testing.T) {
	o := DefaultOptions()
	o.AutoShrinkMinSize, o.AutoShrinkPercentage = 4<<10, 100
	noAuto := o
	noAuto.AutoShrinkDisabled = true
	db, path := fileDB(t, &noAuto)
	for i := range 400 {
		mustOK(t, db.Set("same", fmt.Sprint(strings.Repeat("v", 50), i), 0))
	}
	mustOK(t, db.Close())
	bloated, err := os.Stat(path)
	mustOK(t, err)

	db, err = Open(path, &o)
	mustOK(t, err)
	defer db.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fi, err := os.Stat(path)
		mustOK(t, err)
		if fi.Size() < bloated.Size()/10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the file is %d bytes 10 s after opening it bloated (%d), want it shrunk", fi.Size(), bloated.Size())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for db.shrinking.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(shrinkLink(path)); !os.IsNotExist(err) {
		t.Errorf("the link is still there after the background shrink (%v)", err)
	}
	wantValue(t, db, "same", strings.Repeat("v", 50)+"399")
}
