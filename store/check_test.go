package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestCheckFile: the walk counts whole records, names the last commit,
// finds a torn end and the offset of a damaged record, refuses a held file,
// and never changes the file.
func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	data, ops := hfBuild(t, path)
	r, err := CheckFile(path)
	mustOK(t, err)
	if r.Size != int64(len(data)) || r.Good != r.Size || r.Torn || !r.Expiring || r.Records != int64(len(ops)) {
		t.Fatalf("report %+v; want %d records in %d bytes, one expiring", r, len(ops), len(data))
	}
	if prev := ops[len(ops)-2].end; r.LastRecord != prev {
		t.Fatalf("last record at %d, want %d", r.LastRecord, prev)
	}

	// Every length: whole records counted, a torn end reported; the file
	// is never changed.
	cut := filepath.Join(dir, "cut.db")
	for n := int64(0); n <= int64(len(data)); n++ {
		hfReset(t, cut, data[:n])
		_, good := hfModel(ops, n)
		r, err := CheckFile(cut)
		mustOK(t, err)
		records, last := int64(0), int64(0)
		for i, op := range ops {
			if op.end <= n {
				records++
				if i > 0 {
					last = ops[i-1].end
				}
			}
		}
		if r.Good != good || r.Torn != (n > good) || r.Records != records || r.Size != n || r.LastRecord != last {
			t.Fatalf("cut at %d: %+v, want good %d, %d records", n, r, good, records)
		}
		if after, _ := os.ReadFile(cut); !bytes.Equal(after, data[:n]) {
			t.Fatalf("cut at %d: the check changed the file", n)
		}
	}

	// Records of items whose time has passed are counted as expired.
	exp := filepath.Join(dir, "exp.db")
	db, err := Open(exp, nil)
	mustOK(t, err)
	mustOK(t, db.Set("a", "1", time.Second))
	mustOK(t, db.Set("b", "2", time.Hour))
	mustOK(t, db.Set("c", "3", 0))
	mustOK(t, db.Close())
	r, err = CheckFile(exp)
	mustOK(t, err)
	if r.Expired > 1 || r.Records != 3 { // "a" may be, on a slow machine
		t.Fatalf("before the expiry: %+v", r)
	}
	time.Sleep(2100 * time.Millisecond) // BuntDB writes the expiry in whole seconds
	r, err = CheckFile(exp)
	mustOK(t, err)
	if r.Expired != 1 || r.Records != 3 {
		t.Fatalf("after the expiry: %+v", r)
	}

	// A damaged byte in a header: ErrCorrupt naming its record's offset.
	bad := append([]byte(nil), data...)
	bad[ops[2].end] = '#'
	hfReset(t, cut, bad)
	_, err = CheckFile(cut)
	if !errors.Is(err, ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte("byte offset "+strconv.FormatInt(ops[2].end, 10))) {
		t.Fatalf("damaged: %v", err)
	}

	// A file an open store holds is refused; so are a missing file and a
	// folder.
	db, err = Open(path, nil)
	mustOK(t, err)
	_, err = CheckFile(path)
	wantErr(t, err, ErrBusy)
	mustOK(t, db.Close())
	_, err = CheckFile(filepath.Join(dir, "missing.db"))
	wantErr(t, err, ErrIO)
	_, err = CheckFile(dir)
	wantErr(t, err, ErrInvalidArgument)
}
