package store

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrencyEverything: many goroutines read, write, scan and query
// one file store while Shrink rewrites it, each result checked; then the
// file reopens with the same content. Run under -race by make test-go.
func TestConcurrencyStressWithShrink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conc.db")
	db, err := Open(path, &Options{SyncPolicy: SyncNever, AutoShrinkDisabled: true})
	mustOK(t, err)
	mustOK(t, db.CreateSpatialIndex("pts", "pt:*", ""))
	mustOK(t, db.CreateIndex("byval", "k:*", IndexString, ""))
	const nKeys, grid = 200, 15
	for i := 0; i < grid*grid; i++ {
		mustOK(t, db.Set(fmt.Sprintf("pt:%d", i), fmt.Sprintf("[%d %d]", i%grid, i/grid), 0))
	}
	checkKV := func(k, v string) error {
		var n int
		if _, err := fmt.Sscanf(k, "k:%d", &n); err != nil || !strings.HasPrefix(v, fmt.Sprintf("v:%d:", n)) {
			return fmt.Errorf("%q=%q", k, v)
		}
		return nil
	}
	checkPt := func(k, v string) (float64, float64, error) {
		var n int
		var x, y float64
		if _, err := fmt.Sscanf(k, "pt:%d", &n); err != nil {
			return 0, 0, fmt.Errorf("point key %q", k)
		}
		if _, err := fmt.Sscanf(v, "[%g %g]", &x, &y); err != nil || x != float64(n%grid) || y != float64(n/grid) {
			return 0, 0, fmt.Errorf("point %q=%q", k, v)
		}
		return x, y, nil
	}
	deadline := time.Now().Add(2 * time.Second)
	var ops atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	run := func(name string, seed int, fn func(r *uint32) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := uint32(seed)
			for n := 0; time.Now().Before(deadline); n++ {
				if err := fn(&r); err != nil {
					errs <- fmt.Errorf("%s: %w", name, err)
					return
				}
				ops.Add(1)
			}
		}()
	}
	next := func(r *uint32, n int) int { *r = *r*1664525 + 1013904223; return int(*r>>8) % n }
	for i := 0; i < 4; i++ {
		run("writer", i+1, func(r *uint32) error {
			k := next(r, nKeys)
			switch next(r, 4) {
			case 0:
				return db.Set(fmt.Sprintf("k:%d", k), fmt.Sprintf("v:%d:%d", k, *r), 0)
			case 1:
				if err := db.Delete(fmt.Sprintf("k:%d", k)); err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				return nil
			case 2:
				return db.SetMany([]Item{{Key: fmt.Sprintf("k:%d", k), Value: fmt.Sprintf("v:%d:many", k)},
					{Key: fmt.Sprintf("pt:%d", k%(grid*grid)), Value: fmt.Sprintf("[%d %d]", k%grid, k%(grid*grid)/grid)}})
			default: // a read-modify-write in one transaction
				return db.Update(func(tx *Tx) error {
					v, err := tx.Get("counter")
					n := 0
					if err == nil {
						_, _ = fmt.Sscanf(v, "%d", &n)
					} else if !errors.Is(err, ErrNotFound) {
						return err
					}
					return tx.Set("counter", fmt.Sprint(n+1), 0)
				})
			}
		})
	}
	var increments atomic.Int64
	run("counter", 99, func(r *uint32) error {
		err := db.Update(func(tx *Tx) error {
			v, err := tx.Get("mine")
			n := 0
			if err == nil {
				_, _ = fmt.Sscanf(v, "%d", &n)
			}
			return tx.Set("mine", fmt.Sprint(n+1), 0)
		})
		if err == nil {
			increments.Add(1)
		}
		return err
	})
	for i := 0; i < 6; i++ {
		run("reader", i+10, func(r *uint32) error {
			switch next(r, 5) {
			case 0:
				k := fmt.Sprintf("k:%d", next(r, nKeys))
				v, err := db.Get(k)
				if errors.Is(err, ErrNotFound) {
					return nil
				}
				if err != nil {
					return err
				}
				return checkKV(k, v)
			case 1:
				return db.View(func(tx *Tx) error { // a snapshot: two reads agree
					a, errA := tx.Get("k:1")
					b, errB := tx.Get("k:1")
					if a != b || (errA == nil) != (errB == nil) {
						return fmt.Errorf("one transaction read k:1 as %q then %q", a, b)
					}
					return nil
				})
			case 2:
				var bad error
				n := 0
				err := db.Scan("byval", Range{Lo: "v:1", HasLo: true, Limit: 20}, func(k, v string) bool {
					n++
					bad = checkKV(k, v)
					return bad == nil
				})
				if err == nil && n > 20 {
					err = fmt.Errorf("scan: %d over the limit", n)
				}
				if bad != nil {
					return bad
				}
				return err
			case 3:
				lo := []float64{float64(next(r, grid)), float64(next(r, grid))}
				hi := []float64{lo[0] + float64(next(r, 4)), lo[1] + float64(next(r, 4))}
				seen := 0
				var bad error
				err := db.Intersects("pts", Box(lo, hi), 0, func(k, v string) bool {
					x, y, err := checkPt(k, v)
					if err == nil && (x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1]) {
						err = fmt.Errorf("%q outside %v-%v", v, lo, hi)
					}
					bad = err
					seen++
					return bad == nil
				})
				if bad != nil {
					return bad
				}
				want := int((math.Min(hi[0], grid-1) - lo[0] + 1) * (math.Min(hi[1], grid-1) - lo[1] + 1))
				if err == nil && seen != want {
					err = fmt.Errorf("intersects %v-%v: %d hits, want %d", lo, hi, seen, want)
				}
				return err
			default:
				p := []float64{float64(next(r, grid)) + 0.5, float64(next(r, grid)) + 0.5}
				last, n := 0.0, 0
				var bad error
				err := db.Nearby("pts", p, 4, -1, func(k, v string, d float64) bool {
					_, _, bad = checkPt(k, v)
					if bad == nil && d < last {
						bad = fmt.Errorf("nearby: %g after %g", d, last)
					}
					last, n = d, n+1
					return bad == nil
				})
				if bad != nil {
					return bad
				}
				if err == nil && n != 4 {
					err = fmt.Errorf("nearby: %d hits, want 4", n)
				}
				return err
			}
		})
	}
	var shrinks atomic.Int64
	run("shrink", 0, func(r *uint32) error {
		err := db.Shrink()
		if errors.Is(err, ErrBusy) {
			return nil
		}
		if err == nil {
			shrinks.Add(1)
		}
		time.Sleep(time.Millisecond)
		return err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	v, err := db.Get("mine")
	mustOK(t, err)
	if v != fmt.Sprint(increments.Load()) {
		t.Fatalf("read-modify-write counter %s, want %d: lost updates", v, increments.Load())
	}
	before := map[string]string{}
	mustOK(t, db.Scan("", Range{}, func(k, v string) bool { before[k] = v; return true }))
	n, err := db.Len()
	mustOK(t, err)
	if n != len(before) {
		t.Fatalf("Len %d, a full scan %d", n, len(before))
	}
	mustOK(t, db.Close())
	db, err = Open(path, nil)
	mustOK(t, err)
	defer func() { _ = db.Close() }()
	after := map[string]string{}
	mustOK(t, db.Scan("", Range{}, func(k, v string) bool { after[k] = v; return true }))
	if len(after) != len(before) {
		t.Fatalf("reopened with %d items, had %d", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("reopened: %q=%q, had %q", k, after[k], v)
		}
	}
	t.Logf("%d goroutines, %d operations in 2s, %d shrinks, %d items", 12, ops.Load(), shrinks.Load(), len(before))
}
