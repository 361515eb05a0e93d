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

//export store_create_fence_box
func store_create_fence_box(h C.store_t, name, index, pattern *C.char, min, max *C.double, dims C.size_t) (st C.int32_t) {
	defer guard(&st)
	lo, err := coords(min, dims, "min")
	if err != nil {
		return fail(err)
	}
	hi, err := coords(max, dims, "max")
	if err != nil {
		return fail(err)
	}
	return fail(createFence(h, name, index, pattern, func(n, i, p string) store.Fence {
		return store.BoxFence(n, i, p, store.Box(lo, hi))
	}))
}

//export store_create_fence_radius
func store_create_fence_radius(h C.store_t, name, index, pattern *C.char, center *C.double, dims C.size_t,
	radius C.double) (st C.int32_t) {
	defer guard(&st)
	c, err := coords(center, dims, "center")
	if err != nil {
		return fail(err)
	}
	return fail(createFence(h, name, index, pattern, func(n, i, p string) store.Fence {
		return store.RadiusFence(n, i, p, c, float64(radius))
	}))
}

//export store_create_fence_roam
func store_create_fence_roam(h C.store_t, name, index, pattern *C.char, key *C.uint8_t, kl C.size_t,
	radius C.double) (st C.int32_t) {
	defer guard(&st)
	k, err := copyIn(key, kl, "key")
	if err != nil {
		return fail(err)
	}
	return fail(createFence(h, name, index, pattern, func(n, i, p string) store.Fence {
		return store.RoamFence(n, i, p, k, float64(radius))
	}))
}

// createFence reads the strings every fence takes (pattern NULL: every
// key) and creates the fence build makes from them.
func createFence(h C.store_t, name, index, pattern *C.char, build func(name, index, pattern string) store.Fence) error {
	i, err := cstring(index, "index")
	if err != nil {
		return err
	}
	p := optString(pattern)
	return onDatabase(h, name, "name", func(db *store.DB, n string) error { return db.CreateFence(build(n, i, p)) })
}

//export store_drop_fence
func store_drop_fence(h C.store_t, name *C.char) (st C.int32_t) {
	defer guard(&st)
	return fail(onDatabase(h, name, "name", (*store.DB).DropFence))
}

// queueOf finds the database whose event queue a call reads or sizes. It
// skips database's deadlock check: the queue never waits for a
// transaction, so a thread inside one may poll.
func queueOf(h C.store_t) (*store.DB, error) {
	e, ok := lookup(h).(*dbEntry)
	if !ok {
		return nil, badHandle(h, "database")
	}
	return e.db, nil
}

//export store_set_event_capacity
func store_set_event_capacity(h C.store_t, n C.size_t) (st C.int32_t) {
	defer guard(&st)
	db, err := queueOf(h)
	if err != nil {
		return fail(err)
	}
	if uint64(n) > store.MaxEventCapacity {
		return fail(invalid("event capacity %d, want 1 to %d", uint64(n), store.MaxEventCapacity))
	}
	return fail(db.SetEventCapacity(int(n)))
}

//export store_poll_events
func store_poll_events(h C.store_t, limit C.size_t, out *C.store_bytes) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("out is NULL"))
	}
	out.ptr, out.len = nil, 0
	db, err := queueOf(h)
	if err != nil {
		return fail(err)
	}
	events, lost, err := db.PollEvents(count(limit))
	if err != nil {
		return fail(err)
	}
	giveBytes(encodeEvents(events, lost), out)
	return C.STORE_OK
}

// encodeEvents lays events out as store.h's "Event buffers" says: u32
// count, u64 lost, then per event u8 kind, i64 time in Unix nanoseconds,
// u32 fence name length, u32 key length, the name, the key; little-endian,
// unaligned.
func encodeEvents(events []store.FenceEvent, lost uint64) []byte {
	size := 12
	for _, ev := range events {
		size += 17 + len(ev.Fence) + len(ev.Key)
	}
	b := make([]byte, 0, size)
	b = binary.LittleEndian.AppendUint32(b, uint32(min(len(events), math.MaxUint32)))
	b = binary.LittleEndian.AppendUint64(b, lost)
	for _, ev := range events {
		b = append(b, byte(ev.Kind))
		b = binary.LittleEndian.AppendUint64(b, uint64(ev.Time.UnixNano()))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(ev.Fence)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(ev.Key)))
		b = append(append(b, ev.Fence...), ev.Key...)
	}
	return b
}
