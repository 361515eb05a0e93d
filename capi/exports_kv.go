package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"

	"spatialstore/store"
)

//export store_set
func store_set(h C.store_t, k *C.uint8_t, kl C.size_t, v *C.uint8_t, vl C.size_t, ttlMs C.int64_t) (st C.int32_t) {
	defer guard(&st)
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckItem(uint64(kl), uint64(vl)) }); err != nil {
		return fail(err)
	}
	key, val, err := copyPair(k, kl, v, vl)
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		return rw.Set(key, val, time.Duration(ttlArg(ttlMs)))
	}))
}

//export store_get
func store_get(h C.store_t, k *C.uint8_t, kl C.size_t, val *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	if val == nil {
		return fail(invalid("val is NULL"))
	}
	val.ptr, val.len = nil, 0
	key, err := borrow(k, kl, "key")
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		v, err := rw.Get(key)
		if err == nil {
			giveString(v, val)
		}
		return err
	}))
}

//export store_delete
func store_delete(h C.store_t, k *C.uint8_t, kl C.size_t) (st C.int32_t) {
	defer guard(&st)
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckKey(uint64(kl)) }); err != nil {
		return fail(err)
	}
	key, err := copyIn(k, kl, "key")
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error { return rw.Delete(key) }))
}

//export store_ttl
func store_ttl(h C.store_t, k *C.uint8_t, kl C.size_t, ttlMs *C.int64_t) (st C.int32_t) {
	defer guard(&st)
	if ttlMs == nil {
		return fail(invalid("ttl_ms is NULL"))
	}
	*ttlMs = 0
	key, err := borrow(k, kl, "key")
	if err != nil {
		return fail(err)
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		d, err := rw.TTL(key)
		if err != nil {
			return err
		}
		if d < 0 {
			*ttlMs = C.STORE_TTL_NEVER
		} else {
			*ttlMs = C.int64_t(ceilMillis(d))
		}
		return nil
	}))
}

// ceilMillis rounds a TTL up to whole milliseconds, so a live key never
// reads 0, without d + 999999, which overflows for a TTL near the largest
// duration and would read back negative.
func ceilMillis(d time.Duration) int64 {
	ms := d / time.Millisecond
	if d%time.Millisecond != 0 {
		ms++
	}
	return int64(ms)
}

// kvItems views n store_kv structs from C.
func kvItems(items *C.store_kv, n C.size_t) ([]C.store_kv, error) {
	if n == 0 {
		return nil, nil
	}
	if items == nil {
		return nil, invalid("items is NULL with n = %d", uint64(n))
	}
	return unsafe.Slice(items, int(n)), nil
}

//export store_set_many
func store_set_many(h C.store_t, items *C.store_kv, n C.size_t) (st C.int32_t) {
	defer guard(&st)
	lim, err := limitsOf(h)
	if err != nil {
		return fail(err)
	}
	if err := lim.CheckBatch(uint64(n)); err != nil {
		return fail(err)
	}
	kvs, err := kvItems(items, n)
	if err != nil {
		return fail(err)
	}
	for i := range kvs {
		if err := lim.CheckItem(uint64(kvs[i].key_len), uint64(kvs[i].val_len)); err != nil {
			return fail(fmt.Errorf("item %d: %w", i, err))
		}
	}
	batch := make([]store.Item, len(kvs))
	for i := range kvs {
		it := &kvs[i]
		if batch[i].Key, batch[i].Value, err = copyPair(it.key, it.key_len, it.val, it.val_len); err != nil {
			return fail(invalid("item %d: %v", i, err))
		}
		batch[i].TTL = time.Duration(ttlArg(it.ttl_ms))
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error { return rw.SetMany(batch) }))
}

