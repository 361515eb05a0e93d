package rtree

import "fmt"

// Insert adds id with box [min, max]. It panics if id is present or the box
// is invalid (wrong length, min > max, not finite).
func (t *Tree) Insert(id uint32, min, max []float64) {
	t.checkBox(min, max)
	if t.Has(id) {
		panic(fmt.Sprintf("rtree: Insert of present id %d", id))
	}
	t.growIDs(id)
	if t.root == noNode {
		t.root = t.newNode(0)
	}
	leaf := t.chooseNode(t.root, 0, min, max)
	t.reinserted = 0
	t.insertAt(leaf, id, min, max)
	t.size++
}

// chooseNode descends from n to a node at level, at each step taking the child
// whose box grows least in margin (the sum of its sides) to hold [min, max];
// ties go to the smaller volume growth, then to the smaller volume. Margin
// first, rather than volume, keeps boxes of points compact: volume growth
// favours thin slabs (near-zero volume, long sides), and measured trees built
// or churned this way answer queries 10-30% faster.
func (t *Tree) chooseNode(n uint32, level int, min, max []float64) uint32 {
	d := t.dims
	for int(t.nodes[n].level) > level {
		switch d {
		case 2:
			n = t.kids[int(n)*maxEntries+t.bestChild2(n, min, max)]
			continue
		case 3:
			n = t.kids[int(n)*maxEntries+t.bestChild3(n, min, max)]
			continue
		}
		cnt := int(t.nodes[n].count)
		b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
		best := 0
		bestEnl, bestMarg, bestVol := 0.0, 0.0, 0.0
		for i := 0; i < cnt; i++ {
			vol, uvol, marg, umarg := 1.0, 1.0, 0.0, 0.0
			for a := 0; a < d; a++ {
				lo, hi := b[2*a*maxEntries+i], b[(2*a+1)*maxEntries+i]
				ulo, uhi := lo, hi
				if min[a] < ulo {
					ulo = min[a]
				}
				if max[a] > uhi {
					uhi = max[a]
				}
				vol *= hi - lo
				uvol *= uhi - ulo
				marg += hi - lo
				umarg += uhi - ulo
			}
			enl, menl := uvol-vol, umarg-marg
			if i == 0 || menl < bestMarg || (menl == bestMarg && (enl < bestEnl || (enl == bestEnl && vol < bestVol))) {
				best, bestEnl, bestMarg, bestVol = i, enl, menl, vol
			}
		}
		n = t.kids[int(n)*maxEntries+best]
	}
	return n
}

// bestChild2 is bestChild3 for two dimensions.
func (t *Tree) bestChild2(n uint32, qmin, qmax []float64) int {
	const m = maxEntries
	b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
	mnx, mxx := (*[m]float64)(b[0:m]), (*[m]float64)(b[m:2*m])
	mny, mxy := (*[m]float64)(b[2*m:3*m]), (*[m]float64)(b[3*m:4*m])
	x0, y0, x1, y1 := qmin[0], qmin[1], qmax[0], qmax[1]
	best := 0
	bestEnl, bestMarg, bestVol := 0.0, 0.0, 0.0
	cnt := int(t.nodes[n].count)
	for i := 0; i < cnt && i < m; i++ {
		ex, ey := mxx[i]-mnx[i], mxy[i]-mny[i]
		ux := max(mxx[i], x1) - min(mnx[i], x0)
		uy := max(mxy[i], y1) - min(mny[i], y0)
		vol := ex * ey
		enl := ux*uy - vol
		menl := (ux + uy) - (ex + ey)
		if i == 0 || menl < bestMarg || (menl == bestMarg && (enl < bestEnl || (enl == bestEnl && vol < bestVol))) {
			best, bestEnl, bestMarg, bestVol = i, enl, menl, vol
		}
	}
	return best
}

// bestChild3 is chooseNode's choice among the children of n for three
// dimensions: the axis loop unrolled over fixed-size rows, branch-free.
func (t *Tree) bestChild3(n uint32, qmin, qmax []float64) int {
	const m = maxEntries
	b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
	mnx, mxx := (*[m]float64)(b[0:m]), (*[m]float64)(b[m:2*m])
	mny, mxy := (*[m]float64)(b[2*m:3*m]), (*[m]float64)(b[3*m:4*m])
	mnz, mxz := (*[m]float64)(b[4*m:5*m]), (*[m]float64)(b[5*m:6*m])
	x0, y0, z0, x1, y1, z1 := qmin[0], qmin[1], qmin[2], qmax[0], qmax[1], qmax[2]
	best := 0
	bestEnl, bestMarg, bestVol := 0.0, 0.0, 0.0
	cnt := int(t.nodes[n].count)
	for i := 0; i < cnt && i < m; i++ {
		ex, ey, ez := mxx[i]-mnx[i], mxy[i]-mny[i], mxz[i]-mnz[i]
		ux := max(mxx[i], x1) - min(mnx[i], x0)
		uy := max(mxy[i], y1) - min(mny[i], y0)
		uz := max(mxz[i], z1) - min(mnz[i], z0)
		vol := ex * ey * ez
		enl := ux*uy*uz - vol
		menl := (ux + uy + uz) - (ex + ey + ez)
		if i == 0 || menl < bestMarg || (menl == bestMarg && (enl < bestEnl || (enl == bestEnl && vol < bestVol))) {
			best, bestEnl, bestMarg, bestVol = i, enl, menl, vol
		}
	}
	return best
}

