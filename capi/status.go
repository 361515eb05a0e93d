package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
void store_capi_set_error(const char *text, size_t len);
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/debug"
	"unsafe"

	"spatialstore/store"
)

// Errors that exist only at the C boundary.
var (
	errBadHandle     = errors.New("bad handle")
	errWouldDeadlock = errors.New("would deadlock")
	errTooSmall      = errors.New("buffer too small")
)

// statusOf maps an error from package store onto the C status codes.
func statusOf(err error) C.int32_t {
	switch {
	case err == nil:
		return C.STORE_OK
	case errors.Is(err, store.ErrNotFound):
		return C.STORE_NOT_FOUND
	case errors.Is(err, store.ErrInvalidArgument):
		return C.STORE_ERR_INVALID_ARG
	case errors.Is(err, errBadHandle):
		return C.STORE_ERR_BAD_HANDLE
	case errors.Is(err, store.ErrClosed):
		return C.STORE_ERR_CLOSED
	case errors.Is(err, store.ErrTxReadOnly):
		return C.STORE_ERR_TX_READ_ONLY
	case errors.Is(err, store.ErrTxClosed):
		return C.STORE_ERR_TX_CLOSED
	case errors.Is(err, store.ErrIndexExists):
		return C.STORE_ERR_INDEX_EXISTS
	case errors.Is(err, store.ErrNoIndex):
		return C.STORE_ERR_NO_INDEX
	case errors.Is(err, errWouldDeadlock):
		return C.STORE_ERR_WOULD_DEADLOCK
	case errors.Is(err, store.ErrIO):
		return C.STORE_ERR_IO
	case errors.Is(err, store.ErrCorrupt):
		return C.STORE_ERR_CORRUPT
	case errors.Is(err, store.ErrBusy):
		return C.STORE_ERR_BUSY
	case errors.Is(err, store.ErrLimit):
		return C.STORE_ERR_LIMIT
	case errors.Is(err, errTooSmall):
		return C.STORE_ERR_BUFFER_TOO_SMALL
	}
	return C.STORE_ERR_INTERNAL
}

// fail records err as the calling thread's last error and returns its
// status. A miss (STORE_NOT_FOUND) is not a failure and leaves the message.
func fail(err error) C.int32_t {
	st := statusOf(err)
	if st < 0 {
		setError(err.Error())
	}
	return st
}

func setError(msg string) {
	if msg == "" {
		msg = "unknown error"
	}
	C.store_capi_set_error((*C.char)(unsafe.Pointer(unsafe.StringData(msg))), C.size_t(len(msg)))
}

// guard turns a panic into STORE_ERR_INTERNAL: deferred first in every
// export, so no panic crosses into C.
func guard(st *C.int32_t) {
	if r := recover(); r != nil {
		setError(fmt.Sprintf("internal error (a bug in libstore): %v\n%s", r, debug.Stack()))
		*st = C.STORE_ERR_INTERNAL
	}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalidArgument}, args...)...)
}
