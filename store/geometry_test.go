package store

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestPointAndBox(t *testing.T) {
	p := Point(1, 2, 3)
	if !reflect.DeepEqual(p.Min, []float64{1, 2, 3}) || !reflect.DeepEqual(p.Max, []float64{1, 2, 3}) {
		t.Fatalf("Point = %+v", p)
	}
	b := Box([]float64{0, 1}, []float64{2, 3})
	if !reflect.DeepEqual(b.Min, []float64{0, 1}) || !reflect.DeepEqual(b.Max, []float64{2, 3}) {
		t.Fatalf("Box = %+v", b)
	}
}

func TestRectString(t *testing.T) {
	for _, c := range []struct {
		r    Rect
		want string
	}{
		{Point(1, 2, 3), "[1 2 3]"},
		{Point(-1.5), "[-1.5]"},
		{Box([]float64{1, 2}, []float64{3, 4}), "[1 2],[3 4]"},
		{Box([]float64{1, 2}, []float64{1, 2}), "[1 2]"},
		{Box([]float64{0.1}, []float64{1e21}), "[0.1],[1e+21]"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.r, got, c.want)
		}
		back, err := ParseRect(c.r.String())
		if err != nil {
			t.Errorf("ParseRect(%q): %v", c.r.String(), err)
			continue
		}
		if !reflect.DeepEqual(back.Min, c.r.Min) || !reflect.DeepEqual(back.Max, c.r.Max) {
			t.Errorf("ParseRect(%q) = %+v, want %+v", c.r.String(), back, c.r)
		}
	}
}