// insertAt adds entry (kid, [min, max]) to node n and grows the ancestors'
// boxes to keep them exact unions. An overflowing node first sheds its
// entries farthest from its centre for reinsertion (R*'s forced reinsert, once
// per level per top-level insertion: it lets the tree regroup entries instead
// of freezing the first grouping, which matters under churn); after that it
// splits, and splits carry up while parents overflow.
func (t *Tree) insertAt(n, kid uint32, min, max []float64) {
	d := t.dims
	emin, emax := min, max
	for {
		if int(t.nodes[n].count) < maxEntries {
			t.addEntry(n, kid, emin, emax)
			// n's box is its old box grown by the inserted item's box: splits
			// below only redistributed the old children plus that item.
			t.extendUp(n, min, max)
			return
		}
		if bit := uint32(1) << t.nodes[n].level; n != t.root && t.reinserted&bit == 0 {
			t.reinserted |= bit
			t.forceReinsert(n, kid, emin, emax)
			return
		}
		nn := t.split(n, kid, emin, emax)
		if n == t.root {
			r := t.newNode(int(t.nodes[n].level) + 1)
			t.nodeUnion(n, t.ubox)
			t.addEntry(r, n, t.ubox[:d], t.ubox[d:])
			t.nodeUnion(nn, t.nbox)
			t.addEntry(r, nn, t.nbox[:d], t.nbox[d:])
			t.root = r
			return
		}
		p := t.nodes[n].parent
		t.nodeUnion(n, t.ubox)
		t.setSlot(p, int(t.nodes[n].slot), t.ubox[:d], t.ubox[d:])
		t.nodeUnion(nn, t.nbox)
		n, kid, emin, emax = p, nn, t.nbox[:d], t.nbox[d:]
	}
}

// reinsertCount is how many of the maxEntries+1 entries of an overflowing
// node are reinserted (R* found 30% best).
const reinsertCount = (maxEntries + 1) * 3 / 10

// forceReinsert takes the full node n plus entry (kid, [emin, emax]), keeps the
// entries nearest n's centre and reinserts the reinsertCount farthest from
// the top at n's level, nearest first.
func (t *Tree) forceReinsert(n, kid uint32, emin, emax []float64) {
	d := t.dims
	d2 := 2 * d
	const e = maxEntries + 1
	t.gather(n, kid, emin, emax)
	sb := t.sbox
	// Centre of all e entries (doubled; only comparisons matter).
	var lo, hi [maxDims]float64
	copy(lo[:d], sb[:d])
	copy(hi[:d], sb[d:d2])
	for i := 1; i < e; i++ {
		for a := 0; a < d; a++ {
			lo[a] = min(lo[a], sb[i*d2+a])
			hi[a] = max(hi[a], sb[i*d2+d+a])
		}
	}
	var dist [e]float64
	ord := &t.order[0]
	for i := 0; i < e; i++ {
		s := 0.0
		for a := 0; a < d; a++ {
			c := sb[i*d2+a] + sb[i*d2+d+a] - lo[a] - hi[a]
			s += c * c
		}
		dist[i] = s
		ord[i] = i
	}
	// Insertion sort by distance, nearest first.
	for i := 1; i < e; i++ {
		v := ord[i]
		j := i
		for j > 0 && dist[ord[j-1]] > dist[v] {
			ord[j] = ord[j-1]
			j--
		}
		ord[j] = v
	}
	keep := e - reinsertCount
	t.nodes[n].count = 0
	for _, i := range ord[:keep] {
		t.addEntry(n, t.sids[i], sb[i*d2:i*d2+d], sb[i*d2+d:i*d2+d2])
	}
	// Park the others on the reinsertion stack: the nested insertions below
	// reuse sbox and may park more (at other levels) on top.
	base := len(t.rstack)
	for _, i := range ord[keep:] {
		t.rstack = append(t.rstack, sb[i*d2:i*d2+d2]...)
		t.rstack = append(t.rstack, float64(t.sids[i]))
	}
	t.shrinkUp(n, 1<<d2-1)
	level := int(t.nodes[n].level)
	for k := 0; k < reinsertCount; k++ {
		r := t.rstack[base+k*(d2+1) : base+(k+1)*(d2+1)]
		rmin, rmax := r[:d:d], r[d:d2:d2]
		t.insertAt(t.chooseNode(t.root, level, rmin, rmax), uint32(r[d2]), rmin, rmax)
	}
	t.rstack = t.rstack[:base]
}
