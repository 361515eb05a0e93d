package store

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// fenceModel replays the same writes as the store on a plain map, and
// finds each fence's members by looking at every item.
type fenceModel struct {
	items  map[string][2][]float64 // key -> box
	fences []Fence                 // by name
}

func (m *fenceModel) inside(f Fence, key string) bool {
	b, ok := m.items[key]
	if !ok || !matchKey(key, f.Pattern) {
		return false
	}
	var lo, hi []float64
	switch f.Kind {
	case FenceBox:
		lo, hi = f.Min, f.Max
	case FenceRadius:
		lo, hi = f.Min, f.Min
	case FenceRoam:
		a, ok := m.items[f.Key]
		if !ok || key == f.Key {
			return false
		}
		lo, hi = a[0], a[1]
	}
	var s float64
	for i := range 2 {
		g := max(lo[i]-b[1][i], b[0][i]-hi[i], 0)
		s += g * g
	}
	return s <= f.Radius*f.Radius
}

func (m *fenceModel) members() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, f := range m.fences {
		out[f.Name] = map[string]bool{}
		for k := range m.items {
			if m.inside(f, k) {
				out[f.Name][k] = true
			}
		}
	}
	return out
}

// events lists, as "fence key enter|exit", what takes members a to b:
// by fence name, then key.
func (m *fenceModel) events(a, b map[string]map[string]bool) []string {
	var out []string
	for _, f := range m.fences {
		var keys []string
		for k := range a[f.Name] {
			if !b[f.Name][k] {
				keys = append(keys, k)
			}
		}
		for k := range b[f.Name] {
			if !a[f.Name][k] {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			kind := "enter"
			if a[f.Name][k] {
				kind = "exit"
			}
			out = append(out, f.Name+" "+k+" "+kind)
		}
	}
	return out
}

func testFences() []Fence {
	return []Fence{
		RoamFence("aggro", "g", "p*", "m0", 15),
		RadiusFence("circle", "g", "*", []float64{50, 50}, 20),
		RoamFence("pickup", "g", "i*", "p0", 8),
		BoxFence("zone", "g", "p*", Box([]float64{20, 20}, []float64{60, 60})),
	}
}

// pollAll polls every event and gives them as "fence key kind", checking
// that times never go back and that nothing was lost.
func pollAll(t *testing.T, db *DB) []string {
	t.Helper()
	events, lost, err := db.PollEvents(0)
	mustOK(t, err)
	if lost != 0 {
		t.Fatalf("%d events lost", lost)
	}
	var out []string
	for i, e := range events {
		if i > 0 && e.Time.Before(events[i-1].Time) {
			t.Fatalf("event %d at %v is older than the one before it at %v", i, e.Time, events[i-1].Time)
		}
		out = append(out, e.Fence+" "+e.Key+" "+e.Kind.String())
	}
	return out
}

func randomPlace(r *rand.Rand) ([2][]float64, string) {
	x, y := math.Round(r.Float64()*1000)/10, math.Round(r.Float64()*1000)/10
	if r.IntN(4) == 0 {
		w, h := math.Round(r.Float64()*100)/10, math.Round(r.Float64()*100)/10
		return [2][]float64{{x, y}, {x + w, y + h}}, fmt.Sprintf("[%g %g],[%g %g]", x, y, x+w, y+h)
	}
	return [2][]float64{{x, y}, {x, y}}, fmt.Sprintf("[%g %g]", x, y)
}

// TestFenceEventsMatchBruteForce moves, adds and deletes items at random in
// transactions, a quarter of them rolled back, and checks the polled
// events against the difference of brute-force memberships before and
// after each committed transaction: every enter and exit, nothing more,
// in commit order.
func TestFenceEventsMatchBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		r := rand.New(rand.NewPCG(seed, 15))
		db := memDB(t)
		mustOK(t, db.CreateSpatialIndex("g", "*", ""))
		m := &fenceModel{items: map[string][2][]float64{}}
		var keys []string
		for _, p := range []string{"p", "m", "i"} {
			for i := range 8 {
				keys = append(keys, fmt.Sprintf("%s%d", p, i))
			}
		}
		for _, k := range keys[:12] { // items there before the fences: no events for them
			b, v := randomPlace(r)
			mustSet(t, db, k, v)
			m.items[k] = b
		}
		m.fences = testFences()
		for _, f := range m.fences {
			mustOK(t, db.CreateFence(f))
		}
		var want []string
		for step := range 300 {
			before := m.members()
			next := map[string][2][]float64{}
			deleted := map[string]bool{}
			for k, b := range m.items {
				next[k] = b
			}
			rollback := r.IntN(4) == 0
			err := db.Update(func(tx *Tx) error {
				for n := r.IntN(4) + 1; n > 0; n-- {
					k := keys[r.IntN(len(keys))]
					if r.IntN(5) == 0 {
						if err := tx.Delete(k); err != nil && !errors.Is(err, ErrNotFound) {
							return err
						}
						delete(next, k)
						deleted[k] = true
						continue
					}
					b, v := randomPlace(r)
					if err := tx.Set(k, v, 0); err != nil {
						return err
					}
					next[k] = b
				}
				if rollback {
					return errors.New("rolled back")
				}
				return nil
			})
			if rollback {
				if err == nil {
					t.Fatal("the rolled-back transaction committed")
				}
			} else {
				mustOK(t, err)
				m.items = next
				want = append(want, m.events(before, m.members())...)
			}
			if step%7 == 0 || step == 299 {
				if got := pollAll(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("seed %d step %d:\ngot events\n%s\nwant\n%s", seed, step, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				want = nil
			}
		}
	}
}

// TestFenceOneCommitOneTime: the events of one commit carry its time; a
// key that goes out and back in within one transaction makes no event.
func TestFenceOneCommitOneTime(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.CreateFence(BoxFence("z", "g", "", Box([]float64{0, 0}, []float64{10, 10}))))
	mustSet(t, db, "stay", "[5 5]")
	start := time.Now()
	mustOK(t, db.Update(func(tx *Tx) error {
		for _, kv := range [][2]string{{"a", "[1 1]"}, {"b", "[2 2]"}, {"stay", "[50 50]"}, {"stay", "[6 6]"}} {
			if err := tx.Set(kv[0], kv[1], 0); err != nil {
				return err
			}
		}
		return nil
	}))
	events, _, err := db.PollEvents(0)
	mustOK(t, err)
	if len(events) != 3 || events[1].Key != "a" || events[2].Key != "b" || events[1].Time != events[2].Time ||
		events[1].Time.Before(start) || events[0].Key != "stay" || events[0].Kind != EventEnter {
		t.Fatalf("events %+v, want stay (from the first Set), then a and b at one time", events)
	}
}

