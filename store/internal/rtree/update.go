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
	leaf := t.leafOf[id]
	i := t.findSlot(leaf, id)
	if leaf == t.root {
		t.setSlot(leaf, i, min, max)
		return
	}
	p := t.nodes[leaf].parent
	ls := t.findSlot(p, leaf)
	if t.slotContains(p, ls, min, max) {
		lb := t.boxes[int(p)*t.stride:]
		b := t.boxes[int(leaf)*t.stride:]
		shrinks := false
		for a := range min {
			jm, jx := 2*a*maxEntries, (2*a+1)*maxEntries
			if (b[jm+i] == lb[jm+ls] && min[a] != b[jm+i]) || (b[jx+i] == lb[jx+ls] && max[a] != b[jx+i]) {
				shrinks = true
			}
			b[jm+i], b[jx+i] = min[a], max[a]
		}
		if shrinks {
			t.refitUp(leaf)
		}
		return
	}
	// Find where to reinsert before taking the entry out: the lowest ancestor
	// whose box already holds the new box, or the root.
	x := p
	for x != t.root {
		pp := t.nodes[x].parent
		if t.slotContains(pp, t.findSlot(pp, x), min, max) {
			break
		}
		x = pp
	}
	t.takeOut(leaf, i)
	if t.nodes[x].level == freeLevel {
		// Condensing merged x away (or collapsed the root above it).
		x = t.root
	}
	t.insertAt(t.chooseNode(x, 0, min, max), id, min, max)
}
