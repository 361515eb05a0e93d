package fence

import (
	"math"
	"slices"
	"strings"

	"spatialstore/store/internal/rtree"
)

// Kind says what a fence's region is.
type Kind int32

// The kinds of fence. The numbers are part of the C API.
const (
	Box    Kind = 0 // a fixed box
	Radius Kind = 1 // within Radius of a fixed point
	Roam   Kind = 2 // within Radius of the item under Anchor, wherever it goes
)

// Def is a fence's definition.
type Def struct {
	Name string
	Kind Kind
	// Min and Max are a Box fence's box; a Radius fence's centre is Min.
	Min, Max []float64
	Anchor   string  // Roam: the key the fence follows
	Radius   float64 // Radius and Roam
}

// Item is a changed key with its box after the commit; OK is false when
// the key is gone from the index (deleted, expired, or no longer under its
// pattern).
type Item struct {
	Key    string
	Lo, Hi []float64
	OK     bool
}

// Source is what a fence reads of its spatial index.
type Source interface {
	// Box returns the box of the live item under key, good until the
	// next call.
	Box(key string) (lo, hi []float64, ok bool)
	// Near calls fn with the key of every live item whose box lies within
	// dist of the box lo..hi (over the dimensions both have).
	Near(lo, hi []float64, dist float64, fn func(key string))
}

// Event is an enter or exit of one key in one fence.
type Event struct {
	f    *Fence
	Key  string
	Exit bool
}

// Fence is the name of the fence the event belongs to.
func (e Event) Fence() string { return e.f.Name }

// Fence is one fence and the keys it holds.
type Fence struct {
	Def
	match   func(key string) bool
	members map[string]struct{}
	// anchorLo and anchorHi are a roaming fence's anchor's box when the
	// set last looked (at Add, and at each commit that changed the
	// anchor); nil while there is no anchor.
	anchorLo, anchorHi []float64
	set                *Set // the set it is in, or nil
	pos                int  // its place in set.fences
}

// New makes an empty fence; match says whether a key is under its pattern.
func New(d Def, match func(key string) bool) *Fence {
	return &Fence{Def: d, match: match, members: map[string]struct{}{}}
}

// Len is the number of keys inside.
func (f *Fence) Len() int { return len(f.members) }

// Has reports whether key is inside.
func (f *Fence) Has(key string) bool {
	_, ok := f.members[key]
	return ok
}

// region is the fence's region; ok is false for a roaming fence without
// anchor.
func (f *Fence) region() (lo, hi []float64, ok bool) {
	switch f.Kind {
	case Roam:
		return f.anchorLo, f.anchorHi, f.anchorLo != nil
	case Radius:
		return f.Min, f.Min, true
	}
	return f.Min, f.Max, true
}

// look takes a roaming fence's anchor box from src.
func (f *Fence) look(src Source) {
	if f.Kind != Roam {
		return
	}
	f.anchorLo, f.anchorHi = nil, nil
	if lo, hi, ok := src.Box(f.Anchor); ok {
		f.anchorLo, f.anchorHi = slices.Clone(lo), slices.Clone(hi)
	}
}

// near calls fn with every key that belongs inside now.
func (f *Fence) near(src Source, fn func(key string)) {
	lo, hi, ok := f.region()
	if !ok {
		return
	}
	src.Near(lo, hi, f.Radius, func(key string) {
		if f.admits(key) {
			fn(key)
		}
	})
}

func (f *Fence) admits(key string) bool {
	return !(f.Kind == Roam && key == f.Anchor) && f.match(key)
}

// maxDims is the most dimensions a region has (the store's MaxDims).
const maxDims = 20

// Set is the fences on one spatial index. It finds the fences a changed
// key may have entered or left without weighing every fence: the ones
// that hold it, from a map by key, and the ones whose region, grown by
// the radius, its box overlaps, from an R-tree of those grown regions (one
// per number of dimensions) whose ids are the fences' places in the set.
type Set struct {
	fences []*Fence            // by name
	where  map[string][]*Fence // key -> the fences that hold it
	roams  map[string][]*Fence // key -> the roaming fences it anchors
	trees  [maxDims + 1]*rtree.Tree
	dims   []int  // per fence: its region's dimensions in trees, 0 for none
	weigh  []bool // scratch: per fence, to weigh for the key at hand
	redone []bool // scratch: per fence, weighed whole this commit
	mark   func(id uint32) bool
	lo, hi [maxDims]float64 // scratch for queries and grown regions
}

// NewSet makes an empty set.
func NewSet() *Set {
	s := &Set{where: map[string][]*Fence{}, roams: map[string][]*Fence{}}
	s.mark = func(id uint32) bool { s.weigh[id] = true; return true }
	return s
}

// Fences are the fences, by name.
func (s *Set) Fences() []*Fence { return s.fences }

