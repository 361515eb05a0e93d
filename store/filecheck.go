package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// BuntDB's loader reports a malformed file as ErrInvalid with no position,
// panics on some malformed records (a command name shorter than three
// bytes), tries to allocate whatever length a damaged header claims, and
// skips NUL bytes and empty "*0" records without counting them, so that
// its later appends land inside the last records and corrupt the file. Open
// therefore walks the file first, record by record as BuntDB reads it but
// more strictly (only what BuntDB itself writes is accepted), and refuses a
// bad file naming the byte offset of the first bad record, before BuntDB
// reads or changes any of it.

// fileCheck is what checkFile found.
type fileCheck struct {
	size int64 // bytes in the file
	good int64 // end of the last whole record (before any NUL run that follows it)
	torn bool  // the file ends inside a record that starts at or after good
	// marked: a record starts at the offset checkFileMark was asked about.
	marked bool
	// expiry: some whole record sets an item with an expiry.
	expiry bool
	// records: whole records before good; last: where the last one starts;
	// expired: those that set an item whose absolute expiry has passed.
	records, last, expired int64
}

// tornTailScanMax bounds how much of a torn tail checkFile reads into memory
// to tell a torn last write from a damaged length field in the middle.
const tornTailScanMax = 64 << 20

// checkFile validates the data file at path. A missing file is empty. The
// error wraps ErrCorrupt (naming the byte offset) or ErrIO.
func checkFile(path string) (fileCheck, error) { return checkFileMark(path, -1) }

// checkFileMark is checkFile that also notes whether a record starts at
// mark (fileCheck.marked).
func checkFileMark(path string, mark int64) (fileCheck, error) {
	var fc fileCheck
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return fc, nil
	}
	if err != nil {
		return fc, fmt.Errorf("%w: open %s: %v", ErrIO, path, err)
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return fc, fmt.Errorf("%w: stat %s: %v", ErrIO, path, err)
	}
	fc.size = fi.Size()
	w := recordWalker{r: bufio.NewReaderSize(f, 64<<10), now: time.Now().Unix()}
	nulRun := int64(-1) // where a run of NUL bytes after the last record began
	for {
		c, err := w.r.ReadByte()
		if err == io.EOF {
			return fc, nil
		}
		if err != nil {
			return fc, fmt.Errorf("%w: read %s: %v", ErrIO, path, err)
		}
		if c == 0 {
			if nulRun < 0 {
				nulRun = w.pos
			}
			w.pos++
			continue
		}
		_ = w.r.UnreadByte()
		start := w.pos
		fc.marked = fc.marked || start == mark
		switch st, why := w.record(); st {
		case recordOK:
			if nulRun >= 0 {
				return fc, corruptAt(path, nulRun, fmt.Sprintf("%d NUL bytes before the record at offset %d", start-nulRun, start))
			}
			fc.good = w.pos
			fc.records++
			fc.last = start
			if w.expired {
				fc.expired++
			}
			fc.expiry = fc.expiry || w.expiry
		case recordTorn:
			// A write cut short: BuntDB drops it. Unless a whole record
			// follows inside what would be dropped: then a length in the
			// middle was damaged, and dropping the rest would lose data.
			if at, found, err := resyncPoint(f, start, fc.size); err != nil {
				return fc, fmt.Errorf("%w: read %s: %v", ErrIO, path, err)
			} else if found {
				return fc, corruptAt(path, start, fmt.Sprintf("the record claims more bytes than remain, yet whole records follow at offset %d", at))
			}
			fc.torn = true
			return fc, nil
		case recordBad:
			if errors.Is(why, errReadFailed) {
				return fc, fmt.Errorf("%w: read %s: %v", ErrIO, path, why)
			}
			// A last write whose size reached the disk but whose bytes
			// did not (a power cut) ends in zeros: torn, not corrupt.
			if zeros, err := zeroTail(f, w.pos-1, fc.size); err != nil {
				return fc, fmt.Errorf("%w: read %s: %v", ErrIO, path, err)
			} else if zeros {
				fc.torn = true
				return fc, nil
			}
			return fc, corruptAt(path, start, why.Error())
		}
	}
}

