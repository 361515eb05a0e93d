//go:build capifuzz

package main

// The fuzz model of issue 14's calls: the _ex queries (their options drawn
// well and badly formed, each result checked against the same query run
// plain and filtered here), field updates (against a model built with
// gjson/sjson's rules as store.h states them) and store_indexes (against
// the model's definitions).

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// stepIssue14 runs op 248..255.
func (z *fuzzer) stepIssue14(op int) {
	switch (op - 248) % 8 {
	case 0, 1, 2:
		z.opQueryEx()
	case 3, 4:
		z.opField()
	case 5:
		z.opUpdateFields()
	case 6:
		z.opIndexes()
	default:
		z.opPrefix()
	}
}

// queryOpts draws options and says whether store/ accepts them: three in
// four well formed (so that queries get to run), the rest hostile.
func (z *fuzzer) queryOpts(scan bool) (*drvOpts, bool) {
	mode := z.in.u8() % 8
	if mode == 0 {
		return nil, true
	}
	if mode < 6 {
		return z.goodOpts(scan), true
	}
	return z.hostileOpts(scan)
}

func (z *fuzzer) goodOpts(scan bool) *drvOpts {
	o := &drvOpts{Flags: []uint32{0, 0, 2, 4}[z.in.u8()%4]}
	if scan && z.in.u8()%2 == 0 {
		o.Flags |= 1
	}
	if c := z.in.u8() % 5; c < 4 {
		o.Match = &[]string{"p*", "k?", "j*", "*"}[c]
	}
	paths := []string{"n", "pos", "pos.0", "s"}
	for n := z.in.u8() % 3; n > 0; n-- {
		w := drvWhere{Path: &paths[z.in.u8()%4], Op: int32(z.in.u8() % 5)}
		a, b := float64(z.in.u8()%64), float64(z.in.u8()%64)
		w.Min, w.Max = min(a, b), max(a, b)
		if z.in.u8()%4 == 0 {
			w.Max = math.Inf(1)
		}
		w.Str, w.StrMax = []byte("a"), []byte("zz")
		o.Where = append(o.Where, w)
	}
	return o
}

func (z *fuzzer) hostileOpts(scan bool) (*drvOpts, bool) {
	o := &drvOpts{Flags: []uint32{0, 0, 2, 4, 6, 64, 1}[z.in.u8()%7]}
	ok := true
	known := uint32(6)
	if scan {
		known |= 1
	}
	if o.Flags&^known != 0 || o.Flags&6 == 6 {
		ok = false
	}
	o.Match = z.name("p*", "k?", "j*", "*", "", "p\\", "k\\")
	if o.Match != nil && (*o.Match == "" || strings.HasSuffix(*o.Match, "\\")) {
		ok = false
	}
	n := z.in.u8() % 3
	if n > 0 && z.in.u8()%16 == 0 {
		o.WhereNull, ok = true, false
	}
	nums := []float64{0, 1, 10, 100, -5, math.NaN(), math.Inf(1), math.Inf(-1)}
	for i := 0; i < n; i++ {
		w := drvWhere{Path: z.name("n", "pos", "pos.0", "s", ""), Op: []int32{0, 1, 2, 3, 4, 9}[z.in.u8()%6]}
		w.Min, w.Max = nums[z.in.u8()%len(nums)], nums[z.in.u8()%len(nums)]
		w.Str, w.StrMax = []byte([]string{"", "a", "x", "zz"}[z.in.u8()%4]), []byte([]string{"", "b", "x", "zz"}[z.in.u8()%4])
		if z.in.u8()%16 == 0 {
			w.StrMode = drvNullLen
		}
		switch {
		case w.Path == nil || *w.Path == "" || w.StrMode == drvNullLen:
			ok = false
		case w.Op == 0 && (math.IsNaN(w.Min) || math.IsInf(w.Min, 0)):
			ok = false
		case w.Op == 1 && (math.IsNaN(w.Min) || math.IsNaN(w.Max) || w.Min > w.Max):
			ok = false
		case w.Op == 3 && string(w.Str) > string(w.StrMax):
			ok = false
		case w.Op > 4:
			ok = false
		}
		o.Where = append(o.Where, w)
	}
	return o, ok
}

