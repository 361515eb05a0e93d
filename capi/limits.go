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
// handle gets the defaults; the call then fails on the handle itself.
func limitsOf(h C.store_t) store.Limits {
	switch e := lookup(h).(type) {
	case *dbEntry:
		return e.db.Limits()
	case *txEntry:
		return e.db.db.Limits()
	}
	return store.DefaultLimits()
}

// limitedBy makes the result buffer refuse to grow past h's limit.
func (r *results) limitedBy(h C.store_t) *results {
	r.max = limitsOf(h).MaxResultSize
	return r
}

// limitOptions copies the limits of C options into opts. A value past what
// an int holds is as good as no limit, and is kept at the largest int.
func limitOptions(o *C.store_options, opts *store.Options) error {
	for _, v := range []C.int64_t{o.max_key_size, o.max_value_size, o.max_result_size, o.max_batch_items} {
		if v < 0 {
			return invalid("negative limit %d in the options: 0 means the default", int64(v))
		}
	}
	toInt := func(v C.int64_t) int { return int(min(int64(v), math.MaxInt)) }
	opts.MaxKeySize = toInt(o.max_key_size)
	opts.MaxValueSize = toInt(o.max_value_size)
	opts.MaxResultSize = int64(o.max_result_size)
	opts.MaxBatchItems = toInt(o.max_batch_items)
	return nil
}
