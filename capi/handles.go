package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY
#include "store.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"

	"spatialstore/store"
)

// Handles are numbers, never pointers: C never holds a Go pointer, and a
// stale handle is caught by the lookup instead of crashing. Numbers count up
// from 1 and are never reused.
var handles = struct {
	sync.RWMutex
	next    uint64
	entries map[uint64]any // *dbEntry or *txEntry
}{entries: map[uint64]any{}}

type dbEntry struct {
	db *store.DB

	// Transactions open on this database, by the OS thread that began
	// them. A database-level call from such a thread would wait on the
	// lock that thread's own transaction holds, forever. Go has no notion
	// of the calling C thread, so this check lives here, not in store.
	open    atomic.Int32
	mu      sync.Mutex
	holders map[int]int
}

type txEntry struct {
	mu     sync.Mutex // serialises calls on the transaction: a store.Tx is for one goroutine at a time
	tx     *store.Tx
	db     *dbEntry
	thread int
}

func register(e any) C.store_t {
	handles.Lock()
	defer handles.Unlock()
	handles.next++
	handles.entries[handles.next] = e
	return C.store_t(handles.next)
}

func unregister(h C.store_t) {
	handles.Lock()
	delete(handles.entries, uint64(h))
	handles.Unlock()
}

func lookup(h C.store_t) any {
	handles.RLock()
	e := handles.entries[uint64(h)]
	handles.RUnlock()
	return e
}

func badHandle(h C.store_t, want string) error {
	if h == 0 {
		return fmt.Errorf("%w: 0 is never a %s handle", errBadHandle, want)
	}
	return fmt.Errorf("%w: %d is not an open %s handle", errBadHandle, uint64(h), want)
}

// database finds a database handle for a database-level call and refuses
// the call if this thread holds a transaction on it.
func database(h C.store_t) (*dbEntry, error) {
	e, ok := lookup(h).(*dbEntry)
	if !ok {
		return nil, badHandle(h, "database")
	}
	if err := e.checkDeadlock(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *dbEntry) checkDeadlock() error {
	if e.open.Load() == 0 {
		return nil // the common case costs no system call
	}
	tid := syscall.Gettid()
	e.mu.Lock()
	n := e.holders[tid]
	e.mu.Unlock()
	if n > 0 {
		return fmt.Errorf("%w: this thread holds an open transaction on the database: use the transaction handle, or end it first", errWouldDeadlock)
	}
	return nil
}

func (e *dbEntry) hold(tid, delta int) {
	e.mu.Lock()
	if e.holders == nil {
		e.holders = map[int]int{}
	}
	e.holders[tid] += delta
	if e.holders[tid] == 0 {
		delete(e.holders, tid)
	}
	e.mu.Unlock()
	e.open.Add(int32(delta))
}

// withTarget runs fn on the database or transaction h names: a database
// call runs in a transaction of its own, a transaction call joins it.
func withTarget(h C.store_t, fn func(rw store.ReadWriter) error) error {
	switch e := lookup(h).(type) {
	case *dbEntry:
		if err := e.checkDeadlock(); err != nil {
			return err
		}
		return fn(e.db)
	case *txEntry:
		e.mu.Lock()
		defer e.mu.Unlock()
		return fn(e.tx)
	}
	return badHandle(h, "database or transaction")
}
