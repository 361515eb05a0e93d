package store

import (
	"fmt"
	"math"
	"slices"
	"time"

	"spatialstore/store/internal/fence"
)

// FenceKind says what region a fence covers.
type FenceKind int32

// The kinds of fence. The numbers are part of the C API.
const (
	FenceBox    = FenceKind(fence.Box)    // a fixed box (Min, Max)
	FenceRadius = FenceKind(fence.Radius) // within Radius of a fixed point (Min)
	FenceRoam   = FenceKind(fence.Roam)   // within Radius of the item under Key, wherever it moves
)

func (k FenceKind) String() string {
	switch k {
	case FenceBox:
		return "box"
	case FenceRadius:
		return "radius"
	case FenceRoam:
		return "roam"
	}
	return fmt.Sprintf("FenceKind(%d)", int32(k))
}

// Fence defines a geofence over a spatial index: the items of the index
// whose keys match Pattern and whose boxes come within Radius of the
// fence's region (touching a box fence) are inside it. Distances are
// Euclidean, over the dimensions both the item and the region have, as in
// Nearby. Every commit that moves, adds, deletes or expires such items
// queues an enter or exit event for each key whose side changed; PollEvents
// reads them. Make one with BoxFence, RadiusFence or RoamFence.
type Fence struct {
	Name    string    `json:"name"`
	Index   string    `json:"index"`
	Pattern string    `json:"pattern"` // '*' any run of characters, '?' one
	Kind    FenceKind `json:"kind"`
	// Min and Max are a box fence's box; a radius fence's centre is Min.
	Min []float64 `json:"min,omitempty"`
	Max []float64 `json:"max,omitempty"`
	// Key is the key a roaming fence follows; the item under it is never
	// inside its own fence, and while there is none the fence is empty.
	Key    string  `json:"key,omitempty"`
	Radius float64 `json:"radius,omitempty"`
}

// BoxFence is a fence over the items that touch box. An empty pattern
// means every key.
func BoxFence(name, index, pattern string, box Rect) Fence {
	return Fence{Name: name, Index: index, Pattern: pattern, Kind: FenceBox, Min: box.Min, Max: box.Max}
}

// RadiusFence is a fence over the items within radius of center.
func RadiusFence(name, index, pattern string, center []float64, radius float64) Fence {
	return Fence{Name: name, Index: index, Pattern: pattern, Kind: FenceRadius, Min: center, Radius: radius}
}

// RoamFence is a fence over the items within radius of the item under key
// in the same index, following it as it moves (Tile38's roaming fence).
func RoamFence(name, index, pattern, key string, radius float64) Fence {
	return Fence{Name: name, Index: index, Pattern: pattern, Kind: FenceRoam, Key: key, Radius: radius}
}

// validate checks everything but the index's existence.
func (f Fence) validate() error {
	switch {
	case f.Name == "":
		return invalidf("empty fence name")
	case f.Index == "":
		return invalidf("fence %q: empty index name", f.Name)
	case f.Pattern == "":
		return invalidf("fence %q: empty key pattern (use \"*\" for every key)", f.Name)
	case math.IsNaN(f.Radius) || math.IsInf(f.Radius, 0) || f.Radius < 0:
		return invalidf("fence %q: radius %g, want a finite distance >= 0", f.Name, f.Radius)
	}
	var err error
	switch f.Kind {
	case FenceBox:
		err = Box(f.Min, f.Max).validate(false)
		if err == nil && f.Radius != 0 {
			err = invalidf("a box fence takes no radius")
		}
	case FenceRadius:
		err = Point(f.Min...).validate(false)
		if err == nil && len(f.Max) != 0 {
			err = invalidf("a radius fence takes a centre, not a box")
		}
	case FenceRoam:
		if len(f.Min) != 0 || len(f.Max) != 0 {
			err = invalidf("a roaming fence takes no fixed geometry")
		}
	default:
		err = invalidf("kind %d", int32(f.Kind))
	}
	if err == nil && f.Kind != FenceRoam && f.Key != "" {
		err = invalidf("only a roaming fence follows a key")
	}
	if err != nil {
		return prefixErr(err, "fence %q", f.Name)
	}
	return nil
}

func (f Fence) equal(g Fence) bool {
	return f.Name == g.Name && f.Index == g.Index && f.Pattern == g.Pattern && f.Kind == g.Kind &&
		slices.Equal(f.Min, g.Min) && slices.Equal(f.Max, g.Max) && f.Key == g.Key && f.Radius == g.Radius
}

// EventKind says whether a key came into a fence or left it.
type EventKind uint8

// The kinds of event. The numbers are part of the C API.
const (
	EventEnter EventKind = 1
	EventExit  EventKind = 2
)

func (k EventKind) String() string {
	if k == EventEnter {
		return "enter"
	}
	return "exit"
}

// FenceEvent is one key entering or leaving one fence at a commit.
type FenceEvent struct {
	Fence, Key string
	Kind       EventKind
	Time       time.Time // of the commit
}

