// Package idmap maps string keys to small integer ids without storing the
// keys: the caller already keeps each id's key (the spatial index keeps it
// beside the item's value), so the map holds only the ids and a part of
// each key's hash, 8 bytes a slot, and asks the caller for an id's key to
// confirm a match. A Go map[string]uint32 holds a 16-byte string header
// per entry, plus a copy of the key when the caller's string must not be
// pinned: about 50 bytes an item at a million items against about 12 here.
//
// It is open addressing with linear probing and backward-shift deletion
// (no tombstones, so a long life of inserts and deletes never slows
// lookups), kept at most 3/4 full. Not safe for concurrent writes; reads
// may run concurrently with each other.
package idmap

import "hash/maphash"

// KeyOf returns the key of a present id.
type KeyOf func(id uint32) string

// Map is the map. The zero value is not ready: use New.
type Map struct {
	// slots hold 0 for empty, else hash<<32 | (id + 1): the low 32 bits
	// of the key's hash and the id, so a probe compares keys only when
	// the hash parts agree, and a deletion can find a slot's home without
	// hashing its key again.
	slots []uint64
	n     int
	seed  maphash.Seed
	keyOf KeyOf
}

// New returns an empty map whose ids' keys come from keyOf.
func New(keyOf KeyOf) *Map {
	return &Map{slots: make([]uint64, 8), seed: maphash.MakeSeed(), keyOf: keyOf}
}

// Len is the number of keys.
func (m *Map) Len() int { return m.n }

// MemoryBytes is the memory the slots take.
func (m *Map) MemoryBytes() int { return 8 * cap(m.slots) }

func (m *Map) hash(key string) uint32 { return uint32(maphash.String(m.seed, key)) }

// find returns the slot holding key, or the empty slot where it would go.
func (m *Map) find(key string, h uint32) (slot int, found bool) {
	mask := len(m.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return i, false
		}
		if uint32(s>>32) == h && m.keyOf(uint32(s)-1) == key {
			return i, true
		}
	}
}

// Get returns key's id.
func (m *Map) Get(key string) (uint32, bool) {
	i, ok := m.find(key, m.hash(key))
	if !ok {
		return 0, false
	}
	return uint32(m.slots[i]) - 1, true
}

// Put maps key to id, replacing what key had. id must be below 2^32-1, and
// keyOf(id) must return key from now on.
func (m *Map) Put(key string, id uint32) {
	h := m.hash(key)
	i, ok := m.find(key, h)
	m.slots[i] = uint64(h)<<32 | uint64(id+1)
	if ok {
		return
	}
	m.n++
	if 4*m.n > 3*len(m.slots) {
		m.grow()
	}
}

// Delete removes key; it reports whether key was there. The slots after
// it shift back to close the gap, so no tombstone is left.
func (m *Map) Delete(key string) bool {
	i, ok := m.find(key, m.hash(key))
	if !ok {
		return false
	}
	mask := len(m.slots) - 1
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := m.slots[j]
		if s == 0 {
			break
		}
		// s may move into the gap at i unless its home lies in (i, j]
		// (cyclically): then it is already as close to home as it can be.
		home := int(uint32(s>>32)) & mask
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			m.slots[i] = s
			i = j
		}
	}
	m.slots[i] = 0
	m.n--
	return true
}

// Reserve makes room for n keys in all, so that filling the map up to n
// rehashes nothing.
func (m *Map) Reserve(n int) {
	size := len(m.slots)
	for 4*n > 3*size {
		size *= 2
	}
	if size > len(m.slots) {
		m.rehash(size)
	}
}

func (m *Map) grow() { m.rehash(2 * len(m.slots)) }

func (m *Map) rehash(size int) {
	old := m.slots
	m.slots = make([]uint64, size)
	mask := len(m.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(uint32(s>>32)) & mask
		for m.slots[i] != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = s
	}
}

// Range calls fn for every key's id, in no order, until fn returns false.
func (m *Map) Range(fn func(id uint32) bool) {
	for _, s := range m.slots {
		if s != 0 && !fn(uint32(s)-1) {
			return
		}
	}
}
