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
	return fail(createIndex(h, name, pattern, func(db *store.DB, n, p string) error {
		return db.CreateIndex(n, p, store.IndexKind(kind), optString(jsonPath))
	}))
}

//export store_create_spatial_index
func store_create_spatial_index(h C.store_t, name, pattern, jsonPath *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(createIndex(h, name, pattern, func(db *store.DB, n, p string) error {
		return db.CreateSpatialIndex(n, p, optString(jsonPath))
	}))
}

func createIndex(h C.store_t, name, pattern *C.char, create func(db *store.DB, name, pattern string) error) error {
	p, err := cstring(pattern, "pattern")
	if err != nil {
		return err
	}
	return onDatabase(h, name, "name", func(db *store.DB, n string) error { return create(db, n, p) })
}

//export store_drop_index
func store_drop_index(h C.store_t, name *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(onDatabase(h, name, "name", (*store.DB).DropIndex))
}
