package store

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// filterWorld is a store whose items vary in everything a filter looks at:
// key prefixes, a numeric field that is sometimes a string or missing, a
// string field, nested fields.
type filterWorld struct {
	db    *DB
	model map[string]filterItem
}

type filterItem struct {
	value string
	r     Rect
}

func newFilterWorld(t *testing.T, rng *rand.Rand, n int) *filterWorld {
	w := &filterWorld{db: memDB(t), model: map[string]filterItem{}}
	mustOK(t, w.db.CreateSpatialIndex("pos", "obj:*", "pos"))
	kinds := []string{"player", "item", "npc", "Player"}
	teams := []string{"red", "blue", "Red", ""}
	var items []Item
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("obj:%s:%d", kinds[rng.IntN(len(kinds))], i)
		x, y := float64(rng.IntN(100)), float64(rng.IntN(100))
		var hp string
		switch rng.IntN(6) {
		case 0:
			hp = ""
		case 1:
			hp = `,"hp":"lots"`
		default:
			hp = fmt.Sprintf(`,"hp":%d`, rng.IntN(100))
		}
		v := fmt.Sprintf(`{"pos":[%g,%g]%s,"team":%q,"stats":{"lvl":%d}}`, x, y, hp, teams[rng.IntN(len(teams))], rng.IntN(5))
		items = append(items, Item{Key: key, Value: v})
		w.model[key] = filterItem{value: v, r: Point(x, y)}
	}
	// Keys outside the spatial index, some of them not JSON, for the scans.
	for i := 0; i < n/10; i++ {
		key, v := fmt.Sprintf("raw:%d", i), fmt.Sprintf("not json %d", i)
		if i%2 == 0 {
			v = fmt.Sprintf(`{"hp":%d}`, i)
		}
		items = append(items, Item{Key: key, Value: v})
		w.model[key] = filterItem{value: v}
	}
	mustOK(t, w.db.SetMany(items))
	return w
}

// randomFilter draws a filter from the shapes a caller would use.
func randomFilter(rng *rand.Rand) *Filter {
	f := &Filter{}
	switch rng.IntN(6) {
	case 3:
		f.Match = fmt.Sprintf("obj:npc:%d", rng.IntN(30)) // no wildcard: one key at most
	case 4:
		f.Match = "*"
	case 0:
		f.Match = "obj:player:*"
	case 1:
		f.Match = "obj:?tem:1*"
	case 2:
		f.Match = `obj:\npc:*` // an escape that means the byte itself
	}
	for n := rng.IntN(3); n > 0; n-- {
		switch rng.IntN(5) {
		case 0:
			lo := float64(rng.IntN(100))
			f.Where = append(f.Where, Between("hp", lo, lo+float64(rng.IntN(50))))
		case 1:
			f.Where = append(f.Where, Eq("team", []string{"red", "blue", "Red", ""}[rng.IntN(4)]))
		case 2:
			f.Where = append(f.Where, EqNum("stats.lvl", float64(rng.IntN(5))))
		case 3:
			f.Where = append(f.Where, StrBetween("team", "b", "r"))
		case 4:
			f.Where = append(f.Where, Exists("hp"), Between("hp", math.Inf(-1), 10))
		}
	}
	return f
}

// bruteFilter is the filter as a test reads it: glob, then each condition
// from its definition.
func bruteFilter(f *Filter, key, value string) bool {
	if f.Match != "" && !globMatch(key, f.Match) {
		return false
	}
	for _, c := range f.Where {
		r := gjson.Get(value, c.Path)
		ok := false
		switch c.Op {
		case CondEq:
			ok = r.Type == gjson.Number && r.Num == c.Min
		case CondStrEq:
			ok = r.Type == gjson.String && r.Str == c.Str
		case CondRange:
			ok = r.Type == gjson.Number && r.Num >= c.Min && r.Num <= c.Max
		case CondStrRange:
			ok = r.Type == gjson.String && r.Str >= c.Str && r.Str <= c.StrMax
		case CondExists:
			ok = r.Exists()
		}
		if !ok {
			return false
		}
	}
	return true
}

// globMatch is a plain recursive glob: '*' any run, '?' one byte, '\' the
// next byte itself.
func globMatch(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		return globMatch(s, p[1:]) || (s != "" && globMatch(s[1:], p))
	case '?':
		return s != "" && globMatch(s[1:], p[1:])
	case '\\':
		if len(p) > 1 {
			p = p[1:]
		}
	}
	return s != "" && s[0] == p[0] && globMatch(s[1:], p[1:])
}

