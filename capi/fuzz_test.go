//go:build capifuzz

package main

// FuzzCAPI decodes its input as a sequence of C API calls over a small
// pool of handles (the live database, its open transaction, 0, a closed
// database, finished transactions, numbers that were never handles) and
// hostile arguments, and checks after every call: the status is a contract
// code and never STORE_ERR_INTERNAL; a failure has a message and a success
// or miss leaves none; outputs are zeroed on failure; a failed call changes
// nothing (a Go model of the store is compared with it); result buffers
// decode and are freed; store_outstanding_buffers returns to its start.
//
//	go test -tags capifuzz -run '^$' -fuzz FuzzCAPI -fuzztime 30s ./capi

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"spatialstore/store"
)

const (
	sOK         = 0
	sNotFound   = 1
	sInvalid    = -1
	sBadHandle  = -2
	sClosed     = -3
	sReadOnly   = -4
	sTxClosed   = -5
	sExists     = -6
	sNoIndex    = -7
	sDeadlock   = -8
	sIO         = -9
	sCorrupt    = -10
	sBusy       = -11
	sInternal   = -12
	sLimit      = -13
	sTooSmall   = -14
	sLowest     = sTooSmall // the most negative status the contract has
	randomHBase = 1 << 40   // never a real handle: numbers count up from 1
)

// fzIn reads the fuzz input; past its end it gives zeros.
type fzIn struct{ b []byte }

func (r *fzIn) empty() bool { return len(r.b) == 0 }
func (r *fzIn) u8() int {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return int(c)
}
func (r *fzIn) u64() uint64 {
	var v uint64
	for i := 0; i < 8; i++ {
		v = v<<8 | uint64(r.u8())
	}
	return v
}
func (r *fzIn) raw(max int) []byte {
	n := r.u8() % (max + 1)
	n = min(n, len(r.b))
	out := bytes.Clone(r.b[:n])
	r.b = r.b[n:]
	return out
}

type fzIdx struct {
	spatial bool
	pattern string
	kind    int32
	path    string
}

// fzVal is a value and whether the JSON spatial index ("pos") can read it:
// 1 yes, 0 no, -1 unknown (raw bytes: gjson decides).
type fzVal struct {
	b    []byte
	json int
}

type fuzzer struct {
	t     *testing.T
	in    fzIn
	dir   string
	file  string // "" in memory
	db    uint64
	model map[string]string
	ttls  map[string]bool
	idx   map[string]fzIdx
	txIdx map[string]fzIdx // the index definitions the open transaction sees
	tx    uint64
	txW   bool
	txM   map[string]string
	txT   map[string]bool
	stale []uint64 // closed databases and finished transactions
	snap  map[string]string
	snapT map[string]bool // which snapshot items carry a TTL (Load keeps it)
	calls int
	// fences is the model of the geofences (fuzz_fence_test.go).
	fences fzFences
}

var fzDirOnce sync.Once
var fzDir string

// TestMain gives -fuzzminimizetime a default of 5s instead of 60s. The fuzzer
// minimizes every new interesting input by re-running it with bytes cut out,
// O(n²) runs for n bytes, until that time is up; an input here is a long
// call sequence in which almost every cut changes what follows, so that
// search rarely gets far, and for its whole length the worker reports no
// executions: both workers minimizing made "execs: N (0/sec)" for up to a
// minute at a time. An explicit -fuzzminimizetime still wins.
// TestGuardTurnsAPanicIntoInternal: a panic inside an export reaches the
// caller as STORE_ERR_INTERNAL with a message, never as a crash.
func TestGuardTurnsAPanicIntoInternal(t *testing.T) {
	runtime.LockOSThread() // the message is per OS thread
	defer runtime.UnlockOSThread()
	drvClearError()
	if st := drvPanic(); st != sInternal {
		t.Fatalf("status %s, want STORE_ERR_INTERNAL", drvStatusName(st))
	}
	if msg := drvLastError(); !strings.Contains(msg, "internal error") || !strings.Contains(msg, "a bug in an export") {
		t.Fatalf("message %q, want the panic and its stack", msg)
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set {
		if err := flag.Set("test.fuzzminimizetime", "5s"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

func FuzzCAPI(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 3, 1, 2, 'a', 'b', 0, 1, 3, 0},
		{1, 6, 0, 1, 0, 0, 3, 1, 2, 'x', 0, 1, 0, 7, 0},
		{1, 10, 0, 2, 1, 0, 0, 8, 2, 200, 130, 140, 150, 160, 0, 13, 0, 2, 0, 2, 200, 0, 0, 0, 0, 255, 255, 255, 255, 0},
		// The spatial index "sp", p0 at (2, 1) and p1 at (5, 6), then
		// intersects_many (3 boxes, one empty in the middle), within_many,
		// nearby_many and pairs (max 5, then 100 with "p*").
		{0, 11, 0, 0,
			0, 0, 8, 2, 0, 0, 136, 136, 132, 132, 2, 0,
			0, 0, 9, 2, 0, 0, 148, 148, 152, 152, 2, 0,
			232, 0, 0, 0, 3, 5, 0, 108, 168, 108, 168, 208, 208, 208, 208, 128, 136, 128, 136,
			233, 0, 0, 0, 2, 5, 0, 108, 168, 108, 168, 128, 128, 128, 128,
			234, 0, 0, 0, 2, 5, 0, 0, 148, 152, 128, 128,
			235, 0, 0, 3, 0, 1,
			235, 0, 0, 4, 1, 1},
		// Issue 14's calls after two writes under "spj" (j0 at (2, 1), j1
		// at (5, 6)): a filtered intersects, a keys-only nearby batch,
		// set/incr/delete field, update_fields, indexes, a prefix scan, a
		// count-only scan; then an index made in a transaction, listed
		// there, rolled back, listed again.
		{0, 11, 0, 2,
			0, 0, 10, 2, 2, 0, 136, 136, 132, 132, 7, 1, 2, 0,
			0, 0, 11, 2, 2, 0, 148, 148, 152, 152, 9, 1, 2, 0,
			248, 0, 1, 1, 0, 2, 1, 0, 1, 0, 10, 1, 0, 0, 1, 0, 128, 168, 128, 168,
			248, 0, 6, 1, 2, 4, 0, 2, 0, 1, 0, 2, 128, 128, 128, 128, 148, 148, 152, 152,
			251, 0, 10, 2, 1, 0, 0, 0, 1,
			252, 0, 10, 2, 0, 1, 0, 0, 1,
			251, 0, 10, 2, 1, 2, 0, 0, 1,
			253, 0, 2, 1, 10, 2, 0, 1, 0, 0, 11, 2, 1, 0, 0, 0,
			254, 0, 1,
			255, 0, 3, 1,
			248, 0, 0, 1, 3, 0, 2, 0, 0, 0, 0, 1, 0, 1,
			8, 0, 1, 1,
			10, 5, 0, 1, 2, 0,
			254, 5, 1,
			9, 5, 1,
			254, 0, 1},
		// "sp" with p0 at (2, 1); a box fence f1 over (0, 0)-(4.5, 4.5) and a
		// roaming fence f2 within 10 of p0; p1 comes to (5, 6), p0 goes to
		// (20, 20); poll all, drop f1, capacity 3, poll one.
		{0, 11, 0, 0,
			0, 0, 8, 2, 0, 0, 136, 136, 132, 132, 2, 0,
			247, 0, 0, 0, 0, 0, 0, 128, 146, 128, 146, 0, 0, 1,
			247, 1, 0, 1, 0, 0, 0, 128, 128, 128, 128, 3, 2, 8, 2,
			0, 0, 9, 2, 0, 0, 148, 148, 152, 152, 2, 0,
			0, 0, 8, 2, 0, 0, 208, 208, 208, 208, 2, 0,
			247, 4, 0, 0, 1,
			247, 2, 0, 0,
			247, 3, 0, 3,
			247, 5, 0, 3, 1},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		runtime.LockOSThread() // the deadlock detector and the last error are per OS thread
		defer runtime.UnlockOSThread()
		fzDirOnce.Do(func() {
			d, err := os.MkdirTemp("", "capifuzz")
			if err != nil {
				panic(err)
			}
			fzDir = d
			_ = os.WriteFile(filepath.Join(d, "short-command"), []byte("*1\r\n$1\r\ns\r\n"), 0o644)
			_ = os.WriteFile(filepath.Join(d, "huge-length"), []byte("*3\r\n$3\r\nset\r\n$999999999999999\r\nab"), 0o644)
			_ = os.WriteFile(filepath.Join(d, "png"), []byte("\x89PNG\r\n\x1a\n"), 0o644)
		})
		// Nothing may hang: a stuck input crashes the worker with every
		// goroutine's stack, and the fuzzer keeps the input.
		hang := time.AfterFunc(30*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("FuzzCAPI: an input hangs:\n" + string(buf[:runtime.Stack(buf, true)]))
		})
		defer hang.Stop()
		z := &fuzzer{t: t, in: fzIn{data}, dir: fzDir}
		// Each input starts from the same state, whatever the inputs before
		// it did or how they failed, so that it runs (and covers) the same
		// code alone, in any order, and when the fuzzer runs it again to
		// minimize it: no handle left open (recorded by the fuzzer or not: a
		// failure can stop it between a call and its bookkeeping), handle
		// numbers from the same start (they appear in messages), and nothing
		// in the folder but the fixtures.
		fzStartInput()
		t.Cleanup(func() {
			drvReleaseAll()
			fzEndInput(t)
			fzCleanDir()
		})
		start := drvOutstanding()
		if drvABI() != drvWantABI() {
			t.Fatalf("abi %d, header %d", drvABI(), drvWantABI())
		}
		z.openMain(z.in.u8()%2 == 1)
		for !z.in.empty() && z.calls < 400 {
			z.step()
		}
		z.finish()
		if n := drvOutstanding(); n != start {
			t.Fatalf("outstanding buffers %d at the end, %d at the start", n, start)
		}
	})
}

