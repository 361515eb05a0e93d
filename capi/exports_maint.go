package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import "spatialstore/store"

//export store_shrink
func store_shrink(h C.store_t) (st C.int32_t) {
	defer guard(&st)
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.Shrink())
}

//export store_save
func store_save(h C.store_t, path *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(onDatabase(h, path, "path", (*store.DB).SaveFile))
}

//export store_load
func store_load(h C.store_t, path *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(onDatabase(h, path, "path", (*store.DB).LoadFile))
}

// onDatabase runs a database-level call that takes one string argument.
func onDatabase(h C.store_t, arg *C.char, what string, call func(db *store.DB, s string) error) error {
	s, err := cstring(arg, what)
	if err != nil {
		return err
	}
	e, err := database(h)
	if err != nil {
		return err
	}
	return call(e.db, s)
}
