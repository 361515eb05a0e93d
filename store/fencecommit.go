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
	// pending is the events of the commit in progress; polled is scratch
	// for PollEvents.
	pending []fence.Event
	polled  []fence.Record
	// changed is scratch: the keys a commit changed, per fenced index.
	changed map[*spatialIndex]*changeSet
}

type fenceDef struct {
	Fence
	f     *fence.Fence
	index *indexDef
}

// changeSet is what a commit changed in one index: the keys, resolved to
// their new boxes, which live in coords.
type changeSet struct {
	items  []fence.Item
	coords []float64
	used   bool
}

func (fs *fenceState) init() {
	fs.queue = fence.NewQueue(DefaultEventCapacity)
	fs.byName = map[string]*fenceDef{}
	fs.changed = map[*spatialIndex]*changeSet{}
}

// add and drop keep list sorted by name; both run inside a write
// transaction.
func (fs *fenceState) add(ds ...*fenceDef) {
	for _, d := range ds {
		fs.byName[d.Name] = d
		i, _ := slices.BinarySearchFunc(fs.list, d.Name, func(x *fenceDef, n string) int { return strings.Compare(x.Name, n) })
		fs.list = slices.Insert(slices.Clip(fs.list), i, d)
	}
}

func (fs *fenceState) drop(name string) *fenceDef {
	d := fs.byName[name]
	if d == nil {
		return nil
	}
	delete(fs.byName, name)
	fs.list = slices.DeleteFunc(slices.Clone(fs.list), func(x *fenceDef) bool { return x == d })
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
	delete(fs.changed, d.ix)
	return out
}

// weighFences runs before BuntDB's commit, under its write lock: it
// updates the fences on the indexes the transaction changed and keeps the
// events for finishFences. It reports whether it took fs.mu, which
// finishFences then releases.
func (tx *Tx) weighFences() bool {
	fs := &tx.db.fences
	if len(fs.list) == 0 || tx.w == nil || len(tx.w.undo) == 0 {
		return false
	}
	fs.mu.Lock()
	now := time.Now().UnixNano()
	for _, d := range fs.list {
		cs := fs.changes(d.index.ix, tx.w.undo, now)
		if len(cs.items) > 0 {
			fs.pending = d.f.Update(fenceSource{ix: d.index.ix, now: now}, cs.items, fs.pending)
		}
	}
	for _, cs := range fs.changed {
		cs.used = false
	}
	return true
}

// changes resolves the keys the undo log changed in ix, once per commit.
func (fs *fenceState) changes(ix *spatialIndex, undo []spatialUndo, now int64) *changeSet {
	cs := fs.changed[ix]
	if cs == nil {
		cs = &changeSet{}
		fs.changed[ix] = cs
	}
	if cs.used {
		return cs
	}
	cs.used = true
	cs.items, cs.coords = cs.items[:0], cs.coords[:0]
	for _, u := range undo {
		if u.ix == ix {
			cs.items = append(cs.items, fence.Item{Key: u.key})
		}
	}
	slices.SortFunc(cs.items, func(a, b fence.Item) int { return strings.Compare(a.Key, b.Key) })
	cs.items = slices.CompactFunc(cs.items, func(a, b fence.Item) bool { return a.Key == b.Key })
	// Boxes go into coords first and are sliced after, as appending may
	// move coords.
	offs := make([]int, len(cs.items))
	for i := range cs.items {
		it := &cs.items[i]
		id, ok := ix.ids.Get(it.Key)
		it.OK = ok && ix.live(id, now)
		offs[i] = len(cs.coords)
		if it.OK {
			cs.coords = ix.box(id, cs.coords)
		}
	}
	for i := range cs.items {
		it := &cs.items[i]
		if it.OK {
			end := len(cs.coords)
			if i+1 < len(offs) {
				end = offs[i+1]
			}
			d := (end - offs[i]) / 2
			it.Lo, it.Hi = cs.coords[offs[i]:offs[i]+d], cs.coords[offs[i]+d:end]
		}
	}
	return cs
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
}

func (s fenceSource) Box(key string) (lo, hi []float64, ok bool) {
	id, ok := s.ix.ids.Get(key)
	if !ok || !s.ix.live(id, s.now) {
		return nil, nil, false
	}
	b := s.ix.box(id, nil)
	d := len(b) / 2
	return b[:d], b[d:], true
}

func (s fenceSource) Near(lo, hi []float64, dist float64, fn func(key string)) {
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
