package store

import (
	"strings"
	"testing"
)

func limitedDB(t *testing.T) *DB {
	t.Helper()
	o := DefaultOptions()
	o.MaxKeySize, o.MaxValueSize, o.MaxBatchItems = 8, 16, 3
	db, err := Open(MemoryPath, &o)
	mustOK(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestLimitsRefuseAndChangeNothing: each call over a limit fails with
// ErrLimit, writes nothing, and leaves a transaction usable.
func TestLimitsRefuseAndChangeNothing(t *testing.T) {
	db := limitedDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "g:*", ""))
	mustSet(t, db, "12345678", strings.Repeat("v", 16)) // at the limits
	wantErr(t, db.Set("123456789", "v", 0), ErrLimit)
	wantErr(t, db.Set("k", strings.Repeat("v", 17), 0), ErrLimit)
	wantMissing(t, db, "k")
	wantErr(t, db.SetMany([]Item{{Key: "a", Value: "1"}, {Key: "b", Value: strings.Repeat("v", 17)}}), ErrLimit)
	wantMissing(t, db, "a")
	wantErr(t, db.SetMany([]Item{{Key: "a"}, {Key: "b"}, {Key: "c"}, {Key: "d"}}), ErrLimit)
	wantMissing(t, db, "a")
	_, err := db.DeleteMany([]string{"12345678", "b", "c", "d"})
	wantErr(t, err, ErrLimit)
	wantValue(t, db, "12345678", strings.Repeat("v", 16))
	wantErr(t, db.GetMany([]string{"a", "b", "c", "d"}, func(int, string, bool) { t.Error("called back") }), ErrLimit)
	box := Box([]float64{0, 0}, []float64{1, 1})
	wantErr(t, db.IntersectsMany("g", []Rect{box, box, box, box}, 0, func(int, string, string) bool { return true }), ErrLimit)
	wantErr(t, db.WithinMany("g", []Rect{box, box, box, box}, 0, func(int, string, string) bool { return true }), ErrLimit)
	p := []float64{0, 0}
	wantErr(t, db.NearbyMany("g", [][]float64{p, p, p, p}, 1, -1, func(int, string, string, float64) bool { return true }), ErrLimit)

	mustOK(t, db.Update(func(tx *Tx) error {
		wantErr(t, tx.Set("k", strings.Repeat("v", 17), 0), ErrLimit)
		return tx.Set("k", "fits", 0) // the transaction goes on
	}))
	wantValue(t, db, "k", "fits")
}

// TestLimitsOptions: zeros mean the defaults, negatives are refused.
func TestLimitsOptions(t *testing.T) {
	db := memDB(t)
	if got := db.Limits(); got != DefaultLimits() {
		t.Errorf("limits %+v, want the defaults %+v", got, DefaultLimits())
	}
	o := DefaultOptions()
	o.MaxResultSize = -1
	_, err := Open(MemoryPath, &o)
	wantErr(t, err, ErrInvalidArgument)
	l := DefaultLimits()
	wantErr(t, l.CheckItem(1<<62, 1), ErrLimit)
	wantErr(t, l.CheckItem(1, 1<<62), ErrLimit)
	wantErr(t, l.CheckBatch(1<<62), ErrLimit)
	wantErr(t, l.CheckResult(1<<62), ErrLimit)
	mustOK(t, l.CheckResult(DefaultMaxResultSize))
}

// TestLoadOverALimitLoadsNothing: a snapshot holding a value over the limit
// is refused whole.
func TestLoadOverALimitLoadsNothing(t *testing.T) {
	src := memDB(t)
	mustSet(t, src, "a", "1")
	mustSet(t, src, "big", strings.Repeat("v", 100))
	var snap strings.Builder
	mustOK(t, src.Save(&snap))
	db := limitedDB(t)
	wantErr(t, db.Load(strings.NewReader(snap.String())), ErrLimit)
	wantMissing(t, db, "a")
}
