package store

import (
	"math"
	"slices"
	"testing"
)

// TestBatchAndPairsArguments: every argument the batch and pairs calls
// refuse, through the DB and through a Tx, with the callback never called;
// and that an empty batch still names a spatial index that must exist.
func TestBatchAndPairsArguments(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustOK(t, db.CreateIndex("ord", "*", IndexString, ""))
	mustSet(t, db, "a", "[1 1]")
	fn := func(int, string, string) bool { t.Error("fn called"); return true }
	nfn := func(int, string, string, float64) bool { t.Error("fn called"); return true }
	pfn := func(Pair) bool { t.Error("fn called"); return true }
	nan, inf := math.NaN(), math.Inf(1)
	good := Point(1, 1)

	// One bad box or point among good ones fails the whole call.
	for _, bad := range []Rect{Point(nan, 1), Box([]float64{2}, []float64{1}), {}} {
		wantErr(t, db.IntersectsMany("geo", []Rect{good, bad}, 0, fn), ErrInvalidGeometry)
		wantErr(t, db.WithinMany("geo", []Rect{good, bad}, 0, fn), ErrInvalidGeometry)
	}
	for _, bad := range [][]float64{{nan, 0}, {inf, 0}, nil} {
		wantErr(t, db.NearbyMany("geo", [][]float64{{1, 1}, bad}, 0, -1, nfn), ErrInvalidGeometry)
	}
	wantErr(t, db.IntersectsMany("geo", []Rect{good}, -1, fn), ErrInvalidArgument)
	wantErr(t, db.NearbyMany("geo", [][]float64{{1, 1}}, -1, -1, nfn), ErrInvalidArgument)
	wantErr(t, db.NearbyMany("geo", [][]float64{{1, 1}}, 0, nan, nfn), ErrInvalidArgument)
	for _, d := range []float64{nan, -1, inf, math.Inf(-1)} {
		wantErr(t, db.Pairs("geo", d, "", pfn), ErrInvalidArgument)
	}
	for _, name := range []string{"nope", "ord"} {
		for _, boxes := range [][]Rect{nil, {good}} {
			wantErr(t, db.IntersectsMany(name, boxes, 0, fn), ErrNoIndex)
			wantErr(t, db.WithinMany(name, boxes, 0, fn), ErrNoIndex)
		}
		wantErr(t, db.NearbyMany(name, nil, 0, -1, nfn), ErrNoIndex)
		wantErr(t, db.Pairs(name, 1, "", pfn), ErrNoIndex)
	}
	wantErr(t, db.Pairs("", 1, "", pfn), ErrInvalidArgument)
	mustOK(t, db.IntersectsMany("geo", nil, 0, fn))
	mustOK(t, db.NearbyMany("geo", nil, 0, -1, nfn))

	// A transaction that has ended refuses them all.
	tx, err := db.Begin(false)
	mustOK(t, err)
	mustOK(t, tx.Rollback())
	wantErr(t, tx.IntersectsMany("geo", []Rect{good}, 0, fn), ErrTxClosed)
	wantErr(t, tx.WithinMany("geo", []Rect{good}, 0, fn), ErrTxClosed)
	wantErr(t, tx.NearbyMany("geo", [][]float64{{1, 1}}, 0, -1, nfn), ErrTxClosed)
	wantErr(t, tx.Pairs("geo", 1, "", pfn), ErrTxClosed)
}

// TestBatchStopsWhenTold: fn returning false ends the whole batch, not
// only its query.
func TestBatchStopsWhenTold(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	for _, k := range []string{"a", "b", "c"} {
		mustSet(t, db, k, "[1 1]")
	}
	box := Box([]float64{0, 0}, []float64{2, 2})
	var seen []int
	mustOK(t, db.IntersectsMany("geo", []Rect{box, box}, 0, func(q int, _, _ string) bool {
		seen = append(seen, q)
		return len(seen) < 2
	}))
	if !slices.Equal(seen, []int{0, 0}) {
		t.Fatalf("IntersectsMany went on after a stop: queries %v", seen)
	}
	seen = nil
	mustOK(t, db.NearbyMany("geo", [][]float64{{0, 0}, {0, 0}}, 0, -1, func(q int, _, _ string, _ float64) bool {
		seen = append(seen, q)
		return false
	}))
	if !slices.Equal(seen, []int{0}) {
		t.Fatalf("NearbyMany went on after a stop: queries %v", seen)
	}
	n := 0
	mustOK(t, db.Pairs("geo", 0, "", func(Pair) bool { n++; return false }))
	if n != 1 {
		t.Fatalf("Pairs went on after a stop: %d pairs", n)
	}
}
