package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"spatialstore/store/internal/powercut"
)

// The power-cut test runs a writer (this test binary, re-run with
// POWERCUT_DIR set: see TestMain) under strace, then rebuilds the store's
// folder as hundreds of power cuts at random points of its run could have
// left it (package powercut), opens each and checks what survived against
// a model of the writer's steps and against what it acknowledged.
//
// POWERCUT_CUTS sets the cuts per sync policy (default 40; `make powercut`
// runs hundreds), POWERCUT_STEPS the writer's steps (default 300).

func TestMain(m *testing.M) {
	if dir := os.Getenv("POWERCUT_DIR"); dir != "" {
		os.Exit(powercutWriter(dir))
	}
	os.Exit(m.Run())
}

// The writer's steps: mostly transactions, with shrinks and index changes
// among them. Transaction i sets the keys pcKeys(i) and deletes those of
// transaction i-pcKeep, so the file holds deletions for shrinks to drop.
const pcKeep = 20

func pcKind(i int) byte {
	switch {
	case i%100 == 10:
		return 'x' // create the JSON index "byi"
	case i%100 == 60:
		return 'd' // drop it
	case i%50 == 25:
		return 's' // shrink
	}
	return 't'
}

func pcKeys(i int) []string {
	if pcKind(i) != 't' || i < 0 {
		return nil
	}
	if i%7 == 3 {
		return []string{fmt.Sprintf("k:%05d:a", i)} // a single set (plus deletions)
	}
	return []string{fmt.Sprintf("k:%05d:a", i), fmt.Sprintf("k:%05d:b", i), fmt.Sprintf("k:%05d:c", i)}
}

func pcValue(key string, i int) string {
	return fmt.Sprintf(`{"i":%d,"p":[%d,%d],"pad":"%s","k":%q}`, i, i%97, i%89, strings.Repeat("x", i%40), key)
}

// pcState is the model: the items after every step up to and including last.
func pcState(last int) map[string]string {
	m := map[string]string{}
	for i := 0; i <= last; i++ {
		for _, k := range pcKeys(i) {
			m[k] = pcValue(k, i)
		}
		if pcKind(i) == 't' {
			for _, k := range pcKeys(i - pcKeep) {
				delete(m, k)
			}
		}
	}
	return m
}

