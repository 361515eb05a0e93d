package rtree

import (
	"fmt"
	"math"
	"math/bits"
)

const (
	// maxEntries is the node capacity M. Benchmarked against 8 and 32 on 3D
	// points: 16 was best or near best for box search, k-nearest and moves
	// alike (8 makes trees deep, 32 makes each node's scan long). A 3D node's
	// boxes take 768 bytes, 12 cache lines.
	maxEntries = 16
	// minEntries is the fill below which a non-root node is merged into a
	// sibling or refilled from one (~40%).
	minEntries = maxEntries * 2 / 5
	// maxDims is the largest supported dimensionality.
	maxDims = 20
	// noNode marks an absent node, or an absent item in items.
	noNode = ^uint32(0)
	// freeLevel marks a node on the free list.
	freeLevel = 0xff
)

// itemLoc is the back pointer of an item id: its leaf (noNode if the id is
// absent) and its slot there.
type itemLoc struct {
	leaf uint32
	slot uint8
}

// node is the per-node metadata. It holds no pointers, so the GC never scans
// the nodes slice however large it grows.
type node struct {
	parent uint32 // parent node number, noNode for the root
	count  uint8  // number of used slots
	level  uint8  // 0 for leaves; freeLevel for nodes on the free list
	slot   uint8  // this node's slot in its parent, so no upward step scans
}

// Tree is an R-tree over axis-aligned boxes in a fixed number of dimensions
// (1..20). See the package documentation for the layout and the concurrency
// contract.
type Tree struct {
	dims   int
	stride int // floats per node in boxes: maxEntries*2*dims

	root uint32 // noNode when the tree is empty
	size int

	nodes []node
	kids  []uint32  // maxEntries slots per node: child node numbers or item ids
	boxes []float64 // stride floats per node, per axis: mins of slots, then maxes
	items []itemLoc // item id -> where it is: one cache miss finds leaf and slot
	free  []uint32  // node numbers available for reuse

	// Scratch for write methods only (they have exclusive access). Read
	// methods never touch these: their scratch comes from sync.Pools.
	sbox   []float64 // (maxEntries+1) entries, 2*dims each, entry-major: split input
	sids   [maxEntries + 1]uint32
	pre    []float64 // (maxEntries+2) boxes for prefix unions in split
	suf    []float64 // (maxEntries+2) boxes for suffix unions in split
	order  [2][maxEntries + 1]int
	ubox   []float64 // 2*dims: union scratch
	nbox   []float64 // 2*dims: box of a node created by a split
	rbox   []float64 // 2*dims: box of an entry moved by condense
	rstack []float64 // entries parked by forceReinsert: box then id, per entry
	// reinserted has bit l set once a forced reinsert ran at level l during
	// the current top-level insertion (R* allows one per level).
	reinserted uint32
}

// New returns an empty tree over dims dimensions. It panics unless 1 <= dims <= 20.
func New(dims int) *Tree {
	if dims < 1 || dims > maxDims {
		panic(fmt.Sprintf("rtree: dims %d out of range 1..%d", dims, maxDims))
	}
	t := &Tree{dims: dims, stride: maxEntries * 2 * dims, root: noNode}
	d2 := 2 * dims
	t.sbox = make([]float64, (maxEntries+1)*d2)
	t.pre = make([]float64, (maxEntries+2)*d2)
	t.suf = make([]float64, (maxEntries+2)*d2)
	t.ubox = make([]float64, d2)
	t.nbox = make([]float64, d2)
	t.rbox = make([]float64, d2)
	return t
}

// Dims returns the number of dimensions.
func (t *Tree) Dims() int { return t.dims }

// Len returns the number of items.
func (t *Tree) Len() int { return t.size }

// Has reports whether id is in the tree.
func (t *Tree) Has(id uint32) bool {
	return int(id) < len(t.items) && t.items[id].leaf != noNode
}

// Box copies item id's box into min and max; it returns false if id is absent.
func (t *Tree) Box(id uint32, min, max []float64) bool {
	if !t.Has(id) {
		return false
	}
	n := t.items[id].leaf
	t.getSlot(n, int(t.items[id].slot), min[:t.dims], max[:t.dims])
	return true
}

// Clear removes every item. Capacity is kept for reuse.
func (t *Tree) Clear() {
	t.root = noNode
	t.size = 0
	t.nodes = t.nodes[:0]
	t.kids = t.kids[:0]
	t.boxes = t.boxes[:0]
	t.free = t.free[:0]
	t.items = t.items[:0]
}

