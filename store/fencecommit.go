package store

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"spatialstore/store/internal/fence"
)

// fenceState is a store's fences and its event queue.
//
// Locking: the definitions (list, byName) change only inside BuntDB write
// transactions and are read under BuntDB's lock, like the index
// definitions. mu guards the queue and the fences' members. A commit
// weighs its changes against the fences while it holds BuntDB's write lock,
// then takes mu and keeps it through BuntDB's commit, until it has queued
// the events (or, if the commit failed, reverted the members): BuntDB
// releases its lock inside its commit, and the next writer must not read
// members half undone, nor queue its events first. mu is taken only after
// BuntDB's lock or alone (PollEvents) and nothing is locked under it, so it
// cannot order differently from BuntDB's lock.
type fenceState struct {
	mu     sync.Mutex
	queue  *fence.Queue
	list   []*fenceDef // by name
	byName map[string]*fenceDef
	// groups are the fences of each fenced index, by name within each:
	// a commit resolves the keys it changed once per index.
	groups []*fenceGroup
	// pending is the events of the commit in progress; polled is scratch
	// for PollEvents.
	pending []fence.Event
	polled  []fence.Record
}

type fenceDef struct {
	Fence
	f     *fence.Fence
	index *indexDef
}

// fenceGroup is the fences on one index, and a commit's scratch for it:
// the keys it changed, resolved to their new boxes (which live in
// coords).
type fenceGroup struct {
	ix     *spatialIndex
	set    *fence.Set
	items  []fence.Item
	coords []float64
	offs   []int
	src    fenceSource
}

func (fs *fenceState) init() {
	fs.queue = fence.NewQueue(DefaultEventCapacity)
	fs.byName = map[string]*fenceDef{}
}

// group returns the group of index ix, making it if needed.
func (fs *fenceState) group(ix *spatialIndex) *fenceGroup {
	for _, g := range fs.groups {
		if g.ix == ix {
			return g
		}
	}
	g := &fenceGroup{ix: ix, set: fence.NewSet(), src: fenceSource{ix: ix}}
	fs.groups = append(fs.groups, g)
	return g
}

// add and drop keep list sorted by name and the groups in step; both run
// inside a write transaction. add fills the fence from its index.
func (fs *fenceState) add(ds ...*fenceDef) {
	for _, d := range ds {
		fs.byName[d.Name] = d
		i, _ := slices.BinarySearchFunc(fs.list, d.Name, func(x *fenceDef, n string) int { return strings.Compare(x.Name, n) })
		fs.list = slices.Insert(slices.Clip(fs.list), i, d)
		g := fs.group(d.index.ix)
		g.src.now = time.Now().UnixNano()
		g.set.Add(d.f, &g.src)
	}
}

func (fs *fenceState) drop(name string) *fenceDef {
	d := fs.byName[name]
	if d == nil {
		return nil
	}
	delete(fs.byName, name)
	fs.list = slices.DeleteFunc(slices.Clone(fs.list), func(x *fenceDef) bool { return x == d })
	g := fs.group(d.index.ix)
	g.set.Remove(d.f)
	if len(g.set.Fences()) == 0 {
		fs.groups = slices.DeleteFunc(fs.groups, func(x *fenceGroup) bool { return x == g })
	}
	return d
}

// dropOn drops the fences on index d and returns them.
func (fs *fenceState) dropOn(d *indexDef) []*fenceDef {
	var out []*fenceDef
	for _, f := range fs.list {
		if f.index == d {
			out = append(out, f)
		}
	}
	for _, f := range out {
		fs.drop(f.Name)
	}
	return out
}