//export store_delete_many
func store_delete_many(h C.store_t, keys *C.store_kv, n C.size_t, deleted *C.uint64_t) (st C.int32_t) {
	defer guard(&st)
	if deleted != nil {
		*deleted = 0
	}
	lim, err := limitsOf(h)
	if err != nil {
		return fail(err)
	}
	if err := lim.CheckBatch(uint64(n)); err != nil {
		return fail(err)
	}
	kvs, err := kvItems(keys, n)
	if err != nil {
		return fail(err)
	}
	for i := range kvs {
		if err := lim.CheckKey(uint64(kvs[i].key_len)); err != nil {
			return fail(fmt.Errorf("key %d: %w", i, err))
		}
	}
	names := make([]string, len(kvs))
	for i := range kvs {
		if names[i], err = copyIn(kvs[i].key, kvs[i].key_len, "key"); err != nil {
			return fail(invalid("key %d: %v", i, err))
		}
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		removed, err := rw.DeleteMany(names)
		if err == nil && deleted != nil {
			*deleted = C.uint64_t(removed)
		}
		return err
	}))
}

//export store_get_many
func store_get_many(h C.store_t, keys *C.store_kv, n C.size_t, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("out is NULL"))
	}
	out.ptr, out.len = nil, 0
	res, err := getMany(h, keys, n)
	if err != nil {
		return fail(err)
	}
	return fail(res.finish(nil, out))
}

// getMany looks the keys up into a result builder (store_get_many's
// layout), which the caller finishes or releases.
func getMany(h C.store_t, keys *C.store_kv, n C.size_t) (*results, error) {
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckBatch(uint64(n)) }); err != nil {
		return nil, err
	}
	kvs, err := kvItems(keys, n)
	if err != nil {
		return nil, err
	}
	names, err := borrowKeys(kvs)
	if err != nil {
		return nil, err
	}
	res := newResults().limitedBy(h)
	err = withTarget(h, func(rw store.ReadWriter) error {
		return rw.GetMany(names, func(i int, value string, found bool) {
			if found {
				res.add(names[i], value, 0)
			} else {
				res.addMissing(names[i])
			}
		})
	})
	if err == nil {
		err = res.err
	}
	if err != nil {
		res.release()
		return nil, err
	}
	return res, nil
}

// borrowKeys views the key fields of kvs as strings (see borrow).
func borrowKeys(kvs []C.store_kv) ([]string, error) {
	names := make([]string, len(kvs))
	for i := range kvs {
		var err error
		if names[i], err = borrow(kvs[i].key, kvs[i].key_len, "key"); err != nil {
			return nil, invalid("key %d: %v", i, err)
		}
	}
	return names, nil
}

//export store_ttl_many
func store_ttl_many(h C.store_t, keys *C.store_kv, n C.size_t, ttlMs *C.int64_t) (st C.int32_t) {
	defer guard(&st)
	if err := checkLimits(h, func(l store.Limits) error { return l.CheckBatch(uint64(n)) }); err != nil {
		return fail(err)
	}
	kvs, err := kvItems(keys, n)
	if err != nil {
		return fail(err)
	}
	if ttlMs == nil && n != 0 {
		return fail(invalid("ttl_ms is NULL with n = %d", uint64(n)))
	}
	names, err := borrowKeys(kvs)
	if err != nil {
		return fail(err)
	}
	var out []C.int64_t
	if n != 0 {
		out = unsafe.Slice(ttlMs, int(n))
	}
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		return rw.TTLMany(names, func(i int, d time.Duration, found bool) {
			switch {
			case !found:
				out[i] = C.STORE_TTL_MISSING
			case d < 0:
				out[i] = C.STORE_TTL_NEVER
			default:
				out[i] = C.int64_t(ceilMillis(d))
			}
		})
	}))
}

//export store_len
func store_len(h C.store_t, n *C.uint64_t) (st C.int32_t) {
	defer guard(&st)
	if n == nil {
		return fail(invalid("n is NULL"))
	}
	*n = 0
	return fail(withTarget(h, func(rw store.ReadWriter) error {
		c, err := rw.Len()
		*n = C.uint64_t(c)
		return err
	}))
}