// MemoryBytes is the bytes held by the tree's arrays (capacity, not length).
func (t *Tree) MemoryBytes() int {
	b := cap(t.nodes)*8 + cap(t.kids)*4 + cap(t.boxes)*8 + cap(t.items)*8 + cap(t.free)*4
	b += (cap(t.sbox) + cap(t.pre) + cap(t.suf) + cap(t.ubox) + cap(t.nbox) + cap(t.rbox)) * 8
	b += cap(t.rstack) * 8
	return b
}

// checkBox panics unless min and max form a valid finite box of t's dimensionality.
func (t *Tree) checkBox(min, max []float64) {
	if len(min) != t.dims || len(max) != t.dims {
		panic(fmt.Sprintf("rtree: box has %d/%d coordinates, want %d", len(min), len(max), t.dims))
	}
	for a := 0; a < t.dims; a++ {
		if !(min[a] <= max[a]) || math.IsInf(min[a], 0) || math.IsInf(max[a], 0) {
			panic(fmt.Sprintf("rtree: invalid box on axis %d: [%v, %v]", a, min[a], max[a]))
		}
	}
}

// growIDs makes items long enough to index id.
func (t *Tree) growIDs(id uint32) {
	n := len(t.items)
	if int(id) < n {
		return
	}
	if int(id) < cap(t.items) {
		t.items = t.items[:int(id)+1]
	} else {
		t.items = append(t.items, make([]itemLoc, int(id)+1-n)...)
	}
	for i := n; i < len(t.items); i++ {
		t.items[i] = itemLoc{leaf: noNode}
	}
}

// newNode returns a fresh empty node at level, reusing a freed one if any.
func (t *Tree) newNode(level int) uint32 {
	if k := len(t.free); k > 0 {
		n := t.free[k-1]
		t.free = t.free[:k-1]
		t.nodes[n] = node{parent: noNode, level: uint8(level)}
		return n
	}
	n := uint32(len(t.nodes))
	if len(t.nodes) == cap(t.nodes) {
		t.growNodes()
	}
	t.nodes = append(t.nodes, node{parent: noNode, level: uint8(level)})
	t.kids = t.kids[:len(t.kids)+maxEntries]
	t.boxes = t.boxes[:len(t.boxes)+t.stride]
	return n
}

// growNodes adds room for about 1/8 more nodes (at least 16). Growing by an
// eighth instead of append's quarter or more keeps the unused capacity, which
// MemoryBytes counts and the process pays for, small at millions of items;
// the copying stays amortised O(1) per node.
func (t *Tree) growNodes() {
	c := cap(t.nodes) + max(16, cap(t.nodes)/8)
	nodes := make([]node, len(t.nodes), c)
	copy(nodes, t.nodes)
	kids := make([]uint32, len(t.kids), c*maxEntries)
	copy(kids, t.kids)
	boxes := make([]float64, len(t.boxes), c*t.stride)
	copy(boxes, t.boxes)
	t.nodes, t.kids, t.boxes = nodes, kids, boxes
}

// freeNode puts n on the free list.
func (t *Tree) freeNode(n uint32) {
	t.nodes[n] = node{parent: noNode, level: freeLevel}
	t.free = append(t.free, n)
}

// findSlot returns the slot of kid in node n by scanning (kid must be
// there). The hot paths use node.slot and itemLoc.slot instead.
func (t *Tree) findSlot(n, kid uint32) int {
	k := t.kids[int(n)*maxEntries : int(n)*maxEntries+int(t.nodes[n].count)]
	for i, v := range k {
		if v == kid {
			return i
		}
	}
	panic(fmt.Sprintf("rtree: internal error: %d not found in node %d", kid, n))
}

// getSlot copies slot i of node n into min and max.
func (t *Tree) getSlot(n uint32, i int, min, max []float64) {
	b := t.boxes[int(n)*t.stride:]
	for a := range min {
		min[a] = b[2*a*maxEntries+i]
		max[a] = b[(2*a+1)*maxEntries+i]
	}
}

// setSlot writes min and max into slot i of node n.
func (t *Tree) setSlot(n uint32, i int, min, max []float64) {
	b := t.boxes[int(n)*t.stride:]
	for a := range min {
		b[2*a*maxEntries+i] = min[a]
		b[(2*a+1)*maxEntries+i] = max[a]
	}
}