func corruptAt(path string, offset int64, why string) error {
	return fmt.Errorf("%w: %s is not a valid store file: bad record at byte offset %d: %s", ErrCorrupt, path, offset, why)
}

var errReadFailed = errors.New("read failed")

type recordStatus int

const (
	recordOK recordStatus = iota
	recordTorn
	recordBad
)

type recordWalker struct {
	r      *bufio.Reader
	pos    int64
	expiry bool // a set with an expiry was read
	// now (Unix seconds): a record that sets an item to expire ("ae")
	// before it is expired; 0: not checked.
	now     int64
	expired bool // the last record read is expired
}

// record reads one RESP array of bulk strings: *N\r\n then N times
// $len\r\n<len bytes>\r\n, and checks it is a command BuntDB writes: set
// key value [ae|ex secs], del key, or flushdb.
func (w *recordWalker) record() (recordStatus, error) {
	w.expired = false
	n, st, why := w.header('*')
	if st != recordOK {
		return st, why
	}
	if n < 1 || n > 5 {
		return recordBad, fmt.Errorf("a command of %d parts", n)
	}
	var cmd string
	var exArg [2]string
	for i := int64(0); i < n; i++ {
		size, st, why := w.header('$')
		if st != recordOK {
			return st, why
		}
		keep := i == 0 || i >= 3 // the command and the expiry; keys and values are skipped
		if keep && size > 32 {
			return recordBad, fmt.Errorf("part %d is %d bytes, too long for a command or an expiry", i, size)
		}
		var data []byte
		if keep {
			data = make([]byte, size)
			if st, why := w.read(data); st != recordOK {
				return st, why
			}
		} else if st, why := w.skip(size); st != recordOK {
			return st, why
		}
		if st, why := w.crlf(); st != recordOK {
			return st, why
		}
		switch {
		case i == 0:
			cmd = strings.ToLower(string(data))
			want := map[string]string{"set": "3 or 5", "del": "2", "flushdb": "1"}[cmd]
			if want == "" {
				return recordBad, fmt.Errorf("unknown command %q", truncate(string(data)))
			}
			if !strings.Contains(want, strconv.FormatInt(n, 10)) {
				return recordBad, fmt.Errorf("%s with %d parts, want %s", cmd, n, want)
			}
		case i >= 3:
			exArg[i-3] = string(data)
		}
	}
	if cmd == "set" && n == 5 {
		if a := strings.ToLower(exArg[0]); a != "ex" && a != "ae" {
			return recordBad, fmt.Errorf("set with option %q, want ex or ae", truncate(exArg[0]))
		}
		at, err := strconv.ParseInt(exArg[1], 10, 64)
		if err != nil {
			return recordBad, fmt.Errorf("set with expiry %q, want an integer", truncate(exArg[1]))
		}
		w.expiry = true
		w.expired = w.now > 0 && strings.EqualFold(exArg[0], "ae") && at <= w.now
	}
	return recordOK, nil
}

// header reads "<prefix><digits>\r\n". The end of the file anywhere in it
// is a torn record, as long as what is there could begin a valid header.
func (w *recordWalker) header(prefix byte) (int64, recordStatus, error) {
	c, st, why := w.byte()
	if st != recordOK {
		return 0, st, why
	}
	if c != prefix {
		return 0, recordBad, fmt.Errorf("byte %q at offset %d, want %q", c, w.pos-1, prefix)
	}
	var n int64
	digits := 0
	for {
		c, st, why := w.byte()
		if st != recordOK {
			return 0, st, why
		}
		if c >= '0' && c <= '9' {
			if digits++; digits > 15 {
				return 0, recordBad, fmt.Errorf("a length of more than 15 digits at offset %d", w.pos-1)
			}
			n = n*10 + int64(c-'0')
			continue
		}
		if c != '\r' || digits == 0 {
			return 0, recordBad, fmt.Errorf("byte %q at offset %d in a %q header", c, w.pos-1, prefix)
		}
		break
	}
	c, st, why = w.byte()
	if st != recordOK {
		return 0, st, why
	}
	if c != '\n' {
		return 0, recordBad, fmt.Errorf("byte %q at offset %d, want \\n", c, w.pos-1)
	}
	return n, recordOK, nil
}

