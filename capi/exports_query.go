package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"spatialstore/store"
)

// Every query export is its _ex form with no options (opts.go).

//export store_scan
func store_scan(h C.store_t, index *C.char, lo *C.uint8_t, lol C.size_t, hi *C.uint8_t, hil C.size_t,
	flags C.int32_t, limit C.size_t, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(scanEx(h, index, lo, lol, hi, hil, flags, limit, nil, out))
}

//export store_scan_ex
func store_scan_ex(h C.store_t, index *C.char, lo *C.uint8_t, lol C.size_t, hi *C.uint8_t, hil C.size_t,
	flags C.int32_t, limit C.size_t, opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(scanEx(h, index, lo, lol, hi, hil, flags, limit, opts, out))
}

func scanEx(h C.store_t, index *C.char, lo *C.uint8_t, lol C.size_t, hi *C.uint8_t, hil C.size_t,
	flags C.int32_t, limit C.size_t, opts *C.store_query_opts, out *C.store_bytes) error {
	if out == nil {
		return invalid("out is NULL")
	}
	out.ptr, out.len = nil, 0
	name, err := cstring(index, "index (use \"\" for the keys)")
	if err != nil {
		return err
	}
	if flags&^(C.STORE_SCAN_DESC|C.STORE_SCAN_PREFIX) != 0 {
		return invalid("unknown scan flags %#x", int32(flags))
	}
	q, err := readOptions(opts, true)
	if err != nil {
		return err
	}
	r := store.Range{Desc: flags&C.STORE_SCAN_DESC != 0 || q.desc, Limit: count(limit)}
	if flags&C.STORE_SCAN_PREFIX != 0 {
		if hi != nil {
			return invalid("STORE_SCAN_PREFIX takes the prefix in lo; hi must be NULL")
		}
		if r.Prefix, err = borrow(lo, lol, "prefix"); err != nil {
			return err
		}
		r.HasPrefix = true
	} else {
		if lo != nil {
			if r.Lo, err = borrow(lo, lol, "lo"); err != nil {
				return err
			}
			r.HasLo = true
		}
		if hi != nil {
			if r.Hi, err = borrow(hi, hil, "hi"); err != nil {
				return err
			}
			r.HasHi = true
		}
	}
	res := q.results().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.ScanFiltered(name, r, q.filter, func(key, value string) bool { return res.add(key, value, 0) })
	})
	return res.finish(err, out)
}

// startQuery is the start of every spatial query export: out must be
// given and is zeroed (so a failure leaves it so), the index is named and
// the options are read.
func startQuery(out *C.store_bytes, index *C.char, opts *C.store_query_opts) (string, queryOptions, error) {
	if out == nil {
		return "", queryOptions{}, invalid("out is NULL")
	}
	out.ptr, out.len = nil, 0
	name, err := cstring(index, "index")
	if err != nil {
		return "", queryOptions{}, err
	}
	q, err := readOptions(opts, false)
	return name, q, err
}

//export store_intersects
func store_intersects(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, nil, out, store.ReadWriter.IntersectsFiltered))
}

//export store_intersects_ex
func store_intersects_ex(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, opts, out, store.ReadWriter.IntersectsFiltered))
}

//export store_within
func store_within(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, nil, out, store.ReadWriter.WithinFiltered))
}

//export store_within_ex
func store_within_ex(h C.store_t, index *C.char, min, max *C.double, dims C.size_t, limit C.size_t,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxQuery(h, index, min, max, dims, limit, opts, out, store.ReadWriter.WithinFiltered))
}

type boxSearch func(rw store.ReadWriter, index string, box store.Rect, limit int, f *store.Filter,
	fn func(key, value string) bool) error

func boxQuery(h C.store_t, index *C.char, min, max *C.double, dims, limit C.size_t, opts *C.store_query_opts,
	out *C.store_bytes, search boxSearch) error {
	name, q, err := startQuery(out, index, opts)
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
	res := q.results().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return search(rw, name, store.Box(lo, hi), count(limit), q.filter, func(key, value string) bool {
			return res.add(key, value, 0)
		})
	})
	return res.finish(err, out)
}

//export store_nearby
func store_nearby(h C.store_t, index *C.char, point *C.double, dims C.size_t, k C.size_t, maxDist C.double,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(nearbyEx(h, index, point, dims, k, maxDist, nil, out))
}

//export store_nearby_ex
func store_nearby_ex(h C.store_t, index *C.char, point *C.double, dims C.size_t, k C.size_t, maxDist C.double,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(nearbyEx(h, index, point, dims, k, maxDist, opts, out))
}

func nearbyEx(h C.store_t, index *C.char, point *C.double, dims C.size_t, k C.size_t, maxDist C.double,
	opts *C.store_query_opts, out *C.store_bytes) error {
	name, q, err := startQuery(out, index, opts)
	if err != nil {
		return err
	}
	p, err := coords(point, dims, "point")
	if err != nil {
		return err
	}
	res := q.results().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.NearbyFiltered(name, p, count(k), float64(maxDist), q.filter, func(key, value string, dist float64) bool {
			return res.add(key, value, dist)
		})
	})
	return res.finish(err, out)
}