func (w *filterWorld) brute(f *Filter, in func(it filterItem) bool) []string {
	keys := []string{}
	for k, it := range w.model {
		if it.r.Min != nil && in(it) && bruteFilter(f, k, it.value) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func TestFiltersAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	w := newFilterWorld(t, rng, 1500)
	collect := func(keys *[]string) func(k, v string) bool {
		return func(k, v string) bool {
			if w.model[k].value != v {
				t.Fatalf("%q came with value %q, want %q", k, v, w.model[k].value)
			}
			*keys = append(*keys, k)
			return true
		}
	}
	nonEmpty, narrowed := 0, 0
	for round := 0; round < 300; round++ {
		f := randomFilter(rng)
		x, y := float64(rng.IntN(100)), float64(rng.IntN(100))
		box := Box([]float64{x, y}, []float64{x + float64(rng.IntN(60)), y + float64(rng.IntN(60))})
		want := w.brute(f, func(it filterItem) bool { return intersectsOn(it.r, box) })
		all := w.brute(&Filter{}, func(it filterItem) bool { return intersectsOn(it.r, box) })
		if len(want) > 0 {
			nonEmpty++
		}
		if len(want) < len(all) {
			narrowed++
		}
		got := []string{}
		mustOK(t, w.db.IntersectsFiltered("pos", box, 0, f, collect(&got)))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: IntersectsFiltered(%v, %+v) = %d keys, want %d", round, box, f, len(got), len(want))
		}
		wantIn := w.brute(f, func(it filterItem) bool { return box.contains(it.r) })
		got = got[:0]
		mustOK(t, w.db.WithinFiltered("pos", box, 0, f, collect(&got)))
		slices.Sort(got)
		if !slices.Equal(got, wantIn) {
			t.Fatalf("round %d: WithinFiltered = %v, want %v", round, got, wantIn)
		}
		// A limit counts the items that pass, not those looked at.
		if limit := 1 + rng.IntN(5); len(want) > 0 {
			got = got[:0]
			mustOK(t, w.db.IntersectsFiltered("pos", box, limit, f, collect(&got)))
			if len(got) != min(limit, len(want)) {
				t.Fatalf("round %d: limit %d gave %d of %d", round, limit, len(got), len(want))
			}
			for _, k := range got {
				if _, ok := slices.BinarySearch(want, k); !ok {
					t.Fatalf("round %d: %q does not pass the filter", round, k)
				}
			}
		}
		// Nearby: the k nearest that pass, in distance then key order.
		pt := []float64{x, y}
		k := rng.IntN(12)
		maxDist := -1.0
		if rng.IntN(3) == 0 {
			maxDist = float64(rng.IntN(40))
		}
		var pass []string
		for key, it := range w.model {
			if it.r.Min != nil && bruteFilter(f, key, it.value) {
				pass = append(pass, key)
			}
		}
		m := spatialModel{}
		for _, key := range pass {
			m[key] = modelItem{value: w.model[key].value, r: w.model[key].r}
		}
		wantNear := bruteNearby(m, pass, pt, k, maxDist)
		gotNear := []hit{}
		mustOK(t, w.db.NearbyFiltered("pos", pt, k, maxDist, f, func(key, _ string, d float64) bool {
			gotNear = append(gotNear, hit{key, d})
			return true
		}))
		if !slices.Equal(gotNear, wantNear) {
			t.Fatalf("round %d: NearbyFiltered(%v, k=%d, %g, %+v) = %v, want %v", round, pt, k, maxDist, f, gotNear, wantNear)
		}
		// The batch forms give each query what the single one gives.
		var batch [][]string
		mustOK(t, w.db.IntersectsManyFiltered("pos", []Rect{box, box}, 0, f, func(q int, k, _ string) bool {
			for len(batch) <= q {
				batch = append(batch, []string{})
			}
			batch[q] = append(batch[q], k)
			return true
		}))
		for q := range batch {
			slices.Sort(batch[q])
			if !slices.Equal(batch[q], want) {
				t.Fatalf("round %d: IntersectsManyFiltered query %d differs", round, q)
			}
		}
		var batchIn []string
		mustOK(t, w.db.WithinManyFiltered("pos", []Rect{box}, 0, f, func(_ int, k, _ string) bool {
			batchIn = append(batchIn, k)
			return true
		}))
		slices.Sort(batchIn)
		if !slices.Equal(append([]string{}, batchIn...), wantIn) {
			t.Fatalf("round %d: WithinManyFiltered differs", round)
		}
		var batchNear []hit
		mustOK(t, w.db.NearbyManyFiltered("pos", [][]float64{pt}, k, maxDist, f, func(_ int, key, _ string, d float64) bool {
			batchNear = append(batchNear, hit{key, d})
			return true
		}))
		if !slices.Equal(append([]hit{}, batchNear...), wantNear) {
			t.Fatalf("round %d: NearbyManyFiltered differs", round)
		}
		// Scans: over the keys, every key (JSON or not) is a candidate.
		wantScan := []string{}
		for key, it := range w.model {
			if bruteFilter(f, key, it.value) {
				wantScan = append(wantScan, key)
			}
		}
		slices.Sort(wantScan)
		gotScan := []string{}
		mustOK(t, w.db.ScanFiltered("", Range{}, f, collect(&gotScan)))
		if !slices.Equal(gotScan, wantScan) {
			t.Fatalf("round %d: ScanFiltered(%+v) = %d keys, want %d", round, f, len(gotScan), len(wantScan))
		}
	}
	// The draw must exercise both sides: filters that keep some items and
	// filters that turn some away.
	if nonEmpty < 100 || narrowed < 100 {
		t.Fatalf("weak draw: %d rounds with hits, %d where the filter narrowed", nonEmpty, narrowed)
	}
}

