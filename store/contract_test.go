package store

import (
	"bytes"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The corners of the contract that store.h states, one test each.

// TestBatchSameKeyTwice: in one batch, the last item for a key wins.
func TestBatchSameKeyTwice(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.SetMany([]Item{{Key: "k", Value: "first"}, {Key: "other", Value: "x"}, {Key: "k", Value: "last"}}))
	wantValue(t, db, "k", "last")
}

// TestScanEqualValuesInKeyOrder: items with equal index values come in key
// order (descending scans reverse it).
func TestScanEqualValuesInKeyOrder(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("n", "*", IndexInt, ""))
	for _, k := range []string{"d", "b", "a", "c", "e"} {
		v := "1"
		if k == "e" {
			v = "0"
		}
		mustSet(t, db, k, v)
	}
	var asc, desc []string
	mustOK(t, db.Scan("n", Range{}, func(k, _ string) bool { asc = append(asc, k); return true }))
	mustOK(t, db.Scan("n", Range{Desc: true}, func(k, _ string) bool { desc = append(desc, k); return true }))
	if want := []string{"e", "a", "b", "c", "d"}; !slices.Equal(asc, want) {
		t.Errorf("ascending %v, want %v", asc, want)
	}
	if want := []string{"d", "c", "b", "a", "e"}; !slices.Equal(desc, want) {
		t.Errorf("descending %v, want %v", desc, want)
	}
}

// TestDistanceAcrossDimensions: the distance between a point and an item
// of another number of dimensions is taken over the dimensions both have.
func TestDistanceAcrossDimensions(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustSet(t, db, "flat", "[3 4]")
	mustSet(t, db, "deep", "[3 4 12]")
	dist := func(point ...float64) map[string]float64 {
		m := map[string]float64{}
		mustOK(t, db.Nearby("g", point, 0, -1, func(k, _ string, d float64) bool { m[k] = d; return true }))
		return m
	}
	got3 := dist(0, 0, 0)
	got2 := dist(0, 0)
	above := dist(0, 0, 10)
	if got3["flat"] != 5 || got3["deep"] != 13 || got2["flat"] != 5 || got2["deep"] != 5 || above["flat"] != 5 {
		t.Errorf("3D query %v, 2D query %v, above %v; want flat 5, deep 13 / flat 5, deep 5 / flat 5", got3, got2, above)
	}
}

// TestJSONOrderAcrossTypes: a JSON index orders by type first (gjson's
// order): missing path < null < false < numbers < strings < true < arrays
// and objects (these two by their text).
func TestJSONOrderAcrossTypes(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("j", "*", IndexJSON, "v"))
	vals := map[string]string{
		"1obj": `{"v":{"a":1}}`, "2str": `{"v":"abc"}`, "3num": `{"v":12}`, "4true": `{"v":true}`,
		"5false": `{"v":false}`, "6null": `{"v":null}`, "7none": `{}`, "8arr": `{"v":[1]}`,
	}
	for k, v := range vals {
		mustSet(t, db, k, v)
	}
	var got []string
	mustOK(t, db.Scan("j", Range{}, func(k, _ string) bool { got = append(got, k); return true }))
	if want := []string{"7none", "6null", "5false", "3num", "2str", "4true", "8arr", "1obj"}; !slices.Equal(got, want) {
		t.Errorf("JSON order %v, want %v", got, want)
	}
}

// TestRefusedWriteKeepsTheTransaction: a write refused inside a
// transaction changes nothing and leaves the transaction usable.
func TestRefusedWriteKeepsTheTransaction(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "g:*", ""))
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustOK(t, tx.Set("a", "1", 0))
	wantErr(t, tx.Set("g:bad", "not a point", 0), ErrInvalidArgument)
	mustOK(t, tx.Set("g:1", "[1 2]", 0))
	mustOK(t, tx.Commit())
	wantValue(t, db, "a", "1")
	wantValue(t, db, "g:1", "[1 2]")
	wantMissing(t, db, "g:bad")
}

// TestNearbyInfiniteMaxDist: max_dist = +Inf is no bound, like < 0.
func TestNearbyInfiniteMaxDist(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustSet(t, db, "near", "[1 1]")
	mustSet(t, db, "far", "[1e300 1e300]")
	for _, maxDist := range []float64{math.Inf(1), -1} {
		var got []string
		mustOK(t, db.Nearby("g", []float64{0, 0}, 0, maxDist, func(k, _ string, _ float64) bool { got = append(got, k); return true }))
		if !slices.Equal(got, []string{"near", "far"}) {
			t.Errorf("max_dist %v: %v, want near and far", maxDist, got)
		}
	}
}

// TestTTLAcrossReopen: on disk an expiry is kept in whole seconds, rounded
// down: after a reopen an item expires up to a second early, never late,
// and an item that had expired never comes back.
func TestTTLAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ttl.db")
	db, err := Open(path, nil)
	mustOK(t, err)
	deadline := time.Now().Add(2500 * time.Millisecond)
	mustOK(t, db.Set("later", "v", 2500*time.Millisecond))
	mustOK(t, db.Set("soon", "v", 20*time.Millisecond))
	time.Sleep(40 * time.Millisecond)
	var snap bytes.Buffer
	mustOK(t, db.Save(&snap))
	mustOK(t, db.Shrink())
	mustOK(t, db.Close())

	db, err = Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	wantMissing(t, db, "soon")
	ttl, err := db.TTL("later")
	mustOK(t, err)
	if ttl <= 0 || time.Now().Add(ttl).After(deadline) || ttl < 2500*time.Millisecond-time.Second-time.Since(deadline.Add(-2500*time.Millisecond)) {
		t.Errorf("after a reopen the TTL is %v: want at most the 2.5 s set, less at most a second", ttl)
	}
	mem := memDB(t)
	mustOK(t, mem.Load(&snap))
	wantMissing(t, mem, "soon")
	if ttl, err := mem.TTL("later"); err != nil || ttl <= 0 || time.Now().Add(ttl).After(deadline) {
		t.Errorf("after save and load the TTL is %v (%v): want at most what was left", ttl, err)
	}
}
