//go:build capifuzz

package main

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"strings"

	"spatialstore/store"
)

// The fuzz model of geofences: fences only on the "sp" index (every key
// under "p", rect text), the members each fence has by the events polled
// so far, and after every poll that drains the queue without loss a
// comparison of those members with brute force over the model.

type fzFence struct {
	index   string // "sp" is modeled; fences on "spj" are checked for their form only
	kind    int    // store.FenceBox, FenceRadius, FenceRoam
	pattern string
	lo, hi  []float64
	key     string
	radius  float64
}

type fzFences struct {
	defs    map[string]fzFence
	members map[string]map[string]bool // by fence: as the events say
	exact   bool                       // members are known (no loss since the last drain)
}

func (f *fzFences) reset() {
	f.defs, f.members, f.exact = map[string]fzFence{}, map[string]map[string]bool{}, true
}

// reopened: the queue is empty, and the fences (restored from a file)
// hold the members there are.
func (z *fuzzer) fencesReopened() {
	if z.file == "" {
		z.fences.reset()
		return
	}
	z.fences.members = map[string]map[string]bool{}
	for name, d := range z.fences.defs {
		if d.index == "sp" {
			z.fences.members[name] = z.bruteMembers(d)
		}
	}
	z.fences.exact = true
}

// inside is membership by brute force over the committed model.
func (z *fuzzer) inside(d fzFence, key string) bool {
	v, ok := z.model[key]
	if !ok || !strings.HasPrefix(key, "p") || !globMatch(key, d.pattern) {
		return false
	}
	r, ok := spatialOf(v)
	if !ok {
		z.t.Fatalf("fence model: %q=%q under sp has no geometry", key, v)
	}
	region := store.Box(d.lo, d.hi)
	if d.kind == int(store.FenceRoam) {
		av, ok := z.model[d.key]
		if !ok || key == d.key || !strings.HasPrefix(d.key, "p") {
			return false
		}
		if region, ok = spatialOf(av); !ok {
			return false
		}
	}
	return rectDist(r, region) <= d.radius
}

func (z *fuzzer) bruteMembers(d fzFence) map[string]bool {
	m := map[string]bool{}
	for k := range z.model {
		if z.inside(d, k) {
			m[k] = true
		}
	}
	return m
}

// fenceStep runs one fence call.
func (z *fuzzer) fenceStep() {
	switch z.in.u8() % 8 {
	case 0, 1:
		z.opFenceCreate()
	case 2:
		z.opFenceDrop()
	case 3:
		z.opFenceCapacity()
	default:
		z.opFencePoll()
	}
}