func (w *recordWalker) crlf() (recordStatus, error) {
	for _, want := range []byte{'\r', '\n'} {
		c, st, why := w.byte()
		if st != recordOK {
			return st, why
		}
		if c != want {
			return recordBad, fmt.Errorf("byte %q at offset %d after a bulk string, want %q", c, w.pos-1, want)
		}
	}
	return recordOK, nil
}

func (w *recordWalker) byte() (byte, recordStatus, error) {
	c, err := w.r.ReadByte()
	if err == io.EOF {
		return 0, recordTorn, nil
	}
	if err != nil {
		return 0, recordBad, fmt.Errorf("%w: %v", errReadFailed, err)
	}
	w.pos++
	return c, recordOK, nil
}

func (w *recordWalker) read(p []byte) (recordStatus, error) {
	n, err := io.ReadFull(w.r, p)
	w.pos += int64(n)
	return eofStatus(err)
}

func (w *recordWalker) skip(n int64) (recordStatus, error) {
	for n > 0 {
		step := int(min(n, 1<<30))
		d, err := w.r.Discard(step)
		w.pos += int64(d)
		n -= int64(d)
		if err != nil {
			return eofStatus(err)
		}
	}
	return recordOK, nil
}

func eofStatus(err error) (recordStatus, error) {
	switch {
	case err == nil:
		return recordOK, nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return recordTorn, nil
	}
	return recordBad, fmt.Errorf("%w: %v", errReadFailed, err)
}

// resyncPoint looks in the torn tail that starts at start for a place, after
// the first byte, where the records BuntDB writes begin and run whole to the
// end of the file (NUL padding aside). A torn last write ends mid-record, so
// finding one means a damaged length field, not a torn write.
func resyncPoint(f *os.File, start, size int64) (int64, bool, error) {
	if size-start > tornTailScanMax {
		return 0, false, nil // too much to look through: treat it as torn, as BuntDB does
	}
	tail := make([]byte, size-start)
	if _, err := f.ReadAt(tail, start); err != nil && err != io.EOF {
		return 0, false, err
	}
	starts := [][]byte{[]byte("*3\r\n$3\r\nset\r\n"), []byte("*5\r\n$3\r\nset\r\n"),
		[]byte("*2\r\n$3\r\ndel\r\n"), []byte("*1\r\n$7\r\nflushdb\r\n")}
	for i := 1; i < len(tail); i++ {
		j := bytes.IndexByte(tail[i:], '*')
		if j < 0 {
			break
		}
		i += j
		rest := tail[i:]
		known := false
		for _, s := range starts {
			known = known || bytes.HasPrefix(rest, s)
		}
		if known && wholeRecords(rest) {
			return start + int64(i), true, nil
		}
	}
	return 0, false, nil
}

// zeroTail reports whether the file holds only NUL bytes from from to its
// end (size), looking at no more than tornTailScanMax bytes.
func zeroTail(f *os.File, from, size int64) (bool, error) {
	if from < 0 || from >= size || size-from > tornTailScanMax {
		return false, nil
	}
	tail := make([]byte, size-from)
	if _, err := f.ReadAt(tail, from); err != nil && err != io.EOF {
		return false, err
	}
	return bytes.Count(tail, []byte{0}) == len(tail), nil
}

// wholeRecords reports whether b is one or more whole records, optionally
// followed by NUL bytes, and nothing else.
func wholeRecords(b []byte) bool {
	w := recordWalker{r: bufio.NewReader(bytes.NewReader(b))}
	records := 0
	for {
		c, err := w.r.ReadByte()
		if err != nil {
			return records > 0
		}
		if c == 0 {
			// only NULs may follow
			rest, _ := io.ReadAll(w.r)
			return records > 0 && bytes.Count(rest, []byte{0}) == len(rest)
		}
		_ = w.r.UnreadByte()
		if st, _ := w.record(); st != recordOK {
			return false
		}
		records++
	}
}