var fzFixtures = map[string]bool{"short-command": true, "huge-length": true, "png": true}

// fzStartInput numbers this input's handles from 1 again. No handle of an
// earlier input is used again (the fuzzer's stale handles are its own), and
// fzEndInput left the registry empty.
func fzStartInput() {
	handles.Lock()
	handles.next = 0
	handles.Unlock()
}

// fzEndInput runs after drvReleaseAll: a handle still registered is one the
// library would not release. It fails this input, the one that made it,
// and is dropped so that the next input starts clean anyway.
func fzEndInput(t *testing.T) {
	handles.Lock()
	left := len(handles.entries)
	clear(handles.entries)
	handles.Unlock()
	if left != 0 {
		t.Errorf("%d handles still registered after rolling back and closing every handle the input opened", left)
	}
}

// fzCleanDir removes what the input wrote to the shared folder: store
// files, their .idx and .lock files, snapshots, temporary files.
func fzCleanDir() {
	entries, _ := os.ReadDir(fzDir)
	for _, e := range entries {
		if !fzFixtures[e.Name()] {
			_ = os.RemoveAll(filepath.Join(fzDir, e.Name()))
		}
	}
}

// call runs one export with the error cleared first and checks the status
// and message invariants. allowed lists the statuses the call may return.
func (z *fuzzer) call(what string, fn func() int32, allowed ...int32) int32 {
	z.t.Helper()
	z.calls++
	drvClearError()
	st := fn()
	msg := drvLastError()
	if st == sInternal {
		z.t.Fatalf("%s: STORE_ERR_INTERNAL (a bug): %s", what, msg)
	}
	if st > sNotFound || st < sLowest || drvStatusName(st) == "STORE_UNKNOWN_STATUS" {
		z.t.Fatalf("%s: status %d is not a contract code", what, st)
	}
	if st < 0 && msg == "" {
		z.t.Fatalf("%s: %s with no message", what, drvStatusName(st))
	}
	if st >= 0 && msg != "" {
		z.t.Fatalf("%s: %s set a message: %q", what, drvStatusName(st), msg)
	}
	if len(allowed) > 0 && !has(allowed, st) {
		names := []string{}
		for _, a := range allowed {
			names = append(names, drvStatusName(a))
		}
		z.t.Fatalf("%s: %s (%s), want one of %v", what, drvStatusName(st), msg, names)
	}
	return st
}

func has(list []int32, st int32) bool {
	for _, a := range list {
		if a == st {
			return true
		}
	}
	return false
}

func (z *fuzzer) openMain(file bool) {
	z.file = ""
	path := store.MemoryPath
	if file {
		z.file = filepath.Join(z.dir, "main.db")
		for _, suffix := range []string{"", ".idx"} {
			_ = os.Remove(z.file + suffix)
		}
		path = z.file
	}
	var h uint64
	z.call("open main", func() int32 {
		st, out := drvOpen(&path, &drvOptions{Sync: 0, ShrinkPct: 100, ShrinkDisabled: 1}, false)
		h = out
		return st
	}, sOK)
	z.db = h
	z.model, z.ttls, z.idx = map[string]string{}, map[string]bool{}, map[string]fzIdx{}
	z.fences.reset()
	// A closed database and a finished transaction for the stale pool.
	var c uint64
	mem := store.MemoryPath
	z.call("open scratch", func() int32 { st, out := drvOpen(&mem, nil, false); c = out; return st }, sOK)
	var tx uint64
	z.call("begin scratch", func() int32 { st, out := drvBegin(c, 1, false); tx = out; return st }, sOK)
	z.call("close with a tx open", func() int32 { return drvClose(c) }, sBusy)
	z.call("commit scratch", func() int32 { return drvCommit(tx) }, sOK)
	z.call("close scratch", func() int32 { return drvClose(c) }, sOK)
	z.stale = append(z.stale[:0], c, tx)
}

func (z *fuzzer) finish() {
	if z.tx != 0 {
		z.call("final rollback", func() int32 { return drvRollback(z.tx) }, sOK)
		z.tx = 0
	}
	z.verifyAll("final")
	z.call("final close", func() int32 { return drvClose(z.db) }, sOK)
	z.call("close twice", func() int32 { return drvClose(z.db) }, sBadHandle)
}

// Handles. kind: 0 the database, 1 the transaction, 2 bad.
func (z *fuzzer) handle() (uint64, int) {
	switch c := z.in.u8() % 10; {
	case c < 5:
		return z.db, 0
	case c < 8:
		if z.tx != 0 {
			return z.tx, 1
		}
		return z.stale[len(z.stale)-1], 2
	case c == 8:
		return 0, 2
	default:
		if z.in.u8()%2 == 0 {
			return randomHBase + z.in.u64()%(1<<40), 2
		}
		return z.stale[z.in.u8()%len(z.stale)], 2
	}
}

// handleErrs are the statuses the handle alone may cause; nil if it is fine.
func (z *fuzzer) handleErrs(kind int, dbOnly, write bool) []int32 {
	switch {
	case kind == 2, kind == 1 && dbOnly:
		return []int32{sBadHandle}
	case kind == 0 && z.tx != 0:
		return []int32{sDeadlock}
	case kind == 1 && write && !z.txW:
		return []int32{sReadOnly}
	}
	return nil
}

// idxView is the index definitions the handle kind sees: a write
// transaction's own (it may create and drop indexes), else the committed.
func (z *fuzzer) idxView(kind int) map[string]fzIdx {
	if kind == 1 && z.txW {
		return z.txIdx
	}
	return z.idx
}

// view is the content the handle kind sees.
func (z *fuzzer) view(kind int) (map[string]string, map[string]bool) {
	if kind == 1 && z.txW {
		return z.txM, z.txT
	}
	return z.model, z.ttls
}

func (z *fuzzer) key() ([]byte, int) {
	var k []byte
	switch c := z.in.u8() % 16; {
	case c < 8:
		k = []byte(fmt.Sprintf("k%d", c))
	case c < 10:
		k = []byte(fmt.Sprintf("p%d", c-8))
	case c < 12:
		k = []byte(fmt.Sprintf("j%d", c-10))
	case c == 12:
		k = []byte{}
	case c == 13:
		k = []byte("k\x00z")
	default:
		k = z.in.raw(24)
	}
	switch z.in.u8() % 16 {
	case 0:
		return []byte{}, drvNullZero
	case 1:
		return k, drvNullLen
	}
	return k, drvPtr
}

func (z *fuzzer) coord() float64 {
	switch c := z.in.u8(); c % 20 {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1)
	case 2:
		return math.Inf(-1)
	case 3:
		return 1e308
	case 4:
		return -1e308
	case 5:
		return math.Float64frombits(z.in.u64())
	default:
		return float64(int(c)-128) / 4
	}
}

func (z *fuzzer) dims() int {
	c := z.in.u8()
	if c < 200 {
		return 2
	}
	return c % 23
}

// box gives min and max of dims coordinates, now and then min > max.
func (z *fuzzer) box(dims int) ([]float64, []float64) {
	lo, hi := make([]float64, dims), make([]float64, dims)
	for i := range lo {
		a, b := z.coord(), z.coord()
		if a > b && z.in.u8()%8 != 0 {
			a, b = b, a
		}
		lo[i], hi[i] = a, b
	}
	return lo, hi
}

func boxValid(lo, hi []float64, query bool) bool {
	if len(lo) == 0 || len(lo) > 20 {
		return false
	}
	for i := range lo {
		if math.IsNaN(lo[i]) || math.IsNaN(hi[i]) || lo[i] > hi[i] {
			return false
		}
		if !query && (math.IsInf(lo[i], 0) || math.IsInf(hi[i], 0)) {
			return false
		}
	}
	return true
}

func rectText(lo, hi []float64) string {
	f := func(c []float64) string {
		s := make([]string, len(c))
		for i, v := range c {
			s[i] = fmt.Sprint(v)
		}
		return "[" + strings.Join(s, " ") + "]"
	}
	if fmt.Sprint(lo) == fmt.Sprint(hi) {
		return f(lo)
	}
	return f(lo) + "," + f(hi)
}

func jsonNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return `"x"` // not a number: refused
	}
	return fmt.Sprint(v)
}

