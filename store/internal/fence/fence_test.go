package fence

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// world is a Source over a plain map, searched by brute force.
type world map[string][2][]float64

func (w world) Box(key string) (lo, hi []float64, ok bool) {
	b, ok := w[key]
	return b[0], b[1], ok
}

func (w world) Near(lo, hi []float64, dist float64, fn func(key string)) {
	for k, b := range w {
		if Dist(b[0], b[1], lo, hi) <= dist {
			fn(k)
		}
	}
}

// inside is the definition of membership, written out again plainly.
func inside(w world, f *Fence, key string) bool {
	b, ok := w[key]
	if !ok || !f.match(key) {
		return false
	}
	var lo, hi []float64
	switch f.Kind {
	case Box:
		lo, hi = f.Min, f.Max
	case Radius:
		lo, hi = f.Min, f.Min
	case Roam:
		a, ok := w[f.Anchor]
		if !ok || key == f.Anchor {
			return false
		}
		lo, hi = a[0], a[1]
	}
	// The distance, again by hand, in 2-D.
	dx := max(lo[0]-b[1][0], b[0][0]-hi[0], 0)
	dy := max(lo[1]-b[1][1], b[0][1]-hi[1], 0)
	return dx*dx+dy*dy <= f.Radius*f.Radius
}

func members(w world, f *Fence) map[string]bool {
	m := map[string]bool{}
	for k := range w {
		if inside(w, f, k) {
			m[k] = true
		}
	}
	return m
}

func randomFences(r *rand.Rand) []*Fence {
	prefix := func(p string) func(string) bool { return func(k string) bool { return strings.HasPrefix(k, p) } }
	all := func(string) bool { return true }
	return []*Fence{
		New(Def{Name: "a-box", Kind: Box, Min: []float64{20, 20}, Max: []float64{60, 50}}, all),
		New(Def{Name: "b-circle", Kind: Radius, Min: []float64{50, 50}, Radius: 25}, prefix("p")),
		New(Def{Name: "c-roam", Kind: Roam, Anchor: "p0", Radius: 15}, all),
		New(Def{Name: "d-roam", Kind: Roam, Anchor: "m1", Radius: 30}, prefix("p")),
		New(Def{Name: "e-point", Kind: Box, Min: []float64{40, 40}, Max: []float64{40, 40}}, all),
		New(Def{Name: "f-roam0", Kind: Roam, Anchor: "q3", Radius: 0}, all),
	}
}

// TestUpdateMatchesBruteForce moves, adds and deletes items at random,
// updates the fences with the changed keys after each batch, and checks
// the events against the difference of brute-force memberships before and
// after, and the members against brute force.
func TestUpdateMatchesBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		w := world{}
		keys := []string{}
		for _, p := range []string{"p", "m", "q"} {
			for i := 0; i < 12; i++ {
				keys = append(keys, fmt.Sprintf("%s%d", p, i))
			}
		}
		for _, k := range keys[:20] {
			w[k] = randomBox(r)
		}
		fences := randomFences(r)
		set := NewSet()
		for _, f := range fences {
			set.Add(f, w)
			checkMembers(t, w, f)
		}
		checkSet(t, set)
		for step := 0; step < 200; step++ {
			before := map[string]map[string]bool{}
			for _, f := range fences {
				before[f.Name] = members(w, f)
			}
			changed := map[string]bool{}
			for n := r.IntN(4) + 1; n > 0; n-- {
				k := keys[r.IntN(len(keys))]
				changed[k] = true
				if r.IntN(5) == 0 {
					delete(w, k)
				} else {
					w[k] = randomBox(r)
				}
			}
			items := resolve(w, changed)
			got := set.Update(w, items, nil)
			var want []string
			for _, f := range fences { // by name
				for _, e := range diff(before[f.Name], members(w, f)) {
					want = append(want, f.Name+e)
				}
				checkMembers(t, w, f)
			}
			if s, ws := showNamed(got), strings.Join(want, " "); s != ws {
				t.Fatalf("seed %d step %d: events %q, want %q", seed, step, s, ws)
			}
			checkSet(t, set)
			if step%50 == 49 { // take a fence out and put it back
				f := fences[r.IntN(len(fences))]
				set.Remove(f)
				checkSet(t, set)
				set.Add(f, w)
				checkSet(t, set)
				checkMembers(t, w, f)
			}
		}
	}
}

func randomBox(r *rand.Rand) [2][]float64 {
	x, y := r.Float64()*100, r.Float64()*100
	if r.IntN(3) == 0 {
		return [2][]float64{{x, y}, {x + r.Float64()*10, y + r.Float64()*10}}
	}
	return [2][]float64{{x, y}, {x, y}}
}

// resolve gives the changed keys in map order, some twice: Update takes
// them in any order, repeats included.
func resolve(w world, changed map[string]bool) []Item {
	var items []Item
	for k := range changed {
		lo, hi, ok := w.Box(k)
		items = append(items, Item{Key: k, Lo: lo, Hi: hi, OK: ok})
		if len(k)%2 == 0 {
			items = append(items, Item{Key: k, Lo: lo, Hi: hi, OK: ok})
		}
	}
	return items
}

// diff lists the events that take membership from a to b, in key order.
func diff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, "-"+k)
		}
	}
	for k := range b {
		if !a[k] {
			out = append(out, "+"+k)
		}
	}
	slices.SortFunc(out, func(x, y string) int { return strings.Compare(x[1:], y[1:]) })
	return out
}

