package store

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"
)

// TestCommitNoteIsExact checks that the note written before each commit of
// more than one record names exactly the bytes the commit appends, over
// every kind of write.
func TestCommitNoteIsExact(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", ""))
	r := rand.New(rand.NewSource(3))
	key := func() string { return fmt.Sprintf("k:%d", r.Intn(40)) }
	checked := 0
	for round := 0; round < 200; round++ {
		_, before, err := fileIdentity(path)
		mustOK(t, err)
		err = db.Update(func(tx *Tx) error {
			for op := 0; op < 1+r.Intn(6); op++ {
				switch r.Intn(7) {
				case 0:
					mustOK(t, tx.Set(key(), strings.Repeat("v", r.Intn(3000)), 0))
				case 1:
					mustOK(t, tx.Set(key(), "with ttl", time.Duration(1+r.Intn(5))*time.Hour))
				case 2:
					mustOK(t, tx.Set(key(), "gone soon", time.Millisecond))
				case 3, 4:
					_ = tx.Delete(key()) // found, missing or expired
				case 5:
					mustOK(t, tx.SetMany([]Item{{Key: key(), Value: "a"}, {Key: key(), Value: "b", TTL: time.Minute}}))
				case 6:
					mustOK(t, tx.Set(fmt.Sprintf("p:%d", r.Intn(10)), Point(r.Float64(), r.Float64()).String(), 0))
				}
			}
			return nil
		})
		mustOK(t, err)
		ino, after, err := fileIdentity(path)
		mustOK(t, err)
		note, ok := readNote(db.lock)
		if after == before || int64(note.start) != before {
			continue // nothing written, or one record: no note
		}
		if !ok || note.ino != ino || int64(note.start) != before || int64(note.start+note.size) != after {
			t.Fatalf("round %d: note %+v (ok %v), file grew from %d to %d (inode %d)", round, note, ok, before, after, ino)
		}
		checked++
	}
	if checked < 120 {
		t.Fatalf("only %d of 200 commits were noted", checked)
	}
}

// TestTornCommitDropsTheWholeTransaction cuts the last commit's write short,
// as a process killed during it leaves the file, and checks that reopening
// drops the whole transaction, not just its torn record.
func TestTornCommitDropsTheWholeTransaction(t *testing.T) {
	for _, cut := range []string{"inside the first record", "half way", "inside the last record"} {
		t.Run(cut, func(t *testing.T) {
			db, path := fileDB(t, nil)
			mustOK(t, db.SetMany([]Item{{Key: "a:1", Value: "one"}, {Key: "a:2", Value: "two"}}))
			mustOK(t, db.Update(func(tx *Tx) error {
				for i := 0; i < 8; i++ {
					if err := tx.Set(fmt.Sprintf("b:%d", i), strings.Repeat("x", 3000), 0); err != nil {
						return err
					}
				}
				return tx.Delete("a:2")
			}))
			note, ok := readNote(db.lock)
			if !ok {
				t.Fatal("no note after a commit")
			}
			mustOK(t, db.Close())
			at := map[string]uint64{
				"inside the first record": note.start + 5,
				"half way":                note.start + note.size/2,
				"inside the last record":  note.start + note.size - 3,
			}[cut]
			mustOK(t, os.Truncate(path, int64(at)))

			db, err := Open(path, nil)
			mustOK(t, err)
			defer db.Close()
			wantValue(t, db, "a:1", "one")
			wantValue(t, db, "a:2", "two") // the delete went with its transaction
			for i := 0; i < 8; i++ {
				wantMissing(t, db, fmt.Sprintf("b:%d", i))
			}
			if _, size, _ := fileIdentity(path); uint64(size) != note.start {
				t.Errorf("file is %d bytes, want it cut back to %d", size, note.start)
			}
		})
	}
}

// TestStaleNoteDropsOnlyTheTornRecord: a note that does not describe the
// torn write (here, one about an earlier commit) must not cut acknowledged
// data; only the torn record goes.
func TestStaleNoteDropsOnlyTheTornRecord(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.SetMany([]Item{{Key: "a", Value: "first"}, {Key: "a2", Value: "too"}}))
	old, ok := readNote(db.lock)
	if !ok {
		t.Fatal("no note after a commit")
	}
	mustOK(t, db.Set("b", "second", 0))
	mustOK(t, db.Set("c", strings.Repeat("z", 5000), 0))
	_, size, err := fileIdentity(path)
	mustOK(t, err)
	_, err = db.lock.WriteAt(old.encode(), 0)
	mustOK(t, err)
	mustOK(t, db.Close())
	mustOK(t, os.Truncate(path, size-10))

	db, err = Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	wantValue(t, db, "a", "first")
	wantValue(t, db, "b", "second")
	wantMissing(t, db, "c")
}

// TestExpiredItemsAreSwept: with the sweep taken over from BuntDB, expired
// items still leave the store (and the file) within about a second.
func TestExpiredItemsAreSwept(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateSpatialIndex("g", "*:g", ""))
	mustOK(t, db.Set("short", "lived", 5*time.Millisecond))
	mustOK(t, db.Set("long", "lived", time.Hour))
	mustOK(t, db.Set("short:g", "[1 2]", 5*time.Millisecond))
	mustOK(t, db.Set("long:g", "[1 2]", time.Hour))
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Len leaves expired items out at once; the engine's own count
		// drops only when the sweep has deleted them.
		var n int
		mustOK(t, db.View(func(tx *Tx) (err error) { n, err = tx.engine.Len(); return err }))
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d items 5 s after two expired, want 2", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The swept item has left the spatial index too, not only its results.
	mustOK(t, db.View(func(tx *Tx) error {
		ix := db.indexes["g"].ix
		if _, ok := ix.ids.Get("short:g"); ok || ix.ids.Len() != 1 || ix.expiring != 1 {
			t.Errorf("after the sweep the index holds %d keys (%d expiring), want only long:g", ix.ids.Len(), ix.expiring)
		}
		return nil
	}))
	mustOK(t, db.Close())
	data, err := os.ReadFile(path)
	mustOK(t, err)
	if !strings.Contains(string(data), "del\r\n$5\r\nshort") {
		t.Errorf("the file has no delete record for the swept item:\n%q", data)
	}
}

// TestCommitRefusedWhenTheNoteFails: a commit whose note cannot be written
// is rolled back and reports ErrIO, rather than going unprotected.
func TestCommitRefusedWhenTheNoteFails(t *testing.T) {
	db, _ := fileDB(t, nil)
	mustOK(t, db.Set("kept", "1", 0))
	mustOK(t, db.lock.Close()) // every later note write fails
	err := db.SetMany([]Item{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}})
	wantErr(t, err, ErrIO)
	wantMissing(t, db, "a")
	wantMissing(t, db, "b")
	wantValue(t, db, "kept", "1")
	mustOK(t, db.Set("single", "needs no note", 0))
	wantValue(t, db, "single", "needs no note")
}
