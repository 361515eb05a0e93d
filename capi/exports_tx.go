package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"fmt"
	"syscall"
)

//export store_begin
func store_begin(h C.store_t, writable C.int, out *C.store_t) (st C.int32_t) {
	defer guard(&st)
	if out == nil {
		return fail(invalid("tx is NULL"))
	}
	*out = 0
	e, err := database(h)
	if err != nil {
		return fail(err)
	}
	tx, err := e.db.Begin(writable != 0)
	if err != nil {
		return fail(err)
	}
	tid := syscall.Gettid()
	e.hold(tid, 1)
	*out = register(&txEntry{tx: tx, db: e, thread: tid})
	return C.STORE_OK
}

//export store_commit
func store_commit(h C.store_t) (st C.int32_t) {
	defer guard(&st)
	return fail(endTx(h, true))
}

//export store_rollback
func store_rollback(h C.store_t) (st C.int32_t) {
	defer guard(&st)
	return fail(endTx(h, false))
}

// endTx commits or rolls back, and releases the handle either way.
func endTx(h C.store_t, commit bool) error {
	e, ok := lookup(h).(*txEntry)
	if !ok {
		return badHandle(h, "transaction")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if commit {
		err = e.tx.Commit()
	} else {
		err = e.tx.Rollback()
	}
	if statusOf(err) == C.STORE_ERR_TX_CLOSED {
		// Another thread ended it between our lookup and our lock.
		return fmt.Errorf("%w: %v", errBadHandle, err)
	}
	unregister(h)
	e.db.hold(e.thread, -1)
	return err
}
