package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestFieldUpdates(t *testing.T) {
	db := memDB(t)
	mustSet(t, db, "p", `{"hp":10,"name":"ann","inv":["axe"],"pos":{"x":1}}`)
	mustOK(t, db.SetField("p", "name", `"bob"`))
	mustOK(t, db.SetField("p", "inv.-1", ` "gem" `)) // append; spaces around the JSON are fine
	mustOK(t, db.SetField("p", "stats.str", `5`))    // objects on the way are made
	n, err := db.IncrField("p", "hp", -2.5)
	mustOK(t, err)
	if n != 7.5 {
		t.Fatalf("IncrField = %g, want 7.5", n)
	}
	mustOK(t, db.DeleteField("p", "pos.x"))
	wantValue(t, db, "p", `{"hp":7.5,"name":"bob","inv":["axe","gem"],"pos":{},"stats":{"str":5}}`)
}

// TestFieldUpdateRefusals: every refusal leaves the value as it was.
func TestFieldUpdateRefusals(t *testing.T) {
	db := memDB(t)
	const v = `{"hp":10,"name":"ann","inv":[1,2],"big":1e308}`
	mustSet(t, db, "p", v)
	mustSet(t, db, "raw", "not json")
	mustSet(t, db, "num", "12")
	cases := []struct {
		what string
		err  error
		call func() error
	}{
		{"missing key", ErrNotFound, func() error { return db.SetField("nope", "a", "1") }},
		{"value not JSON", ErrInvalidArgument, func() error { return db.SetField("raw", "a", "1") }},
		{"value a number", ErrInvalidArgument, func() error { return db.SetField("num", "a", "1") }},
		{"new value not JSON", ErrInvalidArgument, func() error { return db.SetField("p", "a", "{bad") }},
		{"empty path", ErrInvalidArgument, func() error { return db.SetField("p", "", "1") }},
		{"wildcard path", ErrInvalidArgument, func() error { return db.SetField("p", "in*", "1") }},
		{"query path", ErrInvalidArgument, func() error { return db.SetField("p", "inv.#(==1)", "3") }},
		{"modifier path", ErrInvalidArgument, func() error { return db.SetField("p", "inv|@reverse", "3") }},
		{"through a number", ErrInvalidArgument, func() error { return db.SetField("p", "hp.max", "3") }},
		{"array by name", ErrInvalidArgument, func() error { return db.SetField("p", "inv.x", "3") }},
		{"incr a string", ErrInvalidArgument, func() error { _, err := db.IncrField("p", "name", 1); return err }},
		{"incr missing", ErrInvalidArgument, func() error { _, err := db.IncrField("p", "mp", 1); return err }},
		{"incr NaN", ErrInvalidArgument, func() error { _, err := db.IncrField("p", "hp", nan()); return err }},
		{"incr overflow", ErrInvalidArgument, func() error { _, err := db.IncrField("p", "big", 1e308); return err }},
		{"incr array length", ErrInvalidArgument, func() error { _, err := db.IncrField("p", "inv.#", 1); return err }},
		{"delete missing", ErrInvalidArgument, func() error { return db.DeleteField("p", "mp") }},
		{"batch, second bad", ErrInvalidArgument, func() error {
			return db.UpdateFields([]FieldUpdate{{Key: "p", Path: "hp", Op: FieldIncr, Delta: 1}, {Key: "p", Path: "", Op: FieldSet, Value: "1"}})
		}},
		{"batch, missing key", ErrNotFound, func() error {
			return db.UpdateFields([]FieldUpdate{{Key: "p", Path: "hp", Op: FieldIncr, Delta: 1}, {Key: "zz", Path: "a", Value: "1"}})
		}},
		{"batch, unknown op", ErrInvalidArgument, func() error {
			return db.UpdateFields([]FieldUpdate{{Key: "p", Path: "hp", Op: 7}})
		}},
	}
	for _, c := range cases {
		if err := c.call(); !errors.Is(err, c.err) {
			t.Fatalf("%s: %v, want %v", c.what, err, c.err)
		}
		wantValue(t, db, "p", v)
		wantValue(t, db, "raw", "not json")
		wantValue(t, db, "num", "12")
	}
	ro, err := db.Begin(false)
	mustOK(t, err)
	wantErr(t, ro.SetField("p", "hp", "1"), ErrTxReadOnly)
	_, err = ro.IncrField("p", "hp", 1)
	wantErr(t, err, ErrTxReadOnly)
	wantErr(t, ro.DeleteField("p", "hp"), ErrTxReadOnly)
	wantErr(t, ro.UpdateFields(nil), ErrTxReadOnly)
	mustOK(t, ro.Rollback())
	wantErr(t, ro.SetField("p", "hp", "1"), ErrTxClosed)
	mustOK(t, db.Close())
	wantErr(t, db.SetField("p", "hp", "1"), ErrClosed)
	_, err = db.IncrField("p", "hp", 1)
	wantErr(t, err, ErrClosed)
}

