package rtree

import (
	"fmt"
	"math"
	"sync"
)

// Neighbor is one result of Nearest.
type Neighbor struct {
	ID   uint32
	Dist float64
}

// qitem is a node waiting in the best-first queue with its squared distance.
type qitem struct {
	d2   float64
	node uint32
}

// knnScratch is the per-call scratch of Nearest, from knnPool.
type knnScratch struct {
	queue []qitem    // min-heap of nodes by d2
	best  []Neighbor // max-heap of candidates (worst on top), or a plain list when k <= 0
}

// maxPooled is the largest result list kept in knnPool for reuse.
const maxPooled = 1 << 12

var knnPool = sync.Pool{New: func() any { return &knnScratch{queue: make([]qitem, 0, 64), best: make([]Neighbor, 0, 16)} }}

// maxD2 returns the largest squared distance y whose square root is <= x, so
// that "sqrt(d2) <= x" can be tested as "d2 <= maxD2(x)" without a sqrt.
func maxD2(x float64) float64 {
	if math.IsInf(x, 1) {
		return x
	}
	y := x * x
	for y > 0 && math.Sqrt(y) > x {
		y = math.Nextafter(y, 0)
	}
	for {
		z := math.Nextafter(y, math.Inf(1))
		if math.IsInf(z, 1) || math.Sqrt(z) > x {
			return y
		}
		y = z
	}
}

// Nearest appends to dst the items nearest to point, nearest first, and
// returns it. Dist is the Euclidean distance from point to the item's box (0
// inside) over the first len(point) dimensions. At most k items (k <= 0: no
// limit), only those with Dist <= maxDist (maxDist < 0 or +Inf: no bound).
// Equal distances are ordered by less (nil: by id), also at the k-th cut.
//
// Best-first: only nodes are queued; leaf entries go straight into a bounded
// heap of the best k; a node farther than the k-th best (or maxDist) is never
// queued. Scratch comes from a pool, so a call allocates nothing when dst has
// room.
func (t *Tree) Nearest(point []float64, k int, maxDist float64, less func(a, b uint32) bool, dst []Neighbor) []Neighbor {
	return t.nearest(point, k, maxDist, less, nil, dst)
}

// NearestFunc is Nearest over the items accept reports true for (nil: all):
// the k nearest accepted items, in one search, however few accept passes;
// the k-th distance that prunes nodes is that of accepted items only.
// accept is asked only about items near enough to enter the result at
// that moment.
func (t *Tree) NearestFunc(point []float64, k int, maxDist float64, less func(a, b uint32) bool,
	accept func(id uint32) bool, dst []Neighbor) []Neighbor {
	return t.nearest(point, k, maxDist, less, accept, dst)
}

func (t *Tree) nearest(point []float64, k int, maxDist float64, less func(a, b uint32) bool,
	accept func(id uint32) bool, dst []Neighbor) []Neighbor {
	pd := len(point)
	if pd < 1 || pd > t.dims {
		panic(fmt.Sprintf("rtree: Nearest point has %d coordinates, tree has %d dims", pd, t.dims))
	}
	if t.root == noNode || math.IsNaN(maxDist) {
		return dst
	}
	limit := math.Inf(1) // candidates need d2 <= limit
	if maxDist >= 0 {
		limit = maxD2(maxDist)
	}
	s := knnPool.Get().(*knnScratch)
	h := knnHeap{best: s.best[:0], k: k, less: less}
	q := append(s.queue[:0], qitem{0, t.root})
	touch := 0.0
	for len(q) > 0 {
		top := q[0]
		q = popQueue(q)
		if top.d2 > limit {
			break
		}
		if len(q) > 0 {
			// Start loading the node likely to come next while this one is
			// scanned, so that its cache misses overlap with the work here.
			nb := int(q[0].node) * t.stride
			touch += t.boxes[nb+maxEntries] + t.boxes[nb+t.stride-maxEntries]
		}
		n := top.node
		nd := t.nodes[n]
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		kids := t.kids[int(n)*maxEntries : int(n)*maxEntries+int(nd.count)]
		var dist [maxEntries]float64
		switch pd {
		case 2:
			dists2(b, len(kids), point[0], point[1], &dist)
		case 3:
			dists3(b, len(kids), point[0], point[1], point[2], &dist)
		default:
			for i := range kids {
				dist[i] = boxDist2(b, i, point)
			}
		}
		for i, kid := range kids {
			d2 := dist[i]
			if d2 > limit {
				continue
			}
			if nd.level > 0 {
				q = pushQueue(q, qitem{d2, kid})
				continue
			}
			if accept != nil && !accept(kid) {
				continue
			}
			if h.offer(Neighbor{kid, math.Sqrt(d2)}) {
				limit = maxD2(h.best[0].Dist)
			}
		}
	}
	if touch != touch {
		panic("rtree: NaN in node boxes") // never: keeps the touches alive
	}
	h.sort()
	dst = append(dst, h.best...)
	s.queue, s.best = q[:0], h.best[:0]
	if cap(s.best) > maxPooled {
		s.best = nil // an unbounded query's list: do not pin it in the pool
	}
	knnPool.Put(s)
	return dst
}

