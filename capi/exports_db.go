package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"spatialstore/store"
)

//export store_options_default
func store_options_default(o *C.store_options) {
	defer func() { _ = recover() }()
	if o == nil {
		return
	}
	d := store.DefaultOptions()
	o.sync_policy = C.int32_t(d.SyncPolicy)
	o.auto_shrink_percentage = C.int32_t(d.AutoShrinkPercentage)
	o.auto_shrink_min_size = C.int64_t(d.AutoShrinkMinSize)
	o.auto_shrink_disabled = 0
	l := store.DefaultLimits()
	o.max_key_size = C.int64_t(l.MaxKeySize)
	o.max_value_size = C.int64_t(l.MaxValueSize)
	o.max_result_size = C.int64_t(l.MaxResultSize)
	o.max_batch_items = C.int64_t(l.MaxBatchItems)
}

//export store_open
func store_open(path *C.char, o *C.store_options, out *C.store_t) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("out is NULL"))
	}
	*out = 0
	p, err := cstring(path, "path")
	if err != nil {
		return fail(err)
	}
	var opts *store.Options
	if o != nil {
		opts = &store.Options{
			SyncPolicy:           store.SyncPolicy(o.sync_policy),
			AutoShrinkPercentage: int(o.auto_shrink_percentage),
			AutoShrinkMinSize:    int64(o.auto_shrink_min_size),
			AutoShrinkDisabled:   o.auto_shrink_disabled != 0,
		}
		limitOptions(o, opts)
	}
	db, err := store.Open(p, opts)
	if err != nil {
		return fail(err)
	}
	*out = register(&dbEntry{db: db})
	return C.STORE_OK
}

//export store_close
func store_close(h C.store_t) (st C.int32_t) {
	defer guard(&st)
	e, ok := lookup(h).(*dbEntry)
	if !ok {
		return fail(badHandle(h, "database"))
	}
	err := e.db.Close()
	if statusOf(err) == C.STORE_ERR_BUSY {
		return fail(err) // a transaction is open: the handle stays
	}
	unregister(h)
	if err != nil {
		return fail(err)
	}
	return C.STORE_OK
}
