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
	t.items = t.items[:0]
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
	// The work rows hold each item's box and id, and are permuted in place:
	// selection and the leaf writes then scan memory sequentially instead of
	// chasing indices into boxes.
	rl := 2*d + 1
	rows := make([]float64, n*rl)
	for i := 0; i < n; i++ {
		copy(rows[i*rl:], boxes[i*2*d:(i+1)*2*d])
		rows[i*rl+2*d] = float64(ids[i])
	}
	l := loader{t: t, rl: rl}
	t.root = l.build(rows, level)
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
	t  *Tree
	rl int // floats per work row: the box (mins, maxes), then the id
}

// build makes the subtree for the items in rows at level and returns its node.
func (l *loader) build(rows []float64, level int) uint32 {
	t := l.t
	d := t.dims
	rl := l.rl
	n := len(rows) / rl
	nd := t.newNode(level)
	if level == 0 {
		for k := 0; k < n; k++ {
			r := rows[k*rl : (k+1)*rl]
			id := uint32(r[2*d])
			if t.items[id].leaf != noNode {
				t.Clear()
				panic(fmt.Sprintf("rtree: Load: duplicate id %d", id))
			}
			t.addEntry(nd, id, r[:d], r[d:2*d])
		}
		return nd
	}
	c := subtreeCap(level)
	nc := (n + c - 1) / c
	l.partition(rows, n, 0, nc, nc)
	u := t.ubox // free again once each child is built
	for g := 0; g < nc; g++ {
		lo, hi := groupStart(n, nc, g), groupStart(n, nc, g+1)
		child := l.build(rows[lo*rl:hi*rl], level-1)
		t.nodeUnion(child, u)
		t.addEntry(nd, child, u[:d], u[d:])
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

// partition arranges the rows of groups g0..g1 (of nc groups over all n
// items) so that each group's items are contiguous and the groups are
// spatially coherent: it halves the groups, splits the items at the matching
// rank on the axis where their centres spread most, and recurses.
func (l *loader) partition(rows []float64, n, g0, g1, nc int) {
	if g1-g0 <= 1 {
		return
	}
	d, rl := l.t.dims, l.rl
	lo, hi := groupStart(n, nc, g0), groupStart(n, nc, g1)
	gm := (g0 + g1) / 2
	mid := groupStart(n, nc, gm)
	part := rows[lo*rl : hi*rl]
	// The axis of the largest spread of centres, estimated on an evenly
	// strided sample: scanning every row at every bisection cost a fifth of
	// the load.
	var mn, mx [maxDims]float64
	for a := 0; a < d; a++ {
		mn[a] = part[a] + part[d+a]
		mx[a] = mn[a]
	}
	rowsIn := len(part) / rl
	step := max(1, rowsIn/512)
	for k := 0; k < rowsIn; k += step {
		r := part[k*rl : k*rl+2*d]
		for a := 0; a < d; a++ {
			c := r[a] + r[d+a]
			if c < mn[a] {
				mn[a] = c
			}
			if c > mx[a] {
				mx[a] = c
			}
		}
	}
	axis := 0
	for a := 1; a < d; a++ {
		if mx[a]-mn[a] > mx[axis]-mn[axis] {
			axis = a
		}
	}
	l.selectNth(part, mid-lo, axis)
	l.partition(rows, n, g0, gm, nc)
	l.partition(rows, n, gm, g1, nc)
}

// swap exchanges rows i and j.
func (l *loader) swap(rows []float64, i, j int) {
	rl := l.rl
	a, b := rows[i*rl:(i+1)*rl], rows[j*rl:(j+1)*rl]
	for k := range a {
		a[k], b[k] = b[k], a[k]
	}
}

// selectNth reorders rows so that row k holds the item of rank k by centre
// on axis, with smaller-or-equal items before it and larger-or-equal after.
// It is Floyd and Rivest's selection: on large ranges it first selects
// within a small sample around the expected position of rank k, so that the
// pivot lands close to k and each pass discards most of the range.
func (l *loader) selectNth(rows []float64, k, axis int) {
	l.floydRivest(rows, 0, len(rows)/l.rl-1, k, axis)
}

func (l *loader) floydRivest(rows []float64, left, right, k, axis int) {
	rl, d := l.rl, l.t.dims
	key := func(i int) float64 { return rows[i*rl+axis] + rows[i*rl+d+axis] }
	for right > left {
		if right-left > 600 {
			n := float64(right - left + 1)
			i := float64(k - left + 1)
			z := math.Log(n)
			s := 0.5 * math.Exp(2*z/3)
			sd := 0.5 * math.Sqrt(z*s*(n-s)/n)
			if i < n/2 {
				sd = -sd
			}
			nl := max(left, int(float64(k)-i*s/n+sd))
			nr := min(right, int(float64(k)+(n-i)*s/n+sd))
			l.floydRivest(rows, nl, nr, k, axis)
		}
		pivot := key(k)
		i, j := left, right
		l.swap(rows, left, k)
		if key(right) > pivot {
			l.swap(rows, right, left)
		}
		for i < j {
			l.swap(rows, i, j)
			i++
			j--
			for key(i) < pivot {
				i++
			}
			for key(j) > pivot {
				j--
			}
		}
		if key(left) == pivot {
			l.swap(rows, left, j)
		} else {
			j++
			l.swap(rows, j, right)
		}
		if j <= k {
			left = j + 1
		}
		if k <= j {
			right = j - 1
		}
	}
}
