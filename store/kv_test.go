package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSetGet(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "k", "v1")
	wantValue(t, db, "k", "v1")
	mustSet(t, db, "k", "v2") // replaces
	wantValue(t, db, "k", "v2")
	wantMissing(t, db, "nope")
	if n, _ := db.Len(); n != 1 {
		t.Fatalf("Len() = %d after overwriting, want 1", n)
	}
}

func TestArbitraryBytes(t *testing.T) {
	db := memDB(t)
	cases := map[string]string{
		"a\x00b":            "x\x00y\x00",
		"\x00":              "\x00\x00\x00",
		"":                  "empty key",
		"empty-value":       "",
		"utf8-\u00e9\u4e16": "\xff\xfe\x01 binary",
		"crlf\r\n*1\r\n":    "$5\r\nhello\r\n",
	}
	for k, v := range cases {
		mustSet(t, db, k, v)
	}
	for k, v := range cases {
		wantValue(t, db, k, v)
	}
	// Keys differing only after a NUL are different keys.
	wantMissing(t, db, "a")
	wantMissing(t, db, "a\x00")
	if got := allItems(t, db); !reflect.DeepEqual(got, cases) {
		t.Fatalf("all items %q, want %q", got, cases)
	}
	// And they survive a file round trip.
	fdb, path := fileDB(t, nil)
	for k, v := range cases {
		mustSet(t, fdb, k, v)
	}
	mustOK(t, fdb.Close())
	fdb, err := Open(path, nil)
	mustOK(t, err)
	defer fdb.Close()
	if got := allItems(t, fdb); !reflect.DeepEqual(got, cases) {
		t.Fatalf("after reopen %q, want %q", got, cases)
	}
}

func TestTTL(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.Set("t", "v", time.Minute))
	ttl, err := db.TTL("t")
	mustOK(t, err)
	if ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL = %v, want in (0, 1m]", ttl)
	}
	if ttl < time.Minute-5*time.Second {
		t.Fatalf("TTL = %v, want close to 1m", ttl)
	}

	mustSet(t, db, "p", "v")
	if ttl, err := db.TTL("p"); err != nil || ttl != -1 {
		t.Fatalf("TTL without expiry = %v, %v; want -1", ttl, err)
	}
	for _, zero := range []time.Duration{0, -time.Second} {
		mustOK(t, db.Set("z", "v", zero))
		if ttl, err := db.TTL("z"); err != nil || ttl != -1 {
			t.Fatalf("TTL after Set with ttl %v = %v, %v; want -1", zero, ttl, err)
		}
	}
	_, err = db.TTL("missing")
	wantErr(t, err, ErrNotFound)

	// Setting again without a TTL removes the expiry.
	mustOK(t, db.Set("t", "v2", 0))
	if ttl, err := db.TTL("t"); err != nil || ttl != -1 {
		t.Fatalf("TTL after overwrite = %v, %v; want -1", ttl, err)
	}
}

func TestExpiry(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.Set("short", "v", expireSoon))
	mustSet(t, db, "long", "v")
	wantValue(t, db, "short", "v")
	time.Sleep(expireWait)
	wantMissing(t, db, "short")
	_, err := db.TTL("short")
	wantErr(t, err, ErrNotFound)
	wantErr(t, db.Delete("short"), ErrNotFound)
	found := true
	mustOK(t, db.GetMany([]string{"short", "long"}, func(i int, _ string, ok bool) {
		if i == 0 {
			found = ok
		}
	}))
	if found {
		t.Fatal("GetMany found an expired key")
	}
	wantValue(t, db, "long", "v")
	// An expired key can be set again.
	mustSet(t, db, "short", "again")
	wantValue(t, db, "short", "again")
}

func TestDelete(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "k", "v")
	mustOK(t, db.Delete("k"))
	wantMissing(t, db, "k")
	wantErr(t, db.Delete("k"), ErrNotFound)
	wantErr(t, db.Delete("never"), ErrNotFound)
	if n, _ := db.Len(); n != 0 {
		t.Fatalf("Len() after Delete = %d", n)
	}
}