// Add fills f with the keys inside it now, without events (a fence made on
// a populated index, or restored at open, starts from what is there), and
// puts it in the set.
func (s *Set) Add(f *Fence, src Source) {
	f.look(src)
	clear(f.members)
	f.near(src, func(key string) { f.members[key] = struct{}{} })
	for k := range f.members {
		s.where[k] = append(s.where[k], f)
	}
	f.set = s
	if f.Kind == Roam {
		s.roams[f.Anchor] = append(s.roams[f.Anchor], f)
	}
	i, _ := slices.BinarySearchFunc(s.fences, f.Name, func(x *Fence, n string) int { return strings.Compare(x.Name, n) })
	s.fences = slices.Insert(s.fences, i, f)
	s.layout()
}

// Remove takes f out of the set.
func (s *Set) Remove(f *Fence) {
	for k := range f.members {
		s.unwhere(k, f)
	}
	s.fences = slices.DeleteFunc(s.fences, func(x *Fence) bool { return x == f })
	if f.Kind == Roam {
		if l := slices.DeleteFunc(s.roams[f.Anchor], func(x *Fence) bool { return x == f }); len(l) > 0 {
			s.roams[f.Anchor] = l
		} else {
			delete(s.roams, f.Anchor)
		}
	}
	f.set = nil
	s.layout()
}

// layout numbers the fences and builds the trees again: after a fence
// came or went, which moves the others' places.
func (s *Set) layout() {
	for _, t := range s.trees {
		if t != nil {
			t.Clear()
		}
	}
	s.dims = slices.Grow(s.dims[:0], len(s.fences))[:len(s.fences)]
	clear(s.dims)
	for i, f := range s.fences {
		f.pos = i
		s.place(i)
	}
}

// place puts fence i's grown region in the tree of its dimensions, taking
// out what it had there.
func (s *Set) place(i int) {
	f := s.fences[i]
	lo, hi, ok := f.region()
	old := s.dims[i]
	if old != 0 && (!ok || old != len(lo)) {
		s.trees[old].Remove(uint32(i))
		s.dims[i], old = 0, 0
	}
	if !ok {
		return
	}
	d := len(lo)
	for j := range d {
		s.lo[j], s.hi[j] = grow(lo[j], -f.Radius), grow(hi[j], f.Radius)
	}
	if old != 0 {
		s.trees[d].Update(uint32(i), s.lo[:d], s.hi[:d]) // a move: bottom-up, mostly in place
		return
	}
	if s.trees[d] == nil {
		s.trees[d] = rtree.New(d)
	}
	s.trees[d].Insert(uint32(i), s.lo[:d], s.hi[:d])
	s.dims[i] = d
}

// Update brings the fences up to date after a commit that changed items
// (in any order; a key may come more than once), and appends the enters
// and exits it caused to dst: by fence name, then key. A roaming fence
// whose anchor the commit changed is weighed again whole; otherwise only
// the changed keys are, against the fences that held them or may hold
// them now. Weighing a key again changes nothing, so repeats cost only
// their time.
func (s *Set) Update(src Source, items []Item, dst []Event) []Event {
	start := len(dst)
	n := len(s.fences)
	s.weigh = slices.Grow(s.weigh[:0], n)[:n]
	s.redone = slices.Grow(s.redone[:0], n)[:n]
	clear(s.redone)
	for _, it := range items {
		for _, f := range s.roams[it.Key] {
			if s.redone[f.pos] {
				continue // the anchor came twice
			}
			s.redone[f.pos] = true
			f.look(src)
			s.place(f.pos)
			dst = f.refill(src, dst)
		}
	}
	for _, it := range items {
		clear(s.weigh)
		for _, f := range s.where[it.Key] {
			s.weigh[f.pos] = true
		}
		if it.OK {
			s.overlapping(it.Lo, it.Hi)
		}
		for i, w := range s.weigh {
			if !w || s.redone[i] {
				continue
			}
			f := s.fences[i]
			lo, hi, ok := f.region()
			in := ok && it.OK && Dist(it.Lo, it.Hi, lo, hi) <= f.Radius && f.admits(it.Key)
			if in != f.Has(it.Key) {
				dst = f.flip(dst, it.Key, !in)
			}
		}
	}
	// By fence name, then key. A key has at most one event per fence: a
	// refill makes one per key, and a key weighed again after its flip
	// finds nothing to change.
	slices.SortFunc(dst[start:], func(a, b Event) int {
		if a.f.pos != b.f.pos {
			return a.f.pos - b.f.pos
		}
		return strings.Compare(a.Key, b.Key)
	})
	return dst
}

// overlapping marks in weigh the fences whose grown region overlaps
// lo..hi over the dimensions both have.
func (s *Set) overlapping(lo, hi []float64) {
	for d, t := range s.trees {
		if t == nil || t.Len() == 0 {
			continue
		}
		for j := range d {
			if j < len(lo) {
				s.lo[j], s.hi[j] = lo[j], hi[j]
			} else {
				s.lo[j], s.hi[j] = math.Inf(-1), math.Inf(1)
			}
		}
		t.Search(s.lo[:d], s.hi[:d], s.mark)
	}
}

