package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/tidwall/buntdb"
)

// A commit reaches the file as one write() of its records, in no set order
// and with nothing that marks where the commit starts or ends. A process
// killed during that write can leave the first pages of it on disk: whole
// records of a transaction that was never acknowledged, then a torn one.
// Dropping only the torn record, as BuntDB does, would bring that
// transaction back in part. So before each commit the store notes in its
// lock file where the commit's bytes start in the data file and how many
// there are; at open, a file that ends inside the noted commit (torn, in
// zeros, or cleanly between two of its records, as a power cut can leave
// it) loses the whole commit. A note that does not describe the last write
// (an older one) ends before the file does and is ignored, so it can never
// drop acknowledged data.

const noteMagic = "STORETX1"

// commitNote says that the commit being written occupies the data file
// (identified by its inode) from start for size bytes.
type commitNote struct {
	ino, start, size uint64
}

func (n commitNote) encode() []byte {
	b := append([]byte(noteMagic), make([]byte, 24)...)
	binary.LittleEndian.PutUint64(b[8:], n.ino)
	binary.LittleEndian.PutUint64(b[16:], n.start)
	binary.LittleEndian.PutUint64(b[24:], n.size)
	return b
}

// readNote reads the note a previous process left in the lock file.
func readNote(lock *os.File) (commitNote, bool) {
	b := make([]byte, 32)
	if n, _ := lock.ReadAt(b, 0); n < len(b) || string(b[:8]) != noteMagic {
		return commitNote{}, false
	}
	return commitNote{
		ino:   binary.LittleEndian.Uint64(b[8:]),
		start: binary.LittleEndian.Uint64(b[16:]),
		size:  binary.LittleEndian.Uint64(b[24:]),
	}, true
}

// covers reports whether the note describes a commit that does not reach
// past good, the end of the last whole record: cut short by a kill, or by a
// power cut anywhere in it (at a record boundary, or into zeros).
//
// The note is about the current data file: whatever replaces or shortens
// that file clears it first (a shrink's confirmation, a failed commit's
// rollback, the repair at open), so a stale note cannot cut acknowledged
// commits. The inode it holds is not compared: after a restore from a
// crash image (as the power-cut test makes) it differs, and the clearing
// already does that job.
func (n commitNote) covers(good int64) bool {
	return n.start <= uint64(good) && uint64(good) < n.start+n.size
}

// noteCommit writes the note for a commit of size bytes about to be
// appended. The caller holds BuntDB's write lock, so nothing else appends
// meanwhile and the file's size is where the commit will start. Under
// SyncAlways the note is synced first: after a machine crash it must not be
// older than the data.
func (db *DB) noteCommit(size int64) error {
	ino, start, err := fileIdentity(db.path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	note := commitNote{ino: ino, start: uint64(start), size: uint64(size)}
	if _, err := db.lock.WriteAt(note.encode(), 0); err != nil {
		return fmt.Errorf("%w: noting the commit in %s: %v", ErrIO, db.lock.Name(), err)
	}
	if db.syncAlways {
		if err := db.lock.Sync(); err != nil {
			return fmt.Errorf("%w: %v", ErrIO, err)
		}
	}
	return nil
}

// clearNote removes the note, holding BuntDB's write lock.
func (db *DB) clearNote() error {
	if _, err := db.lock.WriteAt(make([]byte, len(noteMagic)+24), 0); err != nil {
		return fmt.Errorf("%w: clearing the commit note in %s: %v", ErrIO, db.lock.Name(), err)
	}
	if err := db.lock.Sync(); err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	return nil
}

func fileIdentity(path string) (ino uint64, size int64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, errors.New("no inode number")
	}
	return st.Ino, fi.Size(), nil
}

// The sizes of the records BuntDB writes (RESP arrays of bulk strings), so a
// transaction knows how many bytes its commit will append.

func bulkSize(n int) int64 { return int64(1+len(strconv.Itoa(n))+2) + int64(n) + 2 }

func setRecordSize(key, value string, ttl time.Duration) int64 {
	n := bulkSize(3) + bulkSize(len(key)) + bulkSize(len(value)) // "set" is 3 bytes
	if ttl <= 0 {
		return int64(len("*3\r\n")) + n
	}
	// BuntDB writes the absolute expiry in Unix seconds ("ae"), taken from
	// the time of its Set a moment ago: the same number of digits.
	exat := strconv.FormatUint(uint64(time.Now().Add(ttl).Unix()), 10)
	return int64(len("*5\r\n")) + n + bulkSize(2) + bulkSize(len(exat))
}

func delRecordSize(key string) int64 {
	return int64(len("*2\r\n")) + bulkSize(3) + bulkSize(len(key))
}

// sweep deletes expired items through the store's own transactions, so
// their records are noted like any other commit. BuntDB calls it once a
// second with the keys that expired (Config.OnExpired) instead of deleting
// them itself.
func (db *DB) sweep(keys []string) {
	_ = db.update(func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.engine.TTL(k); errors.Is(err, buntdb.ErrNotFound) {
				_ = tx.Delete(k) // an expired key reads as not found; it is deleted all the same
			}
		}
		return nil
	})
}