func TestSetMany(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.SetMany(nil))
	mustOK(t, db.SetMany([]Item{
		{Key: "a", Value: "1"},
		{Key: "b", Value: "2", TTL: time.Hour},
		{Key: "a", Value: "3"}, // later items win
	}))
	wantValue(t, db, "a", "3")
	wantValue(t, db, "b", "2")
	if ttl, err := db.TTL("b"); err != nil || ttl <= 0 || ttl > time.Hour {
		t.Fatalf("TTL(b) = %v, %v", ttl, err)
	}
	if ttl, err := db.TTL("a"); err != nil || ttl != -1 {
		t.Fatalf("TTL(a) = %v, %v", ttl, err)
	}
}

func TestSetManyAllOrNone(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", "pos"))
	mustSet(t, db, "a", "old")
	err := db.SetMany([]Item{
		{Key: "a", Value: "new"},
		{Key: "g:ok", Value: `{"pos":[1,2]}`},
		{Key: "g:bad", Value: `{"pos":"garbage"}`},
		{Key: "z", Value: "z"},
	})
	wantErr(t, err, ErrInvalidGeometry)
	wantErr(t, err, ErrInvalidArgument)
	if !strings.Contains(err.Error(), "item 2") || !strings.Contains(err.Error(), "g:bad") {
		t.Fatalf("error %q does not say which item failed", err)
	}
	wantValue(t, db, "a", "old")
	wantMissing(t, db, "g:ok")
	wantMissing(t, db, "g:bad")
	wantMissing(t, db, "z")
	wantKeys(t, "spatial", intersectKeys(t, db, "geo", Box([]float64{-10, -10}, []float64{10, 10}), 0))

	// Inside a transaction the refused batch leaves earlier writes alone.
	mustOK(t, db.Update(func(tx *Tx) error {
		mustSet(t, tx, "before", "1")
		err := tx.SetMany([]Item{{Key: "x", Value: "x"}, {Key: "g:1", Value: "{}"}})
		wantErr(t, err, ErrInvalidGeometry)
		wantMissing(t, tx, "x")
		return nil
	}))
	wantValue(t, db, "before", "1")
	wantMissing(t, db, "x")
}

func TestGetMany(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "a", "1")
	mustSet(t, db, "c", "")
	type res struct {
		i     int
		v     string
		found bool
	}
	var got []res
	mustOK(t, db.GetMany([]string{"a", "b", "c", "a", ""}, func(i int, v string, found bool) {
		got = append(got, res{i, v, found})
	}))
	want := []res{{0, "1", true}, {1, "", false}, {2, "", true}, {3, "1", true}, {4, "", false}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GetMany = %+v, want %+v", got, want)
	}
	calls := 0
	mustOK(t, db.GetMany(nil, func(int, string, bool) { calls++ }))
	if calls != 0 {
		t.Fatalf("GetMany(nil) called fn %d times", calls)
	}
}

func TestReadWriterInterface(t *testing.T) {
	// The same code runs against a DB and a Tx.
	exercise := func(rw ReadWriter) error {
		if err := rw.Set("rw", "1", 0); err != nil {
			return err
		}
		v, err := rw.Get("rw")
		if err != nil || v != "1" {
			return errors.New("bad read: " + v)
		}
		return rw.Delete("rw")
	}
	db := memDB(t)
	mustOK(t, exercise(db))
	mustOK(t, db.Update(func(tx *Tx) error { return exercise(tx) }))
	wantMissing(t, db, "rw")
}

