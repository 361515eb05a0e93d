package rtree

import (
	"fmt"
	"math/bits"
)

// stackSize bounds the explicit traversal stacks. A depth-first walk keeps at
// most maxEntries-1 pending nodes per level plus maxEntries. With non-root
// nodes at least 40% full, 2^32 items need at most 13 levels at M = 16 (9 at
// M = 32, 21 at M = 8), so the walk never holds more than 196 entries (280,
// 148): 512 covers every node size tried.
const stackSize = 512

func (t *Tree) checkQuery(min, max []float64) {
	if len(min) != t.dims || len(max) != t.dims {
		panic(fmt.Sprintf("rtree: query box has %d/%d coordinates, want %d", len(min), len(max), t.dims))
	}
}

// Search calls fn for every item whose box intersects [min, max] (closed
// intervals; bounds may be infinite) until fn returns false. It returns false
// if fn stopped it.
func (t *Tree) Search(min, max []float64, fn func(id uint32) bool) bool {
	t.checkQuery(min, max)
	if t.root == noNode {
		return true
	}
	switch t.dims {
	case 2:
		return t.search2(min, max, fn)
	case 3:
		return t.search3(min, max, fn)
	}
	d := t.dims
	var stack [stackSize]uint32
	stack[0] = t.root
	sp := 1
	touch := 0.0
	for sp > 0 {
		sp--
		n := stack[sp]
		nd := t.nodes[n]
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		kids := t.kids[int(n)*maxEntries : int(n)*maxEntries+int(nd.count)]
	slots:
		for i, kid := range kids {
			for a := 0; a < d; a++ {
				if b[2*a*maxEntries+i] > max[a] || b[(2*a+1)*maxEntries+i] < min[a] {
					continue slots
				}
			}
			if nd.level == 0 {
				if !fn(kid) {
					return false
				}
			} else {
				stack[sp] = kid
				sp++
				touch += t.boxes[int(kid)*t.stride+d*maxEntries] // see search3
			}
		}
	}
	if touch != touch {
		return true // see search3
	}
	return true
}

// SearchWithin calls fn for every item whose box lies wholly inside
// [min, max] until fn returns false. It returns false if fn stopped it.
func (t *Tree) SearchWithin(min, max []float64, fn func(id uint32) bool) bool {
	t.checkQuery(min, max)
	if t.root == noNode {
		return true
	}
	d := t.dims
	var stack [stackSize]uint32
	stack[0] = t.root
	sp := 1
	touch := 0.0
	for sp > 0 {
		sp--
		n := stack[sp]
		nd := t.nodes[n]
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		kids := t.kids[int(n)*maxEntries : int(n)*maxEntries+int(nd.count)]
		if nd.level == 0 {
		items:
			for i, kid := range kids {
				for a := 0; a < d; a++ {
					if b[2*a*maxEntries+i] < min[a] || b[(2*a+1)*maxEntries+i] > max[a] {
						continue items
					}
				}
				if !fn(kid) {
					return false
				}
			}
			continue
		}
	nodes:
		for i, kid := range kids {
			// A child can hold items inside the query only if it meets it.
			for a := 0; a < d; a++ {
				if b[2*a*maxEntries+i] > max[a] || b[(2*a+1)*maxEntries+i] < min[a] {
					continue nodes
				}
			}
			stack[sp] = kid
			sp++
			touch += t.boxes[int(kid)*t.stride+d*maxEntries] // see search3
		}
	}
	if touch != touch {
		return true // see search3
	}
	return true
}

