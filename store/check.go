package store

import (
	"fmt"
	"os"
)

// FileReport is what CheckFile found in a data file.
type FileReport struct {
	Size    int64 // bytes in the file
	Records int64 // whole records (writes and deletes): the file's history, not its live items
	Good    int64 // where the last whole record ends
	// Torn: the file ends inside a record that starts at Good, a write cut
	// short by a crash, which the next Open drops (with the rest of its
	// commit, see journal.go).
	Torn bool
	// Expiring: some record sets an item with an expiry.
	Expiring bool
	// Expired: records that set an item whose expiry has passed. Open does
	// not load them; they stay in the file until a shrink.
	Expired int64
	// LastRecord is where the last whole record starts: the last write
	// committed (0 in a file without records).
	LastRecord int64
}

// CheckFile walks the data file at path record by record, as Open does
// before it loads one, without loading or changing it. It holds the file's
// lock for the walk, so a file an open store holds (in this process or
// another) is refused with ErrBusy. A file that is not a valid store gives
// ErrCorrupt naming the byte offset of its first bad record.
func CheckFile(path string) (FileReport, error) {
	var r FileReport
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return r, fmt.Errorf("%w: %v", ErrIO, err)
	case !fi.Mode().IsRegular():
		return r, invalidf("%s is not a regular file (%s)", path, fi.Mode().Type())
	}
	lock, err := lockFile(path)
	if err != nil {
		return r, err
	}
	defer unlockFile(lock)
	fc, err := checkFile(path)
	if err != nil {
		return r, err
	}
	return FileReport{Size: fc.size, Records: fc.records, Good: fc.good, Torn: fc.torn, Expiring: fc.expiry, Expired: fc.expired, LastRecord: fc.last}, nil
}
