package store

import (
	"math"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Field updates change one field of a JSON value in place: the store reads
// the value, changes it with sjson and writes it back, in one transaction,
// keeping the item's TTL. A spatial index whose geometry lives in the
// value sees the new value as any write would: move an item by setting
// its position field. The value must be a JSON object or array and the
// path must name a field the change can apply to; otherwise the update is
// refused with ErrInvalidArgument and nothing changes.

// FieldOp says what a FieldUpdate does. The numbers are part of the C API.
type FieldOp int32

// The field operations.
const (
	FieldSet    FieldOp = 0 // set the field at Path to Value (raw JSON), creating it if needed
	FieldIncr   FieldOp = 1 // add Delta to the number at Path
	FieldDelete FieldOp = 2 // remove the field at Path, which must exist
)

// FieldUpdate is one change of UpdateFields.
type FieldUpdate struct {
	Key   string
	Path  string  // an sjson path: "hp", "pos.2", "inventory.-1" (append)
	Op    FieldOp //
	Value string  // FieldSet: the new value as JSON text (`12`, `"ann"`, `[1,2,3]`)
	Delta float64 // FieldIncr: what to add
}

// SetField sets the field at path of key's JSON value to value (JSON
// text), creating the field (and objects on the way) if needed. A missing
// key gives ErrNotFound; a value that is not JSON, new or old, or a path
// that cannot be set (empty, a wildcard or query, or one that runs through
// a number or string) gives ErrInvalidArgument.
func (tx *Tx) SetField(key, path, value string) error {
	_, err := tx.updateField(FieldUpdate{Key: key, Path: path, Op: FieldSet, Value: value})
	return err
}

// IncrField adds delta to the number at path of key's JSON value and
// returns the new number. The field must hold a number; the sum must be
// finite.
func (tx *Tx) IncrField(key, path string, delta float64) (float64, error) {
	return tx.updateField(FieldUpdate{Key: key, Path: path, Op: FieldIncr, Delta: delta})
}

// DeleteField removes the field at path of key's JSON value; a path with
// nothing there gives ErrInvalidArgument.
func (tx *Tx) DeleteField(key, path string) error {
	_, err := tx.updateField(FieldUpdate{Key: key, Path: path, Op: FieldDelete})
	return err
}

func (tx *Tx) updateField(u FieldUpdate) (float64, error) {
	if err := tx.check(true); err != nil {
		return 0, err
	}
	old, err := tx.Get(u.Key)
	if err != nil {
		return 0, err
	}
	value, num, err := applyField(old, u)
	if err != nil {
		return 0, prefixErr(err, "key %q", truncate(u.Key))
	}
	return num, tx.Set(u.Key, value, tx.remaining(u.Key))
}

// UpdateFields applies every update in order, all or none: the first one
// refused (missing key, bad path, bad value, a geometry a spatial index
// cannot read) leaves the transaction as it was, and the error names it.
// Several updates of one key apply one after another.
func (tx *Tx) UpdateFields(updates []FieldUpdate) error {
	if err := tx.check(true); err != nil {
		return err
	}
	values := make(map[string]int, len(updates)) // key -> its place in items
	var items []Item
	for i, u := range updates {
		at, seen := values[u.Key]
		var old string
		if seen {
			old = items[at].Value
		} else {
			v, err := tx.Get(u.Key)
			if err != nil {
				return prefixErr(err, "update %d (key %q)", i, truncate(u.Key))
			}
			old = v
		}
		value, _, err := applyField(old, u)
		if err != nil {
			return prefixErr(err, "update %d (key %q)", i, truncate(u.Key))
		}
		if !seen {
			values[u.Key] = len(items)
			items = append(items, Item{Key: u.Key, TTL: tx.remaining(u.Key)})
			at = len(items) - 1
		}
		items[at].Value = value
	}
	return tx.SetMany(items)
}

// remaining is the TTL key has left, 0 for none: a field update keeps it.
func (tx *Tx) remaining(key string) time.Duration {
	if d, err := tx.engine.TTL(key); err == nil && d > 0 {
		return d
	}
	return 0
}

// applyField returns old with u applied, and for FieldIncr the new number.
func applyField(old string, u FieldUpdate) (string, float64, error) {
	if u.Path == "" {
		return "", 0, invalidf("empty JSON path")
	}
	if !gjson.Valid(old) {
		return "", 0, invalidf("the value is not valid JSON")
	}
	if top := gjson.Parse(old); !top.IsObject() && !top.IsArray() {
		return "", 0, invalidf("the value is JSON %s, not an object or array", top.Type)
	}
	if err := checkFieldPath(u.Path); err != nil {
		return "", 0, err
	}
	if err := checkParents(old, u.Path); err != nil {
		return "", 0, err
	}
	switch u.Op {
	case FieldSet:
		raw := strings.Trim(u.Value, " \t\r\n")
		if !gjson.Valid(raw) {
			return "", 0, invalidf("new value for path %q is not valid JSON", u.Path)
		}
		out, err := sjson.SetRaw(old, u.Path, raw)
		if err != nil || !gjson.Valid(out) || fieldAt(out, u.Path).Raw != raw {
			return "", 0, invalidf("cannot set path %q", u.Path)
		}
		return out, 0, nil
	case FieldIncr:
		if math.IsNaN(u.Delta) || math.IsInf(u.Delta, 0) {
			return "", 0, invalidf("increment %g: want a finite number", u.Delta)
		}
		cur := gjson.Get(old, u.Path)
		if cur.Type != gjson.Number {
			return "", 0, invalidf("no number at path %q to increment", u.Path)
		}
		n := cur.Num + u.Delta
		if math.IsInf(n, 0) {
			return "", 0, invalidf("path %q: %g + %g overflows", u.Path, cur.Num, u.Delta)
		}
		out, err := sjson.Set(old, u.Path, n)
		if err != nil || !gjson.Valid(out) || gjson.Get(out, u.Path).Num != n {
			return "", 0, invalidf("cannot set path %q", u.Path)
		}
		return out, n, nil
	case FieldDelete:
		if !gjson.Get(old, u.Path).Exists() {
			return "", 0, invalidf("nothing at path %q to delete", u.Path)
		}
		out, err := sjson.Delete(old, u.Path)
		if err != nil || out == old || !gjson.Valid(out) {
			return "", 0, invalidf("cannot delete path %q", u.Path)
		}
		return out, 0, nil
	}
	return "", 0, invalidf("unknown field operation %d", int32(u.Op))
}

// fieldAt reads the field a set wrote at path: for an append ("list.-1")
// the last element of the list.
func fieldAt(doc, path string) gjson.Result {
	if parent, ok := strings.CutSuffix(path, ".-1"); ok && !strings.HasSuffix(parent, "\\") {
		if list := gjson.Get(doc, parent).Array(); len(list) > 0 {
			return list[len(list)-1]
		}
		return gjson.Result{}
	}
	return gjson.Get(doc, path)
}

// checkFieldPath refuses what names no single field: wildcards, queries,
// modifiers and pipes. sjson would apply some of them to whatever they
// match first.
func checkFieldPath(path string) error {
	start := true // at the start of a path component
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '\\':
			i++
		case c == '*' || c == '?' || c == '|' || (start && (c == '#' || c == '@' || c == '!' || c == '=')):
			return invalidf("path %q: %q does not name one field", path, c)
		}
		start = c == '.'
	}
	return nil
}

