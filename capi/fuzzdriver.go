//go:build capifuzz

// The fuzz driver: Go-typed wrappers that call the real exports with C
// arguments (malloc'd bytes, C strings, double arrays, NULL pointers), for
// fuzz_test.go, which cannot use cgo itself. Built only with -tags capifuzz.

package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include <stdlib.h>
#include <string.h>
#include "store.h"
void store_capi_set_error(const char *text, size_t len);
size_t store_last_error(char *buf, size_t cap);
const char *store_status_name(store_status status);
void store_bytes_free(store_bytes *b);
uint64_t store_outstanding_buffers(void);
*/
import "C"

import (
	"math"
	"unsafe"
)

// Bytes in: how a byte string reaches the library.
const (
	drvPtr      = iota // malloc'd copy (a non-NULL pointer even when empty)
	drvNullZero        // NULL with length 0: the empty string
	drvNullLen         // NULL with a length: INVALID_ARG
)

type drvIn struct {
	p *C.uint8_t
	n C.size_t
}

// drvAlloc tracks what a call allocated, freed by done.
type drvAlloc struct{ ptrs []unsafe.Pointer }

func (a *drvAlloc) done() {
	for _, p := range a.ptrs {
		C.free(p)
	}
	a.ptrs = a.ptrs[:0]
}

func (a *drvAlloc) bytes(b []byte, mode int) drvIn {
	switch mode {
	case drvNullZero:
		return drvIn{}
	case drvNullLen:
		return drvIn{n: C.size_t(len(b) + 1)}
	}
	p := C.malloc(C.size_t(len(b) + 1))
	a.ptrs = append(a.ptrs, p)
	if len(b) > 0 {
		C.memcpy(p, unsafe.Pointer(&b[0]), C.size_t(len(b)))
	}
	return drvIn{(*C.uint8_t)(p), C.size_t(len(b))}
}

// str gives a C string, or NULL for nil.
func (a *drvAlloc) str(s *string) *C.char {
	if s == nil {
		return nil
	}
	p := C.CString(*s)
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	return p
}

// doubles gives room for max(dims, len(v)) doubles (zeros past v), or NULL
// for nil v.
func (a *drvAlloc) doubles(v []float64, dims int) *C.double {
	if v == nil {
		return nil
	}
	n := max(dims, len(v), 1)
	p := C.calloc(C.size_t(n), 8)
	a.ptrs = append(a.ptrs, p)
	copy(unsafe.Slice((*float64)(p), n), v)
	return (*C.double)(p)
}

// drvBuf is a returned buffer copied into Go, and what freeing it did.
type drvBuf struct {
	Data          []byte
	NonNil        bool // ptr was non-NULL on return
	FreedCleared  bool // store_bytes_free set ptr NULL and len 0
	ZeroOnNoValue bool // ptr NULL and len 0 when nothing was returned
}

// take copies and frees b (twice, to check that is harmless).
func take(b *C.store_bytes) drvBuf {
	var r drvBuf
	r.NonNil = b.ptr != nil
	r.ZeroOnNoValue = b.ptr == nil && b.len == 0
	if b.ptr != nil {
		r.Data = C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
		C.store_bytes_free(b)
		r.FreedCleared = b.ptr == nil && b.len == 0
		C.store_bytes_free(b) // NULL ptr now: a no-op
	}
	return r
}

// garbage pre-fills outputs so that a call that does not zero them shows.
var garbage = C.malloc(1)

func garbageBytes() C.store_bytes { return C.store_bytes{ptr: (*C.uint8_t)(garbage), len: 12345} }

func drvClearError() { C.store_capi_set_error((*C.char)(garbage), 0) }

func drvLastError() string {
	n := C.store_last_error(nil, 0)
	buf := C.malloc(n + 1)
	defer C.free(buf)
	got := C.store_last_error((*C.char)(buf), n+1)
	if got != n {
		return "<length changed>"
	}
	return C.GoStringN((*C.char)(buf), C.int(n))
}

