package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import "spatialstore/store"

//export store_create_index
func store_create_index(h C.store_t, name, pattern *C.char, kind C.int32_t, jsonPath *C.char) (st C.int32_t) {
	defer guard(&st)
	n, p, err := nameAndPattern(name, pattern)
	if err != nil {
		return fail(err)
	}
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.CreateIndex(n, p, store.IndexKind(kind), optString(jsonPath)))
}

//export store_create_spatial_index
func store_create_spatial_index(h C.store_t, name, pattern, jsonPath *C.char) (st C.int32_t) {
	defer guard(&st)
	n, p, err := nameAndPattern(name, pattern)
	if err != nil {
		return fail(err)
	}
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.CreateSpatialIndex(n, p, optString(jsonPath)))
}

func nameAndPattern(name, pattern *C.char) (string, string, error) {
	n, err := cstring(name, "name")
	if err != nil {
		return "", "", err
	}
	p, err := cstring(pattern, "pattern")
	return n, p, err
}

//export store_drop_index
func store_drop_index(h C.store_t, name *C.char) (st C.int32_t) {
	defer guard(&st)
	n, err := cstring(name, "name")
	if err != nil {
		return fail(err)
	}
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	return fail(e.db.DropIndex(n))
}
