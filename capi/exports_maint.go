package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

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
	p, err := cstring(path, "path")
	if err != nil {
		return fail(err)
	}
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.SaveFile(p))
}

//export store_load
func store_load(h C.store_t, path *C.char) (st C.int32_t) {
	defer guard(&st)
	p, err := cstring(path, "path")
	if err != nil {
		return fail(err)
	}
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.LoadFile(p))
}
