package store

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSpatialGeometryForms(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", "pos"))
	mustOK(t, db.CreateSpatialIndex("txt", "t:*", ""))
	mustOK(t, db.SetMany([]Item{
		{Key: "g:array", Value: `{"pos":[1,1,0]}`},
		{Key: "g:box", Value: `{"pos":[[2,2,0],[3,3,0]]}`},
		{Key: "g:object", Value: `{"pos":{"x":4,"y":4,"z":0},"name":"o"}`},
		{Key: "g:text", Value: `{"pos":"[5 5 0],[6 6 0]"}`},
		{Key: "t:point", Value: "[1 1 0]"},
		{Key: "t:box", Value: "[2 2 0],[3 3 0]"},
		{Key: "other", Value: "anything: not under any spatial pattern"},
	}))
	all := Box([]float64{0, 0, 0}, []float64{10, 10, 0})
	wantSet(t, "geo", intersectKeys(t, db, "geo", all, 0), "g:array", "g:box", "g:object", "g:text")
	wantSet(t, "txt", intersectKeys(t, db, "txt", all, 0), "t:point", "t:box")
	wantKeys(t, "object point", intersectKeys(t, db, "geo", Point(4, 4, 0), 0), "g:object")
	wantKeys(t, "text box", intersectKeys(t, db, "geo", Point(5.5, 5.5, 0), 0), "g:text")
	wantKeys(t, "box", intersectKeys(t, db, "txt", Point(2.5, 2.9, 0), 0), "t:box")

	// The value returned is the whole stored value.
	var got string
	mustOK(t, db.Intersects("geo", Point(4, 4, 0), 0, func(_, v string) bool { got = v; return true }))
	if got != `{"pos":{"x":4,"y":4,"z":0},"name":"o"}` {
		t.Fatalf("value = %q", got)
	}
}

func TestSpatialDimensions(t *testing.T) {
	for _, dims := range []int{1, 2, 3, 20} {
		db := memDB(t)
		mustOK(t, db.CreateSpatialIndex("geo", "*", "p"))
		coords := func(v float64) []float64 {
			c := make([]float64, dims)
			for i := range c {
				c[i] = v
			}
			return c
		}
		js := func(c []float64) string {
			parts := make([]string, len(c))
			for i, v := range c {
				parts[i] = fmt.Sprint(v)
			}
			return "[" + strings.Join(parts, ",") + "]"
		}
		for i := 0; i < 5; i++ {
			mustSet(t, db, fmt.Sprintf("p%d", i), `{"p":`+js(coords(float64(i*10)))+`}`)
		}
		mustSet(t, db, "box", `{"p":[`+js(coords(11))+`,`+js(coords(19))+`]}`)
		name := fmt.Sprintf("%dD", dims)
		wantSet(t, name+" intersects", intersectKeys(t, db, "geo", Box(coords(5), coords(20)), 0), "p1", "p2", "box")
		wantSet(t, name+" within", withinKeys(t, db, "geo", Box(coords(5), coords(18)), 0), "p1")
		step := math.Sqrt(float64(dims)) * 10
		wantHits(t, name+" nearby", nearby(t, db, "geo", coords(0), 3, -1),
			hit{"p0", 0}, hit{"p1", step}, hit{"box", math.Sqrt(float64(dims)) * 11})
		wantHits(t, name+" nearby inside box", nearby(t, db, "geo", coords(15), 1, -1), hit{"box", 0})

		// MaxDims+1 dimensions are refused, as an item and as a query.
		if dims == 20 {
			err := db.Set("p21", `{"p":`+js(append(coords(1), 1))+`}`, 0)
			wantErr(t, err, ErrInvalidGeometry)
			wantMissing(t, db, "p21")
			_, err = nearbyErr(db, "geo", append(coords(1), 1))
			wantErr(t, err, ErrInvalidGeometry)
			err = db.Intersects("geo", Point(append(coords(1), 1)...), 0, func(string, string) bool { return true })
			wantErr(t, err, ErrInvalidGeometry)
		}
	}
}

func nearbyErr(db *DB, index string, point []float64) ([]hit, error) {
	var hits []hit
	err := db.Nearby(index, point, 0, -1, func(k, _ string, d float64) bool { hits = append(hits, hit{k, d}); return true })
	return hits, err
}

