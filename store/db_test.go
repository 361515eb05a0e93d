package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestOpenMemory(t *testing.T) {
	db, err := Open(MemoryPath, nil)
	mustOK(t, err)
	if got := db.Path(); got != MemoryPath {
		t.Fatalf("Path() = %q, want %q", got, MemoryPath)
	}
	mustSet(t, db, "k", "v")
	wantValue(t, db, "k", "v")
	mustOK(t, db.Close())

	// A second memory store is a different store.
	db2 := memDB(t)
	wantMissing(t, db2, "k")
}

func TestOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	opts := DefaultOptions()
	opts.SyncPolicy = SyncAlways
	db, err := Open(path, &opts)
	mustOK(t, err)
	if got := db.Path(); got != path {
		t.Fatalf("Path() = %q, want %q", got, path)
	}
	mustSet(t, db, "k", "v")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("data file not created: %v", err)
	}
	data, err := os.ReadFile(path)
	mustOK(t, err)
	if !bytes.Contains(data, []byte("k")) || !bytes.Contains(data, []byte("v")) {
		t.Fatalf("data file %q does not hold the write", data)
	}
	mustOK(t, db.Close())
}

func TestOpenBadArguments(t *testing.T) {
	dir := t.TempDir()
	if db, err := Open("", nil); !errors.Is(err, ErrInvalidArgument) || db != nil {
		t.Fatalf("Open(\"\") = %v, %v; want nil, ErrInvalidArgument", db, err)
	}
	if db, err := Open(dir, nil); !errors.Is(err, ErrInvalidArgument) || db != nil {
		t.Fatalf("Open(directory) = %v, %v; want nil, ErrInvalidArgument", db, err)
	}
	// A file in a folder that does not exist: the OS refuses.
	_, err := Open(filepath.Join(dir, "missing", "x.db"), nil)
	wantErr(t, err, ErrIO)

	bad := []Options{
		{SyncPolicy: 7},
		{SyncPolicy: -1},
		{SyncPolicy: SyncNever, AutoShrinkPercentage: -1},
		{SyncPolicy: SyncAlways, AutoShrinkMinSize: -1},
	}
	for _, o := range bad {
		o := o
		for _, path := range []string{MemoryPath, filepath.Join(dir, "opts.db")} {
			db, err := Open(path, &o)
			if !errors.Is(err, ErrInvalidArgument) || db != nil {
				t.Fatalf("Open(%q, %+v) = %v, %v; want ErrInvalidArgument", path, o, db, err)
			}
		}
	}
	// Refused options create no file.
	if _, err := os.Stat(filepath.Join(dir, "opts.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("bad options left a data file behind: %v", err)
	}
	// Every valid policy opens.
	for _, p := range []SyncPolicy{SyncNever, SyncEverySecond, SyncAlways} {
		o := DefaultOptions()
		o.SyncPolicy = p
		o.AutoShrinkDisabled = true
		o.AutoShrinkPercentage = 0
		o.AutoShrinkMinSize = 0
		db, err := Open(filepath.Join(dir, "ok.db"), &o)
		mustOK(t, err)
		mustOK(t, db.Close())
	}
}

func TestDefaultOptions(t *testing.T) {
	o := DefaultOptions()
	want := Options{SyncPolicy: SyncEverySecond, AutoShrinkPercentage: 100, AutoShrinkMinSize: 32 << 20}
	if o != want {
		t.Fatalf("DefaultOptions() = %+v, want %+v", o, want)
	}
	if err := o.validate(); err != nil {
		t.Fatalf("default options invalid: %v", err)
	}
}

func TestOpenBusy(t *testing.T) {
	db, path := fileDB(t, nil)
	mustSet(t, db, "k", "v1")

	db2, err := Open(path, nil)
	if !errors.Is(err, ErrBusy) || db2 != nil {
		t.Fatalf("second Open = %v, %v; want nil, ErrBusy", db2, err)
	}
	// The refused Open changed nothing for the first store.
	wantValue(t, db, "k", "v1")
	mustSet(t, db, "k", "v2")
	mustOK(t, db.Close())

	db2, err = Open(path, nil)
	mustOK(t, err)
	wantValue(t, db2, "k", "v2")
	mustOK(t, db2.Close())
}

func TestOpenGarbageFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "garbage.db")
	mustOK(t, os.WriteFile(path, []byte("this is not a store\nat all\n"), 0o644))
	db, err := Open(path, nil)
	if !errors.Is(err, ErrCorrupt) || db != nil {
		t.Fatalf("Open(garbage) = %v, %v; want nil, ErrCorrupt", db, err)
	}
	// The failed Open left the file alone and released its lock.
	data, err := os.ReadFile(path)
	mustOK(t, err)
	if string(data) != "this is not a store\nat all\n" {
		t.Fatalf("failed Open changed the file to %q", data)
	}
	mustOK(t, os.Remove(path))
	db, err = Open(path, nil)
	mustOK(t, err)
	mustOK(t, db.Close())
}

