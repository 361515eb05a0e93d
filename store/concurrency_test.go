package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestConcurrentUse(t *testing.T) {
	for _, mem := range []bool{true, false} {
		var db *DB
		if mem {
			db = memDB(t)
		} else {
			var err error
			opts := DefaultOptions()
			opts.SyncPolicy = SyncNever
			db, err = Open(filepath.Join(t.TempDir(), "c.db"), &opts)
			mustOK(t, err)
		}
		mustOK(t, db.CreateSpatialIndex("geo", "g:*", ""))
		mustOK(t, db.CreateIndex("num", "n:*", IndexInt, ""))
		// An R-tree with 2D and 3D items takes Nearby's other path.
		mustOK(t, db.CreateSpatialIndex("mixed", "m:*", ""))
		mustOK(t, db.Set("counter", "0", 0))

		const workers, rounds = 8, 60
		var wg sync.WaitGroup
		errs := make(chan error, workers*4)
		report := func(err error) {
			if err != nil {
				select {
				case errs <- err:
				default: // enough reported
				}
			}
		}
		for w := 0; w < workers; w++ {
			wg.Add(4)
			go func() { // writers
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					report(db.Set(fmt.Sprintf("g:%d:%d", w, i), fmt.Sprintf("[%d %d]", w, i), 0))
					report(db.Set(fmt.Sprintf("n:%d:%d", w, i), fmt.Sprint(i), time.Duration(i%3)*time.Millisecond))
					if i%2 == 0 {
						report(db.Set(fmt.Sprintf("m:%d:%d", w, i), fmt.Sprintf("[%d %d]", w, i), 0))
					} else {
						report(db.Set(fmt.Sprintf("m:%d:%d", w, i), fmt.Sprintf("[%d %d 0]", w, i), time.Duration(i%4)*time.Millisecond))
					}
				}
			}()
			go func() { // readers
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					if _, err := db.Get(fmt.Sprintf("g:%d:%d", w, i/2)); err != nil && !errors.Is(err, ErrNotFound) {
						report(err)
					}
					report(db.Scan("num", Range{Limit: 5}, func(string, string) bool { return true }))
				}
			}()
			go func() { // spatial queries
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					last := -1.0
					report(db.Nearby("geo", []float64{float64(w), float64(i)}, 5, -1, func(_, _ string, d float64) bool {
						if d < last {
							report(fmt.Errorf("Nearby not nearest first: %g after %g", d, last))
						}
						last = d
						return true
					}))
					report(db.Intersects("geo", Box([]float64{0, 0}, []float64{4, 4}), 3, func(string, string) bool { return true }))
					last = -1
					report(db.Nearby("mixed", []float64{float64(w), float64(i), 0}, 4, -1, func(_, _ string, d float64) bool {
						if d < last {
							report(fmt.Errorf("mixed Nearby not nearest first: %g after %g", d, last))
						}
						last = d
						return true
					}))
				}
			}()
			go func() { // read-modify-write transactions
				defer wg.Done()
				for i := 0; i < rounds/3; i++ {
					report(db.Update(func(tx *Tx) error {
						v, err := tx.Get("counter")
						if err != nil {
							return err
						}
						var n int
						fmt.Sscan(v, &n)
						return tx.Set("counter", fmt.Sprint(n+1), 0)
					}))
					report(db.View(func(tx *Tx) error {
						_, err := tx.Len()
						return err
					}))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		wantValue(t, db, "counter", fmt.Sprint(workers*(rounds/3)))
		got := intersectKeys(t, db, "geo", Box([]float64{0, 0}, []float64{workers, rounds}), 0)
		if len(got) != workers*rounds {
			t.Fatalf("spatial index holds %d items, want %d", len(got), workers*rounds)
		}
		mustOK(t, db.Close())
	}
}

func TestConcurrentCloseAndBegin(t *testing.T) {
	// Close racing Begin: each Begin either gets a usable Tx (and Close
	// waits for it or says busy) or ErrClosed; nothing hangs or crashes.
	for round := 0; round < 20; round++ {
		db, err := Open(MemoryPath, nil)
		mustOK(t, err)
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx, err := db.Begin(i%2 == 0)
				if err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Errorf("Begin: %v", err)
					}
					return
				}
				_, _ = tx.Get("k")
				if err := tx.Rollback(); err != nil {
					t.Errorf("Rollback: %v", err)
				}
			}()
		}
		for {
			err := db.Close()
			if err == nil {
				break
			}
			if !errors.Is(err, ErrBusy) {
				t.Fatalf("Close: %v", err)
			}
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
	}
}
