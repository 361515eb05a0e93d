package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"spatialstore/store"
)

// The _into calls write into memory the caller owns: no buffer to allocate,
// track and free, which for a single small value costs as much as the
// lookup. See store.h for the protocol (the needed size is always reported;
// a short buffer gets STORE_ERR_BUFFER_TOO_SMALL and nothing written).

// callerBuf checks a caller's buffer and views it as a Go slice.
func callerBuf(buf *C.uint8_t, capacity C.size_t, size *C.size_t, sizeName string) ([]byte, error) {
	if size == nil {
		return nil, invalid("%s is NULL", sizeName)
	}
	*size = 0
	if buf == nil {
		if capacity != 0 {
			return nil, invalid("buf is NULL with cap %d", uint64(capacity))
		}
		return nil, nil
	}
	if uint64(capacity) > 1<<62 {
		return nil, invalid("cap %d is too large", uint64(capacity))
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(capacity)), nil
}

// fill copies src into dst and reports its length through *size, or
// refuses with errTooSmall, writing nothing, when dst cannot hold it.
func fill[S string | []byte](dst []byte, src S, size *C.size_t) error {
	*size = C.size_t(len(src))
	if len(src) > len(dst) {
		return tooSmall(len(src), len(dst))
	}
	copy(dst, src)
	return nil
}

func tooSmall(need, have int) error {
	return fmt.Errorf("%w: the result needs %d bytes, the buffer holds %d", errTooSmall, need, have)
}

//export store_get_into
func store_get_into(h C.store_t, k *C.uint8_t, kl C.size_t, buf *C.uint8_t, capacity C.size_t, valLen *C.size_t) (st C.int32_t) {
	defer guard(&st)
	dst, err := callerBuf(buf, capacity, valLen, "val_len")
	if err != nil {
		return fail(err)
	}
	key, err := borrow(k, kl, "key")
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		v, err := rw.Get(key)
		if err != nil {
			return err
		}
		return fill(dst, v, valLen)
	}))
}

//export store_get_many_into
func store_get_many_into(h C.store_t, keys *C.store_kv, n C.size_t, buf *C.uint8_t, capacity C.size_t, size *C.size_t) (st C.int32_t) {
	defer guard(&st)
	dst, err := callerBuf(buf, capacity, size, "len")
	if err != nil {
		return fail(err)
	}
	res, err := getMany(h, keys, n)
	if err != nil {
		return fail(err)
	}
	err = fill(dst, res.close(), size)
	res.release()
	return fail(err)
}
