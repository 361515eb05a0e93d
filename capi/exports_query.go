package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"spatialstore/store"
)

//export store_scan
func store_scan(h C.store_t, index *C.char, lo *C.uint8_t, lol C.size_t, hi *C.uint8_t, hil C.size_t,
	flags C.int32_t, limit C.size_t, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("out is NULL"))
	}
	out.ptr, out.len = nil, 0
	name, err := cstring(index, "index (use \"\" for the keys)")
	if err != nil {
		return fail(err)
	}
	if flags&^C.STORE_SCAN_DESC != 0 {
		return fail(invalid("unknown scan flags %#x", int32(flags)))
	}
	r := store.Range{Desc: flags&C.STORE_SCAN_DESC != 0, Limit: count(limit)}
	if lo != nil {
		if r.Lo, err = borrow(lo, lol, "lo"); err != nil {
			return fail(err)
		}
		r.HasLo = true
	}
	if hi != nil {
		if r.Hi, err = borrow(hi, hil, "hi"); err != nil {
			return fail(err)
		}
		r.HasHi = true
	}
	res := newResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.Scan(name, r, func(key, value string) bool { return res.add(key, value, 0) })
	})
	return fail(res.finish(err, out))
}

// startQuery is the start of every spatial query export: out must be
// given and is zeroed (so a failure leaves it so), and the index is named.
func startQuery(out *C.store_bytes, index *C.char) (string, error) {
	if out == nil {
		return "", invalid("out is NULL")
	}
	out.ptr, out.len = nil, 0
	return cstring(index, "index")
}

//export store_intersects
func store_intersects(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, out, store.ReadWriter.Intersects))
}

//export store_within
func store_within(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, out, store.ReadWriter.Within))
}

type boxSearch func(rw store.ReadWriter, index string, box store.Rect, limit int, fn func(key, value string) bool) error

func boxQuery(h C.store_t, index *C.char, min, max *C.double, dims, limit C.size_t, out *C.store_bytes, search boxSearch) error {
	name, err := startQuery(out, index)
	if err != nil {
		return err
	}
	lo, err := coords(min, dims, "min")
	if err != nil {
		return err
	}
	hi, err := coords(max, dims, "max")
	if err != nil {
		return err
	}
	res := newResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return search(rw, name, store.Box(lo, hi), count(limit), func(key, value string) bool {
			return res.add(key, value, 0)
		})
	})
	return res.finish(err, out)
}

//export store_nearby
func store_nearby(h C.store_t, index *C.char, point *C.double, dims C.size_t, k C.size_t, maxDist C.double,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	name, err := startQuery(out, index)
	if err != nil {
		return fail(err)
	}
	p, err := coords(point, dims, "point")
	if err != nil {
		return fail(err)
	}
	res := newResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.Nearby(name, p, count(k), float64(maxDist), func(key, value string, dist float64) bool {
			return res.add(key, value, dist)
		})
	})
	return fail(res.finish(err, out))
}
