package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"encoding/binary"
	"math"

	"spatialstore/store"
)

// The index calls take a database or a write transaction (withTarget): on
// a transaction the index comes and goes with it.

//export store_create_index
func store_create_index(h C.store_t, name, pattern *C.char, kind C.int32_t, jsonPath *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(createIndex(h, name, pattern, func(rw store.ReadWriter, n, p string) error {
		return rw.CreateIndex(n, p, store.IndexKind(kind), optString(jsonPath))
	}))
}

//export store_create_spatial_index
func store_create_spatial_index(h C.store_t, name, pattern, jsonPath *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(createIndex(h, name, pattern, func(rw store.ReadWriter, n, p string) error {
		return rw.CreateSpatialIndex(n, p, optString(jsonPath))
	}))
}

func createIndex(h C.store_t, name, pattern *C.char, create func(rw store.ReadWriter, name, pattern string) error) error {
	n, err := cstring(name, "name")
	if err != nil {
		return err
	}
	p, err := cstring(pattern, "pattern")
	if err != nil {
		return err
	}
	return withTarget(h, func(rw store.ReadWriter) error { return create(rw, n, p) })
}

//export store_drop_index
func store_drop_index(h C.store_t, name *C.char) (st C.int32_t) {
	defer guard(&st)
	n, err := cstring(name, "name")
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error { return rw.DropIndex(n) }))
}

//export store_indexes
func store_indexes(h C.store_t, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("out is NULL"))
	}
	out.ptr, out.len = nil, 0
	var infos []store.IndexInfo
	err := withTarget(h, func(rw store.ReadWriter) (err error) {
		infos, err = rw.Indexes()
		return err
	})
	if err != nil {
		return fail(err)
	}
	giveBytes(encodeIndexes(infos), out)
	return C.STORE_OK
}

// encodeIndexes lays the definitions out as store.h says: u32 count, then
// per index u32 name_len, u32 pattern_len, u32 path_len, i32 kind, and the
// three strings.
func encodeIndexes(infos []store.IndexInfo) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(infos)))
	for _, i := range infos {
		kind := int32(i.Kind)
		if i.Spatial() {
			kind = C.STORE_INDEX_SPATIAL
		}
		for _, n := range []int{len(i.Name), len(i.Pattern), len(i.Path)} {
			b = binary.LittleEndian.AppendUint32(b, uint32(min(n, math.MaxUint32)))
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(kind))
		b = append(append(append(b, i.Name...), i.Pattern...), i.Path...)
	}
	return b
}