func TestOpenTruncatedLastRecord(t *testing.T) {
	opts := DefaultOptions()
	opts.SyncPolicy = SyncAlways
	db, path := fileDB(t, &opts)
	mustSet(t, db, "a", "alpha")
	mustSet(t, db, "b", "bravo")
	mustSet(t, db, "c", "charlie-the-last-record")
	mustOK(t, db.Close())

	fi, err := os.Stat(path)
	mustOK(t, err)
	mustOK(t, os.Truncate(path, fi.Size()-4)) // cut into the value of "c"

	db, err = Open(path, &opts)
	mustOK(t, err)
	wantValue(t, db, "a", "alpha")
	wantValue(t, db, "b", "bravo")
	wantMissing(t, db, "c")
	if n, err := db.Len(); err != nil || n != 2 {
		t.Fatalf("Len() = %d, %v; want 2", n, err)
	}
	// The torn tail was cut off, so new writes land after the intact records.
	mustSet(t, db, "d", "delta")
	mustOK(t, db.Close())

	db, err = Open(path, &opts)
	mustOK(t, err)
	defer db.Close()
	want := map[string]string{"a": "alpha", "b": "bravo", "d": "delta"}
	if got := allItems(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("after reopen: %v, want %v", got, want)
	}
}

func TestOpenCorruptIndexFile(t *testing.T) {
	db, path := fileDB(t, nil)
	mustSet(t, db, "k", "v")
	mustOK(t, db.Close())

	for _, content := range []string{
		"{not json",
		`{"version": 2, "indexes": []}`,
		`{"version": 1, "indexes": [{"name": "", "pattern": "*", "kind": 0}]}`,
		`{"version": 1, "indexes": [{"name": "x", "pattern": "*", "kind": 42}]}`,
		// A spatial index over a value that holds no geometry.
		`{"version": 1, "indexes": [{"name": "geo", "pattern": "*", "kind": 100}]}`,
	} {
		mustOK(t, os.WriteFile(path+".idx", []byte(content), 0o644))
		db, err := Open(path, nil)
		if !errors.Is(err, ErrCorrupt) || db != nil {
			t.Fatalf("Open with index file %s = %v, %v; want ErrCorrupt", content, db, err)
		}
	}
	// Each failed Open released the lock.
	mustOK(t, os.WriteFile(path+".idx", []byte(`{"version": 1, "indexes": [{"name": "s", "pattern": "*", "kind": 0}]}`), 0o644))
	db, err := Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	wantValue(t, db, "k", "v")
	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 1 || infos[0] != (IndexInfo{Name: "s", Pattern: "*", Kind: IndexString}) {
		t.Fatalf("Indexes() = %+v", infos)
	}
}

func TestClose(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.Close())
	wantErr(t, db.Close(), ErrClosed)

	fdb, _ := fileDB(t, nil)
	mustOK(t, fdb.Close())
	wantErr(t, fdb.Close(), ErrClosed)
}