// fzPass is the filter as store.h states it.
func fzPass(o *drvOpts, key, val string) bool {
	if o == nil {
		return true
	}
	if o.Match != nil && !globMatch(key, *o.Match) {
		return false
	}
	for _, w := range o.Where {
		r := gjson.Get(val, *w.Path)
		var ok bool
		switch w.Op {
		case 0:
			ok = r.Type == gjson.Number && r.Num == w.Min
		case 1:
			ok = r.Type == gjson.Number && r.Num >= w.Min && r.Num <= w.Max
		case 2:
			ok = r.Type == gjson.String && r.Str == string(w.Str)
		case 3:
			ok = r.Type == gjson.String && r.Str >= string(w.Str) && r.Str <= string(w.StrMax)
		case 4:
			ok = r.Exists()
		}
		if !ok {
			return false
		}
	}
	return true
}

// expectFiltered checks a filtered query's hits against the plain query's
// (all of them, in order): ordered says the order is fixed (scans,
// nearby), where the filtered hits must be the first limit that pass.
func (z *fuzzer) expectFiltered(what string, o *drvOpts, plain, got []hit, limit uint64, ordered bool) {
	var want []hit
	for _, h := range plain {
		if fzPass(o, h.key, h.val) {
			want = append(want, h)
		}
	}
	keysOnly := o != nil && o.Flags&2 != 0
	if limit > 0 && uint64(len(want)) > limit {
		if ordered {
			want = want[:limit]
		}
	}
	if limit > 0 && !ordered {
		// Any limit of the items that pass, each once.
		if uint64(len(got)) != min(limit, uint64(len(want))) {
			z.t.Fatalf("%s: %d hits, want %d (limit %d of %d)", what, len(got), min(limit, uint64(len(want))), limit, len(want))
		}
		seen := map[string]bool{}
		for _, g := range got {
			i := slices.IndexFunc(want, func(h hit) bool { return h.key == g.key })
			if i < 0 || seen[g.key] {
				z.t.Fatalf("%s: hit %q does not pass or repeats", what, g.key)
			}
			seen[g.key] = true
		}
		return
	}
	if !ordered {
		sort.Slice(want, func(i, j int) bool { return want[i].key < want[j].key })
		got = slices.Clone(got)
		sort.Slice(got, func(i, j int) bool { return got[i].key < got[j].key })
	}
	if len(got) != len(want) {
		z.t.Fatalf("%s: %d hits, want %d", what, len(got), len(want))
	}
	for i := range got {
		w := want[i]
		if keysOnly {
			w.val = ""
		}
		if got[i] != w {
			z.t.Fatalf("%s: hit %d %+v, want %+v", what, i, got[i], w)
		}
	}
}

// counts reads a count-only buffer of n queries.
func (z *fuzzer) counts(what string, b drvBuf, n int) []int {
	if !b.NonNil || !b.FreedCleared || len(b.Data) != 4*n {
		z.t.Fatalf("%s: count-only buffer of %d bytes for %d queries", what, len(b.Data), n)
	}
	out := make([]int, n)
	for q := range out {
		out[q] = int(binary.LittleEndian.Uint32(b.Data[4*q:]))
	}
	return out
}