// b2u is 1 for true and 0 for false; the compiler turns it into a flag
// move, so the hit tests below run without unpredictable branches.
func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// search2 is Search for two dimensions: the axis loop unrolled, each axis a
// fixed-size array so the compiler drops the bounds checks, and the tests
// combined without branches into a bit mask of hit slots.
func (t *Tree) search2(min, max []float64, fn func(id uint32) bool) bool {
	const m = maxEntries
	x0, y0, x1, y1 := min[0], min[1], max[0], max[1]
	var stack [stackSize]uint32
	stack[0] = t.root
	sp := 1
	touch := 0.0
	for sp > 0 {
		sp--
		n := stack[sp]
		nd := t.nodes[n]
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		mnx := (*[m]float64)(b[0:m])
		mxx := (*[m]float64)(b[m : 2*m])
		mny := (*[m]float64)(b[2*m : 3*m])
		mxy := (*[m]float64)(b[3*m : 4*m])
		kids := (*[m]uint32)(t.kids[int(n)*m : int(n)*m+m])
		var hits uint32
		for i := 0; i < int(nd.count) && i < m; i++ {
			h := b2u(mnx[i] <= x1) & b2u(mxx[i] >= x0) & b2u(mny[i] <= y1) & b2u(mxy[i] >= y0)
			hits |= h << i
		}
		if nd.level == 0 {
			for ; hits != 0; hits &= hits - 1 {
				if !fn(kids[bits.TrailingZeros32(hits)]) {
					return false
				}
			}
			continue
		}
		for ; hits != 0; hits &= hits - 1 {
			kid := kids[bits.TrailingZeros32(hits)]
			stack[sp] = kid
			sp++
			touch += t.boxes[int(kid)*t.stride+2*m] // see search3
		}
	}
	if touch != touch {
		return true // see search3
	}
	return true
}

// search3 is Search for three dimensions (see search2).
func (t *Tree) search3(min, max []float64, fn func(id uint32) bool) bool {
	const m = maxEntries
	x0, y0, z0, x1, y1, z1 := min[0], min[1], min[2], max[0], max[1], max[2]
	var stack [stackSize]uint32
	stack[0] = t.root
	sp := 1
	touch := 0.0
	for sp > 0 {
		sp--
		n := stack[sp]
		nd := t.nodes[n]
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		mnx := (*[m]float64)(b[0:m])
		mxx := (*[m]float64)(b[m : 2*m])
		mny := (*[m]float64)(b[2*m : 3*m])
		mxy := (*[m]float64)(b[3*m : 4*m])
		mnz := (*[m]float64)(b[4*m : 5*m])
		mxz := (*[m]float64)(b[5*m : 6*m])
		kids := (*[m]uint32)(t.kids[int(n)*m : int(n)*m+m])
		var hits uint32
		for i := 0; i < int(nd.count) && i < m; i++ {
			h := b2u(mnx[i] <= x1) & b2u(mxx[i] >= x0) & b2u(mny[i] <= y1) &
				b2u(mxy[i] >= y0) & b2u(mnz[i] <= z1) & b2u(mxz[i] >= z0)
			hits |= h << i
		}
		if nd.level == 0 {
			for ; hits != 0; hits &= hits - 1 {
				if !fn(kids[bits.TrailingZeros32(hits)]) {
					return false
				}
			}
			continue
		}
		for ; hits != 0; hits &= hits - 1 {
			kid := kids[bits.TrailingZeros32(hits)]
			stack[sp] = kid
			sp++
			// Touch the child's boxes now, so that the cache misses of all
			// the pushed children overlap instead of coming one per pop.
			touch += t.boxes[int(kid)*t.stride+3*m]
		}
	}
	if touch != touch {
		return true // NaN never happens; the test keeps the touches alive
	}
	return true
}

// Scan calls fn for every item with its box (the slices are valid only during
// the call), in no particular order, until fn returns false. It returns false
// if fn stopped it.
func (t *Tree) Scan(fn func(id uint32, min, max []float64) bool) bool {
	if t.root == noNode {
		return true
	}
	d := t.dims
	buf := boxPool.Get().(*[2 * maxDims]float64)
	defer boxPool.Put(buf)
	bmin, bmax := buf[:d], buf[d:2*d]
	var stack [stackSize]uint32
	stack[0] = t.root
	sp := 1
	for sp > 0 {
		sp--
		n := stack[sp]
		nd := t.nodes[n]
		kids := t.kids[int(n)*maxEntries : int(n)*maxEntries+int(nd.count)]
		if nd.level > 0 {
			sp += copy(stack[sp:], kids)
			continue
		}
		for i, kid := range kids {
			t.getSlot(n, i, bmin, bmax)
			if !fn(kid, bmin, bmax) {
				return false
			}
		}
	}
	return true
}
