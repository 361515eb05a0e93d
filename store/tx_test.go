package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestReadOnlyTx(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "k", "v")
	tx, err := db.Begin(false)
	mustOK(t, err)
	if tx.Writable() {
		t.Fatal("read-only Tx reports Writable")
	}
	wantErr(t, tx.Set("k", "w", 0), ErrTxReadOnly)
	wantErr(t, tx.Delete("k"), ErrTxReadOnly)
	wantErr(t, tx.SetMany([]Item{{Key: "x", Value: "y"}}), ErrTxReadOnly)
	wantValue(t, tx, "k", "v")
	if ttl, err := tx.TTL("k"); err != nil || ttl != -1 {
		t.Fatalf("TTL in read-only Tx = %v, %v", ttl, err)
	}
	if n, err := tx.Len(); err != nil || n != 1 {
		t.Fatalf("Len in read-only Tx = %d, %v", n, err)
	}
	mustOK(t, tx.Commit())
	wantValue(t, db, "k", "v")
	wantMissing(t, db, "x")

	// View's Tx is read-only too.
	mustOK(t, db.View(func(tx *Tx) error {
		if tx.Writable() {
			t.Error("View's Tx is writable")
		}
		wantErr(t, tx.Set("a", "b", 0), ErrTxReadOnly)
		wantValue(t, tx, "k", "v")
		return nil
	}))
	wantMissing(t, db, "a")
}

func TestBeginCommit(t *testing.T) {
	db := memDB(t)
	tx, err := db.Begin(true)
	mustOK(t, err)
	if !tx.Writable() {
		t.Fatal("writable Tx reports read-only")
	}
	mustSet(t, tx, "a", "1")
	mustOK(t, tx.Set("b", "2", time.Hour))
	wantValue(t, tx, "a", "1") // own writes are visible inside
	mustOK(t, tx.Commit())
	wantValue(t, db, "a", "1")
	wantValue(t, db, "b", "2")
}

func TestRollback(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "keep", "old")
	mustSet(t, db, "del", "here")
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", ""))
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustSet(t, tx, "keep", "new")
	mustSet(t, tx, "added", "x")
	mustSet(t, tx, "g:1", "[1 1]")
	mustOK(t, tx.Delete("del"))
	wantMissing(t, tx, "del")
	mustOK(t, tx.Rollback())

	wantValue(t, db, "keep", "old")
	wantValue(t, db, "del", "here")
	wantMissing(t, db, "added")
	wantMissing(t, db, "g:1")
	wantKeys(t, "spatial after rollback", intersectKeys(t, db, "geo", Point(1, 1), 0))
	// The store is free again: Close does not see the transaction.
	mustOK(t, db.Close())
}

func TestTxClosed(t *testing.T) {
	db := memDB(t)
	for _, end := range []string{"commit", "rollback"} {
		for _, writable := range []bool{true, false} {
			tx, err := db.Begin(writable)
			mustOK(t, err)
			if end == "commit" {
				mustOK(t, tx.Commit())
			} else {
				mustOK(t, tx.Rollback())
			}
			name := fmt.Sprintf("%s(writable=%v)", end, writable)
			wantErr(t, tx.Commit(), ErrTxClosed)
			wantErr(t, tx.Rollback(), ErrTxClosed)
			wantErr(t, tx.Set("k", "v", 0), ErrTxClosed)
			wantErr(t, tx.Delete("k"), ErrTxClosed)
			wantErr(t, tx.SetMany(nil), ErrTxClosed)
			_, err = tx.Get("k")
			wantErr(t, err, ErrTxClosed)
			_, err = tx.TTL("k")
			wantErr(t, err, ErrTxClosed)
			_, err = tx.Len()
			wantErr(t, err, ErrTxClosed)
			wantErr(t, tx.GetMany([]string{"k"}, func(int, string, bool) { t.Errorf("%s: GetMany called fn", name) }), ErrTxClosed)
			wantErr(t, tx.Scan("", Range{}, func(string, string) bool { return true }), ErrTxClosed)
			wantErr(t, tx.Intersects("geo", Point(0), 0, func(string, string) bool { return true }), ErrTxClosed)
			wantErr(t, tx.Within("geo", Point(0), 0, func(string, string) bool { return true }), ErrTxClosed)
			wantErr(t, tx.Nearby("geo", []float64{0}, 0, -1, func(string, string, float64) bool { return true }), ErrTxClosed)
		}
	}
	wantMissing(t, db, "k")
}

