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

//export store_set_field
func store_set_field(h C.store_t, k *C.uint8_t, kl C.size_t, path *C.char, json *C.uint8_t, jl C.size_t) (st C.int32_t) {
	defer guard(&st)
	return fail(fieldCall(h, k, kl, path, func(rw store.ReadWriter, key, p string) error {
		v, err := borrow(json, jl, "json")
		if err != nil {
			return err
		}
		return rw.SetField(key, p, v)
	}))
}

//export store_incr_field
func store_incr_field(h C.store_t, k *C.uint8_t, kl C.size_t, path *C.char, delta C.double, out *C.double) (st C.int32_t) {
	defer guard(&st)
	if out != nil {
		*out = 0
	}
	return fail(fieldCall(h, k, kl, path, func(rw store.ReadWriter, key, p string) error {
		n, err := rw.IncrField(key, p, float64(delta))
		if err == nil && out != nil {
			*out = C.double(n)
		}
		return err
	}))
}

//export store_delete_field
func store_delete_field(h C.store_t, k *C.uint8_t, kl C.size_t, path *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(fieldCall(h, k, kl, path, func(rw store.ReadWriter, key, p string) error {
		return rw.DeleteField(key, p)
	}))
}

// fieldCall reads the key and path of a field update and runs it on h.
// The key is copied: the write keeps it (the value it writes is built in
// Go, so the new JSON text may be borrowed).
func fieldCall(h C.store_t, k *C.uint8_t, kl C.size_t, path *C.char, call func(rw store.ReadWriter, key, path string) error) error {
	key, err := copyIn(k, kl, "key")
	if err != nil {
		return err
	}
	p, err := cstring(path, "path")
	if err != nil {
		return err
	}
	return withTarget(h, func(rw store.ReadWriter) error { return call(rw, key, p) })
}

//export store_update_fields
func store_update_fields(h C.store_t, ups *C.store_field_update, n C.size_t) (st C.int32_t) {
	defer guard(&st)
	if ups == nil && n > 0 {
		return fail(invalid("ups is NULL with n %d", uint64(n)))
	}
	if uint64(n) > math.MaxInt32 {
		return fail(invalid("%d updates: too many for one call", uint64(n)))
	}
	updates := make([]store.FieldUpdate, int(n))
	if n > 0 {
		for i, u := range unsafe.Slice(ups, int(n)) {
			key, err := copyIn(u.key, u.key_len, "key")
			if err != nil {
				return fail(invalid("update %d: %v", i, err))
			}
			path, err := cstring(u.path, "path")
			if err != nil {
				return fail(invalid("update %d: %v", i, err))
			}
			val, err := borrow(u.val, u.val_len, "val")
			if err != nil {
				return fail(invalid("update %d: %v", i, err))
			}
			updates[i] = store.FieldUpdate{Key: key, Path: path, Op: store.FieldOp(u.op), Value: val, Delta: float64(u.delta)}
		}
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error { return rw.UpdateFields(updates) }))
}
