package store

// Corrupt, truncated and hostile data files: Open either recovers what is
// intact (a torn last record) or refuses with ErrCorrupt naming the byte
// offset of the first bad record, leaves the file as it was and releases
// its lock.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hfOp is one write of a file the tests build, and the file size after it.
type hfOp struct {
	key, val string // val "" with del
	del      bool
	end      int64
}

// hfBuild writes a small store file one commit at a time and returns its
// bytes and the ops with the offset where each one's record ends.
func hfBuild(t *testing.T, path string) ([]byte, []hfOp) {
	t.Helper()
	db, err := Open(path, &Options{SyncPolicy: SyncNever, AutoShrinkDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	var ops []hfOp
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	for i := 0; i < 12; i++ {
		k, v := fmt.Sprintf("key:%02d", i), fmt.Sprintf("value %d with\r\nCRLF and \x00 NUL", i)
		var err error
		if i == 5 {
			err = db.Set(k, v, time.Hour) // a "set k v ae <unix>" record
		} else {
			err = db.Set(k, v, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, hfOp{key: k, val: v, end: size()})
		if i%4 == 3 {
			dk := fmt.Sprintf("key:%02d", i-1)
			if err := db.Delete(dk); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, hfOp{key: dk, del: true, end: size()})
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, ops
}

// hfModel is what a store holds after the ops whose records end by n.
func hfModel(ops []hfOp, n int64) (map[string]string, int64) {
	m := map[string]string{}
	good := int64(0)
	for _, op := range ops {
		if op.end > n {
			break
		}
		good = op.end
		if op.del {
			delete(m, op.key)
		} else {
			m[op.key] = op.val
		}
	}
	return m, good
}

func hfContent(t *testing.T, db *DB) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := db.Scan("", Range{}, func(k, v string) bool { m[k] = v; return true }); err != nil {
		t.Fatal(err)
	}
	return m
}

func hfSame(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func hfReset(t *testing.T, path string, data []byte) {
	t.Helper()
	_ = os.Remove(path + ".idx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

var hfOffsetRE = regexp.MustCompile(`byte offset (\d+)`)

// hfRefused checks a refusal: ErrCorrupt naming wantOffset (-1: any), the
// file unchanged, and the lock released (a second open is refused the same
// way, not with ErrBusy). It returns the offset named.
func hfRefused(t *testing.T, path string, err error, before []byte, wantOffset int64) int64 {
	t.Helper()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open: %v, want ErrCorrupt", err)
	}
	m := hfOffsetRE.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("the error names no byte offset: %v", err)
	}
	off, _ := strconv.ParseInt(m[1], 10, 64)
	if wantOffset >= 0 && off != wantOffset {
		t.Fatalf("the error names offset %d, want %d: %v", off, wantOffset, err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("the error does not name the file: %v", err)
	}
	after, rerr := os.ReadFile(path)
	if rerr != nil || !bytes.Equal(before, after) {
		t.Fatalf("a refused open changed the file (%d bytes before, %d after, %v)", len(before), len(after), rerr)
	}
	if _, err2 := Open(path, nil); !errors.Is(err2, ErrCorrupt) {
		t.Fatalf("second open: %v, want ErrCorrupt again (lock not released?)", err2)
	}
	return off
}

// TestFilesTruncatedAnywhere cuts a file at every length: Open keeps every
// whole record before the cut, drops the torn one, and the store goes on.
func TestFilesTruncatedAnywhere(t *testing.T) {
	dir := t.TempDir()
	data, ops := hfBuild(t, filepath.Join(dir, "src.db"))
	path := filepath.Join(dir, "cut.db")
	for n := int64(0); n <= int64(len(data)); n++ {
		hfReset(t, path, data[:n])
		db, err := Open(path, nil)
		if err != nil {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
		want, good := hfModel(ops, n)
		if got := hfContent(t, db); !hfSame(got, want) {
			t.Fatalf("cut at %d: loaded %d items, want %d", n, len(got), len(want))
		}
		if fi, _ := os.Stat(path); fi.Size() != good {
			t.Fatalf("cut at %d: file is %d bytes after open, want the %d of whole records", n, fi.Size(), good)
		}
		if n == int64(len(data))-3 { // a torn last record, then more writes
			mustOK(t, db.Set("after", "torn", 0))
		}
		mustOK(t, db.Close())
		if n == int64(len(data))-3 {
			db, err := Open(path, nil)
			if err != nil {
				t.Fatalf("reopen after writing past a torn record: %v", err)
			}
			want["after"] = "torn"
			if got := hfContent(t, db); !hfSame(got, want) {
				t.Fatalf("after a write past the torn record: %v", got)
			}
			mustOK(t, db.Close())
		}
	}
}

// hfLayout finds, in a valid file, where each record starts and which
// bytes are key or value payload (a change there cannot be detected: the
// format has no checksums).
func hfLayout(data []byte) (starts []int64, payload []bool) {
	payload = make([]bool, len(data))
	pos := 0
	line := func() int {
		end := bytes.Index(data[pos:], []byte("\r\n"))
		n, _ := strconv.Atoi(string(data[pos+1 : pos+end]))
		pos += end + 2
		return n
	}
	for pos < len(data) {
		starts = append(starts, int64(pos))
		parts := line()
		for i := 0; i < parts; i++ {
			n := line()
			if i == 1 || i == 2 {
				for j := pos; j < pos+n; j++ {
					payload[j] = true
				}
			}
			pos += n + 2
		}
	}
	return starts, payload
}

// TestFilesDamagedByteAnywhere overwrites each byte of a valid file in turn.
// Damage to the structure is refused naming the record it is in; damage
// to key or value bytes loads (nothing in the format can tell).
func TestFilesDamagedByteAnywhere(t *testing.T) {
	dir := t.TempDir()
	data, _ := hfBuild(t, filepath.Join(dir, "src.db"))
	starts, payload := hfLayout(data)
	path := filepath.Join(dir, "bad.db")
	refused := 0
	for i := range data {
		if data[i] == '#' {
			continue
		}
		bad := bytes.Clone(data)
		bad[i] = '#'
		hfReset(t, path, bad)
		db, err := Open(path, nil)
		if err == nil {
			mustOK(t, db.Close())
			if !payload[i] {
				t.Fatalf("byte %d (%q, not payload) damaged and the file loaded", i, data[i])
			}
			continue
		}
		refused++
		rec := int64(0)
		for _, s := range starts {
			if s <= int64(i) {
				rec = s
			}
		}
		hfRefused(t, path, err, bad, rec)
		// Repaired, it opens at once: the lock was released.
		hfReset(t, path, data)
		db, err = Open(path, nil)
		if err != nil {
			t.Fatalf("repaired file: %v", err)
		}
		mustOK(t, db.Close())
	}
	t.Logf("%d of %d single-byte damages refused with their record's offset; the rest hit key/value bytes", refused, len(data))
}

const hfRec = "*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n" // 27 bytes

// TestFilesHostileContent: files that are not ours, or are damaged in ways
// BuntDB's loader mishandles (panics, huge allocations, misplaced appends).
func TestFilesHostileContent(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
	cases := []struct {
		name, content string
		offset        int64 // -1: opens; else the offset the refusal names
		want          map[string]string
	}{
		{"png", png, 0, nil},
		{"json", `{"version":1,"items":[1,2,3]}`, 0, nil},
		{"markdown", "* a list\n* of items\n", 0, nil},
		{"garbage appended", hfRec + "hello world\n", 27, nil},
		{"garbage prepended", "xx" + hfRec, 0, nil},
		{"empty command *0", "*0\r\n" + hfRec, 0, nil},
		{"command shorter than 3 bytes", hfRec + "*1\r\n$1\r\ns\r\n", 27, nil},
		{"empty command name", "*1\r\n$0\r\n\r\n", 0, nil},
		{"unknown command", hfRec + "*2\r\n$4\r\nsetx\r\n$1\r\na\r\n", 27, nil},
		{"set with bad expiry", "*5\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nae\r\n$3\r\nabc\r\n", 0, nil},
		{"del with 3 parts", "*3\r\n$3\r\ndel\r\n$1\r\na\r\n$1\r\nb\r\n", 0, nil},
		{"NULs between records", hfRec + "\x00\x00\x00" + hfRec, 27, nil},
		{"NULs before the first record", "\x00" + hfRec, 0, nil},
		{"length of 20 digits", "*3\r\n$3\r\nset\r\n$99999999999999999999\r\n", 0, nil},
		{"damaged length in the middle", hfRec + "*3\r\n$3\r\nset\r\n$1\r\nb\r\n$9999\r\n2\r\n" + hfRec + hfRec, 27, nil},
		// Opens: what BuntDB itself can leave behind.
		{"empty file", "", -1, map[string]string{}},
		{"only NULs", strings.Repeat("\x00", 4096), -1, map[string]string{}},
		{"records then NULs", hfRec + strings.Repeat("\x00", 100), -1, map[string]string{"a": "1"}},
		{"torn record claiming a petabyte", hfRec + "*3\r\n$3\r\nset\r\n$999999999999999\r\nabc", -1, map[string]string{"a": "1"}},
		{"torn header", hfRec + "*3\r\n$", -1, map[string]string{"a": "1"}},
		{"records, NULs, torn record", hfRec + "\x00\x00*3\r\n$3\r\nse", -1, map[string]string{"a": "1"}},
		{"flushdb", hfRec + "*1\r\n$7\r\nflushdb\r\n", -1, map[string]string{}},
		// What a power cut leaves: a last write whose size reached the disk
		// and whose bytes did not, anywhere inside a record.
		{"record then zeros in a header", hfRec + "*3\r\n$3\r\nse" + strings.Repeat("\x00", 30), -1, map[string]string{"a": "1"}},
		{"record then zeros in a length", hfRec + "*3\r\n$" + strings.Repeat("\x00", 30), -1, map[string]string{"a": "1"}},
		{"record then zeros in a value", hfRec + "*3\r\n$3\r\nset\r\n$1\r\nb\r\n$5\r\n1" + strings.Repeat("\x00", 6), -1, map[string]string{"a": "1"}},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("f%d.db", i))
			hfReset(t, path, []byte(c.content))
			db, err := Open(path, nil)
			if c.offset >= 0 {
				if err == nil {
					_ = db.Close()
					t.Fatal("opened")
				}
				hfRefused(t, path, err, []byte(c.content), c.offset)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := hfContent(t, db); !hfSame(got, c.want) {
				t.Fatalf("loaded %q, want %q", got, c.want)
			}
			// Appends after the load land where they belong.
			mustOK(t, db.Set("z", "26", 0))
			mustOK(t, db.Close())
			db, err = Open(path, nil)
			if err != nil {
				t.Fatalf("reopen after a write: %v", err)
			}
			c.want["z"] = "26"
			if got := hfContent(t, db); !hfSame(got, c.want) {
				t.Fatalf("after reopen %q, want %q", got, c.want)
			}
			mustOK(t, db.Close())
		})
	}
}

// TestFilesSpatialValueWithNUL: gjson skips a leading NUL, and the R-tree
// took such a value for an encoded query: a panic inside BuntDB's Set.
func TestFilesSpatialValueWithNUL(t *testing.T) {
	db, err := Open(MemoryPath, nil)
	mustOK(t, err)
	defer func() { _ = db.Close() }()
	mustSet(t, db, "pre", "\x00{\"pos\":[1,2]}")
	if err := db.CreateSpatialIndex("sp", "*", "pos"); !errors.Is(err, ErrInvalidGeometry) {
		t.Fatalf("index over a NUL-led value: %v", err)
	}
	mustOK(t, db.Delete("pre"))
	mustOK(t, db.CreateSpatialIndex("sp", "*", "pos"))
	if err := db.Set("k", "\x00{\"pos\":[1,2]}", 0); !errors.Is(err, ErrInvalidGeometry) {
		t.Fatalf("set: %v", err)
	}
	if n, _ := db.Len(); n != 0 {
		t.Fatalf("a refused write left %d items", n)
	}
}

// TestFilesIndexFileGarbage: a damaged path.idx is refused naming it, and
// the data file (here with a torn tail BuntDB would cut) is not touched.
func TestFilesIndexFileGarbage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	content := []byte(hfRec + "*3\r\n$3\r\nset")
	for _, idx := range []string{"\x89PNG garbage", "null", `{"version":2,"indexes":[]}`,
		`{"version":1,"indexes":[{"name":"","pattern":"*","kind":0}]}`, `{"version":1,"indexes":[{"name":"a","pattern":"*","kind":77}]}`} {
		mustOK(t, os.WriteFile(path, content, 0o644))
		mustOK(t, os.WriteFile(path+".idx", []byte(idx), 0o644))
		_, err := Open(path, nil)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path+".idx") {
			t.Fatalf("idx %q: %v, want ErrCorrupt naming %s.idx", idx, err, path)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, content) {
			t.Fatalf("idx %q: the data file was changed", idx)
		}
	}
	mustOK(t, os.Remove(path+".idx"))
	db, err := Open(path, nil)
	mustOK(t, err)
	mustOK(t, db.Close())
}

// TestFilesNotAFile: directories, devices, FIFOs and paths that cannot be.
func TestFilesNotAFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("directory: %v", err)
	}
	zero := filepath.Join(dir, "zero")
	mustOK(t, os.Symlink("/dev/zero", zero))
	done := make(chan error, 1)
	go func() { _, err := Open(zero, nil); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("/dev/zero: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("open of a symlink to /dev/zero hangs (reads NULs forever)")
	}
	fifo := filepath.Join(dir, "fifo")
	mustOK(t, syscall.Mkfifo(fifo, 0o644))
	if _, err := Open(fifo, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("fifo: %v", err)
	}
	regular := filepath.Join(dir, "regular")
	mustOK(t, os.WriteFile(regular, nil, 0o644))
	if _, err := Open(filepath.Join(regular, "child"), nil); !errors.Is(err, ErrIO) {
		t.Fatalf("path under a regular file: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing", "x.db"), nil); !errors.Is(err, ErrIO) {
		t.Fatalf("path in a missing directory: %v", err)
	}
}

func TestFilesUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop root (TestFilesNotAFile covers paths that cannot be opened)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	mustOK(t, os.WriteFile(path, []byte(hfRec), 0o000))
	if _, err := Open(path, nil); !errors.Is(err, ErrIO) {
		t.Fatalf("unreadable file: %v", err)
	}
}