func TestUpdateCommitsAndRollsBack(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.Update(func(tx *Tx) error {
		if !tx.Writable() {
			t.Error("Update's Tx is read-only")
		}
		return tx.Set("a", "1", 0)
	}))
	wantValue(t, db, "a", "1")

	boom := errors.New("boom")
	err := db.Update(func(tx *Tx) error {
		mustSet(t, tx, "a", "2")
		mustSet(t, tx, "b", "2")
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want fn's error unchanged", err)
	}
	wantValue(t, db, "a", "1")
	wantMissing(t, db, "b")
}

func TestUpdateRollsBackOnPanic(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "a", "1")
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Fatalf("recovered %v, want the panic to go on", r)
			}
		}()
		_ = db.Update(func(tx *Tx) error {
			mustSet(t, tx, "a", "2")
			mustSet(t, tx, "b", "2")
			panic("kaboom")
		})
		t.Fatal("Update swallowed the panic")
	}()
	wantValue(t, db, "a", "1")
	wantMissing(t, db, "b")
	// The lock was released and Close does not count the dead transaction.
	mustSet(t, db, "c", "3")
	mustOK(t, db.Close())
}

func TestViewPanicReleases(t *testing.T) {
	db := memDB(t)
	func() {
		defer func() { _ = recover() }()
		_ = db.View(func(tx *Tx) error { panic("view") })
	}()
	mustSet(t, db, "k", "v") // a writer would wait forever on a leaked reader
	mustOK(t, db.Close())
}

func TestUpdateWhereFnEndsTx(t *testing.T) {
	db := memDB(t)
	// fn commits itself: Update leaves the outcome alone.
	mustOK(t, db.Update(func(tx *Tx) error {
		mustSet(t, tx, "a", "1")
		return tx.Commit()
	}))
	wantValue(t, db, "a", "1")
	// fn rolls back and reports success: nothing was written.
	mustOK(t, db.Update(func(tx *Tx) error {
		mustSet(t, tx, "b", "1")
		return tx.Rollback()
	}))
	wantMissing(t, db, "b")
	mustOK(t, db.Close())
}

func TestViewReturnsError(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "k", "v")
	var got string
	err := db.View(func(tx *Tx) error {
		var err error
		got, err = tx.Get("k")
		if err != nil {
			return err
		}
		_, err = tx.Get("missing")
		return err
	})
	wantErr(t, err, ErrNotFound)
	if got != "v" {
		t.Fatalf("View read %q", got)
	}
}

func TestReadsInsideCallbacks(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("ix", "k*", IndexString, ""))
	mustOK(t, db.CreateSpatialIndex("geo", "g*", ""))
	mustSet(t, db, "k1", "b")
	mustSet(t, db, "k2", "a")
	mustSet(t, db, "g1", "[1 1]")
	mustSet(t, db, "ref:k1", "one")
	mustSet(t, db, "ref:k2", "two")
	mustSet(t, db, "ref:g1", "three")

	for _, writable := range []bool{false, true} {
		var got []string
		run := func(tx *Tx) error {
			read := func(key string) bool {
				v, err := tx.Get("ref:" + key)
				if err != nil {
					t.Errorf("Get inside callback: %v", err)
					return false
				}
				got = append(got, v)
				return true
			}
			if err := tx.Scan("ix", Range{}, func(k, _ string) bool { return read(k) }); err != nil {
				return err
			}
			if err := tx.Intersects("geo", Point(1, 1), 0, func(k, _ string) bool { return read(k) }); err != nil {
				return err
			}
			return tx.Nearby("geo", []float64{0, 0}, 1, -1, func(k, _ string, _ float64) bool {
				n, err := tx.Len()
				if err != nil || n != 6 {
					t.Errorf("Len inside Nearby = %d, %v", n, err)
				}
				return read(k)
			})
		}
		if writable {
			mustOK(t, db.Update(run))
		} else {
			mustOK(t, db.View(run))
		}
		wantKeys(t, fmt.Sprintf("reads (writable=%v)", writable), got, "two", "one", "three", "three")
	}
}

