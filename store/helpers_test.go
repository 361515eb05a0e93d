package store

import (
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// memDB opens a store in memory and closes it when the test ends.
func memDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(MemoryPath, nil)
	if err != nil {
		t.Fatalf("Open(%q): %v", MemoryPath, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// fileDB opens a store on a fresh file in a temporary folder; the caller
// closes it.
func fileDB(t *testing.T, opts *Options) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.db")
	db, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	return db, path
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantErr checks that err wraps target.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one wrapping %v", err, target)
	}
}

func mustSet(t *testing.T, rw ReadWriter, key, value string) {
	t.Helper()
	if err := rw.Set(key, value, 0); err != nil {
		t.Fatalf("Set(%q, %q): %v", key, value, err)
	}
}

func wantValue(t *testing.T, rw ReadWriter, key, want string) {
	t.Helper()
	got, err := rw.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

func wantMissing(t *testing.T, rw ReadWriter, key string) {
	t.Helper()
	v, err := rw.Get(key)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, v, err)
	}
}

// scanKeys returns the keys Scan visits, in order.
func scanKeys(t *testing.T, rw ReadWriter, index string, r Range) []string {
	t.Helper()
	keys := []string{}
	if err := rw.Scan(index, r, func(k, _ string) bool { keys = append(keys, k); return true }); err != nil {
		t.Fatalf("Scan(%q, %+v): %v", index, r, err)
	}
	return keys
}

func intersectKeys(t *testing.T, rw ReadWriter, index string, box Rect, limit int) []string {
	t.Helper()
	keys := []string{}
	if err := rw.Intersects(index, box, limit, func(k, _ string) bool { keys = append(keys, k); return true }); err != nil {
		t.Fatalf("Intersects(%q, %v): %v", index, box, err)
	}
	return keys
}

func withinKeys(t *testing.T, rw ReadWriter, index string, box Rect, limit int) []string {
	t.Helper()
	keys := []string{}
	if err := rw.Within(index, box, limit, func(k, _ string) bool { keys = append(keys, k); return true }); err != nil {
		t.Fatalf("Within(%q, %v): %v", index, box, err)
	}
	return keys
}

type hit struct {
	Key  string
	Dist float64
}

func nearby(t *testing.T, rw ReadWriter, index string, point []float64, k int, maxDist float64) []hit {
	t.Helper()
	hits := []hit{}
	err := rw.Nearby(index, point, k, maxDist, func(key, _ string, d float64) bool {
		hits = append(hits, hit{key, d})
		return true
	})
	if err != nil {
		t.Fatalf("Nearby(%q, %v, %d, %g): %v", index, point, k, maxDist, err)
	}
	return hits
}

func wantKeys(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

// wantSet compares key lists ignoring order.
func wantSet(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	g := map[string]int{}
	for _, k := range got {
		g[k]++
	}
	w := map[string]int{}
	for _, k := range want {
		w[k]++
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s: got %q, want (in any order) %q", what, got, want)
	}
}

func wantHits(t *testing.T, what string, got []hit, want ...hit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i].Key != want[i].Key || math.Abs(got[i].Dist-want[i].Dist) > 1e-9 {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

// allItems reads every live key and value.
func allItems(t *testing.T, rw ReadWriter) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := rw.Scan("", Range{}, func(k, v string) bool { m[k] = v; return true }); err != nil {
		t.Fatalf("Scan keys: %v", err)
	}
	return m
}

// expireSoon is a TTL short enough that sleeping expireWait lets it run out
// long before BuntDB's once-a-second background sweep removes the item.
const (
	expireSoon = 5 * time.Millisecond
	expireWait = 25 * time.Millisecond
)
