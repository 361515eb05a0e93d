package idmap

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// world is the caller's side: the key of each id, as the spatial index
// keeps it, with ids reused after deletion.
type world struct {
	keys []string
	free []uint32
}

func (w *world) keyOf(id uint32) string { return w.keys[id] }

func (w *world) newID(key string) uint32 {
	if n := len(w.free); n > 0 {
		id := w.free[n-1]
		w.free = w.free[:n-1]
		w.keys[id] = key
		return id
	}
	w.keys = append(w.keys, key)
	return uint32(len(w.keys) - 1)
}

// TestAgainstMap runs random puts, gets and deletes against Go's map, with
// few keys (long probe runs and wrap-around at the table's end) and many.
func TestAgainstMap(t *testing.T) {
	for _, keys := range []int{5, 40, 3000} {
		t.Run(fmt.Sprint(keys), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(keys), 1))
			w := &world{}
			m := New(w.keyOf)
			ref := map[string]uint32{}
			for step := range 200000 {
				key := fmt.Sprintf("k%d", rng.IntN(keys))
				switch rng.IntN(3) {
				case 0, 1:
					id, ok := ref[key]
					if !ok {
						id = w.newID(key)
					}
					m.Put(key, id)
					ref[key] = id
				default:
					id, ok := ref[key]
					if got := m.Delete(key); got != ok {
						t.Fatalf("step %d: Delete(%q) = %v, want %v", step, key, got, ok)
					}
					if ok {
						delete(ref, key)
						w.free = append(w.free, id)
					}
				}
				probe := fmt.Sprintf("k%d", rng.IntN(keys+3))
				gotID, gotOK := m.Get(probe)
				wantID, wantOK := ref[probe]
				if gotOK != wantOK || gotID != wantID {
					t.Fatalf("step %d: Get(%q) = %d, %v; want %d, %v", step, probe, gotID, gotOK, wantID, wantOK)
				}
				if m.Len() != len(ref) {
					t.Fatalf("step %d: Len %d, want %d", step, m.Len(), len(ref))
				}
			}
			checkAll(t, m, ref)
		})
	}
}

// checkAll checks every key is found, Range visits each id once, and no
// slot is more than 3/4 of the table in use.
func checkAll(t *testing.T, m *Map, ref map[string]uint32) {
	t.Helper()
	for k, id := range ref {
		if got, ok := m.Get(k); !ok || got != id {
			t.Fatalf("Get(%q) = %d, %v; want %d", k, got, ok, id)
		}
	}
	seen := map[uint32]bool{}
	m.Range(func(id uint32) bool {
		if seen[id] {
			t.Fatalf("Range visits id %d twice", id)
		}
		seen[id] = true
		return true
	})
	if len(seen) != len(ref) {
		t.Fatalf("Range visits %d ids, want %d", len(seen), len(ref))
	}
	if 4*m.Len() > 3*len(m.slots) {
		t.Fatalf("%d keys in %d slots", m.Len(), len(m.slots))
	}
}

// TestChurnInSmallTable deletes and re-adds keys of a table that stays
// small (64 slots, about half full), checking everything after each step:
// deletion's backward shift then runs over chains that wrap around the
// table's end.
func TestChurnInSmallTable(t *testing.T) {
	w := &world{}
	m := New(w.keyOf)
	ref := map[string]uint32{}
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range 40 {
		key := fmt.Sprintf("c%d", i)
		id := w.newID(key)
		m.Put(key, id)
		ref[key] = id
	}
	for range 5000 {
		key := fmt.Sprintf("c%d", rng.IntN(40))
		if id, ok := ref[key]; ok {
			if !m.Delete(key) {
				t.Fatalf("Delete(%q) missed", key)
			}
			delete(ref, key)
			w.free = append(w.free, id)
		} else {
			id := w.newID(key)
			m.Put(key, id)
			ref[key] = id
		}
		checkAll(t, m, ref)
	}
}

func TestEmptyAndReplace(t *testing.T) {
	w := &world{keys: []string{"a", "a"}}
	m := New(w.keyOf)
	if _, ok := m.Get("a"); ok || m.Delete("a") || m.Len() != 0 {
		t.Fatal("an empty map finds something")
	}
	m.Put("a", 0)
	m.Put("a", 1) // a new id for the same key replaces the old
	if id, ok := m.Get("a"); !ok || id != 1 || m.Len() != 1 {
		t.Fatalf("Get(a) = %d, %v, Len %d", id, ok, m.Len())
	}
	if m.MemoryBytes() != 64 {
		t.Fatalf("MemoryBytes %d, want 64", m.MemoryBytes())
	}
}

func BenchmarkGet(b *testing.B) {
	const n = 1 << 20
	w := &world{}
	m := New(w.keyOf)
	for i := range n {
		key := fmt.Sprintf("o:%d", i)
		m.Put(key, w.newID(key))
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		if _, ok := m.Get(w.keys[rng.IntN(n)]); !ok {
			b.Fatal("missing")
		}
	}
	b.ReportMetric(float64(m.MemoryBytes())/n, "bytes/key")
}

func TestReserve(t *testing.T) {
	w := &world{}
	m := New(w.keyOf)
	m.Put("a", w.newID("a"))
	m.Reserve(1000)
	size := len(m.slots)
	if 4*1000 > 3*size {
		t.Fatalf("Reserve(1000) left %d slots", size)
	}
	ref := map[string]uint32{"a": 0}
	for i := range 999 {
		key := fmt.Sprintf("r%d", i)
		ref[key] = w.newID(key)
		m.Put(key, ref[key])
	}
	if len(m.slots) != size {
		t.Fatalf("the map grew from %d to %d slots after Reserve", size, len(m.slots))
	}
	checkAll(t, m, ref)
	m.Reserve(10) // never shrinks
	if len(m.slots) != size {
		t.Fatal("Reserve shrank the map")
	}
}
