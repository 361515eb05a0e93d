package rtree

import (
	"fmt"
	"math"
)

// Load bulk-loads items into an empty tree (it panics otherwise): ids[i] has
// box boxes[i*2*d : i*2*d+d] (min) and boxes[i*2*d+d : (i+1)*2*d] (max).
//
// The tree is packed top-down: the height is the least that holds all items,
// each node's items are cut into as many equal groups as it needs children
// by recursive bisection on the axis where the item centres spread most,
// using selection (nth element), not sorting. Groups of equal size keep every
// node nearly full and never below the minimum fill.
func (t *Tree) Load(ids []uint32, boxes []float64) {
	if t.size != 0 {
		panic("rtree: Load into a non-empty tree")
	}
	d := t.dims
	n := len(ids)
	if len(boxes) != n*2*d {
		panic(fmt.Sprintf("rtree: Load: %d box coordinates for %d items of %d dims", len(boxes), n, d))
	}
	if n == 0 {
		return
	}
	maxID := uint32(0)
	for i, id := range ids {
		t.checkBox(boxes[i*2*d:i*2*d+d], boxes[i*2*d+d:(i+1)*2*d])
		if id > maxID {
			maxID = id
		}
	}
	t.reset()
	for i := range t.leafOf {
		t.leafOf[i] = noNode
	}
	t.growIDs(maxID)

	level, capacity := 0, maxEntries
	for capacity < n {
		capacity *= maxEntries
		level++
	}
	nodes := countNodes(n, level)
	if cap(t.nodes) < nodes {
		t.nodes = make([]node, 0, nodes)
		t.kids = make([]uint32, 0, nodes*maxEntries)
		t.boxes = make([]float64, 0, nodes*t.stride)
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	l := loader{t: t, ids: ids, boxes: boxes}
	t.root = l.build(perm, level)
	t.size = n
}

// countNodes returns how many nodes build makes for n items at level.
func countNodes(n, level int) int {
	if level == 0 {
		return 1
	}
	c := subtreeCap(level)
	nc := (n + c - 1) / c
	base, extra := n/nc, n%nc
	total := 1 + (nc-extra)*countNodes(base, level-1)
	if extra > 0 {
		total += extra * countNodes(base+1, level-1)
	}
	return total
}

// subtreeCap is the most items a child of a node at level can hold: M^level.
func subtreeCap(level int) int {
	c := 1
	for ; level > 0; level-- {
		c *= maxEntries
	}
	return c
}

type loader struct {
	t     *Tree
	ids   []uint32
	boxes []float64
}

// centre returns twice the centre of item i on axis a (the factor is irrelevant for ordering).
func (l *loader) centre(i int32, a int) float64 {
	d := l.t.dims
	return l.boxes[int(i)*2*d+a] + l.boxes[int(i)*2*d+d+a]
}

// build makes the subtree for the items perm at level and returns its node.
func (l *loader) build(perm []int32, level int) uint32 {
	t := l.t
	d := t.dims
	nd := t.newNode(level)
	if level == 0 {
		for _, i := range perm {
			id := l.ids[i]
			if t.leafOf[id] != noNode {
				t.Clear()
				panic(fmt.Sprintf("rtree: Load: duplicate id %d", id))
			}
			b := l.boxes[int(i)*2*d : int(i+1)*2*d]
			t.addEntry(nd, id, b[:d], b[d:])
		}
		return nd
	}
	c := subtreeCap(level)
	nc := (len(perm) + c - 1) / c
	l.partition(perm, 0, nc, nc)
	base, extra := len(perm)/nc, len(perm)%nc
	start := 0
	u := t.ubox // free again once each child is built
	for g := 0; g < nc; g++ {
		size := base
		if g < extra {
			size++
		}
		child := l.build(perm[start:start+size], level-1)
		t.nodeUnion(child, u)
		t.addEntry(nd, child, u[:d], u[d:])
		start += size
	}
	return nd
}

// groupStart is where group g of nc (sizes differing by at most one, larger first) begins in n items.
func groupStart(n, nc, g int) int {
	base, extra := n/nc, n%nc
	if g < extra {
		return g * (base + 1)
	}
	return extra*(base+1) + (g-extra)*base
}

// partition arranges perm (the items of groups g0..g1 of nc over the whole
// node, perm starting at group g0) so that each group's items are contiguous
// and the groups are spatially coherent.
func (l *loader) partition(all []int32, g0, g1, nc int) {
	if g1-g0 <= 1 {
		return
	}
	n := len(all)
	lo, hi := groupStart(n, nc, g0), groupStart(n, nc, g1)
	gm := (g0 + g1) / 2
	mid := groupStart(n, nc, gm)
	part := all[lo:hi]
	// Axis of the largest spread of centres.
	axis, spread := 0, math.Inf(-1)
	for a := 0; a < l.t.dims; a++ {
		mn, mx := math.Inf(1), math.Inf(-1)
		for _, i := range part {
			c := l.centre(i, a)
			if c < mn {
				mn = c
			}
			if c > mx {
				mx = c
			}
		}
		if mx-mn > spread {
			axis, spread = a, mx-mn
		}
	}
	l.selectNth(part, mid-lo, axis)
	l.partition(all, g0, gm, nc)
	l.partition(all, gm, g1, nc)
}

// selectNth reorders p so that p[k] holds the item of rank k by centre on
// axis, with smaller-or-equal items before it and larger-or-equal after
// (Hoare's quickselect with a median-of-three pivot).
func (l *loader) selectNth(p []int32, k, axis int) {
	lo, hi := 0, len(p)-1
	for hi > lo {
		m := lo + (hi-lo)/2
		// Median of three into p[m].
		if l.centre(p[m], axis) < l.centre(p[lo], axis) {
			p[m], p[lo] = p[lo], p[m]
		}
		if l.centre(p[hi], axis) < l.centre(p[lo], axis) {
			p[hi], p[lo] = p[lo], p[hi]
		}
		if l.centre(p[hi], axis) < l.centre(p[m], axis) {
			p[hi], p[m] = p[m], p[hi]
		}
		pivot := l.centre(p[m], axis)
		i, j := lo, hi
		for i <= j {
			for l.centre(p[i], axis) < pivot {
				i++
			}
			for l.centre(p[j], axis) > pivot {
				j--
			}
			if i <= j {
				p[i], p[j] = p[j], p[i]
				i++
				j--
			}
		}
		// Now p[lo..j] <= pivot <= p[i..hi], and j < i.
		if k <= j {
			hi = j
		} else if k >= i {
			lo = i
		} else {
			return
		}
	}
}