func (z *fuzzer) opQueryEx() {
	h, kind := z.handle()
	whats := []string{"scan", "intersects", "within", "nearby", "intersects_many", "within_many", "nearby_many"}
	what := whats[z.in.u8()%len(whats)]
	o, optsOK := z.queryOpts(what == "scan")
	limit := []uint64{0, 0, 1, 3}[z.in.u8()%4]
	maxDist := []float64{-1, 5, 100, -1, 50, 100, 5, math.NaN()}[z.in.u8()%8]
	var index *string
	var lo, hi []byte
	var flags int32
	var los, his []float64
	dims, n := 2, uint64(1)
	argsOK := true
	if what == "scan" {
		index = z.name("", "ix", "sp")
		if z.in.u8()%2 == 0 {
			lo = []byte(fmt.Sprintf("k%d", z.in.u8()%8))
		}
		flags = []int32{0, 1, 8, 9, 2}[z.in.u8()%5]
		if flags&8 != 0 {
			hi = nil
		} else if z.in.u8()%2 == 0 {
			hi = []byte(fmt.Sprintf("p%d", z.in.u8()%3))
		}
		argsOK = flags&^9 == 0
	} else {
		index = z.name("sp", "spj", "sp", "spj", "sp", "", "nope")
		dims = z.dims()
		if strings.HasSuffix(what, "_many") {
			n = uint64(z.in.u8() % 4)
		}
		qs := make([][2][]float64, n)
		for q := range qs {
			l, u := z.box(dims)
			if what == "nearby" || what == "nearby_many" {
				u = l
			}
			qs[q] = [2][]float64{l, u}
			los, his = append(los, l...), append(his, u...)
			argsOK = argsOK && boxValid(l, u, !strings.HasPrefix(what, "nearby"))
		}
		if los == nil {
			los, his = []float64{}, []float64{}
		}
		argsOK = argsOK && dims >= 1 && dims <= 20
		if strings.HasPrefix(what, "nearby") && math.IsNaN(maxDist) {
			argsOK = false
		}
	}
	var allowed []int32
	if what == "scan" {
		allowed = z.scanAllowed(kind, index, argsOK, sOK, sInvalid) // a prefix on a numeric index
	} else {
		allowed = z.spatialAllowed(kind, index, argsOK)
	}
	if !optsOK {
		allowed = append(allowed, sInvalid)
	}
	var b drvBuf
	st := z.call(what+"_ex", func() int32 {
		var st int32
		st, b = drvQueryEx(what, h, index, lo, hi, flags, los, his, dims, n, limit, maxDist, o)
		return st
	}, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("%s_ex: %s left the output set", what, drvStatusName(st))
		}
		return
	}
	if !optsOK {
		z.t.Fatalf("%s_ex: options %+v accepted", what, o)
	}
	// The same query, plain and whole, for reference.
	queries := int(n)
	var plain [][]hit
	switch what {
	case "scan":
		pf := flags
		if o != nil && o.Flags&1 != 0 {
			pf |= 1
		}
		hits, _ := z.callResult("scan (reference)", func() (int32, drvBuf) { return drvScan(h, index, lo, hi, pf, 0, false) }, sOK)
		plain = [][]hit{hits}
	case "intersects", "within":
		hits, _ := z.callResult(what+" (reference)", func() (int32, drvBuf) {
			return drvBox(what == "within", h, index, los, his, dims, 0)
		}, sOK)
		plain = [][]hit{hits}
	case "nearby":
		hits, _ := z.callResult("nearby (reference)", func() (int32, drvBuf) { return drvNearby(h, index, los, dims, 0, maxDist) }, sOK)
		plain = [][]hit{hits}
	case "intersects_many", "within_many":
		var pb drvBuf
		z.call(what+" (reference)", func() int32 {
			var st int32
			st, pb = drvBoxMany(what == "within_many", h, index, los, his, dims, n, 0, false)
			return st
		}, sOK)
		plain = z.decodeBatch(what, pb, queries)
	default:
		var pb drvBuf
		z.call("nearby_many (reference)", func() int32 {
			var st int32
			st, pb = drvNearbyMany(h, index, los, dims, n, 0, maxDist, false)
			return st
		}, sOK)
		plain = z.decodeBatch(what, pb, queries)
	}
	ordered := what == "scan" || strings.HasPrefix(what, "nearby")
	if o != nil && o.Flags&4 != 0 {
		for q, c := range z.counts(what+"_ex", b, queries) {
			want := 0
			for _, h := range plain[q] {
				if fzPass(o, h.key, h.val) {
					want++
				}
			}
			if limit > 0 {
				want = min(want, int(limit))
			}
			if c != want {
				z.t.Fatalf("%s_ex query %d: count %d, want %d", what, q, c, want)
			}
		}
		return
	}
	var got [][]hit
	if strings.HasSuffix(what, "_many") {
		got = z.decodeBatch(what+"_ex", b, queries)
	} else {
		got = [][]hit{z.decode(what+"_ex", b)}
	}
	for q := range got {
		z.expectFiltered(fmt.Sprintf("%s_ex query %d", what, q), o, plain[q], got[q], limit, ordered)
	}
}

// scanAllowed is what a scan may return: the handle's errors, INVALID_ARG
// for bad arguments, NO_INDEX for an unknown or spatial index, OK for the
// keys, and onIndex for an ordered index.
func (z *fuzzer) scanAllowed(kind int, index *string, argsOK bool, onIndex ...int32) []int32 {
	allowed := z.handleErrs(kind, false, false)
	switch {
	case index == nil || !argsOK:
		return append(allowed, sInvalid)
	case allowed != nil:
		return allowed
	}
	d, ok := z.idxView(kind)[*index]
	switch {
	case *index == "":
		return []int32{sOK}
	case !ok || d.spatial:
		return []int32{sNoIndex}
	}
	return onIndex
}