// TestFenceExpiry: an item whose TTL runs out leaves its fences when the
// store removes it (the sweep, about a second after), and never comes
// back.
func TestFenceExpiry(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.CreateFence(RadiusFence("c", "g", "", []float64{0, 0}, 5)))
	mustOK(t, db.CreateFence(RoamFence("r", "g", "", "anchor", 5)))
	mustSet(t, db, "anchor", "[0 1]")
	// Long enough that the commit sees the item alive even on a loaded
	// machine: an item already expired when its commit is weighed never
	// enters.
	mustOK(t, db.Set("brief", "[1 1]", 300*time.Millisecond))
	deadline := time.Now().Add(10 * time.Second)
	var got []string
	for len(got) < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = append(got, pollAll(t, db)...)
	}
	want := []string{"c anchor enter", "c brief enter", "r brief enter", "c brief exit", "r brief exit"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("events %q, want %q", got, want)
	}
}

// TestFenceExpiredIsNotFilled: a fence made after an item expired, before
// the sweep, does not count it, and its removal then makes no event.
func TestFenceExpiredIsNotFilled(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.Set("brief", "[1 1]", expireSoon))
	time.Sleep(expireWait)
	mustOK(t, db.CreateFence(RadiusFence("c", "g", "", []float64{0, 0}, 5)))
	db.sweep([]string{"brief"})
	mustSet(t, db, "late", "[2 2]")
	if got := pollAll(t, db); strings.Join(got, ",") != "c late enter" {
		t.Fatalf("events %q, want only late's enter", got)
	}
}

// TestFenceReopen: fences persist with their definitions and are filled
// again at open; events not polled before Close are gone.
func TestFenceReopen(t *testing.T) {
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustSet(t, db, "m0", "[50 50]")
	mustSet(t, db, "p1", "[55 55]")
	for _, f := range testFences() {
		mustOK(t, db.CreateFence(f))
	}
	mustSet(t, db, "p2", "[40 40]") // unpolled at Close
	defs, err := db.Fences()
	mustOK(t, err)
	mustOK(t, db.Close())
	db, err = Open(path, nil)
	mustOK(t, err)
	defer func() { _ = db.Close() }()
	again, err := db.Fences()
	mustOK(t, err)
	if len(again) != len(defs) {
		t.Fatalf("reopened with fences %+v, want %+v", again, defs)
	}
	for i := range defs {
		if !again[i].equal(defs[i]) {
			t.Fatalf("fence %d reopened as %+v, want %+v", i, again[i], defs[i])
		}
	}
	if got := pollAll(t, db); len(got) != 0 {
		t.Fatalf("a reopened store has events %q", got)
	}
	mustSet(t, db, "p1", "[0 0]")
	want := "aggro p1 exit,circle p1 exit,zone p1 exit"
	if got := pollAll(t, db); strings.Join(got, ",") != want {
		t.Fatalf("after reopen, moving p1 out gave %q, want %q", got, want)
	}
}