func TestWritesInsideCallbacksRefused(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "g*", ""))
	mustSet(t, db, "g1", "[1 1]")
	mustSet(t, db, "g2", "[2 2]")
	mustSet(t, db, "k", "v")

	queries := map[string]func(tx *Tx, fn func(key string) bool) error{
		"Scan": func(tx *Tx, fn func(string) bool) error {
			return tx.Scan("", Range{}, func(k, _ string) bool { return fn(k) })
		},
		"Intersects": func(tx *Tx, fn func(string) bool) error {
			return tx.Intersects("geo", Box([]float64{0, 0}, []float64{5, 5}), 0, func(k, _ string) bool { return fn(k) })
		},
		"Within": func(tx *Tx, fn func(string) bool) error {
			return tx.Within("geo", Box([]float64{0, 0}, []float64{5, 5}), 0, func(k, _ string) bool { return fn(k) })
		},
		"Nearby": func(tx *Tx, fn func(string) bool) error {
			return tx.Nearby("geo", []float64{0, 0}, 0, -1, func(k, _ string, _ float64) bool { return fn(k) })
		},
	}
	for name, query := range queries {
		err := db.Update(func(tx *Tx) error {
			calls := 0
			err := query(tx, func(key string) bool {
				calls++
				if err := tx.Set("g9", "[3 3]", 0); !errors.Is(err, ErrInvalidArgument) {
					t.Errorf("%s: Set inside the callback = %v, want ErrInvalidArgument", name, err)
				}
				if err := tx.Delete(key); !errors.Is(err, ErrInvalidArgument) {
					t.Errorf("%s: Delete inside the callback = %v, want ErrInvalidArgument", name, err)
				}
				if err := tx.SetMany([]Item{{Key: "g8", Value: "[4 4]"}}); !errors.Is(err, ErrInvalidArgument) {
					t.Errorf("%s: SetMany inside the callback = %v, want ErrInvalidArgument", name, err)
				}
				return true
			})
			if calls == 0 {
				t.Errorf("%s: callback never ran", name)
			}
			if err != nil {
				return err
			}
			// After the query the Tx writes again.
			return tx.Set("after-"+name, "ok", 0)
		})
		mustOK(t, err)
		wantValue(t, db, "after-"+name, "ok")
	}
	wantValue(t, db, "g1", "[1 1]")
	wantValue(t, db, "g2", "[2 2]")
	wantMissing(t, db, "g9")
	wantMissing(t, db, "g8")
	wantSet(t, "spatial", intersectKeys(t, db, "geo", Box([]float64{0, 0}, []float64{5, 5}), 0), "g1", "g2")
}

func TestBeginWaitsForWriter(t *testing.T) {
	db := memDB(t)
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustSet(t, tx, "k", "v")
	done := make(chan string)
	go func() {
		v, err := db.Get("k")
		if err != nil {
			v = err.Error()
		}
		done <- v
	}()
	select {
	case v := <-done:
		t.Fatalf("a reader ran while a writer was open and read %q", v)
	case <-time.After(20 * time.Millisecond):
	}
	mustOK(t, tx.Commit())
	if v := <-done; v != "v" {
		t.Fatalf("reader after commit read %q", v)
	}
}
