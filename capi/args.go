package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"math"
	"time"
	"unsafe"
)

// borrow views C bytes as a Go string without copying. Only for calls that
// keep nothing of it past their return (lookups, bounds).
func borrow(p *C.uint8_t, n C.size_t, what string) (string, error) {
	if p == nil {
		if n != 0 {
			return "", invalid("%s is NULL with length %d", what, uint64(n))
		}
		return "", nil
	}
	if uint64(n) > math.MaxInt32*2 {
		return "", invalid("%s length %d is too large", what, uint64(n))
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), int(n)), nil
}

// copyIn copies C bytes into a Go string the store may keep.
func copyIn(p *C.uint8_t, n C.size_t, what string) (string, error) {
	s, err := borrow(p, n, what)
	if err != nil || s == "" {
		return "", err
	}
	return string(unsafe.Slice(unsafe.StringData(s), len(s))), nil
}

// copyPair copies a key and its value into one Go allocation and returns
// them as two strings. The store keeps both for as long as the item lives,
// and a spatial query copies both out for each hit: side by side they cost
// one allocation and one cache miss instead of two.
func copyPair(k *C.uint8_t, kl C.size_t, v *C.uint8_t, vl C.size_t) (key, value string, err error) {
	kb, err := borrow(k, kl, "key")
	if err != nil {
		return "", "", err
	}
	vb, err := borrow(v, vl, "value")
	if err != nil {
		return "", "", err
	}
	both := make([]byte, len(kb)+len(vb))
	copy(both, kb)
	copy(both[len(kb):], vb)
	s := unsafe.String(unsafe.SliceData(both), len(both))
	return s[:len(kb)], s[len(kb):], nil
}

// cstring copies a NUL-terminated string; NULL is refused.
func cstring(p *C.char, what string) (string, error) {
	if p == nil {
		return "", invalid("%s is NULL", what)
	}
	return C.GoString(p), nil
}

// optString is cstring where NULL means "".
func optString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// coords copies dims doubles from C: coordsMany for one row.
func coords(p *C.double, dims C.size_t, what string) ([]float64, error) {
	if p == nil {
		return nil, invalid("%s is NULL", what)
	}
	return coordsMany(p, dims, 1, what)
}

// count converts a C size (limit, k) to an int.
func count(n C.size_t) int {
	if uint64(n) > math.MaxInt32 {
		return math.MaxInt32 // more than any result can hold anyway
	}
	return int(n)
}

// ttlArg converts milliseconds to a duration; <= 0 means no expiry.
func ttlArg(ms C.int64_t) int64 {
	if ms <= 0 {
		return 0
	}
	if int64(ms) > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64
	}
	return int64(ms) * int64(time.Millisecond)
}
