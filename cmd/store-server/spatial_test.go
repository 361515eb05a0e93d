package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// TestSpatialCommands checks INTERSECTS, WITHIN and NEARBY against brute
// force over random points, and their errors.
func TestSpatialCommands(t *testing.T) {
	s := testServer(t, nil)
	rdb := newRedis(t, s, true, "")
	doText(t, rdb, "INDEX", "CREATE", "pos", "p:*", "SPATIAL", "pos")
	rng := rand.New(rand.NewPCG(1, 2))
	pts := map[string][3]float64{}
	var mset []any
	for i := range 300 {
		p := [3]float64{float64(rng.IntN(100)), float64(rng.IntN(100)), float64(rng.IntN(100))}
		k := fmt.Sprintf("p:%d", i)
		pts[k] = p
		mset = append(mset, k, fmt.Sprintf(`{"pos":[%g,%g,%g]}`, p[0], p[1], p[2]))
	}
	must[string](t, rdb.MSet(ctx, mset...))
	must[string](t, rdb.Set(ctx, "other", "not indexed", 0))

	keysOf := func(reply []any, width int) []string {
		t.Helper()
		var ks []string
		for _, e := range reply {
			row := e.([]any)
			if len(row) != width {
				t.Fatalf("a hit of %d parts, want %d: %v", len(row), width, row)
			}
			k := row[0].(string)
			want := fmt.Sprintf(`{"pos":[%g,%g,%g]}`, pts[k][0], pts[k][1], pts[k][2])
			if row[1] != want {
				t.Fatalf("%s: value %v, want %s", k, row[1], want)
			}
			ks = append(ks, k)
		}
		return ks
	}
	for q := range 30 {
		lo := [3]float64{float64(rng.IntN(80)), float64(rng.IntN(80)), float64(rng.IntN(80))}
		hi := [3]float64{lo[0] + 20, lo[1] + 20, lo[2] + 20}
		var want []string
		for k, p := range pts {
			if p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1] && p[2] >= lo[2] && p[2] <= hi[2] {
				want = append(want, k)
			}
		}
		sort.Strings(want)
		for _, cmd := range []string{"INTERSECTS", "WITHIN"} {
			reply := rdb.Do(ctx, cmd, "pos", "BOUNDS", lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]).Val().([]any)
			got := keysOf(reply, 2)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Fatalf("query %d: %s = %v, want %v", q, cmd, got, want)
			}
		}
		if len(want) > 1 {
			reply := rdb.Do(ctx, "INTERSECTS", "pos", "BOUNDS", lo[0], lo[1], lo[2], hi[0], hi[1], hi[2], "LIMIT", 1).Val().([]any)
			if got := keysOf(reply, 2); len(got) != 1 || !slices.Contains(want, got[0]) {
				t.Fatalf("INTERSECTS LIMIT 1 = %v", got)
			}
		}
		// NEARBY: the k nearest, nearest first, against the sorted
		// distances (ties may come in either order among equals).
		c := [3]float64{float64(rng.IntN(100)), float64(rng.IntN(100)), float64(rng.IntN(100))}
		var dists []float64
		for _, p := range pts {
			dists = append(dists, math.Sqrt((p[0]-c[0])*(p[0]-c[0])+(p[1]-c[1])*(p[1]-c[1])+(p[2]-c[2])*(p[2]-c[2])))
		}
		sort.Float64s(dists)
		reply := rdb.Do(ctx, "NEARBY", "pos", "POINT", c[0], c[1], c[2], "LIMIT", 7).Val().([]any)
		keysOf(reply, 3)
		if len(reply) != 7 {
			t.Fatalf("NEARBY LIMIT 7 gave %d", len(reply))
		}
		for i, e := range reply {
			row := e.([]any)
			d, err := strconv.ParseFloat(row[2].(string), 64)
			p := pts[row[0].(string)]
			own := math.Sqrt((p[0]-c[0])*(p[0]-c[0]) + (p[1]-c[1])*(p[1]-c[1]) + (p[2]-c[2])*(p[2]-c[2]))
			if err != nil || math.Abs(d-dists[i]) > 1e-9 || math.Abs(d-own) > 1e-9 {
				t.Fatalf("NEARBY hit %d: distance %v, want %v (its own %v)", i, row[2], dists[i], own)
			}
		}
		// A radius: DISTANCE alone, options before the point.
		reply = rdb.Do(ctx, "NEARBY", "pos", "DISTANCE", 15, "POINT", c[0], c[1], c[2]).Val().([]any)
		n := sort.SearchFloat64s(dists, math.Nextafter(15, 16))
		if len(reply) != n {
			t.Fatalf("NEARBY DISTANCE 15 gave %d, want %d", len(reply), n)
		}
	}
	// Two dimensions of a three-dimensional index match on those two.
	if got := rdb.Do(ctx, "INTERSECTS", "pos", "BOUNDS", -1, -1, 101, 101).Val().([]any); len(got) != len(pts) {
		t.Fatalf("a 2D box over everything gave %d of %d", len(got), len(pts))
	}

	// Errors, and a value with no readable geometry refused.
	for _, c := range []struct {
		args []any
		want string
	}{
		{[]any{"INTERSECTS", "nope", "BOUNDS", 0, 0, 1, 1}, "ERR no such index"},
		{[]any{"INTERSECTS", "pos", "BOUNDS", 0, 0, 1}, "ERR BOUNDS wants as many"},
		{[]any{"INTERSECTS", "pos", "BOUNDS"}, "ERR wrong number of arguments"},
		{[]any{"INTERSECTS", "pos", "LIMIT", 3, "BOUNDS"}, "ERR BOUNDS wants coordinates"},
		{[]any{"INTERSECTS", "pos", "LIMIT", 3}, "ERR missing BOUNDS"},
		{[]any{"INTERSECTS", "pos", "BOUNDS", 1, 1, 0, 0}, "ERR invalid argument"},
		{[]any{"INTERSECTS", "pos", "BOUNDS", 0, "nan", 1, 1}, "ERR value is not a valid float"},
		{[]any{"WITHIN", "pos", "LIMIT", -1, "BOUNDS", 0, 0, 1, 1}, "ERR LIMIT wants"},
		{[]any{"WITHIN", "pos", "BOUNDS", 0, 0, 1, 1, "EXTRA"}, "ERR syntax error at 'EXTRA'"},
		{[]any{"WITHIN", "pos", "BOUNDS", 0, 0, 1, 1, "BOUNDS", 0, 0, 1, 1}, "ERR syntax error"},
		{[]any{"NEARBY", "pos", "POINT", 1, 2, 3, "DISTANCE", -1}, "ERR DISTANCE wants"},
		{[]any{"NEARBY", "pos", "LIMIT", 3}, "ERR missing POINT"},
		{[]any{"INTERSECTS", "pos", "DISTANCE", 3, "BOUNDS", 0, 1}, "ERR syntax error at 'DISTANCE'"},
		{[]any{"SET", "p:bad", `{"pos":"nowhere"}`}, `ERR key "p:bad" under spatial index "pos": invalid argument: invalid geometry`},
		{[]any{"MSET", "p:ok", `{"pos":[1,2,3]}`, "p:bad", `{}`}, `ERR item 1: key "p:bad" under spatial index "pos"`},
	} {
		wantErr(t, rdb.Do(ctx, c.args...).Err(), c.want)
	}
	if n := must[int64](t, rdb.Exists(ctx, "p:bad", "p:ok")); n != 0 {
		t.Fatal("a refused write wrote")
	}
}

