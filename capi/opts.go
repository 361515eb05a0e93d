package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"spatialstore/store"
)

// queryOptions is a store_query_opts read into Go: the filter for store/
// and how hits go into the buffer.
type queryOptions struct {
	filter *store.Filter // nil: none
	shape  hitShape
	desc   bool // STORE_SCAN_DESC given in the options (store_scan_ex)
}

// maxConditions bounds where_len: more conditions than this are a
// caller's mistake (a length read from the wrong place), not a filter.
const maxConditions = 1 << 16

// readOptions reads o (NULL: none). scan says whether STORE_SCAN_DESC is
// allowed among the flags. Nothing of o is kept past the call.
func readOptions(o *C.store_query_opts, scan bool) (queryOptions, error) {
	var q queryOptions
	if o == nil {
		return q, nil
	}
	known := uint32(C.STORE_QUERY_KEYS_ONLY | C.STORE_QUERY_COUNT_ONLY)
	if scan {
		known |= C.STORE_SCAN_DESC
	}
	flags := uint32(o.flags)
	if flags&^known != 0 {
		return q, invalid("unknown query option flags %#x", flags&^known)
	}
	keys, counts := flags&C.STORE_QUERY_KEYS_ONLY != 0, flags&C.STORE_QUERY_COUNT_ONLY != 0
	switch {
	case keys && counts:
		return q, invalid("STORE_QUERY_KEYS_ONLY and STORE_QUERY_COUNT_ONLY together")
	case keys:
		q.shape = shapeKeys
	case counts:
		q.shape = shapeCount
	}
	q.desc = flags&C.STORE_SCAN_DESC != 0
	n := uint64(o.where_len)
	if o.where == nil && n > 0 {
		return q, invalid("where is NULL with where_len %d", n)
	}
	if n > maxConditions {
		return q, invalid("where_len %d: more than %d conditions", n, maxConditions)
	}
	if o.match == nil && n == 0 {
		return q, nil
	}
	f := &store.Filter{Match: optString(o.match)}
	if o.match != nil && f.Match == "" {
		return q, invalid("match is an empty pattern: use NULL for any key")
	}
	for i, w := range unsafe.Slice(o.where, int(n)) {
		c, err := readCondition(&w)
		if err != nil {
			return q, fmt.Errorf("condition %d: %w", i, err)
		}
		f.Where = append(f.Where, c)
	}
	q.filter = f
	return q, nil
}

func readCondition(w *C.store_where) (store.Cond, error) {
	path, err := cstring(w.path, "path")
	if err != nil {
		return store.Cond{}, err
	}
	c := store.Cond{Path: path, Op: store.CondOp(w.op), Min: float64(w.min), Max: float64(w.max)}
	if c.Str, err = borrow(w.str, w.str_len, "str"); err != nil {
		return c, err
	}
	if c.StrMax, err = borrow(w.str_max, w.str_max_len, "str_max"); err != nil {
		return c, err
	}
	if c.Op == store.CondEq {
		c.Max = c.Min
	}
	return c, nil // store/ checks the rest (path, op, bounds)
}

// results and batchResults begin the buffer of a query with these options.
func (q queryOptions) results() *results {
	r := newResults()
	r.shape = q.shape
	return r
}

func (q queryOptions) batchResults() *results {
	r := newBatchResults()
	r.shape = q.shape
	return r
}