// weighFences runs before BuntDB's commit, under its write lock: it
// updates the fences on the indexes the transaction changed and keeps the
// events for finishFences. It reports whether it took fs.mu, which
// finishFences then releases.
func (tx *Tx) weighFences() bool {
	fs := &tx.db.fences
	if len(fs.groups) == 0 || tx.w == nil || len(tx.w.undo) == 0 {
		return false
	}
	fs.mu.Lock()
	now := time.Now().UnixNano()
	weighed := 0
	for _, g := range fs.groups {
		if !g.resolve(tx.w.undo, now) {
			continue
		}
		weighed++
		g.src.now = now
		fs.pending = g.set.Update(&g.src, g.items, fs.pending)
	}
	if weighed > 1 {
		// Each group's events are by fence name, then key; all of them
		// must be by name too. Stable: the keys stay in order.
		slices.SortStableFunc(fs.pending, func(a, b fence.Event) int { return strings.Compare(a.Fence(), b.Fence()) })
	}
	return true
}

// resolve finds the keys the undo log changed in the group's index, with
// their boxes now. It reports whether there are any. A key written twice
// comes twice: weighing it again changes nothing, which costs less than
// sorting a big commit's keys to drop the repeats.
func (g *fenceGroup) resolve(undo []spatialUndo, now int64) bool {
	g.items, g.coords, g.offs = g.items[:0], g.coords[:0], g.offs[:0]
	for _, u := range undo {
		if u.ix != g.ix {
			continue
		}
		it := fence.Item{Key: u.key}
		id, ok := g.ix.ids.Get(u.key)
		it.OK = ok && g.ix.live(id, now)
		g.offs = append(g.offs, len(g.coords))
		if it.OK {
			g.coords = g.ix.box(id, g.coords)
		}
		g.items = append(g.items, it)
	}
	if len(g.items) == 0 {
		return false
	}
	// Boxes go into coords first and are sliced after, as appending may
	// move coords.
	g.offs = append(g.offs, len(g.coords))
	for i := range g.items {
		it := &g.items[i]
		if start, end := g.offs[i], g.offs[i+1]; it.OK {
			d := (end - start) / 2
			it.Lo, it.Hi = g.coords[start:start+d], g.coords[start+d:end]
		}
	}
	return true
}

// finishFences ends what weighFences began, after BuntDB's commit: the
// events are queued if it committed, the members reverted if not.
func (db *DB) finishFences(held, committed bool) {
	if !held {
		return
	}
	fs := &db.fences
	if committed {
		now := time.Now().UnixNano()
		for _, e := range fs.pending {
			fs.queue.Push(fence.Record{Fence: e.Fence(), Key: e.Key, Exit: e.Exit, Time: now})
		}
	} else {
		fence.Revert(fs.pending)
		// The spatial indexes are as they were again: so must the
		// roaming fences' anchors be.
		now := time.Now().UnixNano()
		for _, g := range fs.groups {
			g.src.now = now
			g.set.Reanchor(&g.src)
		}
	}
	clear(fs.pending)
	fs.pending = fs.pending[:0]
	fs.mu.Unlock()
}

// fenceSource shows a spatial index to the fences as of now: expired items
// count as gone.
type fenceSource struct {
	ix  *spatialIndex
	now int64
	buf []float64 // Box's answer, good until the next call
}

func (s *fenceSource) Box(key string) (lo, hi []float64, ok bool) {
	id, ok := s.ix.ids.Get(key)
	if !ok || !s.ix.live(id, s.now) {
		return nil, nil, false
	}
	s.buf = s.ix.box(id, s.buf[:0])
	d := len(s.buf) / 2
	return s.buf[:d], s.buf[d:], true
}

func (s *fenceSource) Near(lo, hi []float64, dist float64, fn func(key string)) {
	var qlo, qhi [MaxDims]float64
	var box []float64
	for _, e := range s.ix.present {
		for i := 0; i < e; i++ {
			if i < len(lo) {
				qlo[i], qhi[i] = lo[i]-dist, hi[i]+dist
			} else {
				qlo[i], qhi[i] = math.Inf(-1), math.Inf(1)
			}
		}
		s.ix.trees[e].Search(qlo[:e], qhi[:e], func(id uint32) bool {
			if !s.ix.live(id, s.now) {
				return true
			}
			box = s.ix.box(id, box[:0])
			if fence.Dist(box[:e], box[e:], lo, hi) <= dist {
				fn(s.ix.items[id].key)
			}
			return true
		})
	}
}