func (z *fuzzer) value() fzVal {
	switch z.in.u8() % 6 {
	case 0, 1: // rect text
		lo, hi := z.box(z.dims())
		return fzVal{[]byte(rectText(lo, hi)), 0}
	case 2: // JSON geometry at "pos"
		lo, hi := z.box(z.dims())
		ok := boxValid(lo, hi, false)
		nums := func(c []float64) string {
			s := make([]string, len(c))
			for i, v := range c {
				s[i] = jsonNum(v)
			}
			return "[" + strings.Join(s, ",") + "]"
		}
		v := fmt.Sprintf(`{"pos":[%s,%s],"n":%d}`, nums(lo), nums(hi), z.in.u8())
		if z.in.u8()%2 == 0 {
			v = fmt.Sprintf(`{"pos":%s}`, nums(lo))
			ok = boxValid(lo, lo, false)
		}
		j := 0
		if ok {
			j = 1
		}
		return fzVal{[]byte(v), j}
	case 3:
		return fzVal{[]byte(fmt.Sprint(int(z.in.u8()) - 100)), 0}
	default:
		return fzVal{z.in.raw(40), -1}
	}
}

// writeCheck says whether the spatial indexes the handle kind sees accept
// key=value: 1, 0, -1.
func (z *fuzzer) writeCheck(kind int, key string, v fzVal) int {
	res := 1
	for _, d := range z.idxView(kind) {
		if !d.spatial || !strings.HasPrefix(key, strings.TrimSuffix(d.pattern, "*")) {
			continue
		}
		var ok int
		if d.path == "" {
			if _, err := store.ParseRect(string(v.b)); err == nil {
				ok = 1
			}
		} else {
			ok = v.json
		}
		if ok == 0 {
			return 0
		}
		if ok < 0 {
			res = -1
		}
	}
	return res
}

func ttlChoice(c int) int64 {
	return []int64{0, -5, math.MinInt64, 3600000, math.MaxInt64, 1 << 62, 86400000 * 365, 7200000}[c%8]
}

func (z *fuzzer) step() {
	// Op bytes 248..255 are issue 14's calls, 247 the fence calls (issue
	// 15), 232..246 the batch calls (inputs kept before 248 existed now run
	// those there, and 247 was a pairs call); below, op % 24 picks the
	// others as it did before they existed, so the corpus kept in
	// capi/testdata mostly means what it meant.
	op := z.in.u8()
	if op >= 248 { // issue 14's calls (fuzz_query_test.go)
		z.stepIssue14(op)
		return
	}
	if op >= 232 {
		switch (op - 232) % 4 {
		case 0, 1:
			z.opBoxMany((op-232)%4 == 1)
		case 2:
			z.opNearbyMany()
		default:
			z.opPairs()
		}
		return
	}
	z.stepOp(op)
}

func (z *fuzzer) stepOp(op int) {
	switch op := op % 24; op {
	case 0, 1, 2:
		z.opSet()
	case 3:
		z.opGet()
	case 4:
		z.opDelete()
	case 5:
		z.opTTL()
	case 6:
		z.opSetMany()
	case 7:
		z.opGetMany()
	case 8:
		z.opBegin()
	case 9:
		z.opEnd()
	case 10:
		z.opCreateIndex()
	case 11:
		z.opCreateSpatial()
	case 12:
		z.opDrop()
	case 13:
		z.opScan()
	case 14, 15:
		z.opBox(op == 15)
	case 16:
		z.opNearby()
	case 17:
		z.opLen()
	case 18:
		z.opShrink()
	case 19:
		z.opSaveLoad()
	case 20:
		z.opReopen()
	case 21:
		z.opOpenHostile()
	case 22:
		z.opLastError()
	case 23:
		if z.in.u8()%4 == 0 {
			z.opLimits()
			return
		}
		drvFreeNULL()
		drvFreeForeign()
	}
}

func (z *fuzzer) opSet() {
	h, kind := z.handle()
	k, km := z.key()
	v := z.value()
	vm := drvPtr
	switch z.in.u8() % 16 {
	case 0:
		vm, v = drvNullZero, fzVal{[]byte{}, -1}
	case 1:
		vm = drvNullLen
	}
	ttl := ttlChoice(z.in.u8())
	allowed := z.handleErrs(kind, false, true)
	m, tt := z.view(kind)
	before := z.snapshotKey(kind, string(k))
	switch {
	case km == drvNullLen || vm == drvNullLen:
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	default:
		switch z.writeCheck(kind, string(k), v) {
		case 1:
			allowed = []int32{sOK}
		case 0:
			allowed = []int32{sInvalid}
		default:
			allowed = []int32{sOK, sInvalid}
		}
	}
	st := z.call("set", func() int32 { return drvSet(h, k, km, v.b, vm, ttl) }, allowed...)
	if st == sOK {
		m[string(k)], tt[string(k)] = string(v.b), ttl > 0
	} else {
		z.sameKey("failed set", string(k), before)
	}
	z.checkKey("after set", string(k))
}

type keyState struct {
	n     uint64
	val   string
	found bool
}

// snapshotKey reads len and a key through a handle that works now.
func (z *fuzzer) snapshotKey(kind int, key string) keyState {
	h := z.db
	if z.tx != 0 {
		h = z.tx
	}
	var ks keyState
	z.call("len (probe)", func() int32 { st, n := drvLen(h, false); ks.n = n; return st }, sOK)
	z.call("get (probe)", func() int32 {
		st, b := drvGet(h, []byte(key), drvPtr, false)
		ks.val, ks.found = string(b.Data), st == sOK
		return st
	}, sOK, sNotFound)
	return ks
}

func (z *fuzzer) sameKey(what, key string, before keyState) {
	after := z.snapshotKey(0, key)
	if after != before {
		z.t.Fatalf("%s changed the store: %+v -> %+v (key %q)", what, before, after, key)
	}
}

// checkKey compares the store with the model at key, and the item count.
func (z *fuzzer) checkKey(what, key string) {
	kind := 0
	if z.tx != 0 {
		kind = 1
	}
	m, _ := z.view(kind)
	ks := z.snapshotKey(kind, key)
	want, ok := m[key]
	if ks.found != ok || ks.val != want || ks.n != uint64(len(m)) {
		z.t.Fatalf("%s: store has %q=%q (found %v), %d items; model %q (found %v), %d items",
			what, key, ks.val, ks.found, ks.n, want, ok, len(m))
	}
}

func (z *fuzzer) verifyAll(what string) {
	for k := range z.model {
		z.checkKey(what, k)
	}
	z.checkKey(what, "")
}

// keyCall is what a call on one key expects: the statuses allowed (a
// handle or argument error, else NOT_FOUND or OK as the model has the key)
// and the model it reads.
type keyCall struct {
	allowed []int32
	m       map[string]string
	tt      map[string]bool
	found   bool
}

func (z *fuzzer) keyCall(kind int, key []byte, km int, write, nullOut bool) keyCall {
	c := keyCall{allowed: z.handleErrs(kind, false, write)}
	if km == drvNullLen || nullOut {
		c.allowed = append(c.allowed, sInvalid)
	}
	c.m, c.tt = z.view(kind)
	_, c.found = c.m[string(key)]
	if c.allowed == nil {
		c.allowed = []int32{sNotFound}
		if c.found {
			c.allowed = []int32{sOK}
		}
	}
	return c
}

func (z *fuzzer) opGet() {
	h, kind := z.handle()
	k, km := z.key()
	form := z.in.u8()
	nullOut := form%16 == 0
	c := z.keyCall(kind, k, km, false, nullOut)
	want := c.m[string(k)]
	if form/16%2 == 1 {
		z.getInto(h, k, km, nullOut, form/32, want, c)
		return
	}
	var b drvBuf
	st := z.call("get", func() int32 { var st int32; st, b = drvGet(h, k, km, nullOut); return st }, c.allowed...)
	switch {
	case st == sOK && (!b.NonNil || !b.FreedCleared || string(b.Data) != want):
		z.t.Fatalf("get %q: %q (non-NULL %v, freed %v), want %q", k, b.Data, b.NonNil, b.FreedCleared, want)
	case st != sOK && !b.ZeroOnNoValue:
		z.t.Fatalf("get %q: %s left the output set", k, drvStatusName(st))
	}
}

// getInto is opGet through store_get_into, with a buffer that fits the
// value, is one byte short, is none at all (a size query) or is large.
func (z *fuzzer) getInto(h uint64, k []byte, km int, nullLen bool, capMode int, want string, c keyCall) {
	capacity := []int{len(want), len(want) - 1, 0, 4096}[capMode%4]
	if capacity < 0 {
		capacity = 0
	}
	allowed := c.allowed
	if len(allowed) == 1 && allowed[0] == sOK && capacity < len(want) {
		allowed = []int32{sTooSmall}
	}
	var r drvInto
	st := z.call("get_into", func() int32 { var st int32; st, r = drvGetInto(h, k, km, capacity, nullLen); return st }, allowed...)
	switch {
	case st == sOK && (r.Len != len(want) || string(r.Data) != want || !r.TailIntact):
		z.t.Fatalf("get_into %q (cap %d): %q, length %d, tail intact %v; want %q", k, capacity, r.Data, r.Len, r.TailIntact, want)
	case st == sTooSmall && (r.Len != len(want) || !r.Untouched):
		z.t.Fatalf("get_into %q (cap %d): too small, length %d, untouched %v; want length %d and nothing written", k, capacity, r.Len, r.Untouched, len(want))
	case st != sOK && st != sTooSmall && !nullLen && r.Len != 0:
		z.t.Fatalf("get_into %q: %s left a length of %d", k, drvStatusName(st), r.Len)
	}
}