func show(events []Event) string {
	var s []string
	for _, e := range events {
		sign := "+"
		if e.Exit {
			sign = "-"
		}
		s = append(s, sign+e.Key)
	}
	return strings.Join(s, " ")
}

func showNamed(events []Event) string {
	var s []string
	for _, e := range events {
		sign := "+"
		if e.Exit {
			sign = "-"
		}
		s = append(s, e.Fence()+sign+e.Key)
	}
	return strings.Join(s, " ")
}

func checkSet(t *testing.T, s *Set) {
	t.Helper()
	if msg := s.Check(); msg != "" {
		t.Fatal(msg)
	}
}

func checkMembers(t *testing.T, w world, f *Fence) {
	t.Helper()
	want := members(w, f)
	if f.Len() != len(want) {
		t.Fatalf("fence %s holds %d keys, brute force %d", f.Name, f.Len(), len(want))
	}
	for k := range want {
		if !f.Has(k) {
			t.Fatalf("fence %s lacks %s", f.Name, k)
		}
	}
}

// TestRevert: reverting a commit's events gives back the members before it.
func TestRevert(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	w := world{"p0": {{50, 50}, {50, 50}}, "p1": {{10, 10}, {10, 10}}, "p2": {{52, 52}, {52, 52}}}
	fences := randomFences(r)
	set := NewSet()
	for _, f := range fences {
		set.Add(f, w)
	}
	snapshot := func() string {
		var s []string
		for _, f := range fences {
			for _, k := range []string{"p0", "p1", "p2"} {
				if f.Has(k) {
					s = append(s, f.Name+"/"+k)
				}
			}
		}
		return strings.Join(s, " ")
	}
	was := snapshot()
	old := world{}
	for k, v := range w {
		old[k] = v
	}
	w["p0"] = [2][]float64{{5, 5}, {5, 5}}
	w["p1"] = [2][]float64{{45, 45}, {45, 45}}
	delete(w, "p2")
	items := resolve(w, map[string]bool{"p0": true, "p1": true, "p2": true})
	events := set.Update(w, items, nil)
	if len(events) == 0 || snapshot() == was {
		t.Fatalf("the moves changed nothing: %q", show(events))
	}
	Revert(events)
	set.Reanchor(old)
	checkSet(t, set)
	if got := snapshot(); got != was {
		t.Fatalf("after Revert members are %q, want %q", got, was)
	}
	for _, f := range fences {
		checkMembers(t, old, f)
	}
	if events[0].Fence() != fences[0].Name {
		t.Fatalf("first event's fence %q, want %q", events[0].Fence(), fences[0].Name)
	}
}

// TestRoamWithoutAnchor: a roaming fence whose anchor is gone holds
// nothing; its members exit when the anchor goes, and enter when it comes.
func TestRoamWithoutAnchor(t *testing.T) {
	w := world{"a": {{0, 0}, {0, 0}}, "b": {{1, 0}, {1, 0}}, "c": {{9, 0}, {9, 0}}}
	f := New(Def{Name: "f", Kind: Roam, Anchor: "a", Radius: 2}, func(string) bool { return true })
	set := NewSet()
	set.Add(f, w)
	if f.Len() != 1 || !f.Has("b") {
		t.Fatalf("members %v, want b", f.members)
	}
	delete(w, "a")
	if got := show(set.Update(w, resolve(w, map[string]bool{"a": true}), nil)); got != "-b" {
		t.Fatalf("anchor deleted: %q, want -b", got)
	}
	w["c"] = [2][]float64{{7, 0}, {7, 0}} // moves while there is no anchor: no event
	if got := show(set.Update(w, resolve(w, map[string]bool{"c": true}), nil)); got != "" {
		t.Fatalf("c moved with no anchor: %q", got)
	}
	w["a"] = [2][]float64{{8, 0}, {8, 0}}
	if got := show(set.Update(w, resolve(w, map[string]bool{"a": true}), nil)); got != "+c" {
		t.Fatalf("anchor back at 8: %q, want +c", got)
	}
}

func TestDist(t *testing.T) {
	cases := []struct {
		alo, ahi, blo, bhi []float64
		want               float64
	}{
		{[]float64{0, 0}, []float64{0, 0}, []float64{3, 4}, []float64{3, 4}, 5},
		{[]float64{0, 0}, []float64{2, 2}, []float64{1, 1}, []float64{5, 5}, 0},
		{[]float64{0, 0}, []float64{2, 2}, []float64{2, 2}, []float64{5, 5}, 0},
		{[]float64{0, 0, 100}, []float64{1, 1, 100}, []float64{4, 5}, []float64{4, 5}, 5}, // the dimensions both have
	}
	for _, x := range []float64{0, 0.3, -7, 1e300, -1e-300, math.MaxFloat64, -math.MaxFloat64} {
		for _, r := range []float64{0, 0.1, 25, math.MaxFloat64} {
			if g := grow(x, -r); math.IsInf(g, 0) || g > max(x-r, -math.MaxFloat64) {
				t.Errorf("grow(%g, -%g) = %g, above %g", x, r, g, x-r)
			}
			if g := grow(x, r); math.IsInf(g, 0) || g < min(x+r, math.MaxFloat64) {
				t.Errorf("grow(%g, %g) = %g, below %g", x, r, g, x+r)
			}
		}
	}
	for _, c := range cases {
		if got := Dist(c.alo, c.ahi, c.blo, c.bhi); got != c.want {
			t.Errorf("Dist(%v-%v, %v-%v) = %g, want %g", c.alo, c.ahi, c.blo, c.bhi, got, c.want)
		}
	}
}
