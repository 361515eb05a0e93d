package rtree

import (
	"math"
	"sync"
)

// pair is a pair of nodes (a in t, b in o) waiting in the join stack.
type pair struct{ a, b uint32 }

var joinPool = sync.Pool{New: func() any { s := make([]pair, 0, 256); return &s }}

// Join calls fn for every pair (a in t, b in o) whose boxes are within
// maxDist of each other (Euclidean distance between the boxes, 0 if they
// touch or overlap) over the first min(t.Dims(), o.Dims()) dimensions.
// maxDist < 0 or +Inf means no bound, as for Nearest. When o == t it is a
// self-join: each unordered pair of distinct items once, never (a, a). It
// stops when fn returns false and returns false then.
//
// The traversal is synchronised: it walks pairs of nodes, one from each tree,
// and drops a pair as soon as the two boxes are farther apart than maxDist.
func (t *Tree) Join(o *Tree, maxDist float64, fn func(a, b uint32, dist float64) bool) bool {
	if t.root == noNode || o.root == noNode || math.IsNaN(maxDist) {
		return true
	}
	limit := math.Inf(1)
	if maxDist >= 0 {
		limit = maxD2(maxDist)
	}
	dims := t.dims
	if o.dims < dims {
		dims = o.dims
	}
	self := o == t
	sp := joinPool.Get().(*[]pair)
	stack := append((*sp)[:0], pair{t.root, o.root})
	ok := true
	var boxA, boxB [2 * maxDims]float64
	var ia, ib [maxEntries]uint8
	for len(stack) > 0 && ok {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		na, nb := t.nodes[p.a], o.nodes[p.b]
		ba := t.boxes[int(p.a)*t.stride : int(p.a+1)*t.stride]
		bb := o.boxes[int(p.b)*o.stride : int(p.b+1)*o.stride]
		ka := t.kids[int(p.a)*maxEntries : int(p.a)*maxEntries+int(na.count)]
		kb := o.kids[int(p.b)*maxEntries : int(p.b)*maxEntries+int(nb.count)]
		if self && p.a == p.b {
			// The pairs within one node: each unordered pair once.
			for i, x := range ka {
				if na.level > 0 {
					stack = append(stack, pair{x, x})
				}
				for j := i + 1; j < len(ka); j++ {
					d2 := slotDist2(ba, i, ba, j, dims)
					if d2 > limit {
						continue
					}
					if na.level > 0 {
						stack = append(stack, pair{x, ka[j]})
					} else if !fn(x, ka[j], math.Sqrt(d2)) {
						ok = false
						break
					}
				}
				if !ok {
					break
				}
			}
			continue
		}
		// Keep only the children of each node near the other node's box,
		// then pair those up: near the boundary between two nodes few are.
		t.nodeBox(p.a, boxA[:2*t.dims])
		o.nodeBox(p.b, boxB[:2*o.dims])
		na2, nb2 := 0, 0
		if na.level > 0 && nb.level > 0 || na.level == nb.level {
			for i := range ka {
				if unionDist2(ba, i, boxB[:2*o.dims], o.dims, dims) <= limit {
					ia[na2] = uint8(i)
					na2++
				}
			}
			for j := range kb {
				if unionDist2(bb, j, boxA[:2*t.dims], t.dims, dims) <= limit {
					ib[nb2] = uint8(j)
					nb2++
				}
			}
		}
		switch {
		case na.level == 0 && nb.level == 0:
			for _, i := range ia[:na2] {
				for _, j := range ib[:nb2] {
					if d2 := slotDist2(ba, int(i), bb, int(j), dims); d2 <= limit {
						if !fn(ka[i], kb[j], math.Sqrt(d2)) {
							ok = false
							break
						}
					}
				}
				if !ok {
					break
				}
			}
		case na.level > 0 && nb.level > 0:
			for _, i := range ia[:na2] {
				for _, j := range ib[:nb2] {
					if slotDist2(ba, int(i), bb, int(j), dims) <= limit {
						stack = append(stack, pair{ka[i], kb[j]})
					}
				}
			}
		case na.level > 0:
			// b is a leaf: descend a alone.
			for i, x := range ka {
				if unionDist2(ba, i, boxB[:2*o.dims], o.dims, dims) <= limit {
					stack = append(stack, pair{x, p.b})
				}
			}
		default:
			for j, y := range kb {
				if unionDist2(bb, j, boxA[:2*t.dims], t.dims, dims) <= limit {
					stack = append(stack, pair{p.a, y})
				}
			}
		}
	}
	*sp = stack[:0]
	joinPool.Put(sp)
	return ok
}

// nodeBox writes node n's box into box (mins, then maxes): its slot in the
// parent, or for the root an infinite box (the root has no stored box, and
// any bound that holds everything serves the pruning tests).
func (t *Tree) nodeBox(n uint32, box []float64) {
	d := t.dims
	if n == t.root {
		for a := 0; a < d; a++ {
			box[a], box[d+a] = math.Inf(-1), math.Inf(1)
		}
		return
	}
	t.getSlot(t.nodes[n].parent, int(t.nodes[n].slot), box[:d], box[d:])
}

// slotDist2 is the squared distance between slot i of node boxes ba and slot
// j of node boxes bb over the first dims axes.
func slotDist2(ba []float64, i int, bb []float64, j int, dims int) float64 {
	s := 0.0
	for a := 0; a < dims; a++ {
		lo, hi := 2*a*maxEntries, (2*a+1)*maxEntries
		if g := ba[lo+i] - bb[hi+j]; g > 0 {
			s += g * g
		} else if g := bb[lo+j] - ba[hi+i]; g > 0 {
			s += g * g
		}
	}
	return s
}

// unionDist2 is the squared distance between slot i of node boxes b and the
// box u (ud mins then ud maxes) over the first dims axes.
func unionDist2(b []float64, i int, u []float64, ud, dims int) float64 {
	s := 0.0
	for a := 0; a < dims; a++ {
		if g := b[2*a*maxEntries+i] - u[ud+a]; g > 0 {
			s += g * g
		} else if g := u[a] - b[(2*a+1)*maxEntries+i]; g > 0 {
			s += g * g
		}
	}
	return s
}
