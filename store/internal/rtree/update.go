package rtree

import "fmt"

// Update moves the present id to box [min, max]. It panics if id is absent.
//
// It works bottom-up (Lee et al., VLDB 2003): the leaf comes from the back
// pointer; if the new box still fits in the leaf's box the slot is rewritten
// in place (shrinking boxes up the path only if the old box was on the leaf's
// boundary, so every box stays the exact union of its children). Otherwise the
// entry leaves its leaf and is reinserted from the lowest ancestor whose box
// already holds the new box, which keeps most moves local.
func (t *Tree) Update(id uint32, min, max []float64) {
	t.checkBox(min, max)
	if !t.Has(id) {
		panic(fmt.Sprintf("rtree: Update of absent id %d", id))
	}
	leaf := t.items[id].leaf
	i := int(t.items[id].slot)
	if leaf == t.root {
		t.setSlot(leaf, i, min, max)
		return
	}
	p := t.nodes[leaf].parent
	if t.slotContains(p, int(t.nodes[leaf].slot), min, max) {
		// Only coordinates that were on the leaf's edge and move inward can
		// shrink the leaf's box; the new box cannot grow it.
		edge := t.slotOnEdge(leaf, i)
		b := t.boxes[int(leaf)*t.stride : int(leaf+1)*t.stride]
		var moved uint64
		for a := range min {
			lo, hi := 2*a*maxEntries+i, (2*a+1)*maxEntries+i
			if b[lo] != min[a] {
				moved |= 1 << (2 * a)
			}
			if b[hi] != max[a] {
				moved |= 1 << (2*a + 1)
			}
			b[lo], b[hi] = min[a], max[a]
		}
		if edge&moved != 0 {
			t.shrinkUp(leaf, edge&moved)
		}
		return
	}
	// Find where to reinsert before taking the entry out: the lowest ancestor
	// whose box already holds the new box, or the root.
	x := p
	for x != t.root {
		pp := t.nodes[x].parent
		if t.slotContains(pp, int(t.nodes[x].slot), min, max) {
			break
		}
		x = pp
	}
	t.takeOut(leaf, i)
	if t.nodes[x].level == freeLevel {
		// Condensing merged x away (or collapsed the root above it).
		x = t.root
	}
	t.reinserted = 0
	t.insertAt(t.chooseNode(x, 0, min, max), id, min, max)
}
