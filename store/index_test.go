package store

import (
	"reflect"
	"strings"
	"testing"
)

func TestIndexKindsOrder(t *testing.T) {
	cases := []struct {
		kind   IndexKind
		path   string
		values map[string]string // key -> value
		want   []string          // keys in ascending order
	}{
		{IndexString, "", map[string]string{"k1": "banana", "k2": "Apple", "k3": "cherry", "k4": "apricot"},
			[]string{"k2", "k4", "k1", "k3"}},
		{IndexBinary, "", map[string]string{"k1": "b", "k2": "B", "k3": "a", "k4": "\x00z", "k5": "A"},
			[]string{"k4", "k5", "k2", "k3", "k1"}},
		{IndexInt, "", map[string]string{"k1": "10", "k2": "-5", "k3": "2", "k4": "100", "k5": "-20"},
			[]string{"k5", "k2", "k3", "k1", "k4"}},
		{IndexUint, "", map[string]string{"k1": "10", "k2": "9", "k3": "100", "k4": "18446744073709551615"},
			[]string{"k2", "k1", "k3", "k4"}},
		{IndexFloat, "", map[string]string{"k1": "2.5", "k2": "-1.25", "k3": "10", "k4": "2.25", "k5": "1e3"},
			[]string{"k2", "k4", "k1", "k3", "k5"}},
		{IndexJSON, "name", map[string]string{"k1": `{"name":"bob"}`, "k2": `{"name":"Alice"}`, "k3": `{"name":"carl"}`, "k4": `{"name":"BETTY"}`},
			[]string{"k2", "k4", "k1", "k3"}},
		{IndexJSON, "age", map[string]string{"k1": `{"age":30}`, "k2": `{"age":4}`, "k3": `{"age":100}`},
			[]string{"k2", "k1", "k3"}},
		{IndexJSON, "a.b", map[string]string{"k1": `{"a":{"b":"z"}}`, "k2": `{"a":{"b":"m"}}`},
			[]string{"k2", "k1"}},
		{IndexJSONCaseSensitive, "name", map[string]string{"k1": `{"name":"bob"}`, "k2": `{"name":"Alice"}`, "k3": `{"name":"carl"}`, "k4": `{"name":"BETTY"}`},
			[]string{"k2", "k4", "k1", "k3"}},
		{IndexJSONCaseSensitive, "name", map[string]string{"k1": `{"name":"a"}`, "k2": `{"name":"B"}`},
			[]string{"k2", "k1"}},
		{IndexJSON, "name", map[string]string{"k1": `{"name":"a"}`, "k2": `{"name":"B"}`},
			[]string{"k1", "k2"}},
	}
	for _, c := range cases {
		db := memDB(t)
		mustOK(t, db.CreateIndex("ix", "k*", c.kind, c.path))
		for k, v := range c.values {
			mustSet(t, db, k, v)
		}
		mustSet(t, db, "other", "0") // outside the pattern
		wantKeys(t, c.kind.String()+" ascending", scanKeys(t, db, "ix", Range{}), c.want...)
		rev := make([]string, len(c.want))
		for i, k := range c.want {
			rev[len(c.want)-1-i] = k
		}
		wantKeys(t, c.kind.String()+" descending", scanKeys(t, db, "ix", Range{Desc: true}), rev...)
	}
}

func TestIndexOverExistingItemsAndUpdates(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "n:a", "3")
	mustSet(t, db, "n:b", "1")
	mustOK(t, db.CreateIndex("num", "n:*", IndexInt, ""))
	mustSet(t, db, "n:c", "2")
	wantKeys(t, "after create", scanKeys(t, db, "num", Range{}), "n:b", "n:c", "n:a")
	mustSet(t, db, "n:b", "9")
	mustOK(t, db.Delete("n:c"))
	wantKeys(t, "after update", scanKeys(t, db, "num", Range{}), "n:a", "n:b")
}