func TestCloseWithOpenTransaction(t *testing.T) {
	for _, writable := range []bool{true, false} {
		db, path := fileDB(t, nil)
		mustSet(t, db, "k", "before")
		tx, err := db.Begin(writable)
		mustOK(t, err)
		if writable {
			mustSet(t, tx, "k", "inside")
		}
		err = db.Close()
		wantErr(t, err, ErrBusy)
		// Nothing changed: the transaction still works and so will the store.
		if writable {
			wantValue(t, tx, "k", "inside")
		} else {
			wantValue(t, tx, "k", "before")
		}
		mustOK(t, tx.Commit())
		if writable {
			wantValue(t, db, "k", "inside")
		}
		mustOK(t, db.Close())
		wantErr(t, db.Close(), ErrClosed)

		// And the lock was released only by the real Close.
		db, err = Open(path, nil)
		mustOK(t, err)
		mustOK(t, db.Close())
	}
}

func TestCloseInsideUpdate(t *testing.T) {
	db := memDB(t)
	err := db.Update(func(tx *Tx) error {
		if err := db.Close(); !errors.Is(err, ErrBusy) {
			t.Errorf("Close inside Update = %v, want ErrBusy", err)
		}
		return tx.Set("k", "v", 0)
	})
	mustOK(t, err)
	wantValue(t, db, "k", "v")
	mustOK(t, db.Close())
}

func TestEverythingAfterClose(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(filepath.Join(dir, "c.db"), nil)
	mustOK(t, err)
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", ""))
	mustOK(t, db.CreateIndex("ix", "*", IndexString, ""))
	mustSet(t, db, "g:1", "[1 2]")
	snap := filepath.Join(dir, "snap")
	mustOK(t, db.SaveFile(snap))

	// A transaction that ended before Close reports the store as closed.
	tx, err := db.Begin(false)
	mustOK(t, err)
	mustOK(t, tx.Commit())
	mustOK(t, db.Close())

	fn := func(string, string) bool { return true }
	checks := map[string]error{
		"Set":                db.Set("k", "v", 0),
		"Delete":             db.Delete("g:1"),
		"SetMany":            db.SetMany([]Item{{Key: "a", Value: "b"}}),
		"GetMany":            db.GetMany([]string{"a"}, func(int, string, bool) {}),
		"Scan":               db.Scan("", Range{}, fn),
		"Intersects":         db.Intersects("geo", Point(1, 2), 0, fn),
		"Within":             db.Within("geo", Point(1, 2), 0, fn),
		"Nearby":             db.Nearby("geo", []float64{1, 2}, 0, -1, func(string, string, float64) bool { return true }),
		"Update":             db.Update(func(*Tx) error { t.Error("Update ran after Close"); return nil }),
		"View":               db.View(func(*Tx) error { t.Error("View ran after Close"); return nil }),
		"CreateIndex":        db.CreateIndex("ix2", "*", IndexInt, ""),
		"CreateSpatialIndex": db.CreateSpatialIndex("geo2", "*", ""),
		"DropIndex":          db.DropIndex("ix"),
		"Shrink":             db.Shrink(),
		"Save":               db.Save(&bytes.Buffer{}),
		"SaveFile":           db.SaveFile(filepath.Join(dir, "snap2")),
		"Load":               db.Load(strings.NewReader("")),
		"LoadFile":           db.LoadFile(snap),
		"tx.Get":             func() error { _, err := tx.Get("g:1"); return err }(),
		"tx.Set":             tx.Set("k", "v", 0),
	}
	_, checks["Get"] = db.Get("g:1")
	_, checks["TTL"] = db.TTL("g:1")
	_, checks["Len"] = db.Len()
	_, checks["Indexes"] = db.Indexes()
	_, checks["Begin"] = db.Begin(true)
	_, checks["Begin(read-only)"] = db.Begin(false)
	for name, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "snap2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SaveFile after Close left a file: %v", err)
	}
	if db.Path() != filepath.Join(dir, "c.db") {
		t.Errorf("Path() after Close = %q", db.Path())
	}
}

