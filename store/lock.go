package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on path+".lock". BuntDB
// corrupts a file that two writers append to, and the lock cannot be taken on
// the data file itself because Shrink replaces it by rename. flock locks
// belong to the open file description, so a second Open in the same process
// is refused just as one in another process is.
func lockFile(path string) (*os.File, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIO, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is open in another store (in this or another process)", ErrBusy, path)
		}
		return nil, fmt.Errorf("%w: lock %s: %v", ErrIO, name, err)
	}
	return f, nil
}

// unlockFile releases the lock; closing the descriptor drops it.
func unlockFile(f *os.File) {
	if f != nil {
		_ = f.Close()
	}
}