func TestCreateIndexIdempotent(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("ix", "*", IndexJSON, "age"))
	mustOK(t, db.CreateIndex("ix", "*", IndexJSON, "age"))
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", "pos"))
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", "pos"))

	for _, c := range []struct {
		name, pattern, path string
		kind                IndexKind
	}{
		{"ix", "*", "name", IndexJSON},
		{"ix", "u:*", "age", IndexJSON},
		{"ix", "*", "age", IndexJSONCaseSensitive},
		{"geo", "g:*", "", IndexString},
	} {
		err := db.CreateIndex(c.name, c.pattern, c.kind, c.path)
		wantErr(t, err, ErrIndexExists)
	}
	wantErr(t, db.CreateSpatialIndex("ix", "*", ""), ErrIndexExists)
	wantErr(t, db.CreateSpatialIndex("geo", "g:*", "other"), ErrIndexExists)
	wantErr(t, db.CreateSpatialIndex("geo", "*", "pos"), ErrIndexExists)

	infos, err := db.Indexes()
	mustOK(t, err)
	want := []IndexInfo{
		{Name: "geo", Pattern: "g:*", Kind: indexSpatial, Path: "pos"},
		{Name: "ix", Pattern: "*", Kind: IndexJSON, Path: "age"},
	}
	if !reflect.DeepEqual(infos, want) {
		t.Fatalf("Indexes() = %+v, want %+v", infos, want)
	}
}

func TestCreateIndexInvalid(t *testing.T) {
	db := memDB(t)
	for _, c := range []struct {
		what, name, pattern, path string
		kind                      IndexKind
	}{
		{"empty name", "", "*", "", IndexString},
		{"empty pattern", "ix", "", "", IndexString},
		{"json without path", "ix", "*", "", IndexJSON},
		{"json-cs without path", "ix", "*", "", IndexJSONCaseSensitive},
		{"path on string", "ix", "*", "a", IndexString},
		{"path on binary", "ix", "*", "a", IndexBinary},
		{"path on int", "ix", "*", "a", IndexInt},
		{"path on uint", "ix", "*", "a", IndexUint},
		{"path on float", "ix", "*", "a", IndexFloat},
		{"kind 7", "ix", "*", "", IndexKind(7)},
		{"kind -1", "ix", "*", "", IndexKind(-1)},
		{"kind 99", "ix", "*", "", IndexKind(99)},
		// The spatial kind is internal: CreateIndex must not build an R-tree.
		{"spatial kind", "ix", "*", "", indexSpatial},
		{"spatial kind with path", "ix", "*", "pos", indexSpatial},
	} {
		err := db.CreateIndex(c.name, c.pattern, c.kind, c.path)
		if err == nil {
			t.Fatalf("%s: CreateIndex accepted it", c.what)
		}
		wantErr(t, err, ErrInvalidArgument)
	}
	wantErr(t, db.CreateSpatialIndex("", "*", ""), ErrInvalidArgument)
	wantErr(t, db.CreateSpatialIndex("geo", "", ""), ErrInvalidArgument)
	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 0 {
		t.Fatalf("invalid definitions created %+v", infos)
	}
}

func TestDropIndex(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("ix", "*", IndexString, ""))
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", ""))
	mustSet(t, db, "k", "v")
	mustSet(t, db, "g:1", "[1 2]")

	mustOK(t, db.DropIndex("ix"))
	wantErr(t, db.DropIndex("ix"), ErrNoIndex)
	wantErr(t, db.DropIndex("never"), ErrNoIndex)
	wantErr(t, db.DropIndex(""), ErrInvalidArgument)
	wantErr(t, db.Scan("ix", Range{}, func(string, string) bool { return true }), ErrNoIndex)
	// The items stay.
	wantValue(t, db, "k", "v")

	mustOK(t, db.DropIndex("geo"))
	wantErr(t, db.Intersects("geo", Point(1, 2), 0, func(string, string) bool { return true }), ErrNoIndex)
	// Without the spatial index any value goes under g:*.
	mustSet(t, db, "g:2", "not geometry")
	wantValue(t, db, "g:1", "[1 2]")

	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 0 {
		t.Fatalf("Indexes() after dropping all = %+v", infos)
	}
	// A dropped name can be defined anew, with another definition.
	mustOK(t, db.CreateIndex("ix", "*", IndexBinary, ""))
}