func (z *fuzzer) opDelete() {
	h, kind := z.handle()
	k, km := z.key()
	c := z.keyCall(kind, k, km, true, false)
	before := z.snapshotKey(kind, string(k))
	if st := z.call("delete", func() int32 { return drvDelete(h, k, km) }, c.allowed...); st == sOK {
		delete(c.m, string(k))
		delete(c.tt, string(k))
	} else {
		z.sameKey("failed delete", string(k), before)
	}
	z.checkKey("after delete", string(k))
}

func (z *fuzzer) opTTL() {
	h, kind := z.handle()
	k, km := z.key()
	form := z.in.u8()
	nullOut := form%16 == 0
	c := z.keyCall(kind, k, km, false, nullOut)
	if form/16%2 == 1 {
		z.ttlMany(h, kind, k, km, nullOut, c)
		return
	}
	var ttl int64
	st := z.call("ttl", func() int32 { var st int32; st, ttl = drvTTL(h, k, km, nullOut); return st }, c.allowed...)
	switch {
	case st == sOK && c.tt[string(k)] && ttl <= 0:
		z.t.Fatalf("ttl %q: %d ms for a key with a TTL", k, ttl)
	case st == sOK && !c.tt[string(k)] && ttl != -1:
		z.t.Fatalf("ttl %q: %d ms for a key without a TTL, want -1", k, ttl)
	case st != sOK && !nullOut && ttl != 0:
		z.t.Fatalf("ttl %q: %s left %d in the output", k, drvStatusName(st), ttl)
	}
}

// ttlMany is opTTL through store_ttl_many, for the key and a key that is
// never written (the second answer must say missing).
func (z *fuzzer) ttlMany(h uint64, kind int, k []byte, km int, nullOut bool, c keyCall) {
	allowed := c.allowed
	if has(allowed, sNotFound) || has(allowed, sOK) {
		allowed = []int32{sOK} // a miss is an answer in the array, not a status
	}
	var ttls []int64
	st := z.call("ttl_many", func() int32 {
		var st int32
		st, ttls = drvTTLMany(h, [][]byte{k, []byte("\xffnever written")}, km, nullOut)
		return st
	}, allowed...)
	if st != sOK {
		return
	}
	_, found := c.m[string(k)]
	switch ttl := ttls[0]; {
	case !found && ttl != -2:
		z.t.Fatalf("ttl_many %q: %d for a missing key, want STORE_TTL_MISSING", k, ttl)
	case found && c.tt[string(k)] && ttl <= 0:
		z.t.Fatalf("ttl_many %q: %d ms for a key with a TTL", k, ttl)
	case found && !c.tt[string(k)] && ttl != -1:
		z.t.Fatalf("ttl_many %q: %d for a key without a TTL, want STORE_TTL_NEVER", k, ttl)
	case ttls[1] != -2:
		z.t.Fatalf("ttl_many: %d for a key never written, want STORE_TTL_MISSING", ttls[1])
	}
}

func (z *fuzzer) opSetMany() {
	h, kind := z.handle()
	n := z.in.u8() % 5
	items := make([]drvKV, n)
	vals := make([]fzVal, n)
	for i := range items {
		k, km := z.key()
		vals[i] = z.value()
		vm := drvPtr
		if z.in.u8()%16 == 1 {
			vm = drvNullLen
		}
		items[i] = drvKV{Key: k, Val: vals[i].b, KMode: km, VMode: vm, TTL: ttlChoice(z.in.u8())}
	}
	null := n > 0 && z.in.u8()%16 == 0
	allowed := z.handleErrs(kind, false, true)
	bad := null
	geo := 1
	for i, it := range items {
		bad = bad || it.KMode == drvNullLen || it.VMode == drvNullLen
		switch z.writeCheck(kind, string(it.Key), vals[i]) {
		case 0:
			geo = 0
		case -1:
			if geo == 1 {
				geo = -1
			}
		}
	}
	switch {
	case bad:
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	case geo == 1:
		allowed = []int32{sOK}
	case geo == 0:
		allowed = []int32{sInvalid}
	default:
		allowed = []int32{sOK, sInvalid}
	}
	m, tt := z.view(kind)
	before := z.snapshotKey(kind, "k0")
	if st := z.call("set_many", func() int32 { return drvSetMany(h, items, null) }, allowed...); st == sOK {
		for _, it := range items {
			m[string(it.Key)], tt[string(it.Key)] = string(it.Val), it.TTL > 0
		}
	} else {
		z.sameKey("failed set_many", "k0", before)
	}
	for _, it := range items {
		z.checkKey("after set_many", string(it.Key))
	}
}

// hit is one decoded result.
type hit struct {
	key, val string
	missing  bool
	dist     float64
}

// callResult makes a call that returns a result buffer: on success it
// decodes the buffer, on failure it checks the output was left zeroed.
func (z *fuzzer) callResult(what string, fn func() (int32, drvBuf), allowed ...int32) ([]hit, bool) {
	z.t.Helper()
	var b drvBuf
	st := z.call(what, func() int32 { var st int32; st, b = fn(); return st }, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("%s: %s left the output set", what, drvStatusName(st))
		}
		return nil, false
	}
	return z.decode(what, b), true
}

func (z *fuzzer) decode(what string, b drvBuf) []hit {
	d := b.Data
	if !b.NonNil || !b.FreedCleared || len(d) < 4 {
		z.t.Fatalf("%s: buffer non-NULL %v, freed %v, %d bytes", what, b.NonNil, b.FreedCleared, len(d))
	}
	hits, rest := z.decodeSection(what, d)
	if len(rest) != 0 {
		z.t.Fatalf("%s: %d bytes after the last hit", what, len(rest))
	}
	return hits
}

// decodeBatch splits a batch buffer into its n sections.
func (z *fuzzer) decodeBatch(what string, b drvBuf, n int) [][]hit {
	if !b.NonNil || !b.FreedCleared {
		z.t.Fatalf("%s: buffer non-NULL %v, freed %v", what, b.NonNil, b.FreedCleared)
	}
	d := b.Data
	out := make([][]hit, n)
	for q := range out {
		if len(d) < 4 {
			z.t.Fatalf("%s: query %d of %d: %d bytes left for its count", what, q, n, len(d))
		}
		out[q], d = z.decodeSection(fmt.Sprintf("%s query %d", what, q), d)
	}
	if len(d) != 0 {
		z.t.Fatalf("%s: %d bytes after the last of %d queries", what, len(d), n)
	}
	return out
}

// decodeSection reads one u32 count and its hits from the start of d and
// returns them and the bytes after them.
func (z *fuzzer) decodeSection(what string, d []byte) ([]hit, []byte) {
	n := binary.LittleEndian.Uint32(d)
	d = d[4:]
	var hits []hit
	for i := uint32(0); i < n; i++ {
		if len(d) < 16 {
			z.t.Fatalf("%s: hit %d of %d: %d bytes left for a header", what, i, n, len(d))
		}
		kl, vl := binary.LittleEndian.Uint32(d), binary.LittleEndian.Uint32(d[4:])
		h := hit{dist: math.Float64frombits(binary.LittleEndian.Uint64(d[8:]))}
		d = d[16:]
		if vl == math.MaxUint32 {
			h.missing, vl = true, 0
		}
		if uint64(len(d)) < uint64(kl)+uint64(vl) {
			z.t.Fatalf("%s: hit %d of %d: %d+%d bytes, %d left", what, i, n, kl, vl, len(d))
		}
		h.key, h.val = string(d[:kl]), string(d[kl:kl+vl])
		d = d[kl+vl:]
		hits = append(hits, h)
	}
	return hits, d
}

func (z *fuzzer) opGetMany() {
	h, kind := z.handle()
	n := z.in.u8() % 6
	keys := make([]drvKV, n)
	for i := range keys {
		keys[i].Key, keys[i].KMode = z.key()
	}
	null := n > 0 && z.in.u8()%16 == 0
	form := z.in.u8()
	nullOut := form%16 == 0
	allowed := z.handleErrs(kind, false, false)
	bad := null || nullOut
	for _, k := range keys {
		bad = bad || k.KMode == drvNullLen
	}
	if bad {
		allowed = append(allowed, sInvalid)
	} else if allowed == nil {
		allowed = []int32{sOK}
	}
	call := func() (int32, drvBuf) { return drvGetMany(h, keys, null, nullOut) }
	if form/16%2 == 1 {
		call = z.getManyInto(h, kind, keys, null, nullOut, form/32, &allowed)
	}
	hits, ok := z.callResult("get_many", call, allowed...)
	if !ok {
		return
	}
	m, _ := z.view(kind)
	if len(hits) != len(keys) {
		z.t.Fatalf("get_many: %d hits for %d keys", len(hits), len(keys))
	}
	for i, hh := range hits {
		want, ok := m[string(keys[i].Key)]
		if hh.key != string(keys[i].Key) || hh.missing == ok || hh.val != want || hh.dist != 0 {
			z.t.Fatalf("get_many: hit %d %+v, want key %q value %q found %v", i, hh, keys[i].Key, want, ok)
		}
	}
}

