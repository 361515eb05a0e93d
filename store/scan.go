package store

import (
	"fmt"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Range selects what Scan visits: the items whose indexed value v (the key,
// when scanning the keys) has Lo <= v < Hi in the index's order, ascending
// or descending. A bound whose Has flag is false is open. For a JSON index
// the bounds are documents with a value at the index's path, for example
// `{"age":30}`; for the int, uint and float kinds they are numbers as text.
//
// With HasPrefix, the range is instead every item whose indexed value (or
// key) starts with Prefix, in the index's terms: case-insensitively for the
// string and JSON kinds, bytewise for the keys and the binary and
// case-sensitive JSON kinds; for a JSON index, values that are strings at
// the index's path. Lo and Hi must then be unset; the numeric kinds refuse
// a prefix. PrefixRange builds one.
type Range struct {
	Lo, Hi       string
	HasLo, HasHi bool
	Desc         bool
	Limit        int // 0: no limit
	Prefix       string
	HasPrefix    bool
}

// PrefixRange is the range of every item whose key (or indexed value)
// starts with p, ascending, without a limit: PrefixRange("region:") scans
// the keys "region:..." in order.
func PrefixRange(p string) Range { return Range{Prefix: p, HasPrefix: true} }

// prefixBounds turns a prefix range into Lo and Hi for an index of kind
// (the keys: kind IndexBinary) over JSON path. Inside the index's order the
// values that start with p are exactly those in [p, succ(p)).
func (r Range) prefixBounds(kind IndexKind, path string) (Range, error) {
	if r.HasLo || r.HasHi {
		return r, invalidf("a prefix range takes no other bounds")
	}
	fold := false
	switch kind {
	case IndexBinary, IndexJSONCaseSensitive:
	case IndexString, IndexJSON:
		fold = true
	default:
		return r, invalidf("a prefix scan needs the keys or a string, binary or JSON index, not a %s one", kind)
	}
	lo := r.Prefix
	if fold {
		lo = lowerASCII(lo)
	}
	hi, bounded := successor(lo, fold)
	if kind == IndexJSON || kind == IndexJSONCaseSensitive {
		var err error
		if lo, err = jsonBound(path, lo); err != nil {
			return r, err
		}
		if bounded {
			if hi, err = jsonBound(path, hi); err != nil {
				return r, err
			}
		}
	}
	r.Lo, r.HasLo = lo, true
	r.Hi, r.HasHi = hi, bounded
	return r, nil
}

// successor is the least string above every string that starts with p:
// p with its last byte that can grow grown by one and what follows cut. In
// the case-folded order the byte after '@' is '[', as 'A'..'Z' fold below.
// It reports false when there is none (p empty or all 0xFF).
func successor(p string, fold bool) (string, bool) {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xFF {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	if fold && b[len(b)-1] == 'A' {
		b[len(b)-1] = '['
	}
	return string(b), true
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// jsonBound is the document that holds s at path: the form a JSON index's
// bounds take.
func jsonBound(path, s string) (string, error) {
	doc, err := sjson.Set("", path, s)
	if err != nil || gjson.Get(doc, path).Str != s {
		return "", invalidf("a prefix of %d bytes cannot be given as a string at JSON path %q", len(s), path)
	}
	return doc, nil
}

// Scan calls fn for the items of index (the empty name scans the keys
// themselves) inside r, in index order, until fn returns false or Limit
// items have been seen. Expired items are skipped. A spatial index gives
// ErrNoIndex: query it with Intersects, Within or Nearby.
func (tx *Tx) Scan(index string, r Range, fn func(key, value string) bool) error {
	return tx.scan(index, r, func(key, value string) (bool, bool) { return true, fn(key, value) })
}

// scan is Scan with a visitor that says whether the item counts toward the
// limit (a filter's skipped items do not) and whether to go on.
func (tx *Tx) scan(index string, r Range, fn func(key, value string) (counts, more bool)) error {
	if err := tx.check(false); err != nil {
		return err
	}
	if r.Limit < 0 {
		return invalidf("negative limit %d", r.Limit)
	}
	byKey := index == ""
	less := func(a, b string) bool { return a < b }
	kind, path := IndexBinary, ""
	if !byKey {
		d, ok := tx.db.indexes[index]
		switch {
		case !ok:
			return fmt.Errorf("%w: %q", ErrNoIndex, index)
		case d.Spatial():
			return fmt.Errorf("%w: %q is a spatial index: query it with Intersects, Within or Nearby", ErrNoIndex, index)
		}
		less, kind, path = d.order, d.Kind, d.Path
	}
	if r.HasPrefix {
		var err error
		if r, err = r.prefixBounds(kind, path); err != nil {
			return err
		}
	}
	if r.HasLo && r.HasHi && !less(r.Lo, r.Hi) {
		return nil // an empty range
	}
	seen := 0
	visit := func(key, value string) bool {
		counts, more := fn(key, value)
		if counts {
			seen++
		}
		return more && (r.Limit == 0 || seen < r.Limit)
	}
	sortKey := func(key, value string) string {
		if byKey {
			return key
		}
		return value
	}
	e := tx.engine
	var err error
	switch {
	case !r.Desc && r.HasLo && r.HasHi:
		err = e.AscendRange(index, r.Lo, r.Hi, visit)
	case !r.Desc && r.HasLo:
		err = e.AscendGreaterOrEqual(index, r.Lo, visit)
	case !r.Desc && r.HasHi:
		err = e.AscendLessThan(index, r.Hi, visit)
	case !r.Desc:
		err = e.Ascend(index, visit)
	default:
		// BuntDB's descending bounds are (lo, hi]; ours stay [lo, hi), so
		// walk down from hi, skip hi itself and stop below lo.
		down := func(key, value string) bool {
			v := sortKey(key, value)
			if r.HasHi && !less(v, r.Hi) {
				return true
			}
			if r.HasLo && less(v, r.Lo) {
				return false
			}
			return visit(key, value)
		}
		if r.HasHi {
			err = e.DescendLessOrEqual(index, r.Hi, down)
		} else {
			err = e.Descend(index, down)
		}
	}
	return wrapEngine(err)
}

// Scan runs Tx.Scan in a read transaction of its own.
func (db *DB) Scan(index string, r Range, fn func(key, value string) bool) error {
	return db.view(func(tx *Tx) error { return tx.Scan(index, r, fn) })
}