func TestPersistence(t *testing.T) {
	opts := DefaultOptions()
	opts.SyncPolicy = SyncAlways
	db, path := fileDB(t, &opts)
	mustOK(t, db.CreateIndex("age", "user:*", IndexJSON, "age"))
	mustOK(t, db.CreateSpatialIndex("geo", "pos:*", "p"))
	mustOK(t, db.SetMany([]Item{
		{Key: "user:1", Value: `{"name":"ann","age":31}`},
		{Key: "user:2", Value: `{"name":"bob","age":25}`, TTL: time.Hour},
		{Key: "user:3", Value: `{"name":"cy","age":47}`},
		{Key: "pos:a", Value: `{"p":[0,0]}`},
		{Key: "pos:b", Value: `{"p":[3,4]}`, TTL: 2 * time.Hour},
		{Key: "pos:c", Value: `{"p":[[10,10],[12,12]]}`},
		{Key: "bin\x00key", Value: "bin\x00value\r\n*3\r\n"},
		{Key: "empty", Value: ""},
	}))
	mustOK(t, db.Delete("user:3"))

	before := allItems(t, db)
	ageBefore := scanKeys(t, db, "age", Range{})
	descBefore := scanKeys(t, db, "age", Range{Desc: true, Lo: `{"age":26}`, HasLo: true})
	geoBefore := intersectKeys(t, db, "geo", Box([]float64{-1, -1}, []float64{11, 11}), 0)
	nearBefore := nearby(t, db, "geo", []float64{0, 0}, 0, -1)
	infosBefore, err := db.Indexes()
	mustOK(t, err)
	mustOK(t, db.Close())

	db, err = Open(path, &opts)
	mustOK(t, err)
	defer db.Close()

	if got := allItems(t, db); !reflect.DeepEqual(got, before) {
		t.Fatalf("items after reopen %q, want %q", got, before)
	}
	wantMissing(t, db, "user:3")
	wantValue(t, db, "bin\x00key", "bin\x00value\r\n*3\r\n")
	wantValue(t, db, "empty", "")
	for key, ttl := range map[string]time.Duration{"user:2": time.Hour, "pos:b": 2 * time.Hour} {
		got, err := db.TTL(key)
		mustOK(t, err)
		// The file keeps expiry in whole seconds.
		if got <= ttl-3*time.Second || got > ttl {
			t.Fatalf("TTL(%q) after reopen = %v, want about %v", key, got, ttl)
		}
	}
	if got, err := db.TTL("user:1"); err != nil || got != -1 {
		t.Fatalf("TTL(user:1) after reopen = %v, %v; want -1", got, err)
	}

	infos, err := db.Indexes()
	mustOK(t, err)
	if !reflect.DeepEqual(infos, infosBefore) {
		t.Fatalf("Indexes() after reopen %+v, want %+v", infos, infosBefore)
	}
	wantKeys(t, "age scan after reopen", scanKeys(t, db, "age", Range{}), ageBefore...)
	wantKeys(t, "age scan", ageBefore, "user:2", "user:1")
	wantKeys(t, "desc age scan after reopen", scanKeys(t, db, "age", Range{Desc: true, Lo: `{"age":26}`, HasLo: true}), descBefore...)
	wantSet(t, "intersects after reopen", intersectKeys(t, db, "geo", Box([]float64{-1, -1}, []float64{11, 11}), 0), geoBefore...)
	wantSet(t, "intersects", geoBefore, "pos:a", "pos:b", "pos:c")
	wantHits(t, "nearby after reopen", nearby(t, db, "geo", []float64{0, 0}, 0, -1), nearBefore...)

	// The restored spatial index still guards writes.
	wantErr(t, db.Set("pos:bad", `{"p":"nope"}`, 0), ErrInvalidGeometry)
	// Defining the same index again is a no-op; another definition is not.
	mustOK(t, db.CreateIndex("age", "user:*", IndexJSON, "age"))
	mustOK(t, db.CreateSpatialIndex("geo", "pos:*", "p"))
	wantErr(t, db.CreateIndex("age", "user:*", IndexInt, ""), ErrIndexExists)
	infos, err = db.Indexes()
	mustOK(t, err)
	if !reflect.DeepEqual(infos, infosBefore) {
		t.Fatalf("Indexes() after redefining %+v, want %+v", infos, infosBefore)
	}
}