// TestFenceOverflow: a full queue drops its oldest events and the next
// poll says how many; the one after says 0.
func TestFenceOverflow(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.CreateFence(BoxFence("z", "g", "*", Box([]float64{0}, []float64{10}))))
	mustOK(t, db.SetEventCapacity(3))
	for i := range 5 {
		mustSet(t, db, fmt.Sprintf("k%d", i), "[1]")
	}
	events, lost, err := db.PollEvents(2)
	mustOK(t, err)
	if lost != 2 || len(events) != 2 || events[0].Key != "k2" || events[1].Key != "k3" {
		t.Fatalf("PollEvents(2) = %+v lost %d, want k2 k3 lost 2", events, lost)
	}
	events, lost, err = db.PollEvents(0)
	mustOK(t, err)
	if lost != 0 || len(events) != 1 || events[0].Key != "k4" {
		t.Fatalf("PollEvents(0) = %+v lost %d, want k4 lost 0", events, lost)
	}
	mustSet(t, db, "k5", "[2]")
	mustSet(t, db, "k6", "[2]")
	mustOK(t, db.SetEventCapacity(1)) // shrinking drops the oldest too
	events, lost, err = db.PollEvents(0)
	mustOK(t, err)
	if lost != 1 || len(events) != 1 || events[0].Key != "k6" {
		t.Fatalf("after shrinking: %+v lost %d, want k6 lost 1", events, lost)
	}
}

// TestFenceFailedCommit: a commit that cannot be written makes no events
// and leaves the fences as they were.
func TestFenceFailedCommit(t *testing.T) {
	db, _ := fileDB(t, nil)
	defer func() { _ = db.Close() }()
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.CreateFence(BoxFence("z", "g", "*", Box([]float64{0, 0}, []float64{10, 10}))))
	mustSet(t, db, "in", "[5 5]")
	pollAll(t, db)
	mustOK(t, db.lock.Close()) // every later commit note fails, so multi-write commits fail
	err := db.SetMany([]Item{{Key: "new", Value: "[1 1]"}, {Key: "in", Value: "[90 90]"}})
	wantErr(t, err, ErrIO)
	if got := pollAll(t, db); len(got) != 0 {
		t.Fatalf("a failed commit made events %q", got)
	}
	mustSet(t, db, "in", "[95 95]") // one write: no commit note, so it commits
	if got := pollAll(t, db); strings.Join(got, ",") != "z in exit" {
		t.Fatalf("after the failed commit, moving in out gave %q", got)
	}
}

