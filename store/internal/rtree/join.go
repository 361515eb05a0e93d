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
	var ub [2 * maxDims]float64 // union box of a leaf met by an internal node
	for len(stack) > 0 && ok {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		na, nb := t.nodes[p.a], o.nodes[p.b]
		ba := t.boxes[int(p.a)*t.stride : int(p.a+1)*t.stride]
		bb := o.boxes[int(p.b)*o.stride : int(p.b+1)*o.stride]
		ka := t.kids[int(p.a)*maxEntries : int(p.a)*maxEntries+int(na.count)]
		kb := o.kids[int(p.b)*maxEntries : int(p.b)*maxEntries+int(nb.count)]
		same := self && p.a == p.b
		switch {
		case na.level == 0 && nb.level == 0:
			for i, x := range ka {
				j0 := 0
				if same {
					j0 = i + 1
				}
				for j := j0; j < len(kb); j++ {
					if d2 := slotDist2(ba, i, bb, j, dims); d2 <= limit {
						if !fn(x, kb[j], math.Sqrt(d2)) {
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
			for i, x := range ka {
				j0 := 0
				if same {
					j0 = i
				}
				for j := j0; j < len(kb); j++ {
					if (same && i == j) || slotDist2(ba, i, bb, j, dims) <= limit {
						stack = append(stack, pair{x, kb[j]})
					}
				}
			}
		case na.level > 0:
			// b is a leaf: test a's children against b's whole box.
			o.nodeUnion(p.b, ub[:2*o.dims])
			for i, x := range ka {
				if unionDist2(ba, i, ub[:2*o.dims], o.dims, dims) <= limit {
					stack = append(stack, pair{x, p.b})
				}
			}
		default:
			t.nodeUnion(p.a, ub[:2*t.dims])
			for j, y := range kb {
				if unionDist2(bb, j, ub[:2*t.dims], t.dims, dims) <= limit {
					stack = append(stack, pair{p.a, y})
				}
			}
		}
	}
	*sp = stack[:0]
	joinPool.Put(sp)
	return ok
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