// checkParents refuses a path that runs through a number, string, bool or
// null: sjson would replace it with an object, losing it.
func checkParents(doc, path string) error {
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\\':
			i++ // an escaped byte is part of the name
		case '.':
			r := gjson.Get(doc, path[:i])
			if r.Exists() && !r.IsObject() && !r.IsArray() {
				return invalidf("path %q runs through %q, which holds a %s", path, path[:i], r.Type)
			}
		}
	}
	return nil
}

// SetField runs Tx.SetField in a transaction of its own.
func (db *DB) SetField(key, path, value string) error {
	return db.update(func(tx *Tx) error { return tx.SetField(key, path, value) })
}

// IncrField runs Tx.IncrField in a transaction of its own.
func (db *DB) IncrField(key, path string, delta float64) (n float64, err error) {
	err = db.update(func(tx *Tx) error { n, err = tx.IncrField(key, path, delta); return err })
	if err != nil {
		n = 0
	}
	return n, err
}

// DeleteField runs Tx.DeleteField in a transaction of its own.
func (db *DB) DeleteField(key, path string) error {
	return db.update(func(tx *Tx) error { return tx.DeleteField(key, path) })
}

// UpdateFields runs Tx.UpdateFields in a transaction of its own.
func (db *DB) UpdateFields(updates []FieldUpdate) error {
	return db.update(func(tx *Tx) error { return tx.UpdateFields(updates) })
}