func TestSpatialRefusesBadGeometry(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "g:*", "pos"))
	mustOK(t, db.CreateSpatialIndex("txt", "t:*", ""))
	mustSet(t, db, "g:1", `{"pos":[1,2]}`)
	mustSet(t, db, "t:1", "[1 2]")
	many := strings.TrimSuffix(strings.Repeat("1,", 21), ",")
	for _, c := range []struct{ key, value string }{
		{"g:1", `{"pos":[1,"x"]}`},
		{"g:1", `{"pos":"abc"}`},
		{"g:1", `{"nopos":[1,2]}`},
		{"g:1", `{"pos":[[3,3],[1,1]]}`},
		{"g:1", `{"pos":[1,[2]]}`},
		{"g:1", `{"pos":[` + many + `]}`},
		{"g:1", `{"pos":[1e999,1]}`},
		{"g:1", `{"pos":"[NaN 1]"}`},
		{"g:1", `{"pos":{"y":1}}`},
		{"g:1", `not json`},
		{"g:1", ``},
		{"t:1", `[NaN 1]`},
		{"t:1", `[1e999 0]`},
		{"t:1", `[2 2],[1 1]`},
		{"t:1", `{"pos":[1,2]}`},
		{"t:1", ""},
		{"t:1", "\x00\x01" + strings.Repeat("\x00", 16)}, // looks like a query
		{"t:new", "[a b]"},
	} {
		err := db.Set(c.key, c.value, 0)
		wantErr(t, err, ErrInvalidGeometry)
		wantErr(t, err, ErrInvalidArgument)
		if !strings.Contains(err.Error(), c.key) {
			t.Errorf("error %q does not name key %q", err, c.key)
		}
		err = db.SetMany([]Item{{Key: "t:fine", Value: "[0 0]"}, {Key: c.key, Value: c.value}})
		wantErr(t, err, ErrInvalidGeometry)
		err = db.Update(func(tx *Tx) error { return tx.Set(c.key, c.value, time.Hour) })
		wantErr(t, err, ErrInvalidGeometry)
	}
	// Nothing was written.
	wantValue(t, db, "g:1", `{"pos":[1,2]}`)
	wantValue(t, db, "t:1", "[1 2]")
	wantMissing(t, db, "t:new")
	wantMissing(t, db, "t:fine")
	if n, _ := db.Len(); n != 2 {
		t.Fatalf("Len() = %d, want 2", n)
	}
	wantKeys(t, "geo", intersectKeys(t, db, "geo", Point(1, 2), 0), "g:1")
	wantKeys(t, "txt", intersectKeys(t, db, "txt", Point(1, 2), 0), "t:1")
	// A key outside both patterns takes any value.
	mustSet(t, db, "x:1", "[NaN 1]")
}

func TestSpatialQueryArguments(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustOK(t, db.CreateIndex("ord", "*", IndexString, ""))
	mustSet(t, db, "a", "[1 1]")
	fn := func(string, string) bool { t.Error("fn called"); return true }
	nfn := func(string, string, float64) bool { t.Error("fn called"); return true }
	nan, inf := math.NaN(), math.Inf(1)

	for _, box := range []Rect{
		Point(nan, 1),
		Box([]float64{0, 0}, []float64{nan, 1}),
		Box([]float64{2, 2}, []float64{1, 1}),
		{},
		Box([]float64{0}, []float64{1, 1}),
		Point(make([]float64, 21)...),
	} {
		wantErr(t, db.Intersects("geo", box, 0, fn), ErrInvalidGeometry)
		wantErr(t, db.Within("geo", box, 0, fn), ErrInvalidGeometry)
	}
	for _, p := range [][]float64{{nan, 0}, {inf, 0}, {0, -inf}, nil, make([]float64, 21)} {
		wantErr(t, db.Nearby("geo", p, 0, -1, nfn), ErrInvalidGeometry)
	}
	wantErr(t, db.Nearby("geo", []float64{0, 0}, 0, nan, nfn), ErrInvalidArgument)
	wantErr(t, db.Nearby("geo", []float64{0, 0}, -1, -1, nfn), ErrInvalidArgument)
	wantErr(t, db.Intersects("geo", Point(1, 1), -1, fn), ErrInvalidArgument)
	wantErr(t, db.Within("geo", Point(1, 1), -1, fn), ErrInvalidArgument)

	for _, name := range []string{"nope", "ord"} {
		wantErr(t, db.Intersects(name, Point(1, 1), 0, fn), ErrNoIndex)
		wantErr(t, db.Within(name, Point(1, 1), 0, fn), ErrNoIndex)
		wantErr(t, db.Nearby(name, []float64{1, 1}, 0, -1, nfn), ErrNoIndex)
	}
	wantErr(t, db.Intersects("", Point(1, 1), 0, fn), ErrInvalidArgument)
	wantErr(t, db.Nearby("", []float64{1, 1}, 0, -1, nfn), ErrInvalidArgument)

	// Infinite query bounds mean "unbounded".
	mustSet(t, db, "b", "[-1e100 5]")
	all := Box([]float64{-inf, -inf}, []float64{inf, inf})
	wantSet(t, "infinite box", intersectKeys(t, db, "geo", all, 0), "a", "b")
	wantSet(t, "infinite within", withinKeys(t, db, "geo", all, 0), "a", "b")
	wantKeys(t, "half plane", intersectKeys(t, db, "geo", Box([]float64{-inf, 3}, []float64{0, inf}), 0), "b")
	// +Inf as maxDist is no bound.
	wantHits(t, "maxDist inf", nearby(t, db, "geo", []float64{1, 1}, 0, inf), hit{"a", 0}, hit{"b", 1e100})
}