// TestFilesDiskFull runs its body in a child process inside a private mount
// namespace on a 256 KiB tmpfs, where writes fail with ENOSPC.
func TestFilesDiskFull(t *testing.T) {
	if dir := os.Getenv("STORE_TEST_DISKFULL_DIR"); dir != "" {
		hfDiskFullChild(t, dir)
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare(1): cannot make a small file system to fill")
	}
	dir := t.TempDir()
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=256k none "$0" || exit 77; exec "$1" -test.run='^TestFilesDiskFull$' -test.v`, dir, os.Args[0])
	cmd.Env = append(os.Environ(), "STORE_TEST_DISKFULL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 77 || err != nil && strings.Contains(string(out), "unshare failed") {
		t.Skipf("cannot mount a tmpfs in a private namespace (needs CAP_SYS_ADMIN): %s", out)
	}
	if err != nil {
		t.Fatalf("disk-full child: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "diskfull:") {
			t.Log(strings.TrimSpace(l))
		}
	}
}

func hfDiskFullChild(t *testing.T, dir string) {
	path := filepath.Join(dir, "full.db")
	db, err := Open(path, &Options{SyncPolicy: SyncAlways, AutoShrinkDisabled: true})
	mustOK(t, err)
	want := map[string]string{}
	val := strings.Repeat("v", 8000)
	var failed error
	for i := 0; i < 1000 && failed == nil; i++ {
		k := fmt.Sprintf("k%04d", i)
		if failed = db.Set(k, val, 0); failed == nil {
			want[k] = val
		}
	}
	if !errors.Is(failed, ErrIO) {
		t.Fatalf("writing until the disk is full: %v, want ErrIO", failed)
	}
	// The failed write changed nothing and the store still serves.
	if got := hfContent(t, db); !hfSame(got, want) {
		t.Fatalf("after ENOSPC: %d items, want %d", len(got), len(want))
	}
	if err := db.SetMany([]Item{{Key: "m1", Value: val}, {Key: "m2", Value: val}}); !errors.Is(err, ErrIO) {
		t.Fatalf("batch on a full disk: %v", err)
	}
	if err := db.CreateIndex("byval", "*", IndexString, ""); err != nil && !errors.Is(err, ErrIO) {
		t.Fatalf("index on a full disk: %v", err)
	}
	// Space comes back: deleting is a write too, so free it by hand.
	mustOK(t, db.Close())
	fi, _ := os.Stat(path)
	db, err = Open(path, nil)
	mustOK(t, err)
	if got := hfContent(t, db); !hfSame(got, want) {
		t.Fatalf("reopened after ENOSPC: %d items, want %d", len(got), len(want))
	}
	mustOK(t, db.Close())
	fmt.Printf("diskfull: %d writes acknowledged before ENOSPC (file %d bytes on a 256 KiB tmpfs), all reloaded; the failed write left nothing\n", len(want), fi.Size())
}

// TestFilesLoadHostileSnapshot: BuntDB's Load panicked on a command name
// shorter than three bytes (found by FuzzCAPI through store_load).
func TestFilesLoadHostileSnapshot(t *testing.T) {
	db, err := Open(MemoryPath, nil)
	mustOK(t, err)
	defer func() { _ = db.Close() }()
	mustSet(t, db, "keep", "1")
	for _, snap := range []string{"*1\r\n$1\r\ns\r\n", hfRec + "*1\r\n$0\r\n\r\n", hfRec + "*3\r\n$3\r\nset\r\n$999999999999999\r\nab"} {
		if err := db.Load(strings.NewReader(snap)); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Load %q: %v, want ErrCorrupt", snap, err)
		}
		path := filepath.Join(t.TempDir(), "snap")
		mustOK(t, os.WriteFile(path, []byte(snap), 0o644))
		if err := db.LoadFile(path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "byte offset") {
			t.Fatalf("LoadFile %q: %v, want ErrCorrupt naming an offset", snap, err)
		}
	}
	if got := hfContent(t, db); len(got) != 1 || got["keep"] != "1" {
		t.Fatalf("a refused load changed the store: %q", got)
	}
}