// opPrefix: a prefix scan of the keys against the model.
func (z *fuzzer) opPrefix() {
	h, kind := z.handle()
	p := []string{"", "k", "p", "j", "k1", "\x00", "zz"}[z.in.u8()%7]
	desc := int32(z.in.u8() % 2)
	allowed := z.handleErrs(kind, false, false)
	if allowed == nil {
		allowed = []int32{sOK}
	}
	ix := ""
	hits, ok := z.callResult("scan prefix", func() (int32, drvBuf) {
		return drvScan(h, &ix, []byte(p), nil, 8|desc, 0, false)
	}, allowed...)
	if !ok {
		return
	}
	m, _ := z.view(kind)
	var want []string
	for k := range m {
		if strings.HasPrefix(k, p) {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	if desc == 1 {
		slices.Reverse(want)
	}
	got := make([]string, len(hits))
	for i, hh := range hits {
		got[i] = hh.key
	}
	if !slices.Equal(got, want) {
		z.t.Fatalf("scan prefix %q desc %d: %q, want %q", p, desc, got, want)
	}
}

// fieldPaths are the paths drawn for field updates: good ones, ones that
// run through a number, wildcards, empty, NULL.
var fieldPaths = []string{"n", "m", "pos.0", "n.x", "*", "", "a.b"}

func (z *fuzzer) fieldPath() *string { return z.name(fieldPaths...) }

// fieldOutcome says what a field update of the value v (found or not)
// does: the statuses allowed and, for OK, the new value ("" when it
// cannot be known here: the call is then checked by reading back).
func fieldAllowed(found bool, v string, path *string, op int32, json string, delta float64) []int32 {
	switch {
	case path == nil || *path == "" || *path == "*" || op < 0 || op > 2:
		return []int32{sInvalid, sNotFound}
	case !found:
		return []int32{sNotFound}
	case !gjson.Valid(v) || (!gjson.Parse(v).IsObject() && !gjson.Parse(v).IsArray()):
		return []int32{sInvalid}
	case op == 0 && !gjson.Valid(json):
		return []int32{sInvalid}
	case op == 1 && (math.IsNaN(delta) || gjson.Get(v, *path).Type != gjson.Number):
		return []int32{sInvalid}
	case op == 2 && !gjson.Get(v, *path).Exists():
		return []int32{sInvalid}
	}
	// A path through a number, an array index past the end, a geometry
	// a spatial index cannot read: the store decides.
	return []int32{sOK, sInvalid}
}

func (z *fuzzer) opField() {
	h, kind := z.handle()
	k, km := z.key()
	path := z.fieldPath()
	op := int32(z.in.u8() % 3)
	json := []string{"1", `"x"`, "[1,2]", "{bad", `{"a":1}`, "[0,0]"}[z.in.u8()%6]
	delta := []float64{1, -2.5, 0, math.NaN(), 1e308}[z.in.u8()%5]
	nullOut := z.in.u8()%4 == 0
	c := z.keyCall(kind, k, km, true, false)
	allowed := c.allowed
	if len(allowed) == 1 && (allowed[0] == sOK || allowed[0] == sNotFound) {
		allowed = fieldAllowed(c.found, c.m[string(k)], path, op, json, delta)
	} else if path == nil {
		allowed = append(allowed, sInvalid)
	}
	before := z.snapshotKey(kind, string(k))
	var st int32
	var num float64
	switch op {
	case 0:
		st = z.call("set_field", func() int32 { return drvSetField(h, k, km, path, []byte(json), drvPtr) }, allowed...)
	case 1:
		st = z.call("incr_field", func() int32 {
			var st int32
			st, num = drvIncrField(h, k, km, path, delta, nullOut)
			return st
		}, allowed...)
		if st != sOK && !nullOut && num != 0 {
			z.t.Fatalf("incr_field: %s left %g in the output", drvStatusName(st), num)
		}
		if st == sOK && !nullOut && num != gjson.Get(c.m[string(k)], *path).Num+delta {
			z.t.Fatalf("incr_field: %g, want %g", num, gjson.Get(c.m[string(k)], *path).Num+delta)
		}
	default:
		st = z.call("delete_field", func() int32 { return drvDeleteField(h, k, km, path) }, allowed...)
	}
	z.afterFieldWrite("field update", st, kind, []string{string(k)}, before)
}

// afterFieldWrite updates the model from the store after a successful
// field update (the value it wrote is read back, and must be valid JSON)
// or checks that a failed one changed nothing.
func (z *fuzzer) afterFieldWrite(what string, st int32, kind int, keys []string, before keyState) {
	if st != sOK {
		if len(keys) > 0 {
			z.sameKey("failed "+what, keys[0], before)
		}
		return
	}
	m, _ := z.view(kind)
	for _, key := range keys {
		ks := z.snapshotKey(kind, key)
		if !ks.found || !gjson.Valid(ks.val) {
			z.t.Fatalf("%s: %q reads back %q (found %v)", what, key, ks.val, ks.found)
		}
		m[key] = ks.val // the TTL is kept: the model's flag stays
	}
	for _, key := range keys {
		z.checkKey("after "+what, key)
	}
}

func (z *fuzzer) opUpdateFields() {
	h, kind := z.handle()
	n := z.in.u8() % 4
	ups := make([]drvUpdate, n)
	m, _ := z.view(kind)
	allowed := z.handleErrs(kind, false, true)
	null := n > 0 && z.in.u8()%16 == 0
	bad := null
	// Each update checked against the value as the earlier ones left it
	// is beyond this model: it only requires that a refused batch leaves
	// everything as it was and an accepted one leaves valid JSON.
	var keys []string
	for i := range ups {
		k, km := z.key()
		ups[i] = drvUpdate{Key: k, KMode: km, Path: z.fieldPath(), Op: int32(z.in.u8() % 4),
			Val: []byte([]string{"1", `"x"`, "{bad", "[0,0]"}[z.in.u8()%4]), Delta: []float64{1, math.NaN()}[z.in.u8()%2]}
		bad = bad || km == drvNullLen || ups[i].Path == nil
		keys = append(keys, string(k))
	}
	switch {
	case bad:
		allowed = append(allowed, sInvalid) // refused before the handle is looked up
	case allowed == nil:
		allowed = []int32{sOK, sInvalid, sNotFound}
	}
	snap := map[string]keyState{}
	for _, k := range keys {
		snap[k] = z.snapshotKey(kind, k)
	}
	st := z.call("update_fields", func() int32 { return drvUpdateFields(h, ups, null) }, allowed...)
	if st != sOK {
		for _, k := range keys {
			z.sameKey("failed update_fields", k, snap[k])
		}
		return
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			z.t.Fatalf("update_fields: OK with %q missing", k)
		}
	}
	z.afterFieldWrite("update_fields", st, kind, keys, keyState{})
}

// readAllowed is what a read call with one output may return: the
// handle's errors, INVALID_ARG for a NULL output, else OK.
func (z *fuzzer) readAllowed(kind int, nullOut bool) []int32 {
	allowed := z.handleErrs(kind, false, false)
	if nullOut {
		return append(allowed, sInvalid)
	}
	if allowed == nil {
		return []int32{sOK}
	}
	return allowed
}

func (z *fuzzer) opIndexes() {
	h, kind := z.handle()
	nullOut := z.in.u8()%16 == 0
	allowed := z.readAllowed(kind, nullOut)
	var b drvBuf
	st := z.call("indexes", func() int32 { var st int32; st, b = drvIndexes(h, nullOut); return st }, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("indexes: %s left the output set", drvStatusName(st))
		}
		return
	}
	idx := z.idxView(kind)
	d := b.Data
	if !b.NonNil || !b.FreedCleared || len(d) < 4 || int(binary.LittleEndian.Uint32(d)) != len(idx) {
		z.t.Fatalf("indexes: buffer of %d bytes for %d indexes", len(d), len(idx))
	}
	d = d[4:]
	var names []string
	for range idx {
		if len(d) < 16 {
			z.t.Fatalf("indexes: short buffer")
		}
		nl, pl, xl := binary.LittleEndian.Uint32(d), binary.LittleEndian.Uint32(d[4:]), binary.LittleEndian.Uint32(d[8:])
		k := int32(binary.LittleEndian.Uint32(d[12:]))
		d = d[16:]
		if uint64(len(d)) < uint64(nl)+uint64(pl)+uint64(xl) {
			z.t.Fatalf("indexes: short strings")
		}
		name, pattern, path := string(d[:nl]), string(d[nl:nl+pl]), string(d[nl+pl:nl+pl+xl])
		d = d[nl+pl+xl:]
		want, ok := idx[name]
		wantKind := want.kind
		if want.spatial {
			wantKind = 100
		}
		if !ok || want.pattern != pattern || want.path != path || wantKind != k {
			z.t.Fatalf("indexes: %q %q %d %q, model %+v (found %v)", name, pattern, k, path, want, ok)
		}
		names = append(names, name)
	}
	if len(d) != 0 || !slices.IsSorted(names) {
		z.t.Fatalf("indexes: %d bytes left, names %q", len(d), names)
	}
}