// getManyInto calls store_get_many_into with a buffer that fits the result
// (as the model says it should be), is one byte short or is none, and gives
// what it wrote as a drvBuf for opGetMany's checks.
func (z *fuzzer) getManyInto(h uint64, kind int, keys []drvKV, null, nullLen bool, capMode int, allowed *[]int32) func() (int32, drvBuf) {
	m, _ := z.view(kind)
	need := 4
	for _, k := range keys {
		need += 16 + len(k.Key)
		if v, ok := m[string(k.Key)]; ok {
			need += len(v)
		}
	}
	capacity := []int{need, need - 1, 0, need + 100}[capMode%4]
	if len(*allowed) == 1 && (*allowed)[0] == sOK && capacity < need {
		*allowed = []int32{sTooSmall}
	}
	return func() (int32, drvBuf) {
		st, r := drvGetManyInto(h, keys, null, capacity, nullLen)
		switch {
		case st == sTooSmall && (r.Len != need || !r.Untouched):
			z.t.Fatalf("get_many_into (cap %d): too small with length %d, untouched %v; want %d", capacity, r.Len, r.Untouched, need)
		case st == sOK && (r.Len != need || !r.TailIntact):
			z.t.Fatalf("get_many_into (cap %d): length %d, tail intact %v; the model says %d", capacity, r.Len, r.TailIntact, need)
		case st != sOK && st != sTooSmall && (r.Len != 0 || !r.Untouched):
			z.t.Fatalf("get_many_into: %s left length %d, untouched %v", drvStatusName(st), r.Len, r.Untouched)
		}
		if st != sOK {
			return st, drvBuf{ZeroOnNoValue: true}
		}
		return st, drvBuf{Data: r.Data, NonNil: true, FreedCleared: true}
	}
}

func (z *fuzzer) opBegin() {
	h, kind := z.handle()
	writable := z.in.u8() % 3 // 2 is "non-zero" too
	nullOut := z.in.u8()%16 == 0
	allowed := z.handleErrs(kind, true, false)
	if nullOut {
		allowed = append(allowed, sInvalid)
	}
	if allowed == nil {
		allowed = []int32{sOK}
	}
	var tx uint64
	st := z.call("begin", func() int32 { var st int32; st, tx = drvBegin(h, int(writable), nullOut); return st }, allowed...)
	if st != sOK {
		if tx != 0 {
			z.t.Fatalf("begin: %s left handle %d", drvStatusName(st), tx)
		}
		return
	}
	z.tx, z.txW = tx, writable != 0
	z.txM, z.txT, z.txIdx = map[string]string{}, map[string]bool{}, map[string]fzIdx{}
	for k, v := range z.model {
		z.txM[k], z.txT[k] = v, z.ttls[k]
	}
	for k, v := range z.idx {
		z.txIdx[k] = v
	}
}

func (z *fuzzer) opEnd() {
	h, kind := z.handle()
	commit := z.in.u8()%2 == 0
	allowed := []int32{sBadHandle}
	if kind == 1 {
		allowed = []int32{sOK}
	}
	what, fn := "rollback", drvRollback
	if commit {
		what, fn = "commit", drvCommit
	}
	if st := z.call(what, func() int32 { return fn(h) }, allowed...); st == sOK {
		if commit && z.txW {
			z.model, z.ttls, z.idx = z.txM, z.txT, z.txIdx
		}
		z.stale = append(z.stale, z.tx)
		z.tx = 0
		z.call(what+" twice", func() int32 { return fn(h) }, sBadHandle)
		z.checkKey("after "+what, "k0")
	}
}

func (z *fuzzer) name(choices ...string) *string {
	c := z.in.u8() % (len(choices) + 1)
	if c == len(choices) {
		return nil
	}
	return &choices[c]
}

func (z *fuzzer) opCreateIndex() {
	h, kind := z.handle()
	name := z.name("ix", "", "sp", "ix2")
	pattern := z.name("k*", "*", "")
	k := []int32{0, 1, 2, 3, 4, 5, 6, -1, 7, 100}[z.in.u8()%10]
	path := z.name("", "a", "n")
	allowed := z.handleErrs(kind, false, true) // a write transaction joins in
	idx := z.idxView(kind)
	p := ""
	if path != nil {
		p = *path
	}
	bad := name == nil || pattern == nil || *name == "" || *pattern == "" || k < 0 || k > 6 ||
		(k >= 5 && p == "") || (k < 5 && p != "")
	switch {
	case bad:
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	default:
		d := fzIdx{pattern: *pattern, kind: k, path: p}
		if old, ok := idx[*name]; ok {
			if old == d {
				allowed = []int32{sOK}
			} else {
				allowed = []int32{sExists}
			}
		} else {
			allowed = []int32{sOK}
		}
	}
	if st := z.call("create_index", func() int32 { return drvCreateIndex(h, name, pattern, k, path) }, allowed...); st == sOK {
		idx[*name] = fzIdx{pattern: *pattern, kind: k, path: p}
	}
}

func (z *fuzzer) opCreateSpatial() {
	h, kind := z.handle()
	var name, pattern, path *string
	switch z.in.u8() % 6 {
	case 0, 1:
		name, pattern, path = ptr("sp"), ptr("p*"), nil
	case 2, 3:
		name, pattern, path = ptr("spj"), ptr("j*"), ptr("pos")
	case 4:
		name, pattern, path = ptr("ix"), ptr("k*"), ptr("")
	default:
		name, pattern, path = z.name("", "sp"), z.name("", "p*"), nil
	}
	allowed := z.handleErrs(kind, false, true)
	idx := z.idxView(kind)
	m, _ := z.view(kind)
	p := ""
	if path != nil {
		p = *path
	}
	switch {
	case name == nil || pattern == nil || *name == "" || *pattern == "":
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	default:
		d := fzIdx{spatial: true, pattern: *pattern, path: p}
		if old, ok := idx[*name]; ok {
			if old == d {
				allowed = []int32{sOK}
			} else {
				allowed = []int32{sExists}
			}
		} else {
			res := 1
			prefix := strings.TrimSuffix(*pattern, "*")
			for key, v := range m {
				if !strings.HasPrefix(key, prefix) {
					continue
				}
				ok := -1
				if p == "" {
					ok = 0
					if _, err := store.ParseRect(v); err == nil {
						ok = 1
					}
				}
				res = min(res, ok)
				if ok == 0 {
					res = 0
					break
				}
			}
			switch res {
			case 1:
				allowed = []int32{sOK}
			case 0:
				allowed = []int32{sInvalid}
			default:
				allowed = []int32{sOK, sInvalid}
			}
		}
	}
	if st := z.call("create_spatial_index", func() int32 { return drvCreateSpatial(h, name, pattern, path) }, allowed...); st == sOK {
		idx[*name] = fzIdx{spatial: true, pattern: *pattern, path: p}
	}
}

func ptr(s string) *string { return &s }

func (z *fuzzer) opDrop() {
	h, kind := z.handle()
	name := z.name("ix", "sp", "spj", "", "nope")
	allowed := z.handleErrs(kind, false, true)
	idx := z.idxView(kind)
	switch {
	case name == nil || *name == "":
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	default:
		allowed = []int32{sNoIndex}
		if _, ok := idx[*name]; ok {
			allowed = []int32{sOK}
		}
	}
	if st := z.call("drop_index", func() int32 { return drvDropIndex(h, name) }, allowed...); st == sOK {
		delete(idx, *name)
		z.dropIndexFences(*name)
	}
}