func TestPersistenceDropIndex(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateIndex("a", "*", IndexString, ""))
	mustOK(t, db.CreateIndex("b", "*", IndexInt, ""))
	mustOK(t, db.DropIndex("a"))
	mustOK(t, db.Close())

	db, err := Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	infos, err := db.Indexes()
	mustOK(t, err)
	if want := []IndexInfo{{Name: "b", Pattern: "*", Kind: IndexInt}}; !reflect.DeepEqual(infos, want) {
		t.Fatalf("Indexes() after reopen = %+v, want %+v", infos, want)
	}
}

func TestIndexFileWriteFailureRollsBack(t *testing.T) {
	db, path := fileDB(t, nil)
	defer db.Close()
	mustSet(t, db, "k1", "b")
	mustSet(t, db, "k2", "a")

	// A directory where the index file goes makes saving it fail.
	mustOK(t, os.Mkdir(path+".idx", 0o755))
	mustOK(t, os.WriteFile(filepath.Join(path+".idx", "keep"), nil, 0o644))
	wantErr(t, db.CreateIndex("ix", "*", IndexString, ""), ErrIO)
	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 0 {
		t.Fatalf("Indexes() after failed CreateIndex = %+v", infos)
	}
	wantErr(t, db.Scan("ix", Range{}, func(string, string) bool { return true }), ErrNoIndex)

	mustOK(t, os.RemoveAll(path+".idx"))
	mustOK(t, db.CreateIndex("ix", "*", IndexString, ""))
	wantKeys(t, "scan", scanKeys(t, db, "ix", Range{}), "k2", "k1")

	// A failed DropIndex keeps the index.
	mustOK(t, os.Remove(path+".idx"))
	mustOK(t, os.Mkdir(path+".idx", 0o755))
	mustOK(t, os.WriteFile(filepath.Join(path+".idx", "keep"), nil, 0o644))
	wantErr(t, db.DropIndex("ix"), ErrIO)
	infos, err = db.Indexes()
	mustOK(t, err)
	if len(infos) != 1 || infos[0].Name != "ix" {
		t.Fatalf("Indexes() after failed DropIndex = %+v", infos)
	}
	mustSet(t, db, "k3", "0")
	wantKeys(t, "scan after failed drop", scanKeys(t, db, "ix", Range{}), "k3", "k2", "k1")
}

func TestShrink(t *testing.T) {
	opts := DefaultOptions()
	opts.AutoShrinkDisabled = true
	db, path := fileDB(t, &opts)
	mustOK(t, db.CreateIndex("ix", "n*", IndexInt, ""))
	for i := 0; i < 300; i++ {
		mustOK(t, db.Set("hot", strings.Repeat("x", 100)+string(rune('a'+i%26)), 0))
	}
	mustSet(t, db, "n1", "5")
	mustSet(t, db, "n2", "-3")
	mustOK(t, db.Set("nt", "7", time.Hour))
	before := allItems(t, db)
	fi, err := os.Stat(path)
	mustOK(t, err)
	sizeBefore := fi.Size()

	mustOK(t, db.Shrink())

	fi, err = os.Stat(path)
	mustOK(t, err)
	if fi.Size() >= sizeBefore/10 {
		t.Fatalf("file size %d after Shrink, was %d", fi.Size(), sizeBefore)
	}
	if got := allItems(t, db); !reflect.DeepEqual(got, before) {
		t.Fatalf("items after Shrink %v, want %v", got, before)
	}
	wantKeys(t, "index after Shrink", scanKeys(t, db, "ix", Range{}), "n2", "n1", "nt")
	// Writes after Shrink go to the new file.
	mustSet(t, db, "after", "1")
	mustOK(t, db.Close())

	db, err = Open(path, &opts)
	mustOK(t, err)
	defer db.Close()
	before["after"] = "1"
	if got := allItems(t, db); !reflect.DeepEqual(got, before) {
		t.Fatalf("items after Shrink and reopen %v, want %v", got, before)
	}
	if ttl, err := db.TTL("nt"); err != nil || ttl < time.Hour-3*time.Second {
		t.Fatalf("TTL after Shrink and reopen = %v, %v", ttl, err)
	}
}

