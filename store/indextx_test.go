package store

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

func indexNames(t *testing.T, rw ReadWriter) []string {
	t.Helper()
	infos, err := rw.Indexes()
	mustOK(t, err)
	names := []string{}
	for _, i := range infos {
		names = append(names, i.Name)
	}
	return names
}

// TestIndexInTxRollsBack: a region made in a transaction (its spatial
// index, an ordered index and its record) is there for the rest of the
// transaction and wholly gone after a rollback; the spatial index of the
// store is as it was.
func TestIndexInTxRollsBack(t *testing.T) {
	db, path := fileDB(t, nil)
	defer func() { _ = db.Close() }()
	mustOK(t, db.CreateSpatialIndex("all", "obj:*", "pos"))
	mustSet(t, db, "obj:1", `{"pos":[1,1]}`)
	idxBefore, _ := os.ReadFile(indexFile(path))

	tx, err := db.Begin(true)
	mustOK(t, err)
	mustSet(t, tx, "r1:a", `{"pos":[5,5],"hp":3}`) // before the index: the build picks it up
	mustOK(t, tx.CreateSpatialIndex("r1", "r1:*", "pos"))
	mustOK(t, tx.CreateIndex("hp", "r1:*", IndexJSON, "hp"))
	mustSet(t, tx, "r1:b", `{"pos":[6,6],"hp":1}`) // after: the write updates it
	mustSet(t, tx, "obj:1", `{"pos":[2,2]}`)
	if got := intersectKeys(t, tx, "r1", Box([]float64{0, 0}, []float64{9, 9}), 0); len(got) != 2 {
		t.Fatalf("inside the transaction the new index holds %v", got)
	}
	if got := scanKeys(t, tx, "hp", Range{}); !slices.Equal(got, []string{"r1:b", "r1:a"}) {
		t.Fatalf("new ordered index = %v", got)
	}
	if got := indexNames(t, tx); !slices.Equal(got, []string{"all", "hp", "r1"}) {
		t.Fatalf("indexes inside = %v", got)
	}
	mustOK(t, tx.Rollback())

	if got := indexNames(t, db); !slices.Equal(got, []string{"all"}) {
		t.Fatalf("indexes after rollback = %v", got)
	}
	wantErr(t, db.Intersects("r1", Box([]float64{0}, []float64{1}), 0, nil), ErrNoIndex)
	if got := intersectKeys(t, db, "all", Box([]float64{1, 1}, []float64{1, 1}), 0); !slices.Equal(got, []string{"obj:1"}) {
		t.Fatalf("the old index after rollback = %v", got)
	}
	checkIndexInvariants(t, db)
	if after, _ := os.ReadFile(indexFile(path)); string(after) != string(idxBefore) {
		t.Fatalf("a rolled-back index reached the index file:\n%s", after)
	}
	// The names are free again, and writes under the old pattern are
	// indexed by nothing new.
	mustSet(t, db, "r1:c", "not json")
	mustOK(t, db.CreateIndex("r1", "r1:*", IndexString, ""))
}

// TestIndexInTxCommits: an index made and one dropped in a transaction are
// saved at commit and stay so across a reopen.
func TestIndexInTxCommits(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateIndex("old", "*", IndexString, ""))
	mustOK(t, db.Update(func(tx *Tx) error {
		if err := tx.Set("r:a", `{"pos":[1,2]}`, 0); err != nil {
			return err
		}
		if err := tx.CreateSpatialIndex("r", "r:*", "pos"); err != nil {
			return err
		}
		return tx.DropIndex("old")
	}))
	mustOK(t, db.Close())
	db, err := Open(path, nil)
	mustOK(t, err)
	defer func() { _ = db.Close() }()
	if got := indexNames(t, db); !slices.Equal(got, []string{"r"}) {
		t.Fatalf("indexes after reopen = %v", got)
	}
	if got := intersectKeys(t, db, "r", Point(1, 2), 0); !slices.Equal(got, []string{"r:a"}) {
		t.Fatalf("reopened index = %v", got)
	}
}

// TestDropInTxRollsBack: an index dropped in a transaction (spatial and
// ordered) is back after the rollback with its items, including the
// changes made before the drop undone.
func TestDropInTxRollsBack(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", ""))
	mustOK(t, db.CreateIndex("name", "p:*", IndexString, ""))
	mustSet(t, db, "p:1", "[1 1]")
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustSet(t, tx, "p:1", "[7 7]")
	mustOK(t, tx.DropIndex("pos"))
	mustOK(t, tx.DropIndex("name"))
	wantErr(t, tx.DropIndex("pos"), ErrNoIndex)
	mustSet(t, tx, "p:2", "anything")                  // no index refuses it now
	mustOK(t, tx.CreateSpatialIndex("pos", "p:1", "")) // a new one under the old name
	mustOK(t, tx.Rollback())
	if got := intersectKeys(t, db, "pos", Point(1, 1), 0); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("restored index = %v", got)
	}
	if got := scanKeys(t, db, "name", Range{}); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("restored ordered index = %v", got)
	}
	info, err := db.Indexes()
	mustOK(t, err)
	if len(info) != 2 || info[1].Pattern != "p:*" || !info[1].Spatial() {
		t.Fatalf("definitions after rollback = %+v", info)
	}
	checkIndexInvariants(t, db)
}

