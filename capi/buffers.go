package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
uint8_t *store_capi_alloc(size_t n);
*/
import "C"

import (
	"encoding/binary"
	"math"
	"sync"
	"unsafe"

	"spatialstore/store"
)

// giveBytes copies b into a new buffer from buffers.c and hands it to *out.
// The buffer is never NULL, even for no bytes, so a returned value is told
// from a freed one.
func giveBytes(b []byte, out *C.store_bytes) {
	p := C.store_capi_alloc(C.size_t(len(b)))
	if p == nil {
		panic("libstore: out of memory")
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)), b)
	out.ptr = p
	out.len = C.size_t(len(b))
}

func giveString(s string, out *C.store_bytes) {
	giveBytes(unsafe.Slice(unsafe.StringData(s), len(s)), out)
}

// results builds one result buffer: u32 count, then per hit u32 key_len,
// u32 val_len, f64 dist, key, value; little-endian, unaligned. A batch
// buffer (newBatchResults) holds one such section per query, in order:
// each query's u32 count slot is written when the next query starts or the
// buffer is finished.
type results struct {
	buf     []byte
	count   uint32 // hits of the current section
	slot    int    // offset of the current section's count; -1 before the first
	queries int    // sections started (a batch's queries so far)
	err     error
	max     int64 // the largest buffer allowed (limitedBy); 0: no limit
	// shape says what a hit puts in the buffer (the query options'
	// STORE_QUERY_KEYS_ONLY and STORE_QUERY_COUNT_ONLY).
	shape hitShape
}

type hitShape uint8

const (
	shapeFull  hitShape = iota // key and value
	shapeKeys                  // key, val_len 0
	shapeCount                 // nothing: the section is only its count
)

const missing = math.MaxUint32

var resultPool = sync.Pool{New: func() any { return &results{buf: make([]byte, 0, 4096)} }}

// newResults starts a buffer for one query.
func newResults() *results {
	r := newBatchResults()
	r.query(0)
	return r
}

// newBatchResults starts a buffer for a batch of queries: empty until the
// first query starts.
func newBatchResults() *results {
	r := resultPool.Get().(*results)
	r.buf = r.buf[:0]
	r.count, r.slot, r.queries, r.err, r.max, r.shape = 0, -1, 0, nil, 0, shapeFull
	return r
}

// query makes q the current section: it closes the current one and starts
// one for each query up to q, so that queries without hits (which get no
// callback) are there with a count of 0. q never goes back.
func (r *results) query(q int) {
	for r.queries <= q {
		r.closeSection()
		r.slot = len(r.buf)
		r.buf = append(r.buf, 0, 0, 0, 0)
		r.count = 0
		r.queries++
	}
}

// closeSection writes the current section's count into its slot.
func (r *results) closeSection() {
	if r.slot >= 0 {
		binary.LittleEndian.PutUint32(r.buf[r.slot:], r.count)
	}
}

// add appends a hit and reports whether the caller may go on.
func (r *results) add(key, value string, dist float64) bool {
	if len(key) >= missing || len(value) >= missing || r.count == math.MaxUint32 {
		r.err = invalid("a result over 4 GiB cannot be returned in one buffer")
		return false
	}
	switch r.shape {
	case shapeCount:
		// A count-only section does not grow the buffer: no size limit.
		if r.err != nil {
			return false
		}
		r.count++
	case shapeKeys:
		if !r.fits(len(key)) {
			return false
		}
		r.buf = append(r.header(len(key), 0, dist), key...)
	default:
		if !r.fits(len(key) + len(value)) {
			return false
		}
		r.buf = r.header(len(key), uint32(len(value)), dist)
		r.buf = append(append(r.buf, key...), value...)
	}
	return true
}

// addMissing appends a key that has no value.
func (r *results) addMissing(key string) {
	if r.fits(len(key)) {
		r.buf = append(r.header(len(key), missing, 0), key...)
	}
}

// fits reports whether a hit of n bytes of key and value keeps the buffer
// within its limit, and sets the error when it does not.
func (r *results) fits(n int) bool {
	if r.err != nil {
		return false
	}
	size := uint64(len(r.buf)) + 16 + uint64(n)
	if r.max > 0 && size > uint64(r.max) {
		r.err = store.Limits{MaxResultSize: r.max}.CheckResult(size)
		return false
	}
	return true
}

func (r *results) header(keyLen int, valLen uint32, dist float64) []byte {
	r.count++
	b := binary.LittleEndian.AppendUint32(r.buf, uint32(keyLen))
	b = binary.LittleEndian.AppendUint32(b, valLen)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(dist))
}

// finish hands the buffer to *out unless err (or the builder's own error)
// is set, and returns the error. The builder goes back to the pool.
func (r *results) finish(err error, out *C.store_bytes) error {
	return r.finishBatch(r.queries, err, out)
}

// finishBatch is finish for a batch of n queries: the queries after the
// last one that had a hit get their count of 0 first.
func (r *results) finishBatch(n int, err error, out *C.store_bytes) error {
	if err == nil {
		err = r.err
	}
	if err == nil {
		giveBytes(r.closeBatch(n), out)
	}
	r.release()
	return err
}

// close ends a single query's buffer and returns its bytes, which are the
// builder's until release.
func (r *results) close() []byte { return r.closeBatch(r.queries) }

func (r *results) closeBatch(n int) []byte {
	r.query(n - 1)
	r.closeSection()
	return r.buf
}

// release gives the builder back to the pool. Keep buffers of up to
// 16 MiB: a batch query's result is often over a megabyte, and growing a
// new one for every call (copying it at each doubling) cost more than the
// query. The pool lets go of what it holds at garbage collections, so a
// huge buffer is not pinned long.
func (r *results) release() {
	if cap(r.buf) <= 16<<20 {
		resultPool.Put(r)
	}
}

// addTo appends a hit to query q of a batch.
func (r *results) addTo(q int, key, value string, dist float64) bool {
	r.query(q)
	return r.add(key, value, dist)
}