// refill weighs every key again: the members that left exit, the keys
// that came enter.
func (f *Fence) refill(src Source, dst []Event) []Event {
	var now []string
	f.near(src, func(key string) { now = append(now, key) })
	slices.Sort(now)
	old := make([]string, 0, len(f.members))
	for k := range f.members {
		old = append(old, k)
	}
	slices.Sort(old)
	i, j := 0, 0
	for i < len(old) || j < len(now) {
		switch {
		case j == len(now) || (i < len(old) && old[i] < now[j]):
			dst = f.flip(dst, old[i], true)
			i++
		case i == len(old) || now[j] < old[i]:
			dst = f.flip(dst, now[j], false)
			j++
		default:
			i++
			j++
		}
	}
	return dst
}

// flip moves key in or out and records the event.
func (f *Fence) flip(dst []Event, key string, exit bool) []Event {
	f.move(key, exit)
	return append(dst, Event{f: f, Key: key, Exit: exit})
}

func (f *Fence) move(key string, exit bool) {
	if exit {
		delete(f.members, key)
		if f.set != nil {
			f.set.unwhere(key, f)
		}
		return
	}
	f.members[key] = struct{}{}
	if f.set != nil {
		f.set.where[key] = append(f.set.where[key], f)
	}
}

func (s *Set) unwhere(key string, f *Fence) {
	l := slices.DeleteFunc(s.where[key], func(x *Fence) bool { return x == f })
	if len(l) == 0 {
		delete(s.where, key)
	} else {
		s.where[key] = l
	}
}

// Revert undoes the membership changes of events, newest first: the
// commit that caused them failed. The sets they touched must then be
// given their index as it is again with Reanchor.
func Revert(events []Event) {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		e.f.move(e.Key, !e.Exit)
	}
}

// Reanchor takes every roaming fence's anchor box from src again.
func (s *Set) Reanchor(src Source) {
	for i, f := range s.fences {
		if f.Kind == Roam {
			f.look(src)
			s.place(i)
		}
	}
}

// Check verifies the set's invariants: fences in name order with their
// positions, the map by key exactly the members, and bounds the grown
// regions. For tests.
func (s *Set) Check() string {
	count := 0
	for i, f := range s.fences {
		if f.pos != i || f.set != s || (i > 0 && s.fences[i-1].Name >= f.Name) {
			return "fences out of order"
		}
		for k := range f.members {
			if !slices.Contains(s.where[k], f) {
				return "member " + k + " of " + f.Name + " missing from the map"
			}
		}
		count += len(f.members)
		lo, hi, ok := f.region()
		if ok != (s.dims[i] != 0) || (ok && s.dims[i] != len(lo)) {
			return "region of " + f.Name + " not laid out"
		}
		if ok {
			var tlo, thi [maxDims]float64
			d := len(lo)
			s.trees[d].Box(uint32(i), tlo[:d], thi[:d])
			for j := range lo {
				if tlo[j] != grow(lo[j], -f.Radius) || thi[j] != grow(hi[j], f.Radius) {
					return "tree box of " + f.Name + " stale"
				}
			}
		}
	}
	for _, f := range s.fences {
		if f.Kind == Roam && !slices.Contains(s.roams[f.Anchor], f) {
			return "roaming fence " + f.Name + " missing from the anchors' map"
		}
	}
	for k, l := range s.where {
		count -= len(l)
		for _, f := range l {
			if !f.Has(k) {
				return "map holds " + k + " in " + f.Name + " which lacks it"
			}
		}
	}
	if count != 0 {
		return "map and members differ in size"
	}
	placed := 0
	for _, t := range s.trees {
		if t != nil {
			placed += t.Len()
			if err := t.Check(); err != nil {
				return err.Error()
			}
		}
	}
	for _, d := range s.dims {
		if d != 0 {
			placed--
		}
	}
	if placed != 0 {
		return "trees hold fences that are not laid out"
	}
	return ""
}

// grow moves the bound x outward by r (negative: down), and by a little
// more: the bounds only pick the fences to weigh, Dist decides, and a gap
// that Dist rounds to exactly the radius must not be cut off by rounding
// here. It stays finite (the tree holds finite boxes); every item is
// finite, so a bound at the largest float still covers them all.
func grow(x, r float64) float64 {
	g := x + r + math.Copysign((math.Abs(x)+math.Abs(r))*1e-12, r)
	return max(-math.MaxFloat64, min(g, math.MaxFloat64))
}

// Dist is the Euclidean distance between two boxes over the dimensions
// both have: 0 when they touch.
func Dist(alo, ahi, blo, bhi []float64) float64 {
	n := min(len(alo), len(blo))
	var s float64
	for i := 0; i < n; i++ {
		var g float64
		switch {
		case ahi[i] < blo[i]:
			g = blo[i] - ahi[i]
		case bhi[i] < alo[i]:
			g = alo[i] - bhi[i]
		}
		s += g * g
	}
	return math.Sqrt(s)
}