func TestIndexInTxRefusals(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("a", "*", IndexInt, ""))
	ro, err := db.Begin(false)
	mustOK(t, err)
	wantErr(t, ro.CreateIndex("b", "*", IndexInt, ""), ErrTxReadOnly)
	wantErr(t, ro.CreateSpatialIndex("b", "*", ""), ErrTxReadOnly)
	wantErr(t, ro.DropIndex("a"), ErrTxReadOnly)
	mustOK(t, ro.Rollback())
	wantErr(t, ro.CreateIndex("b", "*", IndexInt, ""), ErrTxClosed)
	_, err = ro.Indexes()
	wantErr(t, err, ErrTxClosed)

	tx, err := db.Begin(true)
	mustOK(t, err)
	mustSet(t, tx, "x", "[1 2]")
	mustSet(t, tx, "y", "no geometry")
	wantErr(t, tx.CreateSpatialIndex("s", "*", ""), ErrInvalidGeometry)
	wantErr(t, tx.CreateIndex("a", "*", IndexString, ""), ErrIndexExists)
	mustOK(t, tx.CreateIndex("a", "*", IndexInt, "")) // same definition: nothing
	wantErr(t, tx.CreateIndex("", "*", IndexInt, ""), ErrInvalidArgument)
	wantErr(t, tx.CreateIndex("c", "*", indexSpatial, ""), ErrInvalidArgument)
	wantErr(t, tx.DropIndex(""), ErrInvalidArgument)
	wantErr(t, tx.DropIndex("zz"), ErrNoIndex)
	// Refused calls left the transaction usable and changed nothing.
	if got := indexNames(t, tx); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("indexes after refusals = %v", got)
	}
	// Not while a query of the same transaction runs.
	mustOK(t, tx.CreateSpatialIndex("s", "x", ""))
	mustOK(t, tx.Intersects("s", Point(1, 2), 0, func(k, v string) bool {
		wantErr(t, tx.DropIndex("s"), ErrInvalidArgument)
		return true
	}))
	mustOK(t, tx.Commit())
	if got := indexNames(t, db); !slices.Equal(got, []string{"a", "s"}) {
		t.Fatalf("indexes after commit = %v", got)
	}
}

// TestIndexSaveFailureRollsBack: when the definitions cannot be saved at
// commit, the commit fails with ErrIO and the index is gone.
func TestIndexSaveFailureRollsBack(t *testing.T) {
	db, path := fileDB(t, nil)
	defer func() { _ = db.Close() }()
	// A directory where the index file's temporary file would go makes
	// the save fail.
	dir := t.TempDir()
	db.path = dir + "/sub/data.db"
	err := db.Update(func(tx *Tx) error { return tx.CreateIndex("a", "*", IndexInt, "") })
	db.path = path
	wantErr(t, err, ErrIO)
	if got := indexNames(t, db); len(got) != 0 {
		t.Fatalf("indexes after a failed save = %v", got)
	}
	wantErr(t, db.Scan("a", Range{}, func(string, string) bool { return true }), ErrNoIndex)
}

// TestShrinkWaitsForRunningShrink forces two shrinks to overlap (BuntDB
// pauses a quarter second at the start of each): the second waits and
// succeeds instead of failing with ErrBusy.
func TestShrinkWaitsForRunningShrink(t *testing.T) {
	db, _ := fileDB(t, nil)
	defer func() { _ = db.Close() }()
	for i := 0; i < 200; i++ {
		mustSet(t, db, fmt.Sprint(i%20), fmt.Sprint(i))
	}
	for attempt := 0; attempt < 5 && db.shrinkWaits.Load() == 0; attempt++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 1 {
					time.Sleep(20 * time.Millisecond) // inside the first one's pause
				}
				errs[i] = db.Shrink()
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("shrink %d: %v", i, err)
			}
		}
	}
	if db.shrinkWaits.Load() == 0 {
		t.Fatal("the shrinks never overlapped")
	}
	if n, err := db.Len(); err != nil || n != 20 {
		t.Fatalf("after the shrinks: %d items, %v", n, err)
	}
	mustOK(t, db.Close())
	if err := db.Shrink(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Shrink after Close = %v", err)
	}
}
