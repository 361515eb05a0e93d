package rtree

// Remove takes id out of the tree; it returns false if id was absent.
// The leaf is found through the back pointer, never by a search from the root.
func (t *Tree) Remove(id uint32) bool {
	if !t.Has(id) {
		return false
	}
	leaf := t.items[id].leaf
	t.items[id].leaf = noNode
	t.size--
	if t.size == 0 {
		t.reset()
		return true
	}
	t.takeOut(leaf, int(t.items[id].slot))
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

// takeOut deletes slot i of node n and restores the invariants: fill by
// condense if n is now underfull, else exact boxes up the path, which change
// only if the deleted box lay on n's boundary.
func (t *Tree) takeOut(n uint32, i int) {
	if n == t.root {
		t.removeSlot(n, i)
		t.collapseRoot()
		return
	}
	edge := t.slotOnEdge(n, i)
	t.removeSlot(n, i)
	if int(t.nodes[n].count) < minEntries {
		t.condense(n)
	} else if edge != 0 {
		t.shrinkUp(n, edge)
	}
}

// slotOnEdge returns the mask (as for shrinkUp) of the coordinates where
// slot i of the non-root node n touches n's box; only those can shrink when
// the slot goes or moves inward.
func (t *Tree) slotOnEdge(n uint32, i int) uint64 {
	p, ps := t.nodes[n].parent, int(t.nodes[n].slot)
	b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
	pb := t.boxes[int(p)*t.stride : int(p+1)*t.stride]
	var mask uint64
	for c := 0; c < 2*t.dims; c++ {
		if b[c*maxEntries+i] == pb[c*maxEntries+ps] {
			mask |= 1 << c
		}
	}
	return mask
}

// condense restores the minimum fill from the underfull non-root node n
// upward. Like a B-tree it works locally: n is merged into the sibling whose
// box grows least when both fit in one node, or else borrows that sibling's
// entries nearest to it. A merge removes a child from the parent, which may
// underflow in turn. Boxes are made exact on the way; a root left with one
// child is replaced by it.
func (t *Tree) condense(n uint32) {
	d := t.dims
	u := t.ubox
	for n != t.root && int(t.nodes[n].count) < minEntries {
		p := t.nodes[n].parent
		t.nodeUnion(n, u)
		s, ss := t.bestSibling(p, n, u)
		ns := int(t.nodes[n].slot)
		cn, cs := int(t.nodes[n].count), int(t.nodes[s].count)
		if cn+cs <= maxEntries {
			for i := 0; i < cn; i++ {
				t.getSlot(n, i, t.rbox[:d], t.rbox[d:])
				t.addEntry(s, t.kids[int(n)*maxEntries+i], t.rbox[:d], t.rbox[d:])
			}
			t.nodeUnion(s, u)
			t.setSlot(p, ss, u[:d], u[d:])
			t.removeSlot(p, ns)
			t.freeNode(n)
			n = p
			continue
		}
		for k := cn; k < minEntries; k++ {
			j := t.closestSlot(s, u)
			t.getSlot(s, j, t.rbox[:d], t.rbox[d:])
			t.addEntry(n, t.kids[int(s)*maxEntries+j], t.rbox[:d], t.rbox[d:])
			t.removeSlot(s, j)
			for a := 0; a < d; a++ {
				u[a] = min(u[a], t.rbox[a])
				u[d+a] = max(u[d+a], t.rbox[d+a])
			}
		}
		t.setSlot(p, ns, u[:d], u[d:])
		t.nodeUnion(s, u)
		t.setSlot(p, ss, u[:d], u[d:])
		n = p
		break
	}
	if n == t.root {
		t.collapseRoot()
		return
	}
	t.refitUp(n)
}

// collapseRoot replaces an internal root that has a single child by that child.
func (t *Tree) collapseRoot() {
	for t.nodes[t.root].level > 0 && t.nodes[t.root].count == 1 {
		old := t.root
		t.root = t.kids[int(old)*maxEntries]
		t.nodes[t.root].parent = noNode
		t.freeNode(old)
	}
}

// bestSibling returns the child of p other than n (and its slot) whose box
// grows least in volume, then margin, to take in box u.
func (t *Tree) bestSibling(p, n uint32, u []float64) (uint32, int) {
	d := t.dims
	b := t.boxes[int(p)*t.stride:]
	best := -1
	var bestEnl, bestMarg float64
	for i := 0; i < int(t.nodes[p].count); i++ {
		if t.kids[int(p)*maxEntries+i] == n {
			continue
		}
		vol, uvol, marg, umarg := 1.0, 1.0, 0.0, 0.0
		for a := 0; a < d; a++ {
			lo, hi := b[2*a*maxEntries+i], b[(2*a+1)*maxEntries+i]
			ulo, uhi := min(lo, u[a]), max(hi, u[d+a])
			vol *= hi - lo
			uvol *= uhi - ulo
			marg += hi - lo
			umarg += uhi - ulo
		}
		enl, menl := uvol-vol, umarg-marg
		if best < 0 || enl < bestEnl || (enl == bestEnl && menl < bestMarg) {
			best, bestEnl, bestMarg = i, enl, menl
		}
	}
	return t.kids[int(p)*maxEntries+best], best
}

// closestSlot returns the slot of node s whose box grows box u least (volume,
// then margin) when added to it.
func (t *Tree) closestSlot(s uint32, u []float64) int {
	d := t.dims
	b := t.boxes[int(s)*t.stride:]
	best := -1
	var bestEnl, bestMarg float64
	for i := 0; i < int(t.nodes[s].count); i++ {
		uvol, umarg := 1.0, 0.0
		for a := 0; a < d; a++ {
			ulo, uhi := min(u[a], b[2*a*maxEntries+i]), max(u[d+a], b[(2*a+1)*maxEntries+i])
			uvol *= uhi - ulo
			umarg += uhi - ulo
		}
		if best < 0 || uvol < bestEnl || (uvol == bestEnl && umarg < bestMarg) {
			best, bestEnl, bestMarg = i, uvol, umarg
		}
	}
	return best
}