// slotContains reports whether slot i of node n contains [min, max].
func (t *Tree) slotContains(n uint32, i int, min, max []float64) bool {
	b := t.boxes[int(n)*t.stride:]
	for a := range min {
		if b[2*a*maxEntries+i] > min[a] || b[(2*a+1)*maxEntries+i] < max[a] {
			return false
		}
	}
	return true
}

// addEntry appends (kid, [min, max]) to node n, which must have room, and
// points kid back at n.
func (t *Tree) addEntry(n, kid uint32, min, max []float64) {
	i := int(t.nodes[n].count)
	t.setSlot(n, i, min, max)
	t.kids[int(n)*maxEntries+i] = kid
	t.nodes[n].count++
	if t.nodes[n].level == 0 {
		t.items[kid].leaf = n
		t.items[kid].slot = uint8(i)
	} else {
		t.nodes[kid].parent = n
		t.nodes[kid].slot = uint8(i)
	}
}

// removeSlot deletes slot i of node n by moving the last slot into it.
func (t *Tree) removeSlot(n uint32, i int) {
	last := int(t.nodes[n].count) - 1
	if i != last {
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		for j := 0; j < 2*t.dims; j++ {
			b[j*maxEntries+i] = b[j*maxEntries+last]
		}
		kid := t.kids[int(n)*maxEntries+last]
		t.kids[int(n)*maxEntries+i] = kid
		if t.nodes[n].level == 0 {
			t.items[kid].slot = uint8(i)
		} else {
			t.nodes[kid].slot = uint8(i)
		}
	}
	t.nodes[n].count--
}

// nodeUnion writes the union of node n's slots into box (2*dims: mins then maxes).
func (t *Tree) nodeUnion(n uint32, box []float64) {
	d := t.dims
	cnt := int(t.nodes[n].count)
	b := t.boxes[int(n)*t.stride:]
	for a := 0; a < d; a++ {
		mins := b[2*a*maxEntries : 2*a*maxEntries+cnt]
		maxs := b[(2*a+1)*maxEntries : (2*a+1)*maxEntries+cnt]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range mins {
			if v < lo {
				lo = v
			}
		}
		for _, v := range maxs {
			if v > hi {
				hi = v
			}
		}
		box[a], box[d+a] = lo, hi
	}
}

// refitUp recomputes the exact box of n (and of its ancestors while they
// change) into the parent slots.
func (t *Tree) refitUp(n uint32) {
	t.shrinkUp(n, 1<<(2*t.dims)-1)
}

// shrinkUp recomputes the coordinates of n's box flagged in mask (bit c is
// row c of the slot layout: 2a the min of axis a, 2a+1 its max) and carries
// those that changed up to the ancestors. After a slot shrinks or goes, only
// the coordinates where it lay on the edge can change, so most moves touch
// one or two of the 2*dims coordinates.
func (t *Tree) shrinkUp(n uint32, mask uint64) {
	for n != t.root && mask != 0 {
		p := t.nodes[n].parent
		i := int(t.nodes[n].slot)
		cnt := int(t.nodes[n].count)
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		pb := t.boxes[int(p)*t.stride : int(p+1)*t.stride]
		for m := mask; m != 0; m &= m - 1 {
			c := bits.TrailingZeros64(m)
			row := b[c*maxEntries : c*maxEntries+cnt]
			v := row[0]
			if c&1 == 0 {
				for _, x := range row[1:] {
					if x < v {
						v = x
					}
				}
			} else {
				for _, x := range row[1:] {
					if x > v {
						v = x
					}
				}
			}
			if pb[c*maxEntries+i] == v {
				mask &^= 1 << c
			} else {
				pb[c*maxEntries+i] = v
			}
		}
		n = p
	}
}

// extendUp grows the slots holding n and its ancestors to include [min, max],
// stopping as soon as a slot already contains it.
func (t *Tree) extendUp(n uint32, min, max []float64) {
	for n != t.root {
		p := t.nodes[n].parent
		i := int(t.nodes[n].slot)
		b := t.boxes[int(p)*t.stride:]
		changed := false
		for a := range min {
			if j := 2*a*maxEntries + i; min[a] < b[j] {
				b[j] = min[a]
				changed = true
			}
			if j := (2*a+1)*maxEntries + i; max[a] > b[j] {
				b[j] = max[a]
				changed = true
			}
		}
		if !changed {
			return
		}
		n = p
	}
}
