package rtree

// Remove takes id out of the tree; it returns false if id was absent.
// The leaf is found through the back pointer, never by a search from the root.
func (t *Tree) Remove(id uint32) bool {
	if !t.Has(id) {
		return false
	}
	leaf := t.leafOf[id]
	t.removeSlot(leaf, t.findSlot(leaf, id))
	t.leafOf[id] = noNode
	t.size--
	if t.size == 0 {
		t.reset()
		return true
	}
	t.condense(leaf)
	return true
}

// reset empties the node storage (keeping capacity) once the last item is gone.
func (t *Tree) reset() {
	t.root = noNode
	t.nodes = t.nodes[:0]
	t.kids = t.kids[:0]
	t.boxes = t.boxes[:0]
	t.free = t.free[:0]
}

// condense restores the invariants after node n lost an entry: walking up,
// an underfull node is cut from its parent and its entries are reinserted at
// their own level (whole subtrees, not items); other nodes get exact boxes.
// Finally a root left with one child is replaced by that child.
func (t *Tree) condense(n uint32) {
	d := t.dims
	orphans := t.orphans[:0]
	for n != t.root {
		p := t.nodes[n].parent
		if int(t.nodes[n].count) < minEntries {
			t.removeSlot(p, t.findSlot(p, n))
			orphans = append(orphans, n)
			n = p
			continue
		}
		// Counts above n are unchanged, so only boxes can need fixing.
		t.refitUp(n)
		break
	}
	// The root keeps at least one child: it had two, and at most one node per
	// level is dissolved. Its level is unchanged, so every orphan's entries
	// have a level to go back to.
	for _, o := range orphans {
		level := int(t.nodes[o].level)
		for i := 0; i < int(t.nodes[o].count); i++ {
			kid := t.kids[int(o)*maxEntries+i]
			t.getSlot(o, i, t.rbox[:d], t.rbox[d:])
			target := t.chooseNode(t.root, level, t.rbox[:d], t.rbox[d:])
			t.insertAt(target, kid, t.rbox[:d], t.rbox[d:])
		}
		t.freeNode(o)
	}
	t.orphans = orphans[:0]
	for t.nodes[t.root].level > 0 && t.nodes[t.root].count == 1 {
		old := t.root
		t.root = t.kids[int(old)*maxEntries]
		t.nodes[t.root].parent = noNode
		t.freeNode(old)
	}
}