func (z *fuzzer) opScan() {
	h, kind := z.handle()
	index := z.name("", "ix", "sp", "nope", "ix2")
	var lo, hi []byte
	if z.in.u8()%2 == 0 {
		lo, _ = z.key()
		if lo == nil {
			lo = []byte{}
		}
	}
	if z.in.u8()%2 == 0 {
		hi, _ = z.key()
		if hi == nil {
			hi = []byte{}
		}
	}
	flags := []int32{0, 1, 0, 1, 2, -1}[z.in.u8()%6]
	limit := []uint64{0, 0, 1, 2, 3, math.MaxUint64}[z.in.u8()%6]
	nullOut := z.in.u8()%16 == 0
	allowed := z.scanAllowed(kind, index, flags&^1 == 0 && !nullOut, sOK)
	hits, ok := z.callResult("scan", func() (int32, drvBuf) { return drvScan(h, index, lo, hi, flags, limit, nullOut) }, allowed...)
	if !ok {
		return
	}
	m, _ := z.view(kind)
	for _, hh := range hits {
		if v, ok := m[hh.key]; !ok || v != hh.val || hh.missing {
			z.t.Fatalf("scan %q: hit %q=%q not in the model", *index, hh.key, hh.val)
		}
	}
	if limit > 0 && uint64(len(hits)) > limit {
		z.t.Fatalf("scan: %d hits over limit %d", len(hits), limit)
	}
	if *index != "" {
		return
	}
	var want []string
	for k := range m {
		if (lo == nil || k >= string(lo)) && (hi == nil || k < string(hi)) {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	if flags == 1 {
		for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
			want[i], want[j] = want[j], want[i]
		}
	}
	if limit > 0 && uint64(len(want)) > limit {
		want = want[:limit]
	}
	got := make([]string, len(hits))
	for i, hh := range hits {
		got[i] = hh.key
	}
	if strings.Join(got, "\x01") != strings.Join(want, "\x01") || len(got) != len(want) {
		z.t.Fatalf("scan keys [%q, %q) flags %d limit %d: %q, want %q", lo, hi, flags, limit, got, want)
	}
}

// spatialOf reads an item's box for the rect-text index "sp".
func spatialOf(v string) (store.Rect, bool) {
	r, err := store.ParseRect(v)
	return r, err == nil
}

func (z *fuzzer) spatialArgs() (*string, int, []float64, []float64) {
	index := z.name("sp", "spj", "sp", "", "ix", "nope")
	dims := z.dims()
	lo, hi := z.box(dims)
	switch z.in.u8() % 16 {
	case 0:
		lo = nil
	case 1:
		hi = nil
	case 2:
		dims = 21
	}
	return index, dims, lo, hi
}

func (z *fuzzer) spatialAllowed(kind int, index *string, argsOK bool) []int32 {
	allowed := z.handleErrs(kind, false, false)
	switch {
	case index == nil || !argsOK:
		allowed = append(allowed, sInvalid, sNoIndex)
	case allowed != nil:
	case *index == "":
		allowed = []int32{sInvalid}
	default:
		if d, ok := z.idxView(kind)[*index]; ok && d.spatial {
			allowed = []int32{sOK}
		} else {
			allowed = []int32{sNoIndex}
		}
	}
	return allowed
}

func (z *fuzzer) opBox(within bool) {
	h, kind := z.handle()
	index, dims, lo, hi := z.spatialArgs()
	limit := []uint64{0, 0, 1, 3}[z.in.u8()%4]
	argsOK := lo != nil && hi != nil && dims >= 1 && dims <= 20 && boxValid(lo, hi, true)
	allowed := z.spatialAllowed(kind, index, argsOK)
	what := "intersects"
	if within {
		what = "within"
	}
	hits, ok := z.callResult(what, func() (int32, drvBuf) { return drvBox(within, h, index, lo, hi, dims, limit) }, allowed...)
	if !ok {
		return
	}
	z.checkBox(what, kind, *index, lo, hi, limit, within, hits)
}

// checkBox checks the hits of a box query against the model.
func (z *fuzzer) checkBox(what string, kind int, index string, lo, hi []float64, limit uint64, within bool, hits []hit) {
	dims := len(lo)
	m, _ := z.view(kind)
	if limit > 0 && uint64(len(hits)) > limit {
		z.t.Fatalf("%s: %d hits over limit %d", what, len(hits), limit)
	}
	seen := map[string]bool{}
	q := store.Box(lo, hi)
	for _, hh := range hits {
		if v, ok := m[hh.key]; !ok || v != hh.val || seen[hh.key] || hh.dist != 0 {
			z.t.Fatalf("%s: hit %q=%q not in the model, repeated or with a distance", what, hh.key, hh.val)
		}
		seen[hh.key] = true
		if index != "sp" {
			continue
		}
		r, ok := spatialOf(hh.val)
		if !ok {
			z.t.Fatalf("%s: hit %q has no geometry: %q", what, hh.key, hh.val)
		}
		if len(r.Min) == dims && !touches(q, r, within) {
			z.t.Fatalf("%s %v: hit %q %v is outside", what, q, hh.key, r)
		}
	}
	if index != "sp" || limit != 0 {
		return
	}
	for k, v := range m { // every item of the same dimensions that qualifies is there
		if !strings.HasPrefix(k, "p") {
			continue
		}
		if r, ok := spatialOf(v); ok && len(r.Min) == dims && touches(q, r, within) && !seen[k] {
			z.t.Fatalf("%s %v: %q %v is missing", what, q, k, r)
		}
	}
}

func touches(q, r store.Rect, within bool) bool {
	for i := range q.Min {
		if within {
			if r.Min[i] < q.Min[i] || r.Max[i] > q.Max[i] {
				return false
			}
		} else if r.Min[i] > q.Max[i] || r.Max[i] < q.Min[i] {
			return false
		}
	}
	return true
}

func boxDist(p []float64, r store.Rect) float64 {
	s := 0.0
	for i := range p {
		d := 0.0
		if p[i] < r.Min[i] {
			d = r.Min[i] - p[i]
		} else if p[i] > r.Max[i] {
			d = p[i] - r.Max[i]
		}
		s += d * d
	}
	return math.Sqrt(s)
}

func (z *fuzzer) opNearby() {
	h, kind := z.handle()
	index, dims, p, _ := z.spatialArgs()
	k := []uint64{0, 1, 3, 0}[z.in.u8()%4]
	maxDist := []float64{-1, 0, 5, 100, math.NaN(), math.Inf(1), math.Inf(-1)}[z.in.u8()%7]
	argsOK := p != nil && dims >= 1 && dims <= 20 && boxValid(p, p, false) && !math.IsNaN(maxDist)
	allowed := z.spatialAllowed(kind, index, argsOK)
	hits, ok := z.callResult("nearby", func() (int32, drvBuf) { return drvNearby(h, index, p, dims, k, maxDist) }, allowed...)
	if !ok {
		return
	}
	z.checkNearby("nearby", kind, *index, p, k, maxDist, hits)
}

// checkNearby checks the hits of a nearby query against the model.
func (z *fuzzer) checkNearby(what string, kind int, index string, p []float64, k uint64, maxDist float64, hits []hit) {
	dims := len(p)
	m, _ := z.view(kind)
	if k > 0 && uint64(len(hits)) > k {
		z.t.Fatalf("%s: %d hits over k %d", what, len(hits), k)
	}
	last := 0.0
	for i, hh := range hits {
		if v, ok := m[hh.key]; !ok || v != hh.val {
			z.t.Fatalf("%s: hit %q=%q not in the model", what, hh.key, hh.val)
		}
		if hh.dist < last || math.IsNaN(hh.dist) || (maxDist >= 0 && hh.dist > maxDist) {
			z.t.Fatalf("%s: hit %d at %g after %g (max %g)", what, i, hh.dist, last, maxDist)
		}
		last = hh.dist
		if index == "sp" {
			if r, ok := spatialOf(hh.val); ok && len(r.Min) == dims {
				if want := boxDist(p, r); math.Abs(want-hh.dist) > 1e-9*math.Max(1, want) {
					z.t.Fatalf("%s %v: %q %v at %g, want %g", what, p, hh.key, r, hh.dist, want)
				}
			}
		}
	}
}

func (z *fuzzer) opLen() {
	h, kind := z.handle()
	nullOut := z.in.u8()%16 == 0
	allowed := z.readAllowed(kind, nullOut)
	var n uint64
	st := z.call("len", func() int32 { var st int32; st, n = drvLen(h, nullOut); return st }, allowed...)
	m, _ := z.view(kind)
	if st == sOK && n != uint64(len(m)) || st != sOK && n != 0 {
		z.t.Fatalf("len: %s %d, model %d", drvStatusName(st), n, len(m))
	}
}

func (z *fuzzer) opShrink() {
	h, kind := z.handle()
	allowed := z.handleErrs(kind, true, false)
	if allowed == nil {
		if z.file != "" {
			// A shrink that would run on the file: BuntDB sleeps 250 ms
			// before every rewrite, and the fuzzer re-runs an interesting
			// input hundreds of times to minimize it, so one such call
			// stalls a worker for up to a minute. The rewrite itself is
			// tested in capi/ctest/test_files.c and store's shrink tests;
			// here only the statuses that return at once are checked.
			return
		}
		allowed = []int32{sOK} // in memory: nothing to rewrite
	}
	z.call("shrink", func() int32 { return drvShrink(h) }, allowed...)
	z.checkKey("after shrink", "k1")
}

func (z *fuzzer) opSaveLoad() {
	h, kind := z.handle()
	snap := filepath.Join(z.dir, "snap")
	allowed := z.handleErrs(kind, true, false)
	switch c := z.in.u8() % 8; {
	case c < 3: // save
		path := &snap
		if c == 2 {
			path = z.name("", store.MemoryPath)
		}
		if path == nil || *path == "" || *path == store.MemoryPath {
			allowed = append(allowed, sInvalid)
		} else if allowed == nil {
			allowed = []int32{sOK}
		}
		if st := z.call("save", func() int32 { return drvSave(h, path) }, allowed...); st == sOK {
			z.snap, z.snapT = map[string]string{}, map[string]bool{}
			for k, v := range z.model {
				z.snap[k], z.snapT[k] = v, z.ttls[k]
			}
		}
	case c < 6: // load the snapshot
		if z.snap == nil {
			_ = os.Remove(snap)
		}
		if allowed == nil {
			if z.snap == nil {
				allowed = []int32{sIO}
			} else {
				allowed = []int32{sOK, sInvalid}
			}
		}
		if st := z.call("load", func() int32 { return drvLoad(h, &snap) }, allowed...); st == sOK {
			for k, v := range z.snap { // the TTLs come back too
				z.model[k] = v
				z.ttls[k] = z.snapT[k]
			}
		}
		z.verifyAll("after load")
	default: // hostile snapshots
		name := z.name("short-command", "huge-length", "png", "missing")
		var path *string
		if name != nil {
			path = ptr(filepath.Join(z.dir, *name))
		}
		before := z.snapshotKey(0, "k0")
		switch {
		case path == nil:
			allowed = append(allowed, sInvalid)
		case allowed != nil:
		case *name == "missing":
			allowed = []int32{sIO}
		default:
			allowed = []int32{sCorrupt}
		}
		z.call("load hostile", func() int32 { return drvLoad(h, path) }, allowed...)
		z.sameKey("failed load", "k0", before)
	}
}

// opReopen closes the database (refused with a transaction open) and opens
// it again: a file store must come back with its items and indexes.
func (z *fuzzer) opReopen() {
	h, kind := z.handle()
	allowed := []int32{sBadHandle}
	if kind == 0 {
		allowed = []int32{sOK}
		if z.tx != 0 {
			allowed = []int32{sBusy}
		}
	}
	st := z.call("close", func() int32 { return drvClose(h) }, allowed...)
	if st != sOK {
		return
	}
	z.stale = append(z.stale, z.db)
	path := store.MemoryPath
	if z.file != "" {
		path = z.file
	}
	var nh uint64
	z.call("reopen", func() int32 { var st int32; st, nh = drvOpen(&path, &drvOptions{UseDefault: true}, false); return st }, sOK)
	z.db = nh
	if z.file == "" {
		z.model, z.ttls, z.idx = map[string]string{}, map[string]bool{}, map[string]fzIdx{}
	}
	z.verifyAll("after reopen")
	z.fencesReopened()
	for name, d := range z.idx { // the same definitions again: no-ops if restored
		var st int32
		if d.spatial {
			st = z.call("recreate", func() int32 { return drvCreateSpatial(z.db, &name, &d.pattern, &d.path) }, sOK)
		} else {
			st = z.call("recreate", func() int32 { return drvCreateIndex(z.db, &name, &d.pattern, d.kind, &d.path) }, sOK)
		}
		_ = st
	}
}

func (z *fuzzer) opOpenHostile() {
	dir := z.dir
	var path *string
	var o *drvOptions
	nullOut := false
	allowed := []int32{sInvalid}
	switch z.in.u8() % 10 {
	case 0:
		path = nil
	case 1:
		path = ptr("")
	case 2:
		path = &dir
	case 3:
		path, o = ptr(store.MemoryPath), &drvOptions{Sync: int32(z.in.u8()) - 128}
		if o.Sync >= 0 && o.Sync <= 2 {
			allowed = []int32{sOK}
		}
	case 4:
		path, o = ptr(store.MemoryPath), &drvOptions{Sync: 1, ShrinkPct: -1}
	case 5:
		path, o = ptr(store.MemoryPath), &drvOptions{Sync: 1, ShrinkMin: -1}
	case 6:
		path, nullOut = ptr(store.MemoryPath), true
	case 7:
		if z.file == "" {
			return
		}
		path, allowed = ptr(z.file), []int32{sBusy}
	case 8:
		path, allowed = ptr(filepath.Join(dir, "png")), []int32{sCorrupt}
	case 9:
		path, allowed = ptr(filepath.Join(dir, "short-command")), []int32{sCorrupt}
	}
	var h uint64
	st := z.call("open hostile", func() int32 { var st int32; st, h = drvOpen(path, o, nullOut); return st }, allowed...)
	if st == sOK {
		z.call("close hostile", func() int32 { return drvClose(h) }, sOK)
	} else if h != 0 && !nullOut {
		z.t.Fatalf("open: %s left handle %d", drvStatusName(st), h)
	}
}

func (z *fuzzer) opLastError() {
	// Make a failure, then read its message into small buffers.
	z.call("failing len", func() int32 { st, _ := drvLen(0, false); return st }, sBadHandle)
	full := drvLastError()
	c := z.in.u8() % 12
	got, n, clean := drvLastErrorTruncated(c)
	want := full
	if c > 0 && len(want) > c-1 {
		want = want[:c-1]
	}
	if c == 0 {
		want = ""
	}
	if n != len(full) || got != want || !clean {
		z.t.Fatalf("store_last_error(buf, %d) = %d %q (clean %v), full %d %q", c, n, got, clean, len(full), full)
	}
}

// ---- Batch queries and pairs ------------------------------------------------

// batchArgs reads the shape of a batch: the index, dims, the number of
// queries, and now and then a hostile twist (NULL arrays, 21 dimensions, a
// count whose product with dims overflows size_t).
type batchArgs struct {
	index      *string
	dims       int
	n          uint64 // passed to C
	nullA      bool   // mins or points NULL
	nullB      bool   // maxs NULL
	overflow   bool   // n is huge: refused before anything is read
	nullOut    bool
	queries    int // the number of queries actually described
	structural bool
}

func (z *fuzzer) batchArgs() batchArgs {
	a := batchArgs{index: z.name("sp", "spj", "sp", "", "ix", "nope"), dims: z.dims()}
	a.queries = z.in.u8() % 5
	a.n = uint64(a.queries)
	switch z.in.u8() % 24 {
	case 0:
		a.nullA = true
	case 1:
		a.nullB = true
	case 2:
		a.dims = 21
	case 3:
		a.overflow = true
		a.dims = max(a.dims, 1)
		// Either n * dims wraps around size_t to a small number, or n alone
		// is past any real batch.
		if c := z.in.u8(); a.dims >= 2 && c%2 == 0 {
			a.n = math.MaxUint64/uint64(a.dims) + 1
		} else {
			a.n = math.MaxUint64 - uint64(c)
		}
	case 4:
		a.nullOut = true
	}
	// What C refuses before the handle is looked up.
	a.structural = a.nullOut || a.index == nil || a.dims < 1 || a.dims > 20 || a.overflow ||
		(a.queries > 0 && (a.nullA || a.nullB))
	return a
}

func (z *fuzzer) opBoxMany(within bool) {
	h, kind := z.handle()
	a := z.batchArgs()
	limit := []uint64{0, 0, 1, 3}[z.in.u8()%4]
	var mins, maxs []float64
	los, his := make([][]float64, a.queries), make([][]float64, a.queries)
	valid := true
	for q := 0; q < a.queries; q++ {
		los[q], his[q] = z.box(a.dims)
		mins, maxs = append(mins, los[q]...), append(maxs, his[q]...)
		valid = valid && boxValid(los[q], his[q], true)
	}
	if mins == nil {
		mins, maxs = []float64{}, []float64{}
	}
	if a.nullA {
		mins = nil
	}
	if a.nullB {
		maxs = nil
	}
	argsOK := !a.structural && valid
	allowed := z.spatialAllowed(kind, a.index, argsOK)
	if a.overflow {
		allowed = append(allowed, sLimit) // a batch past max_batch_items
	}
	what := "intersects_many"
	if within {
		what = "within_many"
	}
	var b drvBuf
	st := z.call(what, func() int32 {
		var st int32
		st, b = drvBoxMany(within, h, a.index, mins, maxs, a.dims, a.n, limit, a.nullOut)
		return st
	}, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("%s: %s left the output set", what, drvStatusName(st))
		}
		return
	}
	for q, hits := range z.decodeBatch(what, b, a.queries) {
		z.checkBox(fmt.Sprintf("%s query %d", what, q), kind, *a.index, los[q], his[q], limit, within, hits)
	}
}

