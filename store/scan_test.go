package store

import (
	"fmt"
	"testing"
	"time"
)

// keysDB holds keys k0..k9 whose int index "num" orders them the other way.
func keysDB(t *testing.T) *DB {
	t.Helper()
	db := memDB(t)
	mustOK(t, db.CreateIndex("num", "k*", IndexInt, ""))
	for i := 0; i < 10; i++ {
		mustSet(t, db, fmt.Sprintf("k%d", i), fmt.Sprint(90-10*i)) // k0=90 ... k9=0
	}
	return db
}

func TestScanKeys(t *testing.T) {
	db := keysDB(t)
	all := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}
	wantKeys(t, "all asc", scanKeys(t, db, "", Range{}), all...)
	wantKeys(t, "all desc", scanKeys(t, db, "", Range{Desc: true}), reverse(all)...)

	r := Range{Lo: "k3", Hi: "k6", HasLo: true, HasHi: true}
	wantKeys(t, "[k3,k6) asc", scanKeys(t, db, "", r), "k3", "k4", "k5")
	r.Desc = true
	wantKeys(t, "[k3,k6) desc", scanKeys(t, db, "", r), "k5", "k4", "k3")

	wantKeys(t, "[k7,) asc", scanKeys(t, db, "", Range{Lo: "k7", HasLo: true}), "k7", "k8", "k9")
	wantKeys(t, "[k7,) desc", scanKeys(t, db, "", Range{Lo: "k7", HasLo: true, Desc: true}), "k9", "k8", "k7")
	wantKeys(t, "[,k2) asc", scanKeys(t, db, "", Range{Hi: "k2", HasHi: true}), "k0", "k1")
	wantKeys(t, "[,k2) desc", scanKeys(t, db, "", Range{Hi: "k2", HasHi: true, Desc: true}), "k1", "k0")

	// Bounds that are not keys themselves.
	r = Range{Lo: "k35", Hi: "k6x", HasLo: true, HasHi: true}
	wantKeys(t, "[k35,k6x) asc", scanKeys(t, db, "", r), "k4", "k5", "k6")
	r.Desc = true
	wantKeys(t, "[k35,k6x) desc", scanKeys(t, db, "", r), "k6", "k5", "k4")

	// The empty string is a real lower bound, not an open one.
	wantKeys(t, "[\"\",k1)", scanKeys(t, db, "", Range{HasLo: true, Hi: "k1", HasHi: true}), "k0")
}

func TestScanIndexBounds(t *testing.T) {
	db := keysDB(t)
	// num order: k9=0, k8=10, ..., k0=90
	all := []string{"k9", "k8", "k7", "k6", "k5", "k4", "k3", "k2", "k1", "k0"}
	wantKeys(t, "all asc", scanKeys(t, db, "num", Range{}), all...)
	wantKeys(t, "all desc", scanKeys(t, db, "num", Range{Desc: true}), reverse(all)...)

	r := Range{Lo: "20", Hi: "50", HasLo: true, HasHi: true}
	wantKeys(t, "[20,50) asc", scanKeys(t, db, "num", r), "k7", "k6", "k5")
	r.Desc = true
	wantKeys(t, "[20,50) desc", scanKeys(t, db, "num", r), "k5", "k6", "k7")

	wantKeys(t, "[70,) asc", scanKeys(t, db, "num", Range{Lo: "70", HasLo: true}), "k2", "k1", "k0")
	wantKeys(t, "[70,) desc", scanKeys(t, db, "num", Range{Lo: "70", HasLo: true, Desc: true}), "k0", "k1", "k2")
	wantKeys(t, "[,20) asc", scanKeys(t, db, "num", Range{Hi: "20", HasHi: true}), "k9", "k8")
	wantKeys(t, "[,20) desc", scanKeys(t, db, "num", Range{Hi: "20", HasHi: true, Desc: true}), "k8", "k9")

	// Bounds between values.
	r = Range{Lo: "15", Hi: "45", HasLo: true, HasHi: true}
	wantKeys(t, "[15,45) asc", scanKeys(t, db, "num", r), "k7", "k6", "k5")
	r.Desc = true
	wantKeys(t, "[15,45) desc", scanKeys(t, db, "num", r), "k5", "k6", "k7")
}

func TestScanBoundsWithEqualValues(t *testing.T) {
	// Several keys share the bound values: every one at lo is in, every
	// one at hi is out, in both directions.
	db := memDB(t)
	mustOK(t, db.CreateIndex("s", "*", IndexString, ""))
	for k, v := range map[string]string{"a1": "lo", "a2": "LO", "a3": "lo", "b1": "mid", "c1": "up", "c2": "UP", "d": "zz"} {
		mustSet(t, db, k, v)
	}
	r := Range{Lo: "lo", Hi: "up", HasLo: true, HasHi: true}
	wantKeys(t, "asc", scanKeys(t, db, "s", r), "a1", "a2", "a3", "b1")
	r.Desc = true
	wantKeys(t, "desc", scanKeys(t, db, "s", r), "b1", "a3", "a2", "a1")
	wantKeys(t, "desc open lo", scanKeys(t, db, "s", Range{Hi: "Up", HasHi: true, Desc: true}), "b1", "a3", "a2", "a1")
	wantKeys(t, "desc open hi", scanKeys(t, db, "s", Range{Lo: "UP", HasLo: true, Desc: true}), "d", "c2", "c1")
}