func TestShrinkMemory(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "k", "v")
	mustOK(t, db.Shrink())
	wantValue(t, db, "k", "v")
}

func TestSaveLoadFile(t *testing.T) {
	dir := t.TempDir()
	src := memDB(t)
	mustOK(t, src.CreateSpatialIndex("geo", "g:*", ""))
	mustOK(t, src.SetMany([]Item{
		{Key: "a", Value: "1"},
		{Key: "b\x00", Value: "two\x00"},
		{Key: "e", Value: ""},
		{Key: "t", Value: "ttl", TTL: time.Hour},
		{Key: "g:1", Value: "[1 1]"},
		{Key: "g:2", Value: "[5 5],[6 6]"},
	}))
	snap := filepath.Join(dir, "snap.db")
	mustOK(t, src.SaveFile(snap))
	// No temporary file is left beside the snapshot.
	entries, err := os.ReadDir(dir)
	mustOK(t, err)
	if len(entries) != 1 {
		t.Fatalf("folder holds %v, want only the snapshot", entries)
	}

	dst := memDB(t)
	mustOK(t, dst.CreateSpatialIndex("geo", "g:*", ""))
	mustOK(t, dst.Set("a", "old", 0))
	mustOK(t, dst.Set("other", "stays", 0))
	mustOK(t, dst.LoadFile(snap))

	want := allItems(t, src)
	want["other"] = "stays"
	if got := allItems(t, dst); !reflect.DeepEqual(got, want) {
		t.Fatalf("after LoadFile %q, want %q", got, want)
	}
	ttl, err := dst.TTL("t")
	mustOK(t, err)
	if ttl <= time.Hour-3*time.Second || ttl > time.Hour {
		t.Fatalf("TTL after LoadFile = %v, want about 1h", ttl)
	}
	if ttl, err := dst.TTL("a"); err != nil || ttl != -1 {
		t.Fatalf("TTL(a) after LoadFile = %v, %v; want -1", ttl, err)
	}
	wantHits(t, "nearby after LoadFile", nearby(t, dst, "geo", []float64{0, 0}, 0, -1),
		hit{"g:1", 1.4142135623730951}, hit{"g:2", 7.0710678118654755})

	// SaveFile replaces an existing file whole.
	mustOK(t, src.Delete("a"))
	mustOK(t, src.SaveFile(snap))
	fresh := memDB(t)
	mustOK(t, fresh.LoadFile(snap))
	wantMissing(t, fresh, "a")
	wantValue(t, fresh, "b\x00", "two\x00")

	// A file store saves and loads too.
	fdb, _ := fileDB(t, nil)
	defer fdb.Close()
	mustOK(t, fdb.LoadFile(snap))
	wantValue(t, fdb, "g:2", "[5 5],[6 6]")
}

func TestSaveLoadStream(t *testing.T) {
	src := memDB(t)
	mustSet(t, src, "x", "1")
	mustSet(t, src, "y", "2")
	var buf bytes.Buffer
	mustOK(t, src.Save(&buf))
	dst := memDB(t)
	mustOK(t, dst.Load(&buf))
	if got := allItems(t, dst); !reflect.DeepEqual(got, map[string]string{"x": "1", "y": "2"}) {
		t.Fatalf("after Load: %v", got)
	}
	// An empty snapshot loads nothing and is not an error.
	mustOK(t, dst.Load(strings.NewReader("")))
	if n, _ := dst.Len(); n != 2 {
		t.Fatalf("Len after empty Load = %d", n)
	}
}

func TestSaveFileBadPath(t *testing.T) {
	db := memDB(t)
	wantErr(t, db.SaveFile(""), ErrInvalidArgument)
	wantErr(t, db.SaveFile(MemoryPath), ErrInvalidArgument)
	wantErr(t, db.SaveFile(filepath.Join(t.TempDir(), "no", "such", "dir")), ErrIO)
	wantErr(t, db.LoadFile(filepath.Join(t.TempDir(), "missing")), ErrIO)
}