func (z *fuzzer) opNearbyMany() {
	h, kind := z.handle()
	a := z.batchArgs()
	k := []uint64{0, 1, 3, 0}[z.in.u8()%4]
	maxDist := []float64{-1, 0, 5, 100, math.NaN(), math.Inf(1), math.Inf(-1)}[z.in.u8()%7]
	var flat []float64
	pts := make([][]float64, a.queries)
	valid := !math.IsNaN(maxDist)
	for q := range pts {
		pts[q] = make([]float64, max(a.dims, 0))
		for i := range pts[q] {
			pts[q][i] = z.coord()
		}
		flat = append(flat, pts[q]...)
		valid = valid && boxValid(pts[q], pts[q], false)
	}
	if flat == nil {
		flat = []float64{}
	}
	if a.nullA || a.nullB {
		flat, a.nullA = nil, true
		a.structural = a.structural || a.queries > 0
	}
	argsOK := !a.structural && valid
	allowed := z.spatialAllowed(kind, a.index, argsOK)
	if a.overflow {
		allowed = append(allowed, sLimit) // a batch past max_batch_items
	}
	var b drvBuf
	st := z.call("nearby_many", func() int32 {
		var st int32
		st, b = drvNearbyMany(h, a.index, flat, a.dims, a.n, k, maxDist, a.nullOut)
		return st
	}, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("nearby_many: %s left the output set", drvStatusName(st))
		}
		return
	}
	for q, hits := range z.decodeBatch("nearby_many", b, a.queries) {
		z.checkNearby(fmt.Sprintf("nearby_many query %d", q), kind, *a.index, pts[q], k, maxDist, hits)
	}
}