func TestIndexes(t *testing.T) {
	db := memDB(t)
	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 0 {
		t.Fatalf("Indexes() on a new store = %+v", infos)
	}
	mustOK(t, db.CreateIndex("zeta", "z*", IndexFloat, ""))
	mustOK(t, db.CreateIndex("alpha", "a*", IndexJSONCaseSensitive, "x.y"))
	mustOK(t, db.CreateSpatialIndex("mid", "m*", ""))
	infos, err = db.Indexes()
	mustOK(t, err)
	want := []IndexInfo{
		{Name: "alpha", Pattern: "a*", Kind: IndexJSONCaseSensitive, Path: "x.y"},
		{Name: "mid", Pattern: "m*", Kind: indexSpatial},
		{Name: "zeta", Pattern: "z*", Kind: IndexFloat},
	}
	if !reflect.DeepEqual(infos, want) {
		t.Fatalf("Indexes() = %+v, want %+v", infos, want)
	}
	for _, info := range infos {
		if info.Spatial() != (info.Name == "mid") {
			t.Fatalf("%s.Spatial() = %v", info.Name, info.Spatial())
		}
	}
}

func TestIndexKindString(t *testing.T) {
	for kind, want := range map[IndexKind]string{
		IndexString: "string", IndexBinary: "binary", IndexInt: "int", IndexUint: "uint",
		IndexFloat: "float", IndexJSON: "json", IndexJSONCaseSensitive: "json-case-sensitive",
		indexSpatial: "spatial", IndexKind(42): "IndexKind(42)",
	} {
		if got := kind.String(); got != want {
			t.Errorf("IndexKind(%d).String() = %q, want %q", int32(kind), got, want)
		}
	}
	// The numbers are part of the C API.
	for kind, n := range map[IndexKind]int32{IndexString: 0, IndexBinary: 1, IndexInt: 2, IndexUint: 3,
		IndexFloat: 4, IndexJSON: 5, IndexJSONCaseSensitive: 6} {
		if int32(kind) != n {
			t.Errorf("%s = %d, want %d", kind, int32(kind), n)
		}
	}
}

func TestIndexPatternQuestionMark(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("ix", "k?", IndexInt, ""))
	mustSet(t, db, "k1", "2")
	mustSet(t, db, "k2", "1")
	mustSet(t, db, "k10", "0") // two characters after k: not matched
	wantKeys(t, "k? scan", scanKeys(t, db, "ix", Range{}), "k2", "k1")
}

func TestSpatialIndexErrorNamesKey(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "g:ok", "[1 2]")
	mustSet(t, db, "g:broken", "definitely not a rect")
	mustSet(t, db, "x", "outside the pattern is fine")
	err := db.CreateSpatialIndex("geo", "g:*", "")
	wantErr(t, err, ErrInvalidGeometry)
	if !strings.Contains(err.Error(), "g:broken") {
		t.Fatalf("error %q does not name the key", err)
	}
	infos, err := db.Indexes()
	mustOK(t, err)
	if len(infos) != 0 {
		t.Fatalf("refused spatial index exists: %+v", infos)
	}
	wantErr(t, db.Intersects("geo", Point(1, 2), 0, func(string, string) bool { return true }), ErrNoIndex)
	// No guard was left behind either: bad values still write.
	mustSet(t, db, "g:other", "still not a rect")
	// Once the data is fixed the index builds.
	mustOK(t, db.Delete("g:broken"))
	mustOK(t, db.Delete("g:other"))
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", ""))
	wantKeys(t, "intersects", intersectKeys(t, db, "geo", Point(1, 2), 0), "g:ok")
}