func TestScanJSONBounds(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("age", "u:*", IndexJSON, "age"))
	mustSet(t, db, "u:a", `{"age":20}`)
	mustSet(t, db, "u:b", `{"age":30}`)
	mustSet(t, db, "u:c", `{"age":40}`)
	mustSet(t, db, "u:d", `{"age":30}`)
	r := Range{Lo: `{"age":30}`, Hi: `{"age":40}`, HasLo: true, HasHi: true}
	wantKeys(t, "asc", scanKeys(t, db, "age", r), "u:b", "u:d")
	r.Desc = true
	wantKeys(t, "desc", scanKeys(t, db, "age", r), "u:d", "u:b")
}

func TestScanLimit(t *testing.T) {
	db := keysDB(t)
	wantKeys(t, "limit 3", scanKeys(t, db, "", Range{Limit: 3}), "k0", "k1", "k2")
	wantKeys(t, "limit 2 desc", scanKeys(t, db, "num", Range{Limit: 2, Desc: true}), "k0", "k1")
	wantKeys(t, "limit 2 in range desc", scanKeys(t, db, "num", Range{Lo: "10", Hi: "60", HasLo: true, HasHi: true, Desc: true, Limit: 2}), "k4", "k5")
	wantKeys(t, "limit above count", scanKeys(t, db, "", Range{Lo: "k8", HasLo: true, Limit: 5}), "k8", "k9")
	wantKeys(t, "limit 1", scanKeys(t, db, "", Range{Limit: 1}), "k0")
	err := db.Scan("", Range{Limit: -1}, func(string, string) bool { t.Error("called"); return true })
	wantErr(t, err, ErrInvalidArgument)

	// fn returning false stops the scan.
	var got []string
	mustOK(t, db.Scan("num", Range{}, func(k, _ string) bool { got = append(got, k); return len(got) < 2 }))
	wantKeys(t, "stop early", got, "k9", "k8")
}

func TestScanValues(t *testing.T) {
	db := keysDB(t)
	got := map[string]string{}
	mustOK(t, db.Scan("num", Range{Lo: "80", HasLo: true}, func(k, v string) bool { got[k] = v; return true }))
	if len(got) != 2 || got["k0"] != "90" || got["k1"] != "80" {
		t.Fatalf("scan values = %v", got)
	}
}

func TestScanEmptyRange(t *testing.T) {
	db := keysDB(t)
	for _, r := range []Range{
		{Lo: "k5", Hi: "k5", HasLo: true, HasHi: true},
		{Lo: "k6", Hi: "k2", HasLo: true, HasHi: true},
		{Lo: "k5", Hi: "k5", HasLo: true, HasHi: true, Desc: true},
		{Lo: "k6", Hi: "k2", HasLo: true, HasHi: true, Desc: true},
	} {
		wantKeys(t, fmt.Sprintf("%+v", r), scanKeys(t, db, "", r))
	}
	// In index order "100" > "20" although "100" < "20" as text.
	wantKeys(t, "num [50,50)", scanKeys(t, db, "num", Range{Lo: "50", Hi: "50", HasLo: true, HasHi: true}))
	wantKeys(t, "num [100,20)", scanKeys(t, db, "num", Range{Lo: "100", Hi: "20", HasLo: true, HasHi: true, Desc: true}))
	wantKeys(t, "num [5,15)", scanKeys(t, db, "num", Range{Lo: "5", Hi: "15", HasLo: true, HasHi: true}), "k8")

	empty := memDB(t)
	wantKeys(t, "empty store", scanKeys(t, empty, "", Range{}))
	wantKeys(t, "empty store desc", scanKeys(t, empty, "", Range{Desc: true, Lo: "a", HasLo: true}))
}

func TestScanSkipsExpired(t *testing.T) {
	db := keysDB(t)
	mustOK(t, db.Set("k4", "55", expireSoon))
	mustOK(t, db.Set("k5", "45", expireSoon))
	mustOK(t, db.Set("kx", "5", time.Hour))
	time.Sleep(expireWait)
	wantKeys(t, "keys", scanKeys(t, db, "", Range{Lo: "k3", Hi: "k7", HasLo: true, HasHi: true}), "k3", "k6")
	wantKeys(t, "keys desc", scanKeys(t, db, "", Range{Lo: "k3", Hi: "k7", HasLo: true, HasHi: true, Desc: true}), "k6", "k3")
	wantKeys(t, "index", scanKeys(t, db, "num", Range{Hi: "70", HasHi: true}), "k9", "kx", "k8", "k7", "k6", "k3")
	wantKeys(t, "index desc", scanKeys(t, db, "num", Range{Lo: "30", HasLo: true, Desc: true, Limit: 3}), "k0", "k1", "k2")
	wantKeys(t, "limit counts live items", scanKeys(t, db, "", Range{Lo: "k4", HasLo: true, Limit: 2}), "k6", "k7")
}

func TestScanBadIndex(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustSet(t, db, "g", "[1 1]")
	fn := func(string, string) bool { t.Error("fn called"); return true }
	wantErr(t, db.Scan("geo", Range{}, fn), ErrNoIndex)
	wantErr(t, db.Scan("nope", Range{}, fn), ErrNoIndex)
	wantErr(t, db.Scan("nope", Range{Desc: true, Lo: "a", HasLo: true}, fn), ErrNoIndex)
}

func TestScanInTx(t *testing.T) {
	db := keysDB(t)
	mustOK(t, db.Update(func(tx *Tx) error {
		mustSet(t, tx, "k3", "-1")
		mustOK(t, tx.Delete("k9"))
		wantKeys(t, "in tx", scanKeys(t, tx, "num", Range{Limit: 3}), "k3", "k8", "k7")
		return nil
	}))
	wantKeys(t, "after", scanKeys(t, db, "num", Range{Limit: 2}), "k3", "k8")
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