// globMatch is BuntDB's pattern match for the patterns opPairs uses: '*'
// any run of bytes, '?' one byte, nothing else special.
func globMatch(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(s[i:], p[1:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(s[1:], p[1:])
	}
	return s != "" && s[0] == p[0] && globMatch(s[1:], p[1:])
}

// rectDist is the distance between two boxes over the dimensions both
// have, summed in the same order as the store sums it.
func rectDist(a, b store.Rect) float64 {
	var sum float64
	for i := 0; i < len(a.Min) && i < len(b.Min); i++ {
		var d float64
		switch {
		case a.Max[i] < b.Min[i]:
			d = b.Min[i] - a.Max[i]
		case b.Max[i] < a.Min[i]:
			d = a.Min[i] - b.Max[i]
		}
		sum += d * d
	}
	return math.Sqrt(sum)
}

func (z *fuzzer) opPairs() {
	h, kind := z.handle()
	index := z.name("sp", "spj", "sp", "", "ix", "nope")
	maxDist := []float64{0, 0.5, 1, 5, 100, 1e300, -1, math.NaN(), math.Inf(1), math.Inf(-1)}[z.in.u8()%10]
	pattern := z.name("", "p*", "p1", "k*", "*", "p?", "j*")
	nullOut := z.in.u8()%16 == 0
	argsOK := !nullOut && !math.IsNaN(maxDist) && !math.IsInf(maxDist, 0) && maxDist >= 0
	allowed := z.spatialAllowed(kind, index, argsOK)
	var b drvBuf
	st := z.call("pairs", func() int32 {
		var st int32
		st, b = drvPairs(h, index, maxDist, pattern, nullOut)
		return st
	}, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("pairs: %s left the output set", drvStatusName(st))
		}
		return
	}
	hits := z.decode("pairs", b)
	if len(hits)%2 != 0 {
		z.t.Fatalf("pairs: %d hits, want two per pair", len(hits))
	}
	pat := ""
	if pattern != nil {
		pat = *pattern
	}
	match := func(k string) bool { return pat == "" || globMatch(k, pat) }
	m, _ := z.view(kind)
	got := map[[2]string]float64{}
	for i := 0; i < len(hits); i += 2 {
		ha, hb := hits[i], hits[i+1]
		for _, hh := range []hit{ha, hb} {
			if v, ok := m[hh.key]; !ok || v != hh.val || hh.missing {
				z.t.Fatalf("pairs: hit %q=%q not in the model", hh.key, hh.val)
			}
		}
		ma, mb := match(ha.key), match(hb.key)
		switch {
		case ha.key == hb.key:
			z.t.Fatalf("pairs: %q paired with itself", ha.key)
		case ha.dist != hb.dist || math.IsNaN(ha.dist) || ha.dist < 0 || ha.dist > maxDist:
			z.t.Fatalf("pairs: %q, %q at %g and %g (max %g)", ha.key, hb.key, ha.dist, hb.dist, maxDist)
		case !ma && !mb, !ma && mb, ma && mb && ha.key > hb.key:
			z.t.Fatalf("pairs %q: %q before %q", pat, ha.key, hb.key)
		}
		pair := [2]string{ha.key, hb.key}
		if _, dup := got[pair]; dup {
			z.t.Fatalf("pairs: %q, %q twice", ha.key, hb.key)
		}
		got[pair] = ha.dist
	}
	if *index != "sp" {
		return
	}
	// The whole answer, by brute force over the model: the "sp" index
	// holds every key under "p" (its geometry was checked on the way in).
	type item struct {
		key string
		r   store.Rect
	}
	var items []item
	for k, v := range m {
		if strings.HasPrefix(k, "p") {
			r, ok := spatialOf(v)
			if !ok {
				z.t.Fatalf("pairs: %q=%q under the index has no geometry", k, v)
			}
			items = append(items, item{k, r})
		}
	}
	want := 0
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			x, y := items[i], items[j]
			d := rectDist(x.r, y.r)
			mx, my := match(x.key), match(y.key)
			if d > maxDist || (!mx && !my) {
				continue
			}
			if my && (!mx || y.key < x.key) {
				x, y = y, x
			}
			want++
			gd, ok := got[[2]string{x.key, y.key}]
			if !ok {
				z.t.Fatalf("pairs %q max %g: %q %v, %q %v (%g apart) missing", pat, maxDist, x.key, x.r, y.key, y.r, d)
			}
			if math.Abs(gd-d) > 1e-9*math.Max(1, d) {
				z.t.Fatalf("pairs: %q, %q at %g, want %g", x.key, y.key, gd, d)
			}
		}
	}
	if want != len(got) {
		z.t.Fatalf("pairs %q max %g: %d pairs, want %d", pat, maxDist, len(got), want)
	}
}

// ---- Limits -------------------------------------------------------------------

// opLimits opens a store in memory with small limits read from the input
// and checks that a call over one fails with STORE_ERR_LIMIT and changes
// nothing, and that a call within them works: sets of sizes around the
// limits, lengths no machine has (from pointers to a few bytes), batches
// around the count, and scans whose result crosses the buffer limit.
func (z *fuzzer) opLimits() {
	o := &drvOptions{Sync: 1, ShrinkPct: 100, MaxKey: int64(1 + z.in.u8()%24), MaxValue: int64(1 + z.in.u8()%48),
		MaxResult: int64(4 + z.in.u8()*2), MaxBatch: int64(1 + z.in.u8()%6)}
	mem := store.MemoryPath
	if z.in.u8()%8 == 0 {
		bad := *o
		bad.MaxBatch = -1 - int64(z.in.u8())
		z.call("open with a negative limit", func() int32 { st, _ := drvOpen(&mem, &bad, false); return st }, sInvalid)
	}
	var h uint64
	z.call("open limited", func() int32 { var st int32; st, h = drvOpen(&mem, o, false); return st }, sOK)
	model := map[string]string{}
	item := func() (string, string) {
		kl, vl := z.in.u8()%(int(o.MaxKey)+3), z.in.u8()%(int(o.MaxValue)+3)
		k := strings.Repeat(string(rune('a'+z.in.u8()%4)), kl)
		return k, strings.Repeat("v", vl)
	}
	over := func(k, v string) bool { return int64(len(k)) > o.MaxKey || int64(len(v)) > o.MaxValue }
	for range 1 + z.in.u8()%8 {
		switch z.in.u8() % 5 {
		case 0:
			k, v := item()
			want := int32(sOK)
			if over(k, v) {
				want = sLimit
			}
			if z.call("limited set", func() int32 { return drvSet(h, []byte(k), drvPtr, []byte(v), drvPtr, 0) }, want) == sOK {
				model[k] = v
			}
		case 1:
			shift := uint(z.in.u8() % 16)
			z.call("set of a huge value", func() int32 { return drvSetHuge(h, 1, math.MaxUint64>>shift) }, sLimit)
			z.call("set of a huge key", func() int32 { return drvSetHuge(h, math.MaxUint64>>shift, 1) }, sLimit)
			z.call("delete of a huge key", func() int32 { return drvDeleteHuge(h, math.MaxUint64>>shift) }, sLimit)
		case 2:
			n := z.in.u8() % (int(o.MaxBatch) + 3)
			items := make([]drvKV, n)
			refused := int64(n) > o.MaxBatch
			for i := range items {
				k, v := item()
				items[i] = drvKV{Key: []byte(k), Val: []byte(v), KMode: drvPtr, VMode: drvPtr}
				refused = refused || over(k, v)
			}
			want := int32(sOK)
			if refused {
				want = sLimit
			}
			if z.call("limited set_many", func() int32 { return drvSetMany(h, items, false) }, want) == sOK {
				for _, it := range items {
					model[string(it.Key)] = string(it.Val) // the later of two wins
				}
			}
		case 3:
			n := z.in.u8() % (int(o.MaxBatch) + 3)
			keys := make([]drvKV, n)
			size := 4
			for i := range keys {
				k, _ := item()
				keys[i] = drvKV{Key: []byte(k), KMode: drvPtr}
				size += 16 + len(k)
				if v, ok := model[k]; ok {
					size += len(v)
				}
			}
			want := int32(sOK)
			switch {
			case int64(n) > o.MaxBatch:
				want = sLimit
			case int64(size) > o.MaxResult:
				want = sLimit
			}
			z.call("limited get_many", func() int32 { st, _ := drvGetMany(h, keys, false, false); return st }, want)
			// The caller-buffer form builds the same result first: the same
			// limits, and a buffer of exactly its size is enough.
			z.call("limited get_many_into", func() int32 { st, _ := drvGetManyInto(h, keys, false, size, false); return st }, want)
			if n > 0 {
				names := make([][]byte, n)
				for i := range keys {
					names[i] = keys[i].Key
				}
				want = sOK
				if int64(n) > o.MaxBatch {
					want = sLimit
				}
				z.call("limited ttl_many", func() int32 { st, _ := drvTTLMany(h, names, drvPtr, false); return st }, want)
			}
		case 4:
			size := 4
			for k, v := range model {
				size += 16 + len(k) + len(v)
			}
			want := int32(sOK)
			if int64(size) > o.MaxResult {
				want = sLimit
			}
			var b drvBuf
			keys := "" // the keys themselves
			if z.call("limited scan", func() int32 { var st int32; st, b = drvScan(h, &keys, nil, nil, 0, 0, false); return st }, want) == sLimit && !b.ZeroOnNoValue {
				z.t.Fatalf("limited scan: STORE_ERR_LIMIT left the output set")
			}
		}
	}
	// Nothing refused changed anything.
	st, n := drvLen(h, false)
	if st != sOK || n != uint64(len(model)) {
		z.t.Fatalf("limited store: %s, %d items, want %d", drvStatusName(st), n, len(model))
	}
	for k, v := range model {
		if st, b := drvGet(h, []byte(k), drvPtr, false); st != sOK || string(b.Data) != v {
			z.t.Fatalf("limited store: %q reads %s %q, want %q", k, drvStatusName(st), b.Data, v)
		}
	}
	z.call("close limited", func() int32 { return drvClose(h) }, sOK)
}