func (z *fuzzer) opFenceCreate() {
	h, kind := z.handle()
	name := z.name("f1", "f2", "f3", "")
	index := z.name("sp", "sp", "spj", "ix", "nope")
	pattern := z.name("", "p*", "*", "p1", "k*", "p?")
	dims := z.dims()
	lo, hi := z.box(dims)
	radius := []float64{0, 0.5, 2, 10, 1e300, -1, math.NaN(), math.Inf(1)}[z.in.u8()%8]
	d := fzFence{kind: z.in.u8() % 3, radius: radius}
	if index != nil {
		d.index = *index
	}
	if pattern != nil && *pattern != "" {
		d.pattern = *pattern
	} else {
		d.pattern = "*"
	}
	var key []byte
	km := drvPtr
	argsOK := true
	switch d.kind {
	case int(store.FenceBox):
		if z.in.u8()%16 == 0 {
			lo = nil
		}
		argsOK = lo != nil && hi != nil && dims >= 1 && dims <= 20 && boxValid(lo, hi, false)
		d.radius = 0
		if argsOK {
			d.lo, d.hi = lo[:dims], hi[:dims]
		}
	case int(store.FenceRadius):
		if z.in.u8()%16 == 0 {
			lo = nil
		}
		argsOK = lo != nil && dims >= 1 && dims <= 20 && boxValid(lo, lo, false) &&
			!math.IsNaN(radius) && !math.IsInf(radius, 0) && radius >= 0
		if argsOK {
			d.lo, d.hi = lo[:dims], lo[:dims]
		}
	default:
		key, km = z.key()
		argsOK = km != drvNullLen && !math.IsNaN(radius) && !math.IsInf(radius, 0) && radius >= 0
		d.key = string(key)
	}
	allowed := z.handleErrs(kind, true, true)
	switch {
	case name == nil || index == nil || *name == "" || *index == "" || !argsOK:
		allowed = append(allowed, sInvalid, sNoIndex)
	case allowed != nil:
	default:
		// The name first: a fence of that name is there or not, whatever
		// the index.
		if old, ok := z.fences.defs[*name]; ok {
			allowed = []int32{sExists}
			if sameFence(old, d) {
				allowed = []int32{sOK}
			}
		} else if ix, ok := z.idx[*index]; !ok || !ix.spatial {
			allowed = []int32{sNoIndex}
		} else {
			allowed = []int32{sOK}
		}
	}
	st := z.call("create_fence", func() int32 {
		switch d.kind {
		case int(store.FenceBox):
			return drvFenceBox(h, name, index, pattern, lo, hi, dims)
		case int(store.FenceRadius):
			return drvFenceRadius(h, name, index, pattern, lo, dims, radius)
		}
		return drvFenceRoam(h, name, index, pattern, key, km, radius)
	}, allowed...)
	if st != sOK {
		return
	}
	if _, ok := z.fences.defs[*name]; ok {
		return // the same definition again: nothing changed
	}
	if _, pending := z.fences.members[*name]; pending {
		z.fences.exact = false // events of a dropped fence of that name may wait
		delete(z.fences.members, *name)
	}
	z.fences.defs[*name] = d
	if *index == "sp" {
		// A new fence starts with the members there are, without events.
		z.fences.members[*name] = z.bruteMembers(d)
	}
}

func sameFence(a, b fzFence) bool {
	return a.index == b.index && a.kind == b.kind && a.pattern == b.pattern && slices.Equal(a.lo, b.lo) &&
		slices.Equal(a.hi, b.hi) && a.key == b.key && a.radius == b.radius
}

func (z *fuzzer) opFenceDrop() {
	h, kind := z.handle()
	name := z.name("f1", "f2", "f3", "", "nope")
	allowed := z.handleErrs(kind, true, true)
	switch {
	case name == nil || *name == "":
		allowed = append(allowed, sInvalid)
	case allowed != nil:
	default:
		allowed = []int32{sNotFound}
		if _, ok := z.fences.defs[*name]; ok {
			allowed = []int32{sOK}
		}
	}
	if st := z.call("drop_fence", func() int32 { return drvDropFence(h, name) }, allowed...); st == sOK {
		z.dropFence(*name)
	}
}

// dropFence forgets a fence. Its queued events stay: the members it had
// by them are kept aside until the queue is drained.
func (z *fuzzer) dropFence(name string) {
	delete(z.fences.defs, name)
}

// dropIndexFences: dropping an index drops its fences.
func (z *fuzzer) dropIndexFences(index string) {
	for name, d := range z.fences.defs {
		if d.index == index {
			z.dropFence(name)
		}
	}
}

func (z *fuzzer) opFenceCapacity() {
	h, kind := z.handle()
	n := []uint64{0, 1, 2, 3, 100, store.DefaultEventCapacity, store.MaxEventCapacity, store.MaxEventCapacity + 1,
		math.MaxUint64}[z.in.u8()%9]
	allowed := []int32{sBadHandle}
	if kind == 0 {
		allowed = []int32{sOK}
		if n == 0 || n > store.MaxEventCapacity {
			allowed = []int32{sInvalid}
		}
	}
	// Events it drops are counted as lost, which the next poll reports.
	z.call("set_event_capacity", func() int32 { return drvSetEventCapacity(h, n) }, allowed...)
}

type fzEvent struct {
	enter      bool
	time       int64
	fence, key string
}