// TestFenceErrors: every refusal names its cause and changes nothing.
func TestFenceErrors(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustOK(t, db.CreateIndex("o", "*", IndexString, ""))
	box := Box([]float64{0, 0}, []float64{1, 1})
	cases := []struct {
		f    Fence
		want error
	}{
		{BoxFence("", "g", "*", box), ErrInvalidArgument},
		{BoxFence("f", "", "*", box), ErrInvalidArgument},
		{BoxFence("f", "nope", "*", box), ErrNoIndex},
		{BoxFence("f", "o", "*", box), ErrNoIndex},
		{BoxFence("f", "g", "*", Box([]float64{2, 0}, []float64{1, 1})), ErrInvalidGeometry},
		{BoxFence("f", "g", "*", Box([]float64{math.Inf(-1)}, []float64{1})), ErrInvalidGeometry},
		{BoxFence("f", "g", "*", Box(nil, nil)), ErrInvalidGeometry},
		{Fence{Name: "f", Index: "g", Pattern: "*", Kind: FenceBox, Min: []float64{0}, Max: []float64{1}, Radius: 1}, ErrInvalidArgument},
		{Fence{Name: "f", Index: "g", Pattern: "*", Kind: FenceBox, Min: []float64{0}, Max: []float64{1}, Key: "k"}, ErrInvalidArgument},
		{RadiusFence("f", "g", "*", []float64{math.NaN()}, 1), ErrInvalidGeometry},
		{RadiusFence("f", "g", "*", []float64{0}, -1), ErrInvalidArgument},
		{RadiusFence("f", "g", "*", []float64{0}, math.Inf(1)), ErrInvalidArgument},
		{RadiusFence("f", "g", "*", []float64{0}, math.NaN()), ErrInvalidArgument},
		{Fence{Name: "f", Index: "g", Pattern: "*", Kind: FenceRadius, Min: []float64{0}, Max: []float64{1}}, ErrInvalidArgument},
		{Fence{Name: "f", Index: "g", Pattern: "*", Kind: FenceRoam, Key: "k", Min: []float64{0}}, ErrInvalidArgument},
		{Fence{Name: "f", Index: "g", Pattern: "*", Kind: 7}, ErrInvalidArgument},
	}
	for _, c := range cases {
		err := db.CreateFence(c.f)
		if !errors.Is(err, c.want) {
			t.Errorf("CreateFence(%+v) = %v, want %v", c.f, err, c.want)
		}
	}
	if fs, _ := db.Fences(); len(fs) != 0 {
		t.Fatalf("refused fences left %+v", fs)
	}
	mustOK(t, db.CreateFence(RoamFence("r", "g", "", "k", 1)))
	mustOK(t, db.CreateFence(RoamFence("r", "g", "*", "k", 1))) // the same: "" is "*"
	wantErr(t, db.CreateFence(RoamFence("r", "g", "*", "k", 2)), ErrIndexExists)
	wantErr(t, db.DropFence(""), ErrInvalidArgument)
	wantErr(t, db.DropFence("nope"), ErrNotFound)
	wantErr(t, db.SetEventCapacity(0), ErrInvalidArgument)
	wantErr(t, db.SetEventCapacity(MaxEventCapacity+1), ErrInvalidArgument)
	mustOK(t, db.DropFence("r"))
	wantErr(t, db.DropFence("r"), ErrNotFound)

	// Dropping the index drops its fences.
	mustOK(t, db.CreateFence(RoamFence("r", "g", "", "k", 1)))
	mustOK(t, db.DropIndex("g"))
	if fs, _ := db.Fences(); len(fs) != 0 {
		t.Fatalf("fences %+v outlived their index", fs)
	}
	mustOK(t, db.Close())
	wantErr(t, db.CreateFence(RoamFence("r", "g", "", "k", 1)), ErrClosed)
	wantErr(t, db.DropFence("r"), ErrClosed)
	_, _, err := db.PollEvents(0)
	wantErr(t, err, ErrClosed)
	wantErr(t, db.SetEventCapacity(5), ErrClosed)
	_, err = db.Fences()
	wantErr(t, err, ErrClosed)
}

// TestFenceCallerSlices: the fence keeps copies of the caller's slices.
func TestFenceCallerSlices(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	lo, hi := []float64{0}, []float64{1}
	mustOK(t, db.CreateFence(BoxFence("z", "g", "*", Box(lo, hi))))
	lo[0], hi[0] = 50, 60
	mustSet(t, db, "k", "[0.5]")
	if got := pollAll(t, db); strings.Join(got, ",") != "z k enter" {
		t.Fatalf("events %q: the fence followed the caller's slices", got)
	}
}

// TestFenceBadIndexFile: a saved fence that is malformed, or names an
// index the file does not define, refuses the open with ErrCorrupt.
func TestFenceBadIndexFile(t *testing.T) {
	for _, fences := range []string{
		`[{"name":"f","index":"g","pattern":"*","kind":1,"min":[0],"radius":-1}]`,
		`[{"name":"f","index":"missing","pattern":"*","kind":2,"key":"k","radius":1}]`,
	} {
		db, path := fileDB(t, nil)
		mustOK(t, db.CreateSpatialIndex("g", "*", ""))
		mustOK(t, db.Close())
		content := `{"version":1,"indexes":[{"name":"g","pattern":"*","kind":100}],"fences":` + fences + `}`
		mustOK(t, os.WriteFile(indexFile(path), []byte(content), 0o644))
		_, err := Open(path, nil)
		wantErr(t, err, ErrCorrupt)
	}
}

// TestFenceIndexDroppedInTransaction: an index dropped in a transaction
// takes its fences along; a rollback brings both back, with their members.
func TestFenceIndexDroppedInTransaction(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("g", "*", ""))
	mustSet(t, db, "in", "[1 1]")
	mustOK(t, db.CreateFence(BoxFence("z", "g", "*", Box([]float64{0, 0}, []float64{5, 5}))))
	tx, err := db.Begin(true)
	mustOK(t, err)
	mustOK(t, tx.DropIndex("g"))
	mustOK(t, tx.Rollback())
	if fs, _ := db.Fences(); len(fs) != 1 {
		t.Fatalf("after the rollback the fences are %+v", fs)
	}
	mustSet(t, db, "in", "[9 9]")
	if got := pollAll(t, db); strings.Join(got, ",") != "z in exit" {
		t.Fatalf("events %q, want the exit of a member from before the drop", got)
	}
	mustOK(t, db.Update(func(tx *Tx) error { return tx.DropIndex("g") }))
	if fs, _ := db.Fences(); len(fs) != 0 {
		t.Fatalf("a committed drop left the fences %+v", fs)
	}
}
