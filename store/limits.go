package store

import "fmt"

// Limits bound what one call may ask of the store, so that a mistaken or
// hostile size (a value of several GiB, a batch of billions, a query whose
// result holds the whole store) fails with ErrLimit instead of an
// allocation that the Go runtime cannot survive: in a library loaded into
// another program, running out of memory ends the host process.
type Limits struct {
	// MaxKeySize and MaxValueSize are the largest key and value, in
	// bytes, that a write takes.
	MaxKeySize, MaxValueSize int
	// MaxResultSize is the largest result buffer, in bytes, that one call
	// of the C API builds (a query, a batch query, store_get_many). The Go
	// API hands results to a callback and builds no buffer.
	MaxResultSize int64
	// MaxBatchItems is the most items, keys or queries one batch call
	// takes (SetMany, GetMany, DeleteMany, IntersectsMany, WithinMany,
	// NearbyMany).
	MaxBatchItems int
}

// The default limits: far above what a sane call needs, far below what
// would exhaust a machine's memory.
const (
	DefaultMaxKeySize    = 64 << 10 // 64 KiB
	DefaultMaxValueSize  = 64 << 20 // 64 MiB
	DefaultMaxResultSize = 1 << 30  // 1 GiB
	DefaultMaxBatchItems = 1 << 24  // 16,777,216
)

// DefaultLimits are the limits of a store whose options leave them 0.
func DefaultLimits() Limits {
	return Limits{MaxKeySize: DefaultMaxKeySize, MaxValueSize: DefaultMaxValueSize,
		MaxResultSize: DefaultMaxResultSize, MaxBatchItems: DefaultMaxBatchItems}
}

// Limits are the store's limits (the options', zeros replaced by the
// defaults).
func (db *DB) Limits() Limits { return db.limits }

func (o Options) limits() Limits {
	l := DefaultLimits()
	if o.MaxKeySize > 0 {
		l.MaxKeySize = o.MaxKeySize
	}
	if o.MaxValueSize > 0 {
		l.MaxValueSize = o.MaxValueSize
	}
	if o.MaxResultSize > 0 {
		l.MaxResultSize = o.MaxResultSize
	}
	if o.MaxBatchItems > 0 {
		l.MaxBatchItems = o.MaxBatchItems
	}
	return l
}

// CheckKey refuses a key of keyLen bytes over the limit. It takes the
// length alone so a caller can check before it copies anything.
func (l Limits) CheckKey(keyLen uint64) error {
	if keyLen > uint64(l.MaxKeySize) {
		return fmt.Errorf("%w: a key of %d bytes, over the largest key (%d bytes)", ErrLimit, keyLen, l.MaxKeySize)
	}
	return nil
}

// CheckItem refuses a key or a value over the limits.
func (l Limits) CheckItem(keyLen, valueLen uint64) error {
	if err := l.CheckKey(keyLen); err != nil {
		return err
	}
	if valueLen > uint64(l.MaxValueSize) {
		return fmt.Errorf("%w: a value of %d bytes, over the largest value (%d bytes)", ErrLimit, valueLen, l.MaxValueSize)
	}
	return nil
}

// CheckBatch refuses a batch of more than MaxBatchItems items.
func (l Limits) CheckBatch(n uint64) error {
	if n > uint64(l.MaxBatchItems) {
		return fmt.Errorf("%w: a batch of %d, over the most items a batch takes (%d)", ErrLimit, n, l.MaxBatchItems)
	}
	return nil
}

// CheckResult refuses a result buffer of size bytes over the limit.
func (l Limits) CheckResult(size uint64) error {
	if size > uint64(l.MaxResultSize) {
		return fmt.Errorf("%w: the result would pass %d bytes, the largest result buffer", ErrLimit, l.MaxResultSize)
	}
	return nil
}