func TestFilterRefusals(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", "pos"))
	mustSet(t, db, "p:1", `{"pos":[1,1]}`)
	box := Box([]float64{0, 0}, []float64{9, 9})
	bad := []*Filter{
		{Match: `p:\`},
		{Where: []Cond{{Op: CondExists}}},
		{Where: []Cond{Between("hp", math.NaN(), 1)}},
		{Where: []Cond{Between("hp", 2, 1)}},
		{Where: []Cond{EqNum("hp", math.Inf(1))}},
		{Where: []Cond{StrBetween("name", "z", "a")}},
		{Where: []Cond{{Path: "hp", Op: 99}}},
	}
	none := func(k, v string) bool { t.Fatalf("a refused query reported %q", k); return false }
	for _, f := range bad {
		wantErr(t, db.IntersectsFiltered("pos", box, 0, f, none), ErrInvalidArgument)
		wantErr(t, db.WithinManyFiltered("pos", []Rect{box}, 0, f, func(int, string, string) bool { return none("", "") }), ErrInvalidArgument)
		wantErr(t, db.NearbyFiltered("pos", []float64{0, 0}, 1, -1, f, func(string, string, float64) bool { return none("", "") }), ErrInvalidArgument)
		wantErr(t, db.NearbyManyFiltered("pos", [][]float64{{0, 0}}, 1, -1, f, func(int, string, string, float64) bool { return none("", "") }), ErrInvalidArgument)
		wantErr(t, db.ScanFiltered("", Range{}, f, none), ErrInvalidArgument)
	}
	// A zero filter and a nil one let everything through.
	for _, f := range []*Filter{nil, {}} {
		n := 0
		mustOK(t, db.IntersectsFiltered("pos", box, 0, f, func(string, string) bool { n++; return true }))
		if n != 1 {
			t.Fatalf("filter %+v: %d hits, want 1", f, n)
		}
	}
	// Closed transactions and databases refuse as the plain queries do.
	tx, err := db.Begin(false)
	mustOK(t, err)
	mustOK(t, tx.Rollback())
	wantErr(t, tx.ScanFiltered("", Range{}, nil, none), ErrTxClosed)
	wantErr(t, tx.IntersectsFiltered("pos", box, 0, nil, none), ErrTxClosed)
	mustOK(t, db.Close())
	wantErr(t, db.ScanFiltered("", Range{}, &Filter{Match: "*"}, none), ErrClosed)
}

func TestFilterStopsEarly(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "p:*", ""))
	for i := 0; i < 50; i++ {
		mustSet(t, db, fmt.Sprintf("p:%02d", i), fmt.Sprintf("[%d 0]", i))
	}
	f := &Filter{Match: "p:?5"}
	n := 0
	mustOK(t, db.ScanFiltered("", Range{}, f, func(k, _ string) bool { n++; return false }))
	if n != 1 {
		t.Fatalf("scan went on after fn returned false: %d calls", n)
	}
	var keys []string
	mustOK(t, db.ScanFiltered("", Range{Limit: 2}, f, func(k, _ string) bool { keys = append(keys, k); return true }))
	if strings.Join(keys, ",") != "p:05,p:15" {
		t.Fatalf("limited filtered scan = %v", keys)
	}
}