// boxDist2 is the squared distance from point to slot i of the node boxes b,
// over the first len(point) axes.
func boxDist2(b []float64, i int, point []float64) float64 {
	s := 0.0
	for a, p := range point {
		g := gap(p, b[2*a*maxEntries+i], b[(2*a+1)*maxEntries+i])
		s += float64(g * g)
	}
	return s
}

// gap is the distance from p to [lo, hi] along one axis (0 inside).
func gap(p, lo, hi float64) float64 {
	// Branch-free: at most one of lo-p and p-hi is positive as lo <= hi.
	return max(lo-p, p-hi, 0)
}

// dists2 writes the squared distances from (x, y) to the first cnt slots of
// the node boxes b into out: boxDist2 unrolled for two axes. The float64
// conversions forbid fused multiply-adds, keeping results identical to boxDist2.
func dists2(b []float64, cnt int, x, y float64, out *[maxEntries]float64) {
	const m = maxEntries
	mnx, mxx := (*[m]float64)(b[0:m]), (*[m]float64)(b[m:2*m])
	mny, mxy := (*[m]float64)(b[2*m:3*m]), (*[m]float64)(b[3*m:4*m])
	for i := 0; i < cnt && i < m; i++ {
		dx, dy := gap(x, mnx[i], mxx[i]), gap(y, mny[i], mxy[i])
		out[i] = float64(dx*dx) + float64(dy*dy)
	}
}

// dists3 is dists2 for three axes.
func dists3(b []float64, cnt int, x, y, z float64, out *[maxEntries]float64) {
	const m = maxEntries
	mnx, mxx := (*[m]float64)(b[0:m]), (*[m]float64)(b[m:2*m])
	mny, mxy := (*[m]float64)(b[2*m:3*m]), (*[m]float64)(b[3*m:4*m])
	mnz, mxz := (*[m]float64)(b[4*m:5*m]), (*[m]float64)(b[5*m:6*m])
	for i := 0; i < cnt && i < m; i++ {
		dx, dy, dz := gap(x, mnx[i], mxx[i]), gap(y, mny[i], mxy[i]), gap(z, mnz[i], mxz[i])
		out[i] = float64(float64(dx*dx)+float64(dy*dy)) + float64(dz*dz)
	}
}

func pushQueue(q []qitem, it qitem) []qitem {
	q = append(q, it)
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if q[p].d2 <= it.d2 {
			break
		}
		q[i] = q[p]
		i = p
	}
	q[i] = it
	return q
}

func popQueue(q []qitem) []qitem {
	n := len(q) - 1
	it := q[n]
	q = q[:n]
	if n == 0 {
		return q
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && q[c+1].d2 < q[c].d2 {
			c++
		}
		if it.d2 <= q[c].d2 {
			break
		}
		q[i] = q[c]
		i = c
	}
	q[i] = it
	return q
}

// knnHeap holds the best candidates: a max-heap under "before" (the worst on
// top) once k limits it; with no limit a plain list heapified at the end.
type knnHeap struct {
	best []Neighbor
	k    int
	less func(a, b uint32) bool
}

// before reports whether a comes before b in the result order.
func (h *knnHeap) before(a, b Neighbor) bool {
	if a.Dist != b.Dist {
		return a.Dist < b.Dist
	}
	if h.less == nil {
		return a.ID < b.ID
	}
	return h.less(a.ID, b.ID)
}

// offer adds c if it belongs in the best k. It returns true when the heap is
// full and its top (the k-th best, which bounds the search) may have changed.
func (h *knnHeap) offer(c Neighbor) bool {
	if h.k <= 0 {
		h.best = append(h.best, c)
		return false
	}
	if len(h.best) < h.k {
		h.best = append(h.best, c)
		h.up(len(h.best) - 1)
		return len(h.best) == h.k
	}
	if !h.before(c, h.best[0]) {
		return false
	}
	h.best[0] = c
	h.down(0, len(h.best))
	return true
}

func (h *knnHeap) up(i int) {
	b := h.best
	for i > 0 {
		p := (i - 1) / 2
		if !h.before(b[p], b[i]) {
			break
		}
		b[p], b[i] = b[i], b[p]
		i = p
	}
}

func (h *knnHeap) down(i, n int) {
	b := h.best
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h.before(b[c], b[c+1]) {
			c++
		}
		if !h.before(b[i], b[c]) {
			return
		}
		b[i], b[c] = b[c], b[i]
		i = c
	}
}

// sort orders best nearest first (heapsort: the heap is there already).
func (h *knnHeap) sort() {
	n := len(h.best)
	if h.k <= 0 {
		for i := n/2 - 1; i >= 0; i-- {
			h.down(i, n)
		}
	}
	for end := n - 1; end > 0; end-- {
		h.best[0], h.best[end] = h.best[end], h.best[0]
		h.down(0, end)
	}
}