// DefaultEventCapacity is how many events a store queues until polled.
const DefaultEventCapacity = 1 << 16

// MaxEventCapacity bounds SetEventCapacity: the queue is memory the
// program may never poll.
const MaxEventCapacity = 1 << 24

// CreateFence defines a fence, filled with the items inside it now without
// events: events start with the next commit. The index must be a spatial
// index (ErrNoIndex). Creating a fence that exists with the same
// definition does nothing; with another it gives ErrIndexExists. On a file
// store the definition is saved with the index definitions and restored by
// Open, filled again from the items then. An empty pattern means every key.
func (db *DB) CreateFence(f Fence) error {
	if f.Pattern == "" {
		f.Pattern = "*"
	}
	f.Min, f.Max = slices.Clone(f.Min), slices.Clone(f.Max) // the caller's slices stay theirs
	if err := f.validate(); err != nil {
		return err
	}
	return db.update(func(tx *Tx) error {
		if old, ok := db.fences.byName[f.Name]; ok {
			if old.Fence.equal(f) {
				return nil
			}
			return fmt.Errorf("%w: fence %q is a %s fence over %q; drop it first to redefine it",
				ErrIndexExists, f.Name, old.Kind, old.Index)
		}
		if err := tx.addFence(f); err != nil {
			return err
		}
		if err := db.saveIndexes(); err != nil {
			db.fences.drop(f.Name)
			return err
		}
		return nil
	})
}

// addFence makes the fence inside a writable transaction; fences.add
// fills it.
func (tx *Tx) addFence(f Fence) error {
	d, ok := tx.db.indexes[f.Index]
	switch {
	case !ok:
		return fmt.Errorf("%w: fence %q: no index %q", ErrNoIndex, f.Name, f.Index)
	case !d.Spatial():
		return fmt.Errorf("%w: fence %q: %q is a %s index, not a spatial one", ErrNoIndex, f.Name, f.Index, d.Kind)
	}
	pattern := f.Pattern
	ff := fence.New(fence.Def{Name: f.Name, Kind: fence.Kind(f.Kind), Min: f.Min, Max: f.Max, Anchor: f.Key, Radius: f.Radius},
		func(key string) bool { return matchKey(key, pattern) })
	tx.db.fences.add(&fenceDef{Fence: f, f: ff, index: d})
	return nil
}

// DropFence removes a fence; its events already queued stay. An unknown
// name gives ErrNotFound.
func (db *DB) DropFence(name string) error {
	if name == "" {
		return invalidf("empty fence name")
	}
	return db.update(func(tx *Tx) error {
		d := db.fences.drop(name)
		if d == nil {
			return fmt.Errorf("%w: no fence %q", ErrNotFound, name)
		}
		if err := db.saveIndexes(); err != nil {
			db.fences.add(d)
			return err
		}
		return nil
	})
}

// Fences lists the fences, ordered by name.
func (db *DB) Fences() ([]Fence, error) {
	var out []Fence
	err := db.view(func(tx *Tx) error {
		for _, d := range db.fences.list {
			out = append(out, d.Fence)
		}
		return nil
	})
	return out, err
}

// PollEvents takes up to limit of the oldest queued events (limit <= 0:
// all of them), oldest first: commits in the order they happened, and
// within a commit by fence name, then key. lost is how many events the
// queue dropped, oldest first, since the last poll because it was full.
// It does not wait for transactions: a writer holds the queue only while
// it commits. The queue lives in memory: events not polled before Close
// are gone, and a reopened store starts with an empty queue and its
// fences filled from the items as they are.
func (db *DB) PollEvents(limit int) (events []FenceEvent, lost uint64, err error) {
	if db.closed.Load() {
		return nil, 0, ErrClosed
	}
	fs := &db.fences
	fs.mu.Lock()
	recs, lost := fs.queue.Poll(limit, fs.polled[:0])
	events = make([]FenceEvent, len(recs))
	for i, r := range recs {
		events[i] = FenceEvent{Fence: r.Fence, Key: r.Key, Kind: EventEnter, Time: time.Unix(0, r.Time)}
		if r.Exit {
			events[i].Kind = EventExit
		}
	}
	clear(recs)
	fs.polled = recs[:0]
	fs.mu.Unlock()
	return events, lost, nil
}

// SetEventCapacity sets how many events the queue holds, from 1 to
// MaxEventCapacity (DefaultEventCapacity until set). When fewer fit than
// are waiting, the oldest are dropped and counted as lost. It is not saved
// with the file.
func (db *DB) SetEventCapacity(n int) error {
	if n < 1 || n > MaxEventCapacity {
		return invalidf("event capacity %d, want 1 to %d", n, MaxEventCapacity)
	}
	if db.closed.Load() {
		return ErrClosed
	}
	db.fences.mu.Lock()
	db.fences.queue.SetCap(n)
	db.fences.mu.Unlock()
	return nil
}
