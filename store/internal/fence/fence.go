package fence

import (
	"math"
	"slices"
	"strings"
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
	// Box returns the box of the live item under key.
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

// Fill takes the keys inside now as members, without events: a fence made
// on a populated index, or restored at open, starts from what is there.
func (f *Fence) Fill(src Source) {
	clear(f.members)
	f.near(src, func(key string) { f.members[key] = struct{}{} })
}

// region is the fence's region now; ok is false for a roaming fence whose
// anchor is absent.
func (f *Fence) region(src Source) (lo, hi []float64, ok bool) {
	switch f.Kind {
	case Roam:
		return src.Box(f.Anchor)
	case Radius:
		return f.Min, f.Min, true
	}
	return f.Min, f.Max, true
}

// near calls fn with every key that belongs inside now.
func (f *Fence) near(src Source, fn func(key string)) {
	lo, hi, ok := f.region(src)
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

// Update brings the fence up to date after a commit that changed items
// (sorted by key, each key once), and appends the enters and exits it
// caused to dst, in key order. When the commit moved a roaming fence's
// anchor, every member is weighed again; otherwise only the changed keys.
func (f *Fence) Update(src Source, items []Item, dst []Event) []Event {
	if f.Kind == Roam {
		if _, moved := slices.BinarySearchFunc(items, f.Anchor, func(it Item, k string) int {
			return strings.Compare(it.Key, k)
		}); moved {
			return f.refill(src, dst)
		}
	}
	lo, hi, ok := f.region(src)
	for _, it := range items {
		in := ok && it.OK && f.admits(it.Key) && Dist(it.Lo, it.Hi, lo, hi) <= f.Radius
		if in != f.Has(it.Key) {
			dst = f.flip(dst, it.Key, !in)
		}
	}
	return dst
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
	if exit {
		delete(f.members, key)
	} else {
		f.members[key] = struct{}{}
	}
	return append(dst, Event{f: f, Key: key, Exit: exit})
}

// Revert undoes the membership changes of events, newest first: the
// commit that caused them failed.
func Revert(events []Event) {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Exit {
			e.f.members[e.Key] = struct{}{}
		} else {
			delete(e.f.members, e.Key)
		}
	}
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