func TestParseRect(t *testing.T) {
	twenty := "[" + strings.TrimSpace(strings.Repeat("1 ", 20)) + "]"
	for in, want := range map[string]Rect{
		"[1 2]":              Point(1, 2),
		"  [1 2] ":           Point(1, 2),
		"[1   2\t3]":         Point(1, 2, 3),
		"[-5]":               Point(-5),
		"[1 2],[3 4]":        Box([]float64{1, 2}, []float64{3, 4}),
		"[1 2] , [3 4]":      Box([]float64{1, 2}, []float64{3, 4}),
		"[1e3 -0.5],[2e3 0]": Box([]float64{1000, -0.5}, []float64{2000, 0}),
		twenty:               Point(make20(1)...),
	} {
		got, err := ParseRect(in)
		if err != nil {
			t.Errorf("ParseRect(%q): %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseRect(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestParseRectInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"[]",
		"[ ]",
		"1 2",
		"[1 2",
		"1 2]",
		"[1,2]",
		"[a b]",
		"[1 x]",
		"[NaN 1]",
		"[1 nan]",
		"[Inf 0]",
		"[-Inf 0]",
		"[1e999 0]",
		"[3 4],[1 2]",                        // min > max
		"[1 2],[3]",                          // dimensions differ
		"[1 2],",                             // empty max
		",[1 2]",                             // empty min
		"[1 2],[3 4],[5 6]",                  // three corners
		"[1 2][3 4]",                         // no comma
		"{1 2}",                              // wrong brackets
		"[" + strings.Repeat("1 ", 21) + "]", // 21 dimensions
		"[0x1p-2 1]",                         // hex floats: ParseFloat takes them, fine or not, must not crash
	} {
		r, err := ParseRect(in)
		if in == "[0x1p-2 1]" {
			if err == nil && (r.Min[0] != 0.25 || r.Min[1] != 1) {
				t.Errorf("ParseRect(%q) = %+v", in, r)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseRect(%q) = %+v, want an error", in, r)
			continue
		}
		wantErr(t, err, ErrInvalidGeometry)
		wantErr(t, err, ErrInvalidArgument)
	}
}

func TestReadGeometry(t *testing.T) {
	box := func(min, max []float64) Rect { return Box(min, max) }
	for _, c := range []struct {
		value, path string
		want        Rect
	}{
		{`{"p":[1,2,3]}`, "p", Point(1, 2, 3)},
		{`{"p":[1]}`, "p", Point(1)},
		{`{"p":[1.5,-2]}`, "p", Point(1.5, -2)},
		{`{"p":[[0,0],[2,3]]}`, "p", box([]float64{0, 0}, []float64{2, 3})},
		{`{"p":[[5],[5]]}`, "p", Point(5)},
		{`{"p":{"x":1,"y":2,"z":3}}`, "p", Point(1, 2, 3)},
		{`{"p":{"y":2,"x":1}}`, "p", Point(1, 2)},
		{`{"p":{"x":7}}`, "p", Point(7)},
		{`{"p":{"x":1,"y":2,"z":3,"w":4}}`, "p", Point(1, 2, 3)},
		{`{"p":"[1 2],[3 4]"}`, "p", box([]float64{1, 2}, []float64{3, 4})},
		{`{"p":"[9 8 7]"}`, "p", Point(9, 8, 7)},
		{`{"a":{"b":[4,5]}}`, "a.b", Point(4, 5)},
		{`[1 2],[3 4]`, "", box([]float64{1, 2}, []float64{3, 4})},
		{`[1 2 3]`, "", Point(1, 2, 3)},
	} {
		got, err := readGeometry(c.value, c.path)
		if err != nil {
			t.Errorf("readGeometry(%s, %q): %v", c.value, c.path, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("readGeometry(%s, %q) = %+v, want %+v", c.value, c.path, got, c.want)
		}
	}
}

func TestReadGeometryInvalid(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = "1"
	}
	for _, c := range []struct{ value, path string }{
		{`{"q":[1,2]}`, "p"},                             // missing path
		{`not json`, "p"},                                // no JSON at all
		{`{"p":null}`, "p"},                              // null
		{`{"p":5}`, "p"},                                 // a number
		{`{"p":true}`, "p"},                              // a bool
		{`{"p":[]}`, "p"},                                // empty array
		{`{"p":[1,"2"]}`, "p"},                           // non-numeric coordinate
		{`{"p":["a","b"]}`, "p"},                         // non-numeric
		{`{"p":[1,[2,3]]}`, "p"},                         // mixed array
		{`{"p":[[1,2],3]}`, "p"},                         // mixed array
		{`{"p":[[1,2]]}`, "p"},                           // one corner
		{`{"p":[[1],[2],[3]]}`, "p"},                     // three corners
		{`{"p":[[1,2],[3]]}`, "p"},                       // corners of different sizes
		{`{"p":[[3,3],[1,1]]}`, "p"},                     // min > max
		{`{"p":[[],[]]}`, "p"},                           // empty corners
		{`{"p":[[1,"x"],[2,3]]}`, "p"},                   // non-numeric corner
		{`{"p":[1e999,0]}`, "p"},                         // infinite
		{`{"p":[-1e999,0]}`, "p"},                        // infinite
		{`{"p":{}}`, "p"},                                // object without x
		{`{"p":{"y":1}}`, "p"},                           // y without x
		{`{"p":{"x":1,"z":3}}`, "p"},                     // z without y
		{`{"p":{"x":"1"}}`, "p"},                         // x not a number
		{`{"p":{"x":1,"y":[2]}}`, "p"},                   // y not a number
		{`{"p":"[1 2"}`, "p"},                            // bad rect text
		{`{"p":"[NaN 2]"}`, "p"},                         // NaN rect text
		{`{"p":[` + strings.Join(many, ",") + `]}`, "p"}, // 21 dimensions
		{`{"p":[[` + strings.Join(many, ",") + `],[` + strings.Join(many, ",") + `]]}`, "p"},
		{`{"p":[1,2]}`, ""}, // JSON where rect text is wanted
		{`hello`, ""},
		{``, ""},
		{`[NaN 1]`, ""},
		{`[1e999 0]`, ""},
		{"\x00\x02", ""}, // a query's tag is not a stored value
	} {
		r, err := readGeometry(c.value, c.path)
		if err == nil {
			t.Errorf("readGeometry(%q, %q) = %+v, want an error", c.value, c.path, r)
			continue
		}
		wantErr(t, err, ErrInvalidGeometry)
	}
}

func TestRectValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		r               Rect
		asItem, asQuery bool // valid as a stored item, as a query
	}{
		{Point(1, 2), true, true},
		{Point(make20(0)...), true, true},
		{Point(append(make20(0), 1)...), false, false},
		{Rect{}, false, false},
		{Box([]float64{1}, []float64{1, 2}), false, false},
		{Point(nan, 1), false, false},
		{Box([]float64{0}, []float64{nan}), false, false},
		{Box([]float64{-inf, -inf}, []float64{inf, inf}), false, true},
		{Box([]float64{-inf}, []float64{0}), false, true},
		{Box([]float64{2, 0}, []float64{1, 1}), false, false},
		{Box([]float64{inf}, []float64{-inf}), false, false},
	} {
		if err := c.r.validate(false); (err == nil) != c.asItem {
			t.Errorf("%+v.validate(item) = %v, want valid=%v", c.r, err, c.asItem)
		} else if err != nil {
			wantErr(t, err, ErrInvalidGeometry)
		}
		if err := c.r.validate(true); (err == nil) != c.asQuery {
			t.Errorf("%+v.validate(query) = %v, want valid=%v", c.r, err, c.asQuery)
		}
	}
}

// TestAppendGeometryAppends: geometry parsed into a shared buffer lands
// after what is there, leaves it alone on a refusal, and allocates nothing.
func TestAppendGeometryAppends(t *testing.T) {
	buf := []float64{7, 7}
	buf, dims, err := appendGeometry(buf, `{"p":[[1,2],[3,4]]}`, "p")
	if err != nil || dims != 2 || !reflect.DeepEqual(buf, []float64{7, 7, 1, 2, 3, 4}) {
		t.Fatalf("box: %v %d %v", buf, dims, err)
	}
	buf, dims, err = appendGeometry(buf, "[5 6 7]", "")
	if err != nil || dims != 3 || !reflect.DeepEqual(buf[6:], []float64{5, 6, 7, 5, 6, 7}) {
		t.Fatalf("point: %v %d %v", buf, dims, err)
	}
	for _, bad := range []struct{ v, path string }{
		{"[1 2],[3]", ""}, {`{"p":[[1,2],[3]]}`, "p"}, {`{"p":[1,"a"]}`, "p"}, {`{"p":{"y":1}}`, "p"},
		{"[1 2],[0 0]", ""}, {`{"p":[1,2,` + strings.Repeat("1,", 100) + `1]}`, "p"},
	} {
		n := len(buf)
		if buf, _, err = appendGeometry(buf, bad.v, bad.path); err == nil || len(buf) != n {
			t.Fatalf("%q: err %v, buffer %d -> %d", bad.v, err, n, len(buf))
		}
	}
	for _, c := range []struct{ v, path string }{{"[1.5 2 3]", ""}, {`{"pos":[1,2,3]}`, "pos"}, {`{"pos":{"x":1,"y":2}}`, "pos"}} {
		buf = buf[:0]
		if allocs := testing.AllocsPerRun(100, func() { buf, _, _ = appendGeometry(buf[:0], c.v, c.path) }); allocs != 0 {
			t.Errorf("appendGeometry(%q) allocates %v times", c.v, allocs)
		}
	}
}

func TestRectContains(t *testing.T) {
	outer := Box([]float64{0, 0}, []float64{10, 10})
	for _, c := range []struct {
		in   Rect
		want bool
	}{
		{Point(5, 5), true},
		{Point(0, 10), true},
		{Box([]float64{0, 0}, []float64{10, 10}), true},
		{Box([]float64{-1, 0}, []float64{5, 5}), false},
		{Box([]float64{5, 5}, []float64{11, 6}), false},
		{Point(5, 5, 100), true}, // only the dimensions both have
		{Point(11), false},
	} {
		if got := outer.contains(c.in); got != c.want {
			t.Errorf("contains(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func make20(v float64) []float64 {
	out := make([]float64, 20)
	for i := range out {
		out[i] = v
	}
	return out
}