// drvLastErrorTruncated reads the message into cap bytes and returns the
// bytes up to the first NUL and the reported full length.
func drvLastErrorTruncated(capacity int) (string, int, bool) {
	buf := C.malloc(C.size_t(capacity + 1))
	defer C.free(buf)
	C.memset(buf, 'Z', C.size_t(capacity+1))
	n := C.store_last_error((*C.char)(buf), C.size_t(capacity))
	s := C.GoStringN((*C.char)(buf), C.int(capacity+1))
	untouched := s[capacity] == 'Z' // nothing written past cap
	if capacity == 0 {
		return "", int(n), untouched && s[0] == 'Z'
	}
	end := 0
	for end < capacity && s[end] != 0 {
		end++
	}
	return s[:end], int(n), untouched && end < capacity
}

func drvOutstanding() uint64 { return uint64(C.store_outstanding_buffers()) }

// drvPanic runs a body that panics under the same guard every export
// defers, and returns the status the caller would get.
func drvPanic() int32 {
	return int32(func() (st C.int32_t) {
		defer guard(&st)
		panic("a bug in an export")
	}())
}

func drvStatusName(st int32) string { return C.GoString(C.store_status_name(C.store_status(st))) }
func drvFreeNULL()                  { C.store_bytes_free(nil) }
func drvFreeForeign()               { b := C.store_bytes{ptr: (*C.uint8_t)(garbage), len: 1}; C.store_bytes_free(&b) }
func drvABI() uint32                { return uint32(store_abi_version()) }
func drvWantABI() uint32            { return uint32(C.STORE_ABI_VERSION) }

// Options for open; nil means NULL.
type drvOptions struct {
	Sync, ShrinkPct int32
	ShrinkMin       int64
	ShrinkDisabled  int32
	UseDefault      bool // fill with store_options_default first
	// The limits; 0 is the default.
	MaxKey, MaxValue, MaxResult, MaxBatch int64
}

func drvOpen(path *string, o *drvOptions, nullOut bool) (int32, uint64) {
	var a drvAlloc
	defer a.done()
	var co *C.store_options
	if o != nil {
		co = (*C.store_options)(C.calloc(1, C.size_t(unsafe.Sizeof(C.store_options{}))))
		a.ptrs = append(a.ptrs, unsafe.Pointer(co))
		if o.UseDefault {
			store_options_default(co)
		} else {
			co.sync_policy, co.auto_shrink_percentage = C.int32_t(o.Sync), C.int32_t(o.ShrinkPct)
			co.auto_shrink_min_size, co.auto_shrink_disabled = C.int64_t(o.ShrinkMin), C.int32_t(o.ShrinkDisabled)
			co.max_key_size, co.max_value_size = C.int64_t(o.MaxKey), C.int64_t(o.MaxValue)
			co.max_result_size, co.max_batch_items = C.int64_t(o.MaxResult), C.int64_t(o.MaxBatch)
		}
	}
	out := C.store_t(0xdeadbeef)
	var po *C.store_t
	if !nullOut {
		po = &out
	}
	st := store_open(a.str(path), co, po)
	if st == C.STORE_OK && po != nil {
		drvLive = append(drvLive, uint64(out))
	}
	return int32(st), uint64(out)
}

// drvLive lists every handle store_open and store_begin gave out since the
// last drvReleaseAll, whether or not the input went on to record it.
var drvLive []uint64

// drvReleaseAll rolls back every transaction and closes every database the
// input opened and left open (after a failure, say): a database left open
// would keep its file locked, and its transaction its lock, for every later
// input of the process. Handles already released just give BAD_HANDLE.
func drvReleaseAll() {
	for i := len(drvLive) - 1; i >= 0; i-- {
		store_rollback(C.store_t(drvLive[i]))
	}
	for i := len(drvLive) - 1; i >= 0; i-- {
		store_close(C.store_t(drvLive[i]))
	}
	drvLive = drvLive[:0]
}

func drvClose(h uint64) int32 { return int32(store_close(C.store_t(h))) }

func drvSet(h uint64, k []byte, km int, v []byte, vm int, ttl int64) int32 {
	var a drvAlloc
	defer a.done()
	kk, vv := a.bytes(k, km), a.bytes(v, vm)
	return int32(store_set(C.store_t(h), kk.p, kk.n, vv.p, vv.n, C.int64_t(ttl)))
}

