package store

import (
	"errors"
	"fmt"

	"github.com/tidwall/buntdb"
)

// Errors returned by the package. Each failure wraps exactly one of them, so
// callers test with errors.Is and read the details from the message.
var (
	// ErrNotFound: the key does not exist or has expired.
	ErrNotFound = errors.New("not found")
	// ErrInvalidArgument: a malformed argument (bad option, empty name,
	// bad range); nothing was changed.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrInvalidGeometry: geometry that cannot be read, or that is malformed
	// (NaN, min > max, wrong number of dimensions). It wraps
	// ErrInvalidArgument.
	ErrInvalidGeometry = fmt.Errorf("%w: invalid geometry", ErrInvalidArgument)
	// ErrClosed: the database has been closed.
	ErrClosed = errors.New("database closed")
	// ErrTxClosed: the transaction has already been committed or rolled back.
	ErrTxClosed = errors.New("transaction closed")
	// ErrTxReadOnly: a write through a read-only transaction.
	ErrTxReadOnly = errors.New("transaction is read-only")
	// ErrIndexExists: an index of that name exists with another definition.
	ErrIndexExists = errors.New("index exists")
	// ErrNoIndex: no index of that name, or an index of the wrong kind for
	// the query (a box query on an ordered index, a scan on a spatial one).
	ErrNoIndex = errors.New("no such index")
	// ErrIO: the operating system refused a read, write, sync or rename.
	ErrIO = errors.New("i/o error")
	// ErrCorrupt: a data file, index file or snapshot is not in the expected
	// format.
	ErrCorrupt = errors.New("corrupt data")
	// ErrBusy: the file is held by another open store, or a transaction
	// is still open at Close.
	ErrBusy = errors.New("busy")
	// ErrLimit: a key, value, batch or result over the store's Limits;
	// nothing was changed.
	ErrLimit = errors.New("over a limit")
)

// wrapEngine maps BuntDB's errors onto the package's. BuntDB's own values
// never escape, so callers need to know only one set.
func wrapEngine(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, buntdb.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, buntdb.ErrDatabaseClosed):
		return ErrClosed
	case errors.Is(err, buntdb.ErrTxClosed):
		return ErrTxClosed
	case errors.Is(err, buntdb.ErrTxNotWritable):
		return ErrTxReadOnly
	case errors.Is(err, buntdb.ErrIndexExists):
		return ErrIndexExists
	case errors.Is(err, buntdb.ErrInvalid):
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	case errors.Is(err, buntdb.ErrShrinkInProcess):
		return fmt.Errorf("%w: a shrink is already running", ErrBusy)
	case errors.Is(err, buntdb.ErrTxIterating):
		return fmt.Errorf("%w: cannot write while iterating", ErrInvalidArgument)
	case isKnown(err):
		return err
	}
	// Whatever else BuntDB returns comes from the file system.
	return fmt.Errorf("%w: %v", ErrIO, err)
}

func isKnown(err error) bool {
	for _, e := range []error{ErrNotFound, ErrInvalidArgument, ErrClosed, ErrTxClosed,
		ErrTxReadOnly, ErrIndexExists, ErrNoIndex, ErrIO, ErrCorrupt, ErrBusy, ErrLimit} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidArgument}, args...)...)
}

func geometryf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidGeometry}, args...)...)
}

// prefixErr adds where a batch failed, keeping what it wraps.
func prefixErr(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}
