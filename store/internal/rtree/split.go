package rtree

import "math"

// split distributes the maxEntries entries of the full node n plus the entry
// (kid, [min, max]) between n and a new node at the same level, which it
// returns. It follows R*: the axis with the least total margin over all
// candidate distributions, then the distribution with the least overlap,
// then the least total volume. Parent slots are not touched.
func (t *Tree) split(n, kid uint32, min, max []float64) uint32 {
	d := t.dims
	d2 := 2 * d
	const e = maxEntries + 1
	sb := t.sbox
	t.gather(n, kid, min, max)

	// Choose the axis.
	bestAxis, bestMargin := 0, math.Inf(1)
	for a := 0; a < d; a++ {
		m := 0.0
		for s := 0; s < 2; s++ {
			t.sortEntries(a, s)
			m += t.distributions(s, nil)
		}
		if m < bestMargin {
			bestAxis, bestMargin = a, m
		}
	}
	// Choose the distribution on that axis.
	var pick [3]float64 // overlap, volume, encoded choice
	pick[0] = math.Inf(1)
	for s := 0; s < 2; s++ {
		t.sortEntries(bestAxis, s)
		t.distributions(s, &pick)
	}
	s := int(pick[2]) / e
	k := int(pick[2]) % e
	t.sortEntries(bestAxis, s)
	ord := &t.order[s]

	level := int(t.nodes[n].level)
	nn := t.newNode(level)
	t.nodes[n].count = 0
	for j := 0; j < e; j++ {
		i := ord[j]
		dst := n
		if j >= k {
			dst = nn
		}
		t.addEntry(dst, t.sids[i], sb[i*d2:i*d2+d], sb[i*d2+d:i*d2+d2])
	}
	return nn
}

// gather copies the entries of the full node n plus (kid, [min, max]) into
// sbox (entry-major: mins then maxes) and sids.
func (t *Tree) gather(n, kid uint32, min, max []float64) {
	d := t.dims
	d2 := 2 * d
	sb := t.sbox
	b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
	for i := 0; i < maxEntries; i++ {
		for a := 0; a < d; a++ {
			sb[i*d2+a] = b[2*a*maxEntries+i]
			sb[i*d2+d+a] = b[(2*a+1)*maxEntries+i]
		}
		t.sids[i] = t.kids[int(n)*maxEntries+i]
	}
	copy(sb[maxEntries*d2:maxEntries*d2+d], min)
	copy(sb[maxEntries*d2+d:maxEntries*d2+d2], max)
	t.sids[maxEntries] = kid
}

// sortEntries orders the split entries in t.order[s] by their min (s == 0)
// or max (s == 1) on axis a, ties by the other bound. Insertion sort: 17 items.
func (t *Tree) sortEntries(a, s int) {
	d := t.dims
	d2 := 2 * d
	sb := t.sbox
	k1, k2 := a, d+a
	if s == 1 {
		k1, k2 = d+a, a
	}
	ord := &t.order[s]
	for i := range ord {
		ord[i] = i
	}
	for i := 1; i < len(ord); i++ {
		v := ord[i]
		x1, x2 := sb[v*d2+k1], sb[v*d2+k2]
		j := i
		for j > 0 {
			w := ord[j-1]
			y1, y2 := sb[w*d2+k1], sb[w*d2+k2]
			if y1 < x1 || (y1 == x1 && y2 <= x2) {
				break
			}
			ord[j] = w
			j--
		}
		ord[j] = v
	}
}

// distributions computes prefix and suffix unions of the entries in order
// t.order[s] and returns the summed margins of all legal distributions. When
// pick is non-nil it also keeps in pick the distribution with the least
// overlap (then least volume): pick = {overlap, volume, s*e + k}.
func (t *Tree) distributions(s int, pick *[3]float64) float64 {
	d := t.dims
	d2 := 2 * d
	const e = maxEntries + 1
	sb := t.sbox
	ord := &t.order[s]
	pre, suf := t.pre, t.suf
	// pre[k] = union of ord[0..k-1], k = 1..e; suf[k] = union of ord[k..e-1].
	for a := 0; a < d; a++ {
		i := ord[0]
		pre[1*d2+a], pre[1*d2+d+a] = sb[i*d2+a], sb[i*d2+d+a]
		i = ord[e-1]
		suf[(e-1)*d2+a], suf[(e-1)*d2+d+a] = sb[i*d2+a], sb[i*d2+d+a]
	}
	for k := 2; k <= e; k++ {
		i := ord[k-1]
		for a := 0; a < d; a++ {
			pre[k*d2+a] = min(pre[(k-1)*d2+a], sb[i*d2+a])
			pre[k*d2+d+a] = max(pre[(k-1)*d2+d+a], sb[i*d2+d+a])
		}
	}
	for k := e - 2; k >= 0; k-- {
		i := ord[k]
		for a := 0; a < d; a++ {
			suf[k*d2+a] = min(suf[(k+1)*d2+a], sb[i*d2+a])
			suf[k*d2+d+a] = max(suf[(k+1)*d2+d+a], sb[i*d2+d+a])
		}
	}
	margin := 0.0
	for k := minEntries; k <= e-minEntries; k++ {
		p, q := pre[k*d2:(k+1)*d2], suf[k*d2:(k+1)*d2]
		for a := 0; a < d; a++ {
			margin += (p[d+a] - p[a]) + (q[d+a] - q[a])
		}
		if pick == nil {
			continue
		}
		ov, vp, vq := 1.0, 1.0, 1.0
		for a := 0; a < d; a++ {
			lo, hi := max(p[a], q[a]), min(p[d+a], q[d+a])
			if hi < lo {
				ov = 0
			} else {
				ov *= hi - lo
			}
			vp *= p[d+a] - p[a]
			vq *= q[d+a] - q[a]
		}
		if ov < pick[0] || (ov == pick[0] && vp+vq < pick[1]) {
			pick[0], pick[1], pick[2] = ov, vp+vq, float64(s*e+k)
		}
	}
	return margin
}