func TestIntersectsAndWithin(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", "r"))
	mustOK(t, db.SetMany([]Item{
		{Key: "inside", Value: `{"r":[[1,1],[2,2]]}`},
		{Key: "point", Value: `{"r":[3,3]}`},
		{Key: "straddle", Value: `{"r":[[4,4],[8,8]]}`},
		{Key: "edge", Value: `{"r":[5,5]}`}, // on the query box's corner
		{Key: "outside", Value: `{"r":[[6,6],[7,7]]}`},
		{Key: "around", Value: `{"r":[[-10,-10],[10,10]]}`},
	}))
	q := Box([]float64{0, 0}, []float64{5, 5})
	wantSet(t, "intersects", intersectKeys(t, db, "geo", q, 0), "inside", "point", "straddle", "edge", "around")
	wantSet(t, "within", withinKeys(t, db, "geo", q, 0), "inside", "point", "edge")
	wantSet(t, "point query", intersectKeys(t, db, "geo", Point(6.5, 6.5), 0), "straddle", "outside", "around")
	wantKeys(t, "within a point", withinKeys(t, db, "geo", Point(3, 3), 0), "point")
	wantKeys(t, "nothing", intersectKeys(t, db, "geo", Point(100, 100), 0))

	// Limits.
	if got := intersectKeys(t, db, "geo", q, 2); len(got) != 2 {
		t.Fatalf("intersects limit 2 = %q", got)
	}
	if got := withinKeys(t, db, "geo", q, 2); len(got) != 2 {
		t.Fatalf("within limit 2 = %q", got)
	}
	got := withinKeys(t, db, "geo", q, 1)
	if len(got) != 1 || (got[0] != "inside" && got[0] != "point" && got[0] != "edge") {
		t.Fatalf("within limit 1 = %q", got)
	}
	if got := intersectKeys(t, db, "geo", q, 100); len(got) != 5 {
		t.Fatalf("intersects limit 100 = %q", got)
	}
	// fn returning false stops.
	n := 0
	mustOK(t, db.Intersects("geo", q, 0, func(string, string) bool { n++; return false }))
	if n != 1 {
		t.Fatalf("fn called %d times after returning false", n)
	}
}

func TestIntersectsFewerDimensions(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustSet(t, db, "low", "[1 1 0]")
	mustSet(t, db, "high", "[1 1 100]")
	mustSet(t, db, "far", "[9 9 0]")
	// A 2D box matches 3D items on x and y only.
	wantSet(t, "2D query", intersectKeys(t, db, "geo", Box([]float64{0, 0}, []float64{2, 2}), 0), "low", "high")
	wantSet(t, "2D within", withinKeys(t, db, "geo", Box([]float64{0, 0}, []float64{2, 2}), 0), "low", "high")
	wantKeys(t, "3D query", intersectKeys(t, db, "geo", Box([]float64{0, 0, 50}, []float64{2, 2, 150}), 0), "high")
}

