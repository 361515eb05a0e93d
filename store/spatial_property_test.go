package store

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The spatial index against brute force: random sequences of writes,
// deletes, moves, TTLs, transactions that commit or roll back, reopen,
// snapshot load, shrink and index rebuilds; after each step every query
// kind must equal the answer computed over a model of the live items, and
// the index's own invariants must hold.

type modelItem struct {
	value   string
	r       Rect
	expires time.Time // zero: never
}

type spatialModel map[string]modelItem

func (m spatialModel) clone() spatialModel {
	out := make(spatialModel, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// live lists the items alive at now, by key.
func (m spatialModel) live(now time.Time) []string {
	var keys []string
	for k, it := range m {
		if it.expires.IsZero() || now.Before(it.expires) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

type propRun struct {
	t    *testing.T
	rng  *rand.Rand
	dims int
	path string
	db   *DB
	file string // "" in memory
}

const propIndex, propPattern = "g", "p:*"

// geometry draws a point or a box on a small integer grid (so distances tie
// often and are exact), usually of the run's dimensions, sometimes of one
// more or one fewer.
func (p *propRun) geometry() Rect {
	d := p.dims
	switch p.rng.IntN(10) {
	case 0:
		d = min(d+1, MaxDims)
	case 1:
		d = max(d-1, 1)
	}
	lo, hi := make([]float64, d), make([]float64, d)
	box := p.rng.IntN(3) == 0
	for i := range lo {
		lo[i] = float64(p.rng.IntN(40))
		hi[i] = lo[i]
		if box {
			hi[i] += float64(p.rng.IntN(6))
		}
	}
	return Box(lo, hi)
}

func (p *propRun) value(r Rect) string {
	if p.path == "" {
		return r.String()
	}
	js := func(c []float64) string {
		s := make([]string, len(c))
		for i, v := range c {
			s[i] = fmt.Sprint(v)
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	return fmt.Sprintf(`{"name":"n","pos":[%s,%s]}`, js(r.Min), js(r.Max))
}

func (p *propRun) key() string {
	if p.rng.IntN(12) == 0 {
		return fmt.Sprintf("q:%d", p.rng.IntN(5)) // not under the index
	}
	return fmt.Sprintf("p:%02d", p.rng.IntN(70))
}

// write does one random write through rw and mirrors it in m.
func (p *propRun) write(rw ReadWriter, m spatialModel) {
	switch op := p.rng.IntN(10); {
	case op < 5: // set, sometimes with a TTL that runs out at once or never
		k, r := p.key(), p.geometry()
		v := p.value(r)
		var ttl time.Duration
		switch p.rng.IntN(8) {
		case 0:
			ttl = time.Millisecond
		case 1:
			ttl = time.Hour
		}
		mustOK(p.t, rw.Set(k, v, ttl))
		if strings.HasPrefix(k, "p:") {
			it := modelItem{value: v, r: r}
			if ttl > 0 {
				it.expires = time.Now().Add(ttl)
			}
			m[k] = it
		}
		if ttl == time.Millisecond {
			time.Sleep(2 * time.Millisecond) // expired, not yet swept
		}
	case op < 7: // move an existing item a little
		keys := m.live(time.Now())
		if len(keys) == 0 {
			return
		}
		k := keys[p.rng.IntN(len(keys))]
		it := m[k]
		r := Box(slices.Clone(it.r.Min), slices.Clone(it.r.Max))
		for i := range r.Min {
			step := float64(p.rng.IntN(3) - 1)
			r.Min[i] += step
			r.Max[i] += step
		}
		it.value, it.r, it.expires = p.value(r), r, time.Time{}
		mustOK(p.t, rw.Set(k, it.value, 0))
		m[k] = it
	case op < 9:
		k := p.key()
		err := rw.Delete(k)
		if err != nil && !strings.Contains(err.Error(), "not found") {
			p.t.Fatalf("Delete(%q): %v", k, err)
		}
		delete(m, k)
	default: // a batch
		items := make([]Item, 1+p.rng.IntN(5))
		for i := range items {
			r := p.geometry()
			items[i] = Item{Key: p.key(), Value: p.value(r)}
		}
		mustOK(p.t, rw.SetMany(items))
		for _, it := range items {
			if strings.HasPrefix(it.Key, "p:") {
				r, err := readGeometry(it.Value, p.path)
				mustOK(p.t, err)
				m[it.Key] = modelItem{value: it.Value, r: r}
			}
		}
	}
}

// query draws a query box: usually of the run's dimensions, sometimes
// with fewer, sometimes unbounded on one side.
func (p *propRun) queryBox() Rect {
	d := p.dims
	if p.rng.IntN(5) == 0 {
		d = max(1, d-1)
	}
	lo, hi := make([]float64, d), make([]float64, d)
	for i := range lo {
		lo[i] = float64(p.rng.IntN(50) - 5)
		hi[i] = lo[i] + float64(p.rng.IntN(25))
	}
	if p.rng.IntN(6) == 0 {
		lo[0] = math.Inf(-1)
	}
	return Box(lo, hi)
}

func (p *propRun) point() []float64 {
	pt := make([]float64, p.dims)
	for i := range pt {
		pt[i] = float64(p.rng.IntN(45))
	}
	return pt
}

func intersectsOn(item, q Rect) bool {
	for i := 0; i < len(item.Min) && i < len(q.Min); i++ {
		if item.Min[i] > q.Max[i] || item.Max[i] < q.Min[i] {
			return false
		}
	}
	return true
}

// check compares every query kind through rw with the model, and the
// index's invariants.
func (p *propRun) check(rw ReadWriter, m spatialModel, step int) {
	t := p.t
	t.Helper()
	fail := func(what string, got, want any) {
		t.Helper()
		t.Fatalf("step %d (dims %d, path %q): %s:\n got  %v\n want %v", step, p.dims, p.path, what, got, want)
	}
	if tx, ok := rw.(*Tx); ok {
		checkIndexesLocked(t, tx.db)
	} else {
		checkIndexInvariants(t, p.db)
	}
	live := m.live(time.Now())
	for range 3 {
		q := p.queryBox()
		var wantI, wantW []string
		for _, k := range live {
			if intersectsOn(m[k].r, q) {
				wantI = append(wantI, k)
			}
			if q.contains(m[k].r) {
				wantW = append(wantW, k)
			}
		}
		gotI := sortedKeys(t, func(fn func(k, v string) bool) error { return rw.Intersects(propIndex, q, 0, fn) }, m)
		if !slices.Equal(gotI, wantI) {
			fail(fmt.Sprintf("Intersects(%v)", q), gotI, wantI)
		}
		gotW := sortedKeys(t, func(fn func(k, v string) bool) error { return rw.Within(propIndex, q, 0, fn) }, m)
		if !slices.Equal(gotW, wantW) {
			fail(fmt.Sprintf("Within(%v)", q), gotW, wantW)
		}
		if n := len(wantI); n > 1 {
			lim := 1 + p.rng.IntN(n-1)
			if got := intersectKeys(t, rw, propIndex, q, lim); len(got) != lim {
				fail("Intersects with a limit", len(got), lim)
			}
		}
	}
	for range 3 {
		pt := p.point()
		k := []int{0, 1, 3, 10}[p.rng.IntN(4)]
		maxDist := []float64{-1, 0, 4, 9.5, math.Inf(1)}[p.rng.IntN(5)]
		want := bruteNearby(m, live, pt, k, maxDist)
		got := nearby(t, rw, propIndex, pt, k, maxDist)
		if !slices.Equal(got, want) {
			fail(fmt.Sprintf("Nearby(%v, k=%d, max=%g)", pt, k, maxDist), got, want)
		}
	}
	p.checkBatches(rw, m, live, fail)
	p.checkPairs(rw, m, live, fail)
}

func sortedKeys(t *testing.T, query func(fn func(k, v string) bool) error, m spatialModel) []string {
	t.Helper()
	var keys []string
	err := query(func(k, v string) bool {
		if m[k].value != v {
			t.Fatalf("%q has value %q, want %q", k, v, m[k].value)
		}
		keys = append(keys, k)
		return true
	})
	mustOK(t, err)
	slices.Sort(keys)
	return keys
}

func bruteNearby(m spatialModel, live []string, pt []float64, k int, maxDist float64) []hit {
	hits := []hit{}
	for _, key := range live {
		d := m[key].r.distance(pt)
		if maxDist < 0 || d <= maxDist {
			hits = append(hits, hit{key, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.Dist != b.Dist {
			return cmpFloat(a.Dist, b.Dist)
		}
		return strings.Compare(a.Key, b.Key)
	})
	if k > 0 && len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

func cmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

func (p *propRun) checkBatches(rw ReadWriter, m spatialModel, live []string, fail func(string, any, any)) {
	t := p.t
	boxes := []Rect{p.queryBox(), p.queryBox(), p.queryBox()}
	for i := range boxes {
		boxes[i] = Box(boxes[i].Min[:1:1], boxes[i].Max[:1:1]) // one shape for the batch
		boxes[i] = Box(append(boxes[i].Min, make([]float64, p.dims-1)...), append(boxes[i].Max, make([]float64, p.dims-1)...))
		for d := 1; d < p.dims; d++ {
			boxes[i].Min[d], boxes[i].Max[d] = -1, 45
		}
	}
	got := make([][]string, len(boxes))
	last := -1
	mustOK(t, rw.IntersectsMany(propIndex, boxes, 0, func(q int, k, _ string) bool {
		if q < last {
			t.Fatalf("IntersectsMany: query %d after %d", q, last)
		}
		last = q
		got[q] = append(got[q], k)
		return true
	}))
	for q, b := range boxes {
		want := []string{}
		for _, k := range live {
			if intersectsOn(m[k].r, b) {
				want = append(want, k)
			}
		}
		slices.Sort(got[q])
		if !slices.Equal(append([]string{}, got[q]...), want) {
			fail(fmt.Sprintf("IntersectsMany query %d", q), got[q], want)
		}
	}
	points := [][]float64{p.point(), p.point()}
	nb := make([][]hit, len(points))
	mustOK(t, rw.NearbyMany(propIndex, points, 4, 12, func(q int, k, _ string, d float64) bool {
		nb[q] = append(nb[q], hit{k, d})
		return true
	}))
	for q, pt := range points {
		want := bruteNearby(m, live, pt, 4, 12)
		if !slices.Equal(append([]hit{}, nb[q]...), want) {
			fail(fmt.Sprintf("NearbyMany query %d", q), nb[q], want)
		}
	}
}

func (p *propRun) checkPairs(rw ReadWriter, m spatialModel, live []string, fail func(string, any, any)) {
	for _, pattern := range []string{"", "p:1*"} {
		maxDist := float64(p.rng.IntN(5))
		var want []string
		for i, a := range live {
			for _, b := range live[i+1:] {
				d := boxDistance(m[a].r, m[b].r)
				if d > maxDist {
					continue
				}
				ma, mb := pattern == "" || matchKey(a, pattern), pattern == "" || matchKey(b, pattern)
				switch {
				case ma && mb || ma:
					want = append(want, fmt.Sprintf("%s %s %g", a, b, d))
				case mb:
					want = append(want, fmt.Sprintf("%s %s %g", b, a, d))
				}
			}
		}
		var got []string
		mustOK(p.t, rw.Pairs(propIndex, maxDist, pattern, func(pr Pair) bool {
			if pr.ValueA != m[pr.KeyA].value || pr.ValueB != m[pr.KeyB].value {
				p.t.Fatalf("pair %q %q: values do not match their keys", pr.KeyA, pr.KeyB)
			}
			got = append(got, fmt.Sprintf("%s %s %g", pr.KeyA, pr.KeyB, pr.Dist))
			return true
		}))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			fail(fmt.Sprintf("Pairs(%g, %q)", maxDist, pattern), got, want)
		}
	}
}

// checkIndexInvariants checks every spatial index of db: each tree's own
// invariants, and that keys, ids, items and trees agree. It reads inside a
// transaction, as the store does: the expiry sweep may write meanwhile.
func checkIndexInvariants(t *testing.T, db *DB) {
	t.Helper()
	mustOK(t, db.view(func(*Tx) error { checkIndexesLocked(t, db); return nil }))
}

func checkIndexesLocked(t *testing.T, db *DB) {
	t.Helper()
	for _, d := range db.spatial {
		ix := d.ix
		total := 0
		for _, e := range ix.present {
			if err := ix.trees[e].Check(); err != nil {
				t.Fatalf("index %q, tree of %d dimensions: %v", d.Name, e, err)
			}
			total += ix.trees[e].Len()
		}
		if total != ix.ids.Len() {
			t.Fatalf("index %q: trees hold %d items, %d keys", d.Name, total, ix.ids.Len())
		}
		for id, it := range ix.items {
			id := uint32(id)
			if ix.dims[id] == 0 {
				continue // a free id
			}
			key := it.key
			if got, ok := ix.ids.Get(key); !ok || got != id {
				t.Fatalf("index %q: key %q of id %d maps to %d, %v", d.Name, key, id, got, ok)
			}
			if !ix.trees[ix.dims[id]].Has(id) {
				t.Fatalf("index %q: key %q, id %d is not in its tree", d.Name, key, id)
			}
		}
		ix.ids.Range(func(id uint32) bool {
			if ix.dims[id] == 0 {
				t.Fatalf("index %q: the key map holds free id %d", d.Name, id)
			}
			return true
		})
		if ix.ids.Len()+len(ix.free) != len(ix.items) {
			t.Fatalf("index %q: %d keys + %d free ids != %d items", d.Name, ix.ids.Len(), len(ix.free), len(ix.items))
		}
	}
}

func (p *propRun) reopen() {
	mustOK(p.t, p.db.Close())
	db, err := Open(p.file, &Options{SyncPolicy: SyncNever, AutoShrinkDisabled: true})
	mustOK(p.t, err)
	p.db = db
}

func TestSpatialAgainstBruteForce(t *testing.T) {
	steps := 250
	if testing.Short() {
		steps = 80
	}
	for _, dims := range []int{1, 2, 3, 8} {
		for _, path := range []string{"", "pos"} {
			for _, onFile := range []bool{false, true} {
				name := fmt.Sprintf("dims=%d/path=%q/file=%v", dims, path, onFile)
				t.Run(name, func(t *testing.T) {
					runProperty(t, dims, path, onFile, steps)
				})
			}
		}
	}
}

func runProperty(t *testing.T, dims int, path string, onFile bool, steps int) {
	p := &propRun{t: t, rng: rand.New(rand.NewPCG(uint64(dims), uint64(len(path)))), dims: dims, path: path}
	opts := &Options{SyncPolicy: SyncNever, AutoShrinkDisabled: true}
	target := MemoryPath
	if onFile {
		p.file = filepath.Join(t.TempDir(), "data.db")
		target = p.file
	}
	db, err := Open(target, opts)
	mustOK(t, err)
	p.db = db
	defer func() { _ = p.db.Close() }()
	m := spatialModel{}
	// Items written before the index exists are bulk-loaded when it is made.
	for range 30 {
		p.write(p.db, m)
	}
	mustOK(t, p.db.CreateSpatialIndex(propIndex, propPattern, path))
	for step := range steps {
		switch op := p.rng.IntN(40); {
		case op < 30:
			p.write(p.db, m)
		case op < 34: // a transaction: its own reads see its writes; then commit or roll back
			tx, err := p.db.Begin(true)
			mustOK(t, err)
			inTx := m.clone()
			for range 1 + p.rng.IntN(8) {
				p.write(tx, inTx)
			}
			p.check(tx, inTx, step)
			if p.rng.IntN(2) == 0 {
				mustOK(t, tx.Commit())
				m = inTx
			} else {
				mustOK(t, tx.Rollback())
			}
		case op < 35: // drop and recreate: a bulk load over what is there
			mustOK(t, p.db.DropIndex(propIndex))
			mustOK(t, p.db.CreateSpatialIndex(propIndex, propPattern, path))
		case op < 37: // a snapshot, changes, then the snapshot loaded back over them
			var snap bytes.Buffer
			mustOK(t, p.db.Save(&snap))
			saved := m.clone()
			for range 3 {
				p.write(p.db, m)
			}
			mustOK(t, p.db.Load(&snap))
			now := time.Now()
			for k, it := range saved {
				// Snapshots keep expiries in whole seconds: the hour-long
				// ones survive, the others were gone before the save.
				if it.expires.IsZero() || it.expires.Sub(now) > time.Minute {
					m[k] = it
				}
			}
		case op < 39 && onFile:
			p.reopen()
		case onFile:
			mustOK(t, p.db.Shrink())
		}
		p.check(p.db, m, step)
	}
}

// TestSpatialRollbackRestoresExactly: a transaction that moves, deletes,
// re-adds and changes the dimensions of items, then rolls back, leaves the
// index answering exactly as before, invariants intact.
func TestSpatialRollbackRestoresExactly(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	for i := range 200 {
		mustSet(t, db, fmt.Sprintf("k%03d", i), Point(float64(i%20), float64(i/20)).String())
	}
	before := nearby(t, db, "g", []float64{5, 5}, 0, -1)
	tx, err := db.Begin(true)
	mustOK(t, err)
	for i := range 200 {
		k := fmt.Sprintf("k%03d", i)
		switch i % 4 {
		case 0:
			mustOK(t, tx.Set(k, Point(100, float64(i)).String(), 0))
		case 1:
			mustOK(t, tx.Delete(k))
		case 2:
			mustOK(t, tx.Delete(k))
			mustOK(t, tx.Set(k, Point(-1, -1).String(), time.Hour))
		case 3:
			mustOK(t, tx.Set(k, Point(1, 2, 3).String(), 0))
		}
	}
	mustOK(t, tx.Set("new", "[0 0]", 0))
	if got := nearby(t, tx, "g", []float64{5, 5}, 0, -1); slices.Equal(got, before) {
		t.Fatal("the transaction does not see its own writes")
	}
	mustOK(t, tx.Rollback())
	checkIndexInvariants(t, db)
	if got := nearby(t, db, "g", []float64{5, 5}, 0, -1); !slices.Equal(got, before) {
		t.Fatalf("after rollback:\n got  %v\n want %v", got, before)
	}
	mustOK(t, db.View(func(*Tx) error {
		if ix := db.spatial[0].ix; ix.expiring != 0 {
			t.Fatalf("after rollback %d items count as expiring", ix.expiring)
		}
		return nil
	}))
}

// TestSpatialHugeTTL: a TTL of centuries keeps an item in spatial results
// (now + ttl once wrapped around into the past), before and after the
// index is rebuilt over it.
func TestSpatialHugeTTL(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	for i, ttl := range []time.Duration{math.MaxInt64, math.MaxInt64 - 1, 1 << 62, time.Hour} {
		mustOK(t, db.Set(fmt.Sprintf("k%d", i), "[1 1]", ttl))
	}
	for range 2 {
		if got := intersectKeys(t, db, "g", Box([]float64{0, 0}, []float64{2, 2}), 0); len(got) != 4 {
			t.Fatalf("Intersects found %v, want all four", got)
		}
		if got := nearby(t, db, "g", []float64{0, 0}, 0, -1); len(got) != 4 {
			t.Fatalf("Nearby found %v, want all four", got)
		}
		mustOK(t, db.DropIndex("g"))
		mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	}
}

// TestSpatialFailedCommitRollsBack: a commit that cannot be written is
// rolled back, and the spatial index with it: neither the new items nor
// the moves it made show, and the index's invariants hold.
func TestSpatialFailedCommitRollsBack(t *testing.T) {
	db, _ := fileDB(t, nil)
	defer func() { _ = db.Close() }()
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustSet(t, db, "kept", "[5 5]")
	mustOK(t, db.lock.Close()) // every later commit note fails, so multi-write commits fail
	err := db.SetMany([]Item{{Key: "new", Value: "[1 1]"}, {Key: "kept", Value: "[9 9]"}})
	wantErr(t, err, ErrIO)
	checkIndexInvariants(t, db)
	if got := nearby(t, db, "g", []float64{0, 0}, 0, -1); !slices.Equal(got, []hit{{"kept", math.Sqrt(50)}}) {
		t.Fatalf("after a failed commit the index answers %v", got)
	}
	wantValue(t, db, "kept", "[5 5]")
	wantMissing(t, db, "new")
}