func TestDeleteMany(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.SetMany([]Item{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}}))
	mustOK(t, db.Set("soon", "gone", time.Millisecond))
	time.Sleep(5 * time.Millisecond)
	n, err := db.DeleteMany([]string{"a", "missing", "b", "a", "soon"})
	mustOK(t, err)
	if n != 2 {
		t.Errorf("DeleteMany removed %d, want 2 (misses, repeats and expired keys do not count)", n)
	}
	wantMissing(t, db, "a")
	wantMissing(t, db, "b")
	wantValue(t, db, "c", "3")
	if n, err := db.DeleteMany(nil); err != nil || n != 0 {
		t.Errorf("DeleteMany(nil) = %d, %v", n, err)
	}

	// In a transaction: its deletes go with it.
	rollBack := errors.New("roll back")
	err = db.Update(func(tx *Tx) error {
		n, err := tx.DeleteMany([]string{"c"})
		if err != nil || n != 1 {
			t.Errorf("in a tx: removed %d (%v), want 1", n, err)
		}
		wantMissing(t, tx, "c")
		return rollBack
	})
	if err != rollBack {
		t.Fatalf("Update = %v, want the closure's error", err)
	}
	wantValue(t, db, "c", "3")

	err = db.View(func(tx *Tx) error {
		_, err := tx.DeleteMany([]string{"c"})
		return err
	})
	wantErr(t, err, ErrTxReadOnly)
	mustOK(t, db.Close())
	_, err = db.DeleteMany([]string{"c"})
	wantErr(t, err, ErrClosed)
}

// TestLenLeavesOutExpired: Len counts live items only, at once, not after
// the engine's sweep; in a transaction it counts the transaction's writes.
func TestLenLeavesOutExpired(t *testing.T) {
	db := memDB(t)
	for i := range 20 {
		ttl := time.Duration(0)
		if i%4 == 0 {
			ttl = 20 * time.Millisecond
		}
		mustOK(t, db.Set(fmt.Sprintf("k%02d", i), "v", ttl))
	}
	wantLen(t, db, 20)
	time.Sleep(60 * time.Millisecond)
	wantLen(t, db, 15)
	mustOK(t, db.Update(func(tx *Tx) error {
		mustOK(t, tx.Set("new", "v", 0))
		mustOK(t, tx.Delete("k01"))
		mustOK(t, tx.Set("k02", "v", time.Millisecond))
		time.Sleep(5 * time.Millisecond)
		wantLen(t, tx, 14)
		return nil
	}))
	wantLen(t, db, 14)
}

// TestTTLMany agrees with TTL key by key.
func TestTTLMany(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.Set("forever", "v", 0))
	mustOK(t, db.Set("hour", "v", time.Hour))
	mustOK(t, db.Set("gone", "v", time.Millisecond))
	time.Sleep(5 * time.Millisecond)
	keys := []string{"forever", "hour", "missing", "gone", "hour"}
	seen := 0
	mustOK(t, db.TTLMany(keys, func(i int, ttl time.Duration, found bool) {
		if i != seen {
			t.Errorf("call %d for key %d: want them in order", seen, i)
		}
		seen++
		one, err := db.TTL(keys[i])
		switch {
		case errors.Is(err, ErrNotFound):
			if found || ttl != 0 {
				t.Errorf("%s: TTLMany (%v, %v), TTL not found", keys[i], ttl, found)
			}
		case err != nil:
			t.Fatal(err)
		case !found || (one < 0) != (ttl < 0) || one > ttl:
			t.Errorf("%s: TTLMany (%v, %v), TTL %v", keys[i], ttl, found, one)
		}
	}))
	if seen != len(keys) {
		t.Errorf("%d calls for %d keys", seen, len(keys))
	}
	db.Close()
	if err := db.TTLMany(keys, func(int, time.Duration, bool) {}); !errors.Is(err, ErrClosed) {
		t.Errorf("TTLMany on a closed store: %v, want ErrClosed", err)
	}
}

func wantLen(t *testing.T, rw ReadWriter, want int) {
	t.Helper()
	n, err := rw.Len()
	mustOK(t, err)
	if n != want {
		t.Errorf("Len() = %d, want %d", n, want)
	}
}