func TestNearby(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", "p"))
	mustOK(t, db.SetMany([]Item{
		{Key: "origin", Value: `{"p":[0,0,0]}`},
		{Key: "p345", Value: `{"p":[3,4,0]}`},
		{Key: "p122", Value: `{"p":[1,2,2]}`},
		{Key: "far", Value: `{"p":[10,0,0]}`},
		{Key: "box", Value: `{"p":[[6,-1,-1],[7,1,1]]}`},
	}))
	wantHits(t, "all from origin", nearby(t, db, "geo", []float64{0, 0, 0}, 0, -1),
		hit{"origin", 0}, hit{"p122", 3}, hit{"p345", 5}, hit{"box", 6}, hit{"far", 10})
	wantHits(t, "k=2", nearby(t, db, "geo", []float64{0, 0, 0}, 2, -1), hit{"origin", 0}, hit{"p122", 3})
	wantHits(t, "k=2 maxDist 1", nearby(t, db, "geo", []float64{0, 0, 0}, 2, 1), hit{"origin", 0})
	wantHits(t, "radius 5 (inclusive)", nearby(t, db, "geo", []float64{0, 0, 0}, 0, 5),
		hit{"origin", 0}, hit{"p122", 3}, hit{"p345", 5})
	wantHits(t, "radius 0", nearby(t, db, "geo", []float64{0, 0, 0}, 0, 0), hit{"origin", 0})
	wantHits(t, "radius 4.99", nearby(t, db, "geo", []float64{0, 0, 0}, 0, 4.99), hit{"origin", 0}, hit{"p122", 3})
	wantHits(t, "inside the box", nearby(t, db, "geo", []float64{6.5, 0, 0}, 1, -1), hit{"box", 0})
	wantHits(t, "on the box's face", nearby(t, db, "geo", []float64{7, 0.5, 1}, 1, -1), hit{"box", 0})
	wantHits(t, "off the box's corner", nearby(t, db, "geo", []float64{8, 2, 1}, 1, -1), hit{"box", math.Sqrt2})
	wantHits(t, "nothing in radius", nearby(t, db, "geo", []float64{100, 100, 100}, 0, 1))

	var n int
	mustOK(t, db.Nearby("geo", []float64{0, 0, 0}, 0, -1, func(string, string, float64) bool { n++; return n < 2 }))
	if n != 2 {
		t.Fatalf("fn called %d times, want it to stop after returning false", n)
	}
	// The value comes with each hit.
	var v string
	mustOK(t, db.Nearby("geo", []float64{3, 4, 0}, 1, -1, func(_, value string, _ float64) bool { v = value; return true }))
	if v != `{"p":[3,4,0]}` {
		t.Fatalf("value = %q", v)
	}
	// An empty index gives nothing.
	mustOK(t, db.CreateSpatialIndex("empty", "none:*", ""))
	wantHits(t, "empty index", nearby(t, db, "empty", []float64{0}, 0, -1))
}

func TestNearbyMixedDimensions(t *testing.T) {
	// One index holding 2D and 3D items: results still come nearest first.
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	var want []hit
	for i := 0; i < 20; i++ {
		key2, key3 := fmt.Sprintf("a%02d", i), fmt.Sprintf("b%02d", i)
		mustSet(t, db, key2, fmt.Sprintf("[%d 0]", 2*i))
		mustSet(t, db, key3, fmt.Sprintf("[%d 0 0]", 2*i+1))
		want = append(want, hit{key2, float64(2 * i)}, hit{key3, float64(2*i + 1)})
	}
	for round := 0; round < 5; round++ {
		wantHits(t, "mixed dims", nearby(t, db, "geo", []float64{0, 0, 0}, 0, -1), want...)
		wantHits(t, "mixed dims k=5", nearby(t, db, "geo", []float64{0, 0, 0}, 5, -1), want[:5]...)
		wantHits(t, "mixed dims radius", nearby(t, db, "geo", []float64{0, 0, 0}, 0, 6.5), want[:7]...)
		wantHits(t, "mixed dims k and radius", nearby(t, db, "geo", []float64{0, 0, 0}, 3, 6.5), want[:3]...)
	}
	n := 0
	mustOK(t, db.Nearby("geo", []float64{0, 0}, 0, -1, func(string, string, float64) bool { n++; return false }))
	if n != 1 {
		t.Fatalf("fn called %d times after returning false", n)
	}
	// Expired items are skipped and do not count toward k.
	mustOK(t, db.Set("a00", "[0 0]", expireSoon))
	mustOK(t, db.Set("b00", "[1 0 0]", expireSoon))
	time.Sleep(expireWait)
	wantHits(t, "mixed dims after expiry", nearby(t, db, "geo", []float64{0, 0, 0}, 2, -1), want[2:4]...)
	// Writes from the callback are refused here too.
	mustOK(t, db.Update(func(tx *Tx) error {
		return tx.Nearby("geo", []float64{0, 0}, 1, -1, func(key, _ string, _ float64) bool {
			wantErr(t, tx.Delete(key), ErrInvalidArgument)
			return true
		})
	}))
	wantValue(t, db, "a01", "[2 0]")
}