func drvGet(h uint64, k []byte, km int, nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	if nullOut {
		return int32(store_get(C.store_t(h), kk.p, kk.n, nil)), drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_get(C.store_t(h), kk.p, kk.n, &out)
	return int32(st), take(&out)
}

// drvSetHuge calls store_set with lengths no machine has and pointers to
// a few bytes: the library must refuse them before it reads any.
func drvSetHuge(h uint64, kl, vl uint64) int32 {
	var a drvAlloc
	defer a.done()
	few := a.bytes([]byte("few"), drvPtr)
	return int32(store_set(C.store_t(h), few.p, C.size_t(kl), few.p, C.size_t(vl), 0))
}

// drvDeleteHuge is drvSetHuge for store_delete.
func drvDeleteHuge(h uint64, kl uint64) int32 {
	var a drvAlloc
	defer a.done()
	few := a.bytes([]byte("few"), drvPtr)
	return int32(store_delete(C.store_t(h), few.p, C.size_t(kl)))
}

func drvDelete(h uint64, k []byte, km int) int32 {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	return int32(store_delete(C.store_t(h), kk.p, kk.n))
}

func drvTTL(h uint64, k []byte, km int, nullOut bool) (int32, int64) {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	if nullOut {
		return int32(store_ttl(C.store_t(h), kk.p, kk.n, nil)), 0
	}
	out := C.int64_t(777)
	st := store_ttl(C.store_t(h), kk.p, kk.n, &out)
	return int32(st), int64(out)
}

type drvKV struct {
	Key, Val     []byte
	KMode, VMode int
	TTL          int64
}

func (a *drvAlloc) kvs(items []drvKV, null bool) *C.store_kv {
	if null {
		return nil
	}
	p := (*C.store_kv)(C.calloc(C.size_t(max(len(items), 1)), C.size_t(unsafe.Sizeof(C.store_kv{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	s := unsafe.Slice(p, max(len(items), 1))
	for i, it := range items {
		k, v := a.bytes(it.Key, it.KMode), a.bytes(it.Val, it.VMode)
		s[i] = C.store_kv{key: k.p, key_len: k.n, val: v.p, val_len: v.n, ttl_ms: C.int64_t(it.TTL)}
	}
	return p
}

func drvSetMany(h uint64, items []drvKV, null bool) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_set_many(C.store_t(h), a.kvs(items, null), C.size_t(len(items))))
}

func drvGetMany(h uint64, keys []drvKV, null, nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	p := a.kvs(keys, null)
	if nullOut {
		return int32(store_get_many(C.store_t(h), p, C.size_t(len(keys)), nil)), drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_get_many(C.store_t(h), p, C.size_t(len(keys)), &out)
	return int32(st), take(&out)
}

func drvBegin(h uint64, writable int, nullOut bool) (int32, uint64) {
	if nullOut {
		return int32(store_begin(C.store_t(h), C.int(writable), nil)), 0
	}
	out := C.store_t(0xdeadbeef)
	st := store_begin(C.store_t(h), C.int(writable), &out)
	if st == C.STORE_OK {
		drvLive = append(drvLive, uint64(out))
	}
	return int32(st), uint64(out)
}

func drvCommit(h uint64) int32   { return int32(store_commit(C.store_t(h))) }
func drvRollback(h uint64) int32 { return int32(store_rollback(C.store_t(h))) }

func drvCreateIndex(h uint64, name, pattern *string, kind int32, path *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_create_index(C.store_t(h), a.str(name), a.str(pattern), C.int32_t(kind), a.str(path)))
}

func drvCreateSpatial(h uint64, name, pattern, path *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_create_spatial_index(C.store_t(h), a.str(name), a.str(pattern), a.str(path)))
}

func drvDropIndex(h uint64, name *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_drop_index(C.store_t(h), a.str(name)))
}

// drvScan: a nil lo or hi is NULL (an open end).
func drvScan(h uint64, index *string, lo, hi []byte, flags int32, limit uint64, nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	var l, u drvIn
	if lo != nil {
		l = a.bytes(lo, drvPtr)
	}
	if hi != nil {
		u = a.bytes(hi, drvPtr)
	}
	if nullOut {
		return int32(store_scan(C.store_t(h), a.str(index), l.p, l.n, u.p, u.n, C.int32_t(flags), C.size_t(limit), nil)), drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_scan(C.store_t(h), a.str(index), l.p, l.n, u.p, u.n, C.int32_t(flags), C.size_t(limit), &out)
	return int32(st), take(&out)
}

// drvBox runs store_intersects (within false) or store_within.
func drvBox(within bool, h uint64, index *string, lo, hi []float64, dims int, limit uint64) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	out := garbageBytes()
	f := store_intersects
	if within {
		f = store_within
	}
	st := f(C.store_t(h), a.str(index), a.doubles(lo, dims), a.doubles(hi, dims), C.size_t(dims), C.size_t(limit), &out)
	return int32(st), take(&out)
}

func drvNearby(h uint64, index *string, p []float64, dims int, k uint64, maxDist float64) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	out := garbageBytes()
	st := store_nearby(C.store_t(h), a.str(index), a.doubles(p, dims), C.size_t(dims), C.size_t(k), C.double(maxDist), &out)
	return int32(st), take(&out)
}

func drvLen(h uint64, nullOut bool) (int32, uint64) {
	if nullOut {
		return int32(store_len(C.store_t(h), nil)), 0
	}
	n := C.uint64_t(999)
	st := store_len(C.store_t(h), &n)
	return int32(st), uint64(n)
}

func drvShrink(h uint64) int32 { return int32(store_shrink(C.store_t(h))) }

func drvSave(h uint64, path *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_save(C.store_t(h), a.str(path)))
}

