package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"math"
	"unsafe"

	"spatialstore/store"
)

// Batch queries: many boxes or points in one call and one transaction, one
// buffer with a section per query (see results.query).

// coordsMany copies n rows of dims doubles from C. dims is checked even for
// an empty batch; p may be NULL only when n is 0.
func coordsMany(p *C.double, dims, n C.size_t, what string) ([]float64, error) {
	if dims == 0 || dims > store.MaxDims {
		return nil, invalid("%d dimensions, want 1 to %d", uint64(dims), store.MaxDims)
	}
	if n == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, invalid("%s is NULL with %d queries", what, uint64(n))
	}
	if uint64(n) > math.MaxInt32/uint64(dims) {
		return nil, invalid("%d queries of %d dimensions: too many for one call", uint64(n), uint64(dims))
	}
	total := int(n) * int(dims)
	out := make([]float64, total)
	copy(out, unsafe.Slice((*float64)(unsafe.Pointer(p)), total))
	return out, nil
}

// rows cuts flat into rows of dims values (sharing its memory).
func rows(flat []float64, dims int) [][]float64 {
	out := make([][]float64, len(flat)/dims)
	for q := range out {
		out[q] = flat[q*dims : (q+1)*dims : (q+1)*dims]
	}
	return out
}

//export store_intersects_many
func store_intersects_many(h C.store_t, index *C.char, mins, maxs *C.double, dims, nboxes, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxBatch(h, index, mins, maxs, dims, nboxes, limit, nil, out, store.ReadWriter.IntersectsManyFiltered))
}

//export store_intersects_many_ex
func store_intersects_many_ex(h C.store_t, index *C.char, mins, maxs *C.double, dims, nboxes, limit C.size_t,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxBatch(h, index, mins, maxs, dims, nboxes, limit, opts, out, store.ReadWriter.IntersectsManyFiltered))
}

//export store_within_many
func store_within_many(h C.store_t, index *C.char, mins, maxs *C.double, dims, nboxes, limit C.size_t,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxBatch(h, index, mins, maxs, dims, nboxes, limit, nil, out, store.ReadWriter.WithinManyFiltered))
}

//export store_within_many_ex
func store_within_many_ex(h C.store_t, index *C.char, mins, maxs *C.double, dims, nboxes, limit C.size_t,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(boxBatch(h, index, mins, maxs, dims, nboxes, limit, opts, out, store.ReadWriter.WithinManyFiltered))
}

type boxBatchSearch func(rw store.ReadWriter, index string, boxes []store.Rect, limit int, f *store.Filter,
	fn func(q int, key, value string) bool) error

func boxBatch(h C.store_t, index *C.char, mins, maxs *C.double, dims, nboxes, limit C.size_t,
	opts *C.store_query_opts, out *C.store_bytes, search boxBatchSearch) error {
	name, q, err := startQuery(out, index, opts)
	if err != nil {
		return err
	}
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckBatch(uint64(nboxes)) }); err != nil {
		return err
	}
	lo, err := coordsMany(mins, dims, nboxes, "mins")
	if err != nil {
		return err
	}
	hi, err := coordsMany(maxs, dims, nboxes, "maxs")
	if err != nil {
		return err
	}
	los, his := rows(lo, int(dims)), rows(hi, int(dims))
	boxes := make([]store.Rect, len(los))
	for q := range boxes {
		boxes[q] = store.Box(los[q], his[q])
	}
	res := q.batchResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return search(rw, name, boxes, count(limit), q.filter, func(q int, key, value string) bool {
			return res.addTo(q, key, value, 0)
		})
	})
	return res.finishBatch(len(boxes), err, out)
}

//export store_nearby_many
func store_nearby_many(h C.store_t, index *C.char, points *C.double, dims, npoints, k C.size_t, maxDist C.double,
	out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(nearbyBatch(h, index, points, dims, npoints, k, maxDist, nil, out))
}

//export store_nearby_many_ex
func store_nearby_many_ex(h C.store_t, index *C.char, points *C.double, dims, npoints, k C.size_t, maxDist C.double,
	opts *C.store_query_opts, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	return fail(nearbyBatch(h, index, points, dims, npoints, k, maxDist, opts, out))
}

func nearbyBatch(h C.store_t, index *C.char, points *C.double, dims, npoints, k C.size_t, maxDist C.double,
	opts *C.store_query_opts, out *C.store_bytes) error {
	name, q, err := startQuery(out, index, opts)
	if err != nil {
		return err
	}
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckBatch(uint64(npoints)) }); err != nil {
		return err
	}
	flat, err := coordsMany(points, dims, npoints, "points")
	if err != nil {
		return err
	}
	ps := rows(flat, int(dims))
	res := q.batchResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.NearbyManyFiltered(name, ps, count(k), float64(maxDist), q.filter, func(q int, key, value string, dist float64) bool {
			return res.addTo(q, key, value, dist)
		})
	})
	return res.finishBatch(len(ps), err, out)
}

//export store_pairs
func store_pairs(h C.store_t, index *C.char, maxDist C.double, pattern *C.char, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	name, _, err := startQuery(out, index, nil)
	if err != nil {
		return fail(err)
	}
	pat := optString(pattern)
	res := newResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.Pairs(name, float64(maxDist), pat, func(p store.Pair) bool {
			return res.add(p.KeyA, p.ValueA, p.Dist) && res.add(p.KeyB, p.ValueB, p.Dist)
		})
	})
	return fail(res.finish(err, out))
}