func TestSpatialSkipsExpired(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustSet(t, db, "stays", "[5 5]")
	mustOK(t, db.Set("goes", "[1 1]", expireSoon))
	mustOK(t, db.Set("goes2", "[2 2]", expireSoon))
	mustOK(t, db.Set("later", "[3 3]", time.Hour))
	all := Box([]float64{0, 0}, []float64{10, 10})
	wantSet(t, "before expiry", intersectKeys(t, db, "geo", all, 0), "stays", "goes", "goes2", "later")
	time.Sleep(expireWait)
	// Query at once, before BuntDB's background sweep.
	wantSet(t, "intersects", intersectKeys(t, db, "geo", all, 0), "stays", "later")
	wantSet(t, "within", withinKeys(t, db, "geo", all, 0), "stays", "later")
	wantKeys(t, "within limit 1", withinKeys(t, db, "geo", Box([]float64{0, 0}, []float64{3, 3}), 1), "later")
	wantHits(t, "nearby", nearby(t, db, "geo", []float64{0, 0}, 0, -1),
		hit{"later", math.Sqrt(18)}, hit{"stays", math.Sqrt(50)})
	wantHits(t, "nearby k=1", nearby(t, db, "geo", []float64{0, 0}, 1, -1), hit{"later", math.Sqrt(18)})
	wantHits(t, "nearby radius", nearby(t, db, "geo", []float64{0, 0}, 0, 3))
	// The same through a transaction.
	mustOK(t, db.View(func(tx *Tx) error {
		wantSet(t, "tx intersects", intersectKeys(t, tx, "geo", all, 0), "stays", "later")
		return nil
	}))
}

func TestSpatialSkipsExpiredAfterReopen(t *testing.T) {
	// A TTL written by an earlier session is checked too.
	db, path := fileDB(t, nil)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	mustSet(t, db, "stays", "[5 5]")
	mustOK(t, db.Set("goes", "[1 1]", 1100*time.Millisecond))
	mustOK(t, db.Close())
	db, err := Open(path, nil)
	mustOK(t, err)
	defer db.Close()
	// The file keeps whole seconds, so the item expires within about 2 s.
	deadline := time.Now().Add(3 * time.Second)
	for {
		_, err := db.Get("goes")
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("item never expired")
		}
		time.Sleep(10 * time.Millisecond)
	}
	wantKeys(t, "intersects", intersectKeys(t, db, "geo", Box([]float64{0, 0}, []float64{9, 9}), 0), "stays")
}

func TestSpatialUpdatesAndDeletes(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", "p"))
	mustSet(t, db, "m", `{"p":[1,1]}`)
	mustSet(t, db, "m", `{"p":[9,9]}`) // moved
	wantKeys(t, "old place", intersectKeys(t, db, "geo", Point(1, 1), 0))
	wantKeys(t, "new place", intersectKeys(t, db, "geo", Point(9, 9), 0), "m")
	mustOK(t, db.Delete("m"))
	wantKeys(t, "deleted", intersectKeys(t, db, "geo", Point(9, 9), 0))
	wantHits(t, "nearby deleted", nearby(t, db, "geo", []float64{9, 9}, 0, -1))
}