func TestLoadCorruptSnapshot(t *testing.T) {
	src := memDB(t)
	mustSet(t, src, "a", "new-a")
	mustSet(t, src, "b", "new-b")
	mustSet(t, src, "c", "a-long-value-for-c")
	var buf bytes.Buffer
	mustOK(t, src.Save(&buf))
	full := buf.Bytes()

	for name, data := range map[string][]byte{
		"truncated": full[:len(full)-5],
		"garbage":   []byte("hello, I am not a snapshot\n"),
		"bad count": []byte("*3\r\n$3\r\nset\r\n$1\r\nz\r\n"),
	} {
		dst := memDB(t)
		mustSet(t, dst, "a", "old-a")
		mustSet(t, dst, "keep", "k")
		err := dst.Load(bytes.NewReader(data))
		wantErr(t, err, ErrCorrupt)
		want := map[string]string{"a": "old-a", "keep": "k"}
		if got := allItems(t, dst); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: store after failed Load %v, want %v", name, got, want)
		}
		path := filepath.Join(t.TempDir(), "snap")
		mustOK(t, os.WriteFile(path, data, 0o644))
		wantErr(t, dst.LoadFile(path), ErrCorrupt)
		if got := allItems(t, dst); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: store after failed LoadFile %v, want %v", name, got, want)
		}
	}
}

func TestLoadBadGeometryLoadsNothing(t *testing.T) {
	src := memDB(t)
	mustSet(t, src, "g:1", "[1 2]")
	mustSet(t, src, "g:2", "not a rect")
	mustSet(t, src, "plain", "p")
	var buf bytes.Buffer
	mustOK(t, src.Save(&buf))

	dst := memDB(t)
	mustOK(t, dst.CreateSpatialIndex("geo", "g:*", ""))
	mustSet(t, dst, "g:1", "[9 9]")
	err := dst.Load(bytes.NewReader(buf.Bytes()))
	wantErr(t, err, ErrInvalidGeometry)
	if !strings.Contains(err.Error(), "g:2") {
		t.Fatalf("error %q does not name the key", err)
	}
	if got := allItems(t, dst); !reflect.DeepEqual(got, map[string]string{"g:1": "[9 9]"}) {
		t.Fatalf("store after refused Load: %v", got)
	}
	wantKeys(t, "intersects", intersectKeys(t, dst, "geo", Point(9, 9), 0), "g:1")
}

func TestLoadSkipsExpired(t *testing.T) {
	// A hand-made snapshot: one item that expired in 2001, one that lives
	// until 2286, one with no expiry.
	snap := "*5\r\n$3\r\nset\r\n$4\r\ngone\r\n$1\r\nx\r\n$2\r\nae\r\n$10\r\n1000000000\r\n" +
		"*5\r\n$3\r\nset\r\n$4\r\nlive\r\n$1\r\ny\r\n$2\r\nae\r\n$11\r\n10000000000\r\n" +
		"*3\r\n$3\r\nset\r\n$4\r\nperm\r\n$1\r\nz\r\n"
	db := memDB(t)
	mustSet(t, db, "gone", "existing")
	mustOK(t, db.Load(strings.NewReader(snap)))
	// The expired item is skipped, not applied as a delete.
	wantValue(t, db, "gone", "existing")
	wantValue(t, db, "live", "y")
	wantValue(t, db, "perm", "z")
	if ttl, err := db.TTL("live"); err != nil || ttl < 100*365*24*time.Hour {
		t.Fatalf("TTL(live) = %v, %v", ttl, err)
	}
	if ttl, err := db.TTL("perm"); err != nil || ttl != -1 {
		t.Fatalf("TTL(perm) = %v, %v", ttl, err)
	}
}

func TestLen(t *testing.T) {
	db := memDB(t)
	if n, err := db.Len(); err != nil || n != 0 {
		t.Fatalf("Len() = %d, %v", n, err)
	}
	mustSet(t, db, "a", "1")
	mustSet(t, db, "b", "2")
	mustSet(t, db, "a", "3")
	if n, err := db.Len(); err != nil || n != 2 {
		t.Fatalf("Len() = %d, %v; want 2", n, err)
	}
}