// TestFieldUpdateMovesSpatialItem: setting the geometry field moves the
// item in the spatial index; a geometry the index cannot read is refused
// and leaves it where it was; the TTL is kept.
func TestFieldUpdateMovesSpatialItem(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", "pos"))
	mustOK(t, db.Set("p:1", `{"pos":[1,1],"hp":5}`, time.Hour))
	mustOK(t, db.SetField("p:1", "pos", "[8,8]"))
	if got := intersectKeys(t, db, "pos", Point(8, 8), 0); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("after moving: %v", got)
	}
	if got := intersectKeys(t, db, "pos", Point(1, 1), 0); len(got) != 0 {
		t.Fatalf("still at the old place: %v", got)
	}
	_, err := db.IncrField("p:1", "pos.0", 1) // one coordinate
	mustOK(t, err)
	if got := intersectKeys(t, db, "pos", Point(9, 8), 0); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("after moving one coordinate: %v", got)
	}
	wantErr(t, db.SetField("p:1", "pos", `"nowhere"`), ErrInvalidArgument)
	wantErr(t, db.DeleteField("p:1", "pos"), ErrInvalidArgument)
	wantValue(t, db, "p:1", `{"pos":[9,8],"hp":5}`)
	if ttl, err := db.TTL("p:1"); err != nil || ttl <= 59*time.Minute {
		t.Fatalf("TTL after updates = %v, %v; want about an hour", ttl, err)
	}
	checkIndexInvariants(t, db)
}

// TestUpdateFieldsBatch: many keys in one transaction, several updates of
// one key in turn, and a rollback of the whole.
func TestUpdateFieldsBatch(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", "pos"))
	mustSet(t, db, "p:1", `{"pos":[0,0],"hp":1}`)
	mustSet(t, db, "p:2", `{"pos":[5,5],"hp":2}`)
	mustOK(t, db.UpdateFields([]FieldUpdate{
		{Key: "p:1", Path: "hp", Op: FieldIncr, Delta: 10},
		{Key: "p:2", Path: "pos", Op: FieldSet, Value: "[1,1]"},
		{Key: "p:1", Path: "hp", Op: FieldIncr, Delta: 10},
		{Key: "p:1", Path: "tag", Op: FieldSet, Value: `"x"`},
		{Key: "p:1", Path: "tag", Op: FieldDelete},
	}))
	wantValue(t, db, "p:1", `{"pos":[0,0],"hp":21}`)
	wantValue(t, db, "p:2", `{"pos":[1,1],"hp":2}`)
	// A geometry refused by the index refuses the batch.
	err := db.UpdateFields([]FieldUpdate{
		{Key: "p:1", Path: "pos", Op: FieldSet, Value: "[3,3]"},
		{Key: "p:2", Path: "pos", Op: FieldSet, Value: "[1,1,"},
	})
	wantErr(t, err, ErrInvalidArgument)
	err = db.UpdateFields([]FieldUpdate{
		{Key: "p:1", Path: "pos", Op: FieldSet, Value: "[3,3]"},
		{Key: "p:2", Path: "pos", Op: FieldSet, Value: `{"a":1}`},
	})
	wantErr(t, err, ErrInvalidGeometry)
	wantValue(t, db, "p:1", `{"pos":[0,0],"hp":21}`)
	if got := intersectKeys(t, db, "pos", Point(3, 3), 0); len(got) != 0 {
		t.Fatalf("a refused batch moved %v", got)
	}
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustOK(t, tx.UpdateFields([]FieldUpdate{{Key: "p:1", Path: "pos", Value: "[4,4]"}}))
	if got := intersectKeys(t, tx, "pos", Point(4, 4), 0); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("inside the transaction: %v", got)
	}
	mustOK(t, tx.Rollback())
	if got := intersectKeys(t, db, "pos", Point(0, 0), 0); !slices.Equal(got, []string{"p:1"}) {
		t.Fatalf("after the rollback: %v", got)
	}
	mustOK(t, db.UpdateFields(nil))
	checkIndexInvariants(t, db)
}

func nan() float64 { var z float64; return z / z }