func powercutWriter(dir string) int {
	policy, _ := strconv.Atoi(os.Getenv("POWERCUT_POLICY"))
	steps, _ := strconv.Atoi(os.Getenv("POWERCUT_STEPS"))
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "powercut writer:", err)
		return 1
	}
	opts := DefaultOptions()
	opts.SyncPolicy = SyncPolicy(policy)
	opts.AutoShrinkMinSize = 16 << 10 // background shrinks happen during the run
	db, err := Open(filepath.Join(dir, "db"), &opts)
	if err != nil {
		return fail(err)
	}
	ack := func(what string) { _, _ = os.Stdout.WriteString("ack " + what + "\n") }
	if err := db.CreateSpatialIndex("geo", "k:*", "p"); err != nil {
		return fail(err)
	}
	ack("geo")
	for i := range steps {
		switch pcKind(i) {
		case 'x':
			err = db.CreateIndex("byi", "k:*", IndexJSON, "i")
		case 'd':
			err = db.DropIndex("byi")
		case 's':
			if err = db.Shrink(); errors.Is(err, ErrBusy) {
				err = nil // the background shrink is running
			}
		default:
			err = db.Update(func(tx *Tx) error {
				for _, k := range pcKeys(i) {
					if err := tx.Set(k, pcValue(k, i), 0); err != nil {
						return err
					}
				}
				for _, k := range pcKeys(i - pcKeep) {
					if err := tx.Delete(k); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err != nil {
			return fail(fmt.Errorf("step %d: %w", i, err))
		}
		ack(strconv.Itoa(i))
		// Spread the run over a few seconds, so that SyncEverySecond syncs
		// several times within it.
		time.Sleep(4 * time.Millisecond)
	}
	// No Close: the process ends as a killed one would.
	return 0
}

// pcFigures are what the cuts of one policy found.
type pcFigures struct {
	cuts, acked, lost, half, openFailed, mismatched, lostBeforeSync int
	maxWindow, sumWindow                                            time.Duration
	windows                                                         int
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func TestPowerCut(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Fatalf("the power-cut test needs strace (apt-get install strace): %v", err)
	}
	cuts := envInt("POWERCUT_CUTS", 40)
	steps := envInt("POWERCUT_STEPS", 300)
	for _, policy := range []SyncPolicy{SyncAlways, SyncEverySecond, SyncNever} {
		t.Run(fmt.Sprint("policy=", []string{"never", "every-second", "always"}[policy]), func(t *testing.T) {
			tr := traceWriter(t, policy, steps)
			rng := rand.New(rand.NewPCG(uint64(policy), uint64(time.Now().UnixNano())))
			var f pcFigures
			for range cuts {
				checkCut(t, tr, policy, rng.IntN(len(tr.Ops)+1), rng, &f)
			}
			mean := time.Duration(0)
			if f.windows > 0 {
				mean = f.sumWindow / time.Duration(f.windows)
			}
			t.Logf("powercut policy=%d cuts=%d acked_checked=%d lost=%d half_applied=%d open_failed=%d mismatched=%d lost_before_sync=%d loss_window_max_ms=%d loss_window_mean_ms=%d ops=%d",
				policy, f.cuts, f.acked, f.lost, f.half, f.openFailed, f.mismatched, f.lostBeforeSync,
				f.maxWindow.Milliseconds(), mean.Milliseconds(), len(tr.Ops))
			if f.openFailed+f.mismatched+f.lostBeforeSync > 0 {
				t.Errorf("open failed %d times, %d states were no prefix of the writer's steps, %d acknowledged transactions synced before the cut were lost",
					f.openFailed, f.mismatched, f.lostBeforeSync)
			}
			if policy == SyncAlways && f.lost+f.half > 0 {
				t.Errorf("under SyncAlways %d acknowledged transactions were lost and %d half applied", f.lost, f.half)
			}
		})
	}
}

// TestPowerCutWorstCase cuts after every operation of a short SyncAlways
// run, keeping nothing that was not synced: each acknowledged transaction
// and index must be there all the same. It is the regression test of the
// folder syncs (after creating the data and lock files, after renaming the
// index file and a shrink's file into place), deterministic where
// TestPowerCut samples.
func TestPowerCutWorstCase(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Fatalf("the power-cut test needs strace (apt-get install strace): %v", err)
	}
	tr := traceWriter(t, SyncAlways, 60)
	var f pcFigures
	for n := 0; n <= len(tr.Ops); n++ {
		checkCut(t, tr, SyncAlways, n, nil, &f)
	}
	if f.lost+f.half+f.openFailed+f.mismatched > 0 {
		t.Errorf("worst-case cuts: %+v", f)
	}
	t.Logf("worst-case cuts=%d acked_checked=%d", f.cuts, f.acked)
}

// traceWriter runs the writer under strace and parses the log.
func traceWriter(t *testing.T, policy SyncPolicy, steps int) *powercut.Trace {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "writer")
	mustOK(t, os.Mkdir(dir, 0o755))
	log := filepath.Join(t.TempDir(), "strace.log")
	args := append(append([]string{}, powercut.StraceArgs...), "-o", log, os.Args[0], "-test.run=^$")
	cmd := exec.Command("strace", args...)
	cmd.Env = append(os.Environ(), "POWERCUT_DIR="+dir, fmt.Sprint("POWERCUT_POLICY=", int(policy)),
		fmt.Sprint("POWERCUT_STEPS=", steps))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("writer: %v\n%s", err, stderr.String())
	}
	lf, err := os.Open(log)
	mustOK(t, err)
	defer func() { _ = lf.Close() }()
	tr, err := powercut.Parse(lf, dir)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// checkCut rebuilds the folder as a cut after the first n operations could
// leave it, opens the store there and checks it.
func checkCut(t *testing.T, tr *powercut.Trace, policy SyncPolicy, n int, rng *rand.Rand, f *pcFigures) {
	t.Helper()
	f.cuts++
	dir := t.TempDir()
	files := tr.Cut(n, rng)
	for name, data := range files {
		mustOK(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	// What the writer had acknowledged by then, and when.
	acked := -1
	geoAcked := false
	ackTime := map[int]float64{}
	for _, op := range tr.Ops[:n] {
		if op.Kind != powercut.Mark {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(op.Data)), "\n") {
			what := strings.TrimPrefix(line, "ack ")
			if what == "geo" {
				geoAcked = true
			} else if i, err := strconv.Atoi(what); err == nil {
				acked = i
				ackTime[i] = op.Time
			}
		}
	}
	cutTime := tr.Ops[max(n-1, 0)].Time
	synced := tr.Synced(n, "db")

	opts := DefaultOptions()
	opts.SyncPolicy = policy
	db, err := Open(filepath.Join(dir, "db"), &opts)
	if err != nil {
		f.openFailed++
		t.Errorf("cut after %d of %d operations: open: %v (files %v)", n, len(tr.Ops), err, names(files))
		return
	}
	defer func() { mustOK(t, db.Close()) }()
	got := map[string]string{}
	last := -1
	mustOK(t, db.Scan("", Range{}, func(k, v string) bool {
		got[k] = v
		if i, err := strconv.Atoi(strings.Split(k, ":")[1]); err == nil {
			last = max(last, i)
		}
		return true
	}))
	want := pcState(last)
	if !hfSame(got, want) {
		// Half applied: the difference lies only in the keys the last
		// transaction seen, or the next one, sets or deletes.
		touched := map[string]bool{}
		next := firstTx(last + 1)
		for _, k := range slices.Concat(pcKeys(last), pcKeys(last-pcKeep), pcKeys(next), pcKeys(next-pcKeep)) {
			touched[k] = true
		}
		if onlyIn(got, want, touched) {
			f.half++
		} else {
			f.mismatched++
			t.Errorf("cut after %d operations: the items are no prefix of the writer's steps (last transaction seen %d): %s", n, last, diffItems(got, want))
		}
	}
	for i := last + 1; i <= acked; i++ {
		if pcKind(i) != 't' {
			continue
		}
		f.acked++
		f.lost++
		if w := time.Duration((cutTime - ackTime[i]) * float64(time.Second)); i == firstTx(last+1) {
			f.maxWindow = max(f.maxWindow, w)
			f.sumWindow += w
			f.windows++
		}
		if synced >= 0 && tr.Ops[synced].Time > ackTime[i] && policy != SyncNever {
			f.lostBeforeSync++
			t.Errorf("cut after %d operations: transaction %d was acknowledged before the data file's last sync, and lost", n, i)
		}
	}
	for i := 0; i <= min(last, acked); i++ {
		if pcKind(i) == 't' {
			f.acked++
		}
	}
	checkIndexes(t, db, n, acked, geoAcked, len(got))
}

func firstTx(i int) int {
	for pcKind(i) != 't' {
		i++
	}
	return i
}

// checkIndexes checks the index definitions against the steps acknowledged
// (an index change is durable when its call returns) and that each index
// holds every item.
func checkIndexes(t *testing.T, db *DB, n, acked int, geoAcked bool, items int) {
	t.Helper()
	infos, err := db.Indexes()
	mustOK(t, err)
	have := map[string]bool{}
	for _, info := range infos {
		have[info.Name] = true
	}
	if geoAcked && !have["geo"] {
		t.Errorf("cut after %d operations: the acknowledged spatial index is gone", n)
	}
	// byi exists after the last acknowledged index step if it was a
	// creation; the next step (maybe in flight) may have happened too.
	state := false
	for i := 0; i <= acked; i++ {
		switch pcKind(i) {
		case 'x':
			state = true
		case 'd':
			state = false
		}
	}
	next := state // the step after the last acknowledged one may have happened
	switch pcKind(acked + 1) {
	case 'x':
		next = true
	case 'd':
		next = false
	}
	if have["byi"] != state && have["byi"] != next {
		t.Errorf("cut after %d operations: index byi present=%v, want %v (acknowledged steps up to %d)", n, have["byi"], state, acked)
	}
	count := 0
	if have["byi"] {
		mustOK(t, db.Scan("byi", Range{}, func(_, _ string) bool { count++; return true }))
		if count != items {
			t.Errorf("cut after %d operations: index byi holds %d items, the store %d", n, count, items)
		}
	}
	if have["geo"] {
		count = 0
		inf := math.Inf(1)
		mustOK(t, db.Intersects("geo", Box([]float64{-inf, -inf}, []float64{inf, inf}), 0, func(_, _ string) bool { count++; return true }))
		if count != items {
			t.Errorf("cut after %d operations: index geo holds %d items, the store %d", n, count, items)
		}
	}
}

// onlyIn reports whether a and b differ only in the keys of touched.
func onlyIn(a, b map[string]string, touched map[string]bool) bool {
	for k, v := range a {
		if w, ok := b[k]; (!ok || w != v) && !touched[k] {
			return false
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && !touched[k] {
			return false
		}
	}
	return true
}

func names(files map[string][]byte) []string {
	var out []string
	for n, d := range files {
		out = append(out, fmt.Sprintf("%s:%d", n, len(d)))
	}
	return out
}

// diffItems describes how got differs from want, briefly.
func diffItems(got, want map[string]string) string {
	var extra, missing, changed []string
	for k, v := range got {
		if w, ok := want[k]; !ok {
			extra = append(extra, k)
		} else if w != v {
			changed = append(changed, k)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	slices.Sort(changed)
	clip := func(s []string) []string { return s[:min(len(s), 8)] }
	return fmt.Sprintf("%d extra %v, %d missing %v, %d changed %v", len(extra), clip(extra), len(missing), clip(missing), len(changed), clip(changed))
}
