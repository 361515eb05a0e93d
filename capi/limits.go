package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"math"

	"spatialstore/store"
)

// limitsOf gives the limits of the store behind a handle, so a call can
// check lengths and counts before it copies anything from C. An unknown
// handle is BAD_HANDLE, as it would be a moment later.
func limitsOf(h C.store_t) (store.Limits, error) {
	switch e := lookup(h).(type) {
	case *dbEntry:
		return e.db.Limits(), nil
	case *txEntry:
		return e.db.db.Limits(), nil
	}
	return store.Limits{}, badHandle(h, "database or transaction")
}

// checkLimits runs check on h's limits.
func checkLimits(h C.store_t, check func(store.Limits) error) error {
	l, err := limitsOf(h)
	if err != nil {
		return err
	}
	return check(l)
}

// limitedBy makes the result buffer refuse to grow past h's limit.
// An unknown handle leaves it unlimited: the call fails on the handle.
func (r *results) limitedBy(h C.store_t) *results {
	if l, err := limitsOf(h); err == nil {
		r.max = l.MaxResultSize
	}
	return r
}

// limitOptions copies the limits of C options into opts (store.Open
// refuses a negative one). A value past what an int holds is as good as no
// limit, and is kept at the largest int.
func limitOptions(o *C.store_options, opts *store.Options) {
	toInt := func(v C.int64_t) int { return int(min(int64(v), math.MaxInt)) }
	opts.MaxKeySize = toInt(o.max_key_size)
	opts.MaxValueSize = toInt(o.max_value_size)
	opts.MaxResultSize = int64(o.max_result_size)
	opts.MaxBatchItems = toInt(o.max_batch_items)
}