func (z *fuzzer) opFencePoll() {
	h, kind := z.handle()
	limit := []uint64{0, 0, 0, 1, 2, 5}[z.in.u8()%6]
	nullOut := z.in.u8()%16 == 0
	allowed := []int32{sBadHandle}
	switch {
	case nullOut:
		allowed = append(allowed, sInvalid) // out is checked first
	case kind == 0:
		allowed = []int32{sOK}
	}
	if nullOut && kind == 0 {
		allowed = []int32{sInvalid}
	}
	var b drvBuf
	st := z.call("poll_events", func() int32 {
		var st int32
		st, b = drvPollEvents(h, limit, nullOut)
		return st
	}, allowed...)
	if st != sOK {
		if !b.ZeroOnNoValue {
			z.t.Fatalf("poll_events: %s left the output set", drvStatusName(st))
		}
		return
	}
	events, lost := z.decodeEvents(b.Data)
	if limit > 0 && uint64(len(events)) > limit {
		z.t.Fatalf("poll_events: %d events over the limit %d", len(events), limit)
	}
	if lost > 0 {
		z.fences.exact = false
	}
	for i, e := range events {
		if i > 0 && e.time < events[i-1].time {
			z.t.Fatalf("poll_events: event %d is older than the one before", i)
		}
		if !strings.HasPrefix(e.key, "p") && !strings.HasPrefix(e.key, "j") {
			z.t.Fatalf("poll_events: key %q is under no spatial index", e.key)
		}
		m := z.fences.members[e.fence]
		if m == nil || !z.fences.exact {
			continue // a fence on spj, or members not known
		}
		if m[e.key] == e.enter {
			z.t.Fatalf("poll_events: %q %s %q, but by the events so far it was already so", e.key, map[bool]string{true: "entered", false: "left"}[e.enter], e.fence)
		}
		m[e.key] = e.enter
	}
	if limit != 0 && uint64(len(events)) == limit {
		return // more may wait
	}
	// The queue is empty: the members are the model's now.
	names := make([]string, 0, len(z.fences.defs))
	for name := range z.fences.defs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := z.fences.defs[name]
		if d.index != "sp" {
			continue
		}
		want := z.bruteMembers(d)
		if z.fences.exact {
			got := z.fences.members[name]
			for k := range want {
				if !got[k] {
					z.t.Fatalf("fence %s %+v: %q is inside but never entered", name, d, k)
				}
			}
			for k, in := range got {
				if in && !want[k] {
					z.t.Fatalf("fence %s %+v: %q entered and is not inside", name, d, k)
				}
			}
		}
		z.fences.members[name] = want
	}
	for name := range z.fences.members {
		if _, ok := z.fences.defs[name]; !ok {
			delete(z.fences.members, name)
		}
	}
	z.fences.exact = true
}

// decodeEvents checks the event buffer's layout and decodes it.
func (z *fuzzer) decodeEvents(d []byte) ([]fzEvent, uint64) {
	if len(d) < 12 {
		z.t.Fatalf("poll_events: %d-byte buffer", len(d))
	}
	n := binary.LittleEndian.Uint32(d)
	lost := binary.LittleEndian.Uint64(d[4:])
	d = d[12:]
	var out []fzEvent
	for i := uint32(0); i < n; i++ {
		if len(d) < 17 {
			z.t.Fatalf("poll_events: event %d is cut short", i)
		}
		kind := d[0]
		t := int64(binary.LittleEndian.Uint64(d[1:]))
		fl, kl := binary.LittleEndian.Uint32(d[9:]), binary.LittleEndian.Uint32(d[13:])
		d = d[17:]
		if (kind != 1 && kind != 2) || t <= 0 || uint64(len(d)) < uint64(fl)+uint64(kl) {
			z.t.Fatalf("poll_events: event %d: kind %d, time %d, lengths %d %d", i, kind, t, fl, kl)
		}
		out = append(out, fzEvent{enter: kind == 1, time: t, fence: string(d[:fl]), key: string(d[fl : fl+kl])})
		d = d[fl+kl:]
	}
	if len(d) != 0 {
		z.t.Fatalf("poll_events: %d bytes after the last event", len(d))
	}
	return out, lost
}