func drvLoad(h uint64, path *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_load(C.store_t(h), a.str(path)))
}

// drvFlat gives room for max(n, len(v), 1) doubles (zeros past v), or NULL
// for nil v: the row-major coordinates of a batch.
func (a *drvAlloc) flat(v []float64, n int) *C.double {
	if v == nil {
		return nil
	}
	return a.doubles(v, n)
}

// drvBoxMany runs store_intersects_many (within false) or
// store_within_many. nil mins or maxs is NULL; n is passed as is (it may
// claim more boxes than mins holds, to check the overflow guard).
func drvBoxMany(within bool, h uint64, index *string, mins, maxs []float64, dims int, n uint64, limit uint64,
	nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	f := store_intersects_many
	if within {
		f = store_within_many
	}
	room := int(min(n, 64)) * dims
	lo, hi := a.flat(mins, room), a.flat(maxs, room)
	if nullOut {
		return int32(f(C.store_t(h), a.str(index), lo, hi, C.size_t(dims), C.size_t(n), C.size_t(limit), nil)),
			drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := f(C.store_t(h), a.str(index), lo, hi, C.size_t(dims), C.size_t(n), C.size_t(limit), &out)
	return int32(st), take(&out)
}

func drvNearbyMany(h uint64, index *string, points []float64, dims int, n uint64, k uint64, maxDist float64,
	nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	p := a.flat(points, int(min(n, 64))*dims)
	if nullOut {
		return int32(store_nearby_many(C.store_t(h), a.str(index), p, C.size_t(dims), C.size_t(n), C.size_t(k),
			C.double(maxDist), nil)), drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_nearby_many(C.store_t(h), a.str(index), p, C.size_t(dims), C.size_t(n), C.size_t(k), C.double(maxDist), &out)
	return int32(st), take(&out)
}

func drvPairs(h uint64, index *string, maxDist float64, pattern *string, nullOut bool) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	if nullOut {
		return int32(store_pairs(C.store_t(h), a.str(index), C.double(maxDist), a.str(pattern), nil)),
			drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_pairs(C.store_t(h), a.str(index), C.double(maxDist), a.str(pattern), &out)
	return int32(st), take(&out)
}

// drvInto is what a store_*_into call left in the caller's buffer.
type drvInto struct {
	Data       []byte // the bytes written, when the call succeeded
	Len        int    // the size it reported
	TailIntact bool   // nothing written past the reported size
	Untouched  bool   // nothing written at all
}

const drvSentinel = 0xA5

// drvIntoCall runs call with a malloc'd buffer of capacity bytes (NULL for
// 0) filled with a sentinel, and reports what the call wrote.
func drvIntoCall(capacity int, nullLen bool, call func(buf *C.uint8_t, capacity C.size_t, size *C.size_t) C.int32_t) (int32, drvInto) {
	var buf *C.uint8_t
	room := capacity + 8 // sentinel bytes past the end too
	p := C.malloc(C.size_t(room))
	defer C.free(p)
	C.memset(p, drvSentinel, C.size_t(room))
	if capacity > 0 {
		buf = (*C.uint8_t)(p)
	}
	size := C.size_t(777)
	sizeP := &size
	if nullLen {
		sizeP = nil
	}
	st := int32(call(buf, C.size_t(capacity), sizeP))
	mem := unsafe.Slice((*byte)(p), room)
	r := drvInto{Len: int(size), TailIntact: true, Untouched: true}
	if nullLen {
		r.Len = 0
	}
	for i, b := range mem {
		if b != drvSentinel {
			r.Untouched = false
			if st != 0 || i >= int(size) {
				r.TailIntact = false
			}
		}
	}
	if st == 0 && int(size) <= capacity {
		r.Data = append([]byte(nil), mem[:size]...)
	}
	return st, r
}

func drvGetInto(h uint64, k []byte, km, capacity int, nullLen bool) (int32, drvInto) {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	return drvIntoCall(capacity, nullLen, func(buf *C.uint8_t, c C.size_t, size *C.size_t) C.int32_t {
		return store_get_into(C.store_t(h), kk.p, kk.n, buf, c, size)
	})
}

func drvGetManyInto(h uint64, keys []drvKV, null bool, capacity int, nullLen bool) (int32, drvInto) {
	var a drvAlloc
	defer a.done()
	p := a.kvs(keys, null)
	return drvIntoCall(capacity, nullLen, func(buf *C.uint8_t, c C.size_t, size *C.size_t) C.int32_t {
		return store_get_many_into(C.store_t(h), p, C.size_t(len(keys)), buf, c, size)
	})
}

// drvTTLMany reads the TTLs of keys, each passed as the mode km says (the
// later ones as plain copies); nullOut passes NULL for the output array.
func drvTTLMany(h uint64, keys [][]byte, km int, nullOut bool) (int32, []int64) {
	var a drvAlloc
	defer a.done()
	items := make([]drvKV, len(keys))
	for i, k := range keys {
		items[i] = drvKV{Key: k, KMode: drvPtr}
	}
	items[0].KMode = km
	p := a.kvs(items, false)
	if nullOut {
		return int32(store_ttl_many(C.store_t(h), p, C.size_t(len(keys)), nil)), nil
	}
	out := make([]C.int64_t, len(keys))
	st := store_ttl_many(C.store_t(h), p, C.size_t(len(keys)), &out[0])
	ttls := make([]int64, len(out))
	for i, v := range out {
		ttls[i] = int64(v)
	}
	return int32(st), ttls
}

// drvPrepared is one call with its C arguments made once, so a benchmark
// or an allocation count measures the export and nothing of the driver.
type drvPrepared struct {
	Run  func() int32
	Free func()
}

// drvPrepareGet prepares store_get_into (into) or store_get plus
// store_bytes_free of key on h.
func drvPrepareGet(h uint64, key []byte, into bool) drvPrepared {
	var a drvAlloc
	kk := a.bytes(key, drvPtr)
	const capacity = 4096
	buf := (*C.uint8_t)(C.malloc(capacity))
	a.ptrs = append(a.ptrs, unsafe.Pointer(buf))
	size := (*C.size_t)(C.malloc(C.size_t(unsafe.Sizeof(C.size_t(0)))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(size))
	out := (*C.store_bytes)(C.calloc(1, C.size_t(unsafe.Sizeof(C.store_bytes{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(out))
	run := func() int32 {
		return int32(store_get_into(C.store_t(h), kk.p, kk.n, buf, capacity, size))
	}
	if !into {
		run = func() int32 {
			st := int32(store_get(C.store_t(h), kk.p, kk.n, out))
			C.store_bytes_free(out)
			return st
		}
	}
	return drvPrepared{Run: run, Free: a.done}
}

// ---- Issue 14: query options, field updates, index listing ----------------

// drvWhere is one store_where; Str and StrMax go in with their modes.
type drvWhere struct {
	Path             *string
	Op               int32
	Min, Max         float64
	Str, StrMax      []byte
	StrMode, MaxMode int
}

// drvOpts is a store_query_opts; nil means a NULL pointer. WhereNull
// passes NULL for where with WhereLen conditions claimed.
type drvOpts struct {
	Flags     uint32
	Match     *string
	Where     []drvWhere
	WhereNull bool
}

func (a *drvAlloc) opts(o *drvOpts) *C.store_query_opts {
	if o == nil {
		return nil
	}
	p := (*C.store_query_opts)(C.calloc(1, C.size_t(unsafe.Sizeof(C.store_query_opts{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	p.flags = C.uint32_t(o.Flags)
	p.match = a.str(o.Match)
	p.where_len = C.size_t(len(o.Where))
	if o.WhereNull || len(o.Where) == 0 {
		return p
	}
	w := (*C.store_where)(C.calloc(C.size_t(len(o.Where)), C.size_t(unsafe.Sizeof(C.store_where{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(w))
	ws := unsafe.Slice(w, len(o.Where))
	for i, d := range o.Where {
		s, m := a.bytes(d.Str, d.StrMode), a.bytes(d.StrMax, d.MaxMode)
		ws[i] = C.store_where{path: a.str(d.Path), op: C.int32_t(d.Op), min: C.double(d.Min),
			max: C.double(d.Max), str: s.p, str_len: s.n, str_max: m.p, str_max_len: m.n}
	}
	p.where = w
	return p
}

// drvQueryEx runs one of the _ex queries: what is "scan", "intersects",
// "within", "nearby", "intersects_many", "within_many" or "nearby_many".
// For the scan, lo is the low bound (or prefix) and hi the high one, nil
// for NULL; the spatial ones take coordinates in los/his (his unused by
// nearby), n queries of dims.
func drvQueryEx(what string, h uint64, index *string, lo, hi []byte, flags int32, los, his []float64, dims int,
	n uint64, limit uint64, maxDist float64, o *drvOpts) (int32, drvBuf) {
	var a drvAlloc
	defer a.done()
	out := garbageBytes()
	ix, op, hd := a.str(index), a.opts(o), C.store_t(h)
	var st C.int32_t
	switch what {
	case "scan":
		var l, u drvIn
		if lo != nil {
			l = a.bytes(lo, drvPtr)
		}
		if hi != nil {
			u = a.bytes(hi, drvPtr)
		}
		st = store_scan_ex(hd, ix, l.p, l.n, u.p, u.n, C.int32_t(flags), C.size_t(limit), op, &out)
	case "intersects", "within":
		f := store_intersects_ex
		if what == "within" {
			f = store_within_ex
		}
		st = f(hd, ix, a.doubles(los, dims), a.doubles(his, dims), C.size_t(dims), C.size_t(limit), op, &out)
	case "nearby":
		st = store_nearby_ex(hd, ix, a.doubles(los, dims), C.size_t(dims), C.size_t(limit), C.double(maxDist), op, &out)
	case "intersects_many", "within_many":
		f := store_intersects_many_ex
		if what == "within_many" {
			f = store_within_many_ex
		}
		room := int(min(n, 64)) * dims
		st = f(hd, ix, a.flat(los, room), a.flat(his, room), C.size_t(dims), C.size_t(n), C.size_t(limit), op, &out)
	default:
		room := int(min(n, 64)) * dims
		st = store_nearby_many_ex(hd, ix, a.flat(los, room), C.size_t(dims), C.size_t(n), C.size_t(limit),
			C.double(maxDist), op, &out)
	}
	return int32(st), take(&out)
}

func drvSetField(h uint64, k []byte, km int, path *string, json []byte, jm int) int32 {
	var a drvAlloc
	defer a.done()
	kk, jj := a.bytes(k, km), a.bytes(json, jm)
	return int32(store_set_field(C.store_t(h), kk.p, kk.n, a.str(path), jj.p, jj.n))
}

// drvIncrField returns the status and the number written to out (NaN
// when out is NULL).
func drvIncrField(h uint64, k []byte, km int, path *string, delta float64, nullOut bool) (int32, float64) {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	if nullOut {
		return int32(store_incr_field(C.store_t(h), kk.p, kk.n, a.str(path), C.double(delta), nil)), math.NaN()
	}
	out := C.double(12345)
	st := store_incr_field(C.store_t(h), kk.p, kk.n, a.str(path), C.double(delta), &out)
	return int32(st), float64(out)
}

func drvDeleteField(h uint64, k []byte, km int, path *string) int32 {
	var a drvAlloc
	defer a.done()
	kk := a.bytes(k, km)
	return int32(store_delete_field(C.store_t(h), kk.p, kk.n, a.str(path)))
}

type drvUpdate struct {
	Key   []byte
	KMode int
	Path  *string
	Op    int32
	Val   []byte
	VMode int
	Delta float64
}

func drvUpdateFields(h uint64, ups []drvUpdate, null bool) int32 {
	var a drvAlloc
	defer a.done()
	if null {
		return int32(store_update_fields(C.store_t(h), nil, C.size_t(len(ups))))
	}
	p := (*C.store_field_update)(C.calloc(C.size_t(max(len(ups), 1)), C.size_t(unsafe.Sizeof(C.store_field_update{}))))
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	s := unsafe.Slice(p, max(len(ups), 1))
	for i, u := range ups {
		k, v := a.bytes(u.Key, u.KMode), a.bytes(u.Val, u.VMode)
		s[i] = C.store_field_update{key: k.p, key_len: k.n, path: a.str(u.Path), op: C.int32_t(u.Op), val: v.p,
			val_len: v.n, delta: C.double(u.Delta)}
	}
	return int32(store_update_fields(C.store_t(h), p, C.size_t(len(ups))))
}

func drvIndexes(h uint64, nullOut bool) (int32, drvBuf) {
	if nullOut {
		return int32(store_indexes(C.store_t(h), nil)), drvBuf{ZeroOnNoValue: true}
	}
	out := garbageBytes()
	st := store_indexes(C.store_t(h), &out)
	return int32(st), take(&out)
}

// drvFenceBox runs store_create_fence_box; nil lo or hi is NULL.
func drvFenceBox(h uint64, name, index, pattern *string, lo, hi []float64, dims int) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_create_fence_box(C.store_t(h), a.str(name), a.str(index), a.str(pattern),
		a.doubles(lo, dims), a.doubles(hi, dims), C.size_t(dims)))
}

// drvFenceRadius runs store_create_fence_radius; nil center is NULL.
func drvFenceRadius(h uint64, name, index, pattern *string, center []float64, dims int, radius float64) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_create_fence_radius(C.store_t(h), a.str(name), a.str(index), a.str(pattern),
		a.doubles(center, dims), C.size_t(dims), C.double(radius)))
}

func drvFenceRoam(h uint64, name, index, pattern *string, key []byte, km int, radius float64) int32 {
	var a drvAlloc
	defer a.done()
	k := a.bytes(key, km)
	return int32(store_create_fence_roam(C.store_t(h), a.str(name), a.str(index), a.str(pattern), k.p, k.n,
		C.double(radius)))
}

func drvDropFence(h uint64, name *string) int32 {
	var a drvAlloc
	defer a.done()
	return int32(store_drop_fence(C.store_t(h), a.str(name)))
}

func drvPollEvents(h uint64, limit uint64, nullOut bool) (int32, drvBuf) {
	if nullOut {
		return int32(store_poll_events(C.store_t(h), C.size_t(limit), nil)), drvBuf{ZeroOnNoValue: true}
	}
	b := garbageBytes()
	st := store_poll_events(C.store_t(h), C.size_t(limit), &b)
	return int32(st), take(&b)
}

func drvSetEventCapacity(h uint64, n uint64) int32 {
	return int32(store_set_event_capacity(C.store_t(h), C.size_t(n)))
}