func TestIndexCommands(t *testing.T) {
	s := testServer(t, nil)
	rdb := newRedis(t, s, false, "")
	must[string](t, rdb.MSet(ctx, "age:ann", "31", "age:bob", "25", "age:cy", "40", "doc:1", `{"n":"b"}`, "doc:2", `{"n":"A"}`))
	doText(t, rdb, "INDEX", "CREATE", "age", "age:*", "INT")
	doText(t, rdb, "index", "create", "n", "doc:*", "json", "n")
	doText(t, rdb, "INDEX", "CREATE", "area", "zone:*", "SPATIAL")
	doText(t, rdb, "INDEX", "CREATE", "age", "age:*", "INT") // the same definition again: nothing to do
	wantErr(t, rdb.Do(ctx, "INDEX", "CREATE", "age", "age:*", "FLOAT").Err(), "ERR index exists")
	wantErr(t, rdb.Do(ctx, "INDEX", "CREATE", "x", "*", "JSON").Err(), "ERR INDEX CREATE name pattern")
	wantErr(t, rdb.Do(ctx, "INDEX", "CREATE", "x", "*", "INT", "path").Err(), "ERR INDEX CREATE name pattern")
	wantErr(t, rdb.Do(ctx, "INDEX", "CREATE", "x", "*", "TREE").Err(), "ERR INDEX CREATE name pattern")
	wantErr(t, rdb.Do(ctx, "INDEX", "RENAME", "x").Err(), "ERR unknown subcommand")
	list := rdb.Do(ctx, "INDEX", "LIST").Val().([]any)
	want := [][]any{{"age", "age:*", "int", ""}, {"area", "zone:*", "spatial", ""}, {"n", "doc:*", "json", "n"}}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Fatalf("INDEX LIST = %v, want %v", list, want)
	}
	pairs := func(args ...any) string {
		return fmt.Sprint(rdb.Do(ctx, append([]any{"ISCAN"}, args...)...).Val())
	}
	if got := pairs("age"); got != "[[age:bob 25] [age:ann 31] [age:cy 40]]" {
		t.Fatalf("ISCAN age = %s", got)
	}
	if got := pairs("age", "GE", 30, "LT", 40); got != "[[age:ann 31]]" {
		t.Fatalf("ISCAN age GE 30 LT 40 = %s", got)
	}
	if got := pairs("age", "DESC", "LIMIT", 2); got != "[[age:cy 40] [age:ann 31]]" {
		t.Fatalf("ISCAN age DESC LIMIT 2 = %s", got)
	}
	if got := pairs("n"); got != `[[doc:2 {"n":"A"}] [doc:1 {"n":"b"}]]` {
		t.Fatalf("ISCAN n = %s", got)
	}
	if got := pairs("", "GE", "doc:", "LT", "doc;"); got != `[[doc:1 {"n":"b"}] [doc:2 {"n":"A"}]]` {
		t.Fatalf("ISCAN of the keys = %s", got)
	}
	wantErr(t, rdb.Do(ctx, "ISCAN", "area").Err(), "ERR no such index")
	wantErr(t, rdb.Do(ctx, "ISCAN", "age", "FROM", 3).Err(), "ERR syntax error at 'FROM'")
	doText(t, rdb, "INDEX", "DROP", "age")
	wantErr(t, rdb.Do(ctx, "INDEX", "DROP", "age").Err(), "ERR no such index")
	if n := len(rdb.Do(ctx, "INDEX", "LIST").Val().([]any)); n != 2 {
		t.Fatalf("%d indexes after a drop", n)
	}
	// A spatial index over items without geometry is refused, naming one.
	wantErr(t, rdb.Do(ctx, "INDEX", "CREATE", "bad", "age:*", "SPATIAL").Err(), `ERR index "bad": existing key "age:ann": invalid argument: invalid geometry`)
}