func TestSpatialManyItems(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("geo", "*", ""))
	items := make([]Item, 0, 400)
	for x := 0; x < 20; x++ {
		for y := 0; y < 20; y++ {
			items = append(items, Item{Key: fmt.Sprintf("%02d,%02d", x, y), Value: fmt.Sprintf("[%d %d]", x, y)})
		}
	}
	mustOK(t, db.SetMany(items))
	got := intersectKeys(t, db, "geo", Box([]float64{2.5, 3.5}, []float64{4.5, 5.5}), 0)
	sort.Strings(got)
	wantKeys(t, "grid box", got, "03,04", "03,05", "04,04", "04,05")
	hits := nearby(t, db, "geo", []float64{10.2, 10.1}, 0, 1.5)
	for i := 1; i < len(hits); i++ {
		if hits[i].Dist < hits[i-1].Dist {
			t.Fatalf("not nearest first: %v", hits)
		}
	}
	// (9,9) is 1.63 away: of the 3x3 block around (10, 10) it alone is out.
	if len(hits) != 8 {
		t.Fatalf("radius 1.5 around (10.2, 10.1) found %d points: %v", len(hits), hits)
	}
	if hits[0].Key != "10,10" || math.Abs(hits[0].Dist-math.Hypot(0.2, 0.1)) > 1e-12 {
		t.Fatalf("nearest = %v", hits[0])
	}
}

// TestNearbyBoundedMatchesBruteForce checks the bounded Nearby (a box search
// of the radius, then a sort) against distances computed here, over points
// and boxes, with and without k, against the unbounded nearest-first search.
func TestNearbyBoundedMatchesBruteForce(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("pos", "o:*", ""))
	r := rand.New(rand.NewSource(7))
	boxes := map[string]Rect{}
	for i := 0; i < 2000; i++ {
		lo := []float64{r.Float64() * 100, r.Float64() * 100, r.Float64() * 100}
		hi := append([]float64(nil), lo...)
		if i%3 == 0 { // every third item is a box, not a point
			for j := range hi {
				hi[j] += r.Float64() * 5
			}
		}
		key := fmt.Sprintf("o:%04d", i)
		boxes[key] = Box(lo, hi)
		mustSet(t, db, key, boxes[key].String())
	}
	for q := 0; q < 200; q++ {
		p := []float64{r.Float64() * 100, r.Float64() * 100, r.Float64() * 100}
		maxDist := r.Float64() * 15
		k := q % 4 * 3 // 0 (no limit), 3, 6, 9
		var want []hit
		for key, b := range boxes {
			if d := b.distance(p); d <= maxDist {
				want = append(want, hit{key, d})
			}
		}
		sort.Slice(want, func(i, j int) bool {
			if want[i].Dist != want[j].Dist {
				return want[i].Dist < want[j].Dist
			}
			return want[i].Key < want[j].Key
		})
		if k > 0 && len(want) > k {
			want = want[:k]
		}
		got := nearby(t, db, "pos", p, k, maxDist)
		if len(got) != len(want) {
			t.Fatalf("query %d: %d hits, want %d", q, len(got), len(want))
		}
		for i := range got {
			if got[i].Key != want[i].Key || math.Abs(got[i].Dist-want[i].Dist) > 1e-9 {
				t.Fatalf("query %d hit %d: %v, want %v", q, i, got[i], want[i])
			}
		}
		if len(want) == 0 {
			continue
		}
		// The unbounded search agrees on the distances of the same prefix.
		all := nearby(t, db, "pos", p, len(want), -1)
		for i := range all {
			if math.Abs(all[i].Dist-want[i].Dist) > 1e-9 {
				t.Fatalf("query %d: unbounded hit %d at %g, bounded at %g", q, i, all[i].Dist, want[i].Dist)
			}
		}
	}
}

// TestReopenNotesExpiries: the open's file walk tells whether any item may
// expire, which decides whether spatial queries check each hit's TTL.
func TestReopenNotesExpiries(t *testing.T) {
	for _, ttl := range []time.Duration{0, time.Hour} {
		db, path := fileDB(t, nil)
		mustOK(t, db.Set("k", "v", ttl))
		mustOK(t, db.Close())
		db, err := Open(path, nil)
		mustOK(t, err)
		if got := db.mayExpire.Load(); got != (ttl > 0) {
			t.Errorf("TTL %v: mayExpire %v after reopen", ttl, got)
		}
		mustOK(t, db.Close())
	}
}
