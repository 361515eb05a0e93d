package rtree

import (
	"fmt"
	"math"
)

// Check verifies every invariant of the tree and returns an error describing
// the first broken one: each node's box is exactly the union of its
// children's boxes; each item is reachable exactly once; the back pointers
// (id -> leaf, node -> parent) are right; node fill is within bounds (except
// at the root); all leaves are at one depth; Len matches. It is slow.
func (t *Tree) Check() error {
	if t.root == noNode {
		if t.size != 0 {
			return fmt.Errorf("empty tree has Len %d", t.size)
		}
		for id, it := range t.items {
			if n := it.leaf; n != noNode {
				return fmt.Errorf("empty tree: id %d points at leaf %d", id, n)
			}
		}
		return nil
	}
	if int(t.root) >= len(t.nodes) {
		return fmt.Errorf("root %d out of range (%d nodes)", t.root, len(t.nodes))
	}
	if p := t.nodes[t.root].parent; p != noNode {
		return fmt.Errorf("root %d has parent %d", t.root, p)
	}
	if len(t.kids) != len(t.nodes)*maxEntries || len(t.boxes) != len(t.nodes)*t.stride {
		return fmt.Errorf("array lengths disagree: %d nodes, %d kids, %d box floats", len(t.nodes), len(t.kids), len(t.boxes))
	}
	c := checker{t: t, seenNode: make([]bool, len(t.nodes)), seenItem: make(map[uint32]bool), u: make([]float64, 2*t.dims)}
	rl := int(t.nodes[t.root].level)
	if rl > 0 && t.nodes[t.root].count < 2 {
		return fmt.Errorf("internal root %d has %d children", t.root, t.nodes[t.root].count)
	}
	if rl == 0 && t.nodes[t.root].count == 0 {
		return fmt.Errorf("root leaf %d is empty but the tree is not reset", t.root)
	}
	if err := c.node(t.root, rl); err != nil {
		return err
	}
	if c.items != t.size {
		return fmt.Errorf("Len is %d but %d items are reachable", t.size, c.items)
	}
	present := 0
	for id, it := range t.items {
		if n := it.leaf; n != noNode {
			present++
			if !c.seenItem[uint32(id)] {
				return fmt.Errorf("id %d points at leaf %d but is not in the tree", id, n)
			}
		}
	}
	if present != t.size {
		return fmt.Errorf("%d ids have back pointers, Len is %d", present, t.size)
	}
	for _, f := range t.free {
		if int(f) >= len(t.nodes) {
			return fmt.Errorf("free node %d out of range", f)
		}
		if c.seenNode[f] {
			return fmt.Errorf("free node %d is reachable", f)
		}
		if t.nodes[f].level != freeLevel {
			return fmt.Errorf("free node %d not marked free", f)
		}
		c.seenNode[f] = true
	}
	for n, seen := range c.seenNode {
		if !seen {
			return fmt.Errorf("node %d is neither reachable nor free", n)
		}
	}
	return nil
}

type checker struct {
	t        *Tree
	seenNode []bool
	seenItem map[uint32]bool
	items    int
	u        []float64
}

func (c *checker) node(n uint32, level int) error {
	t := c.t
	if int(n) >= len(t.nodes) {
		return fmt.Errorf("node %d out of range", n)
	}
	if c.seenNode[n] {
		return fmt.Errorf("node %d reached twice", n)
	}
	c.seenNode[n] = true
	nd := t.nodes[n]
	if int(nd.level) != level {
		return fmt.Errorf("node %d has level %d, want %d (leaves must be at one depth)", n, nd.level, level)
	}
	cnt := int(nd.count)
	if cnt > maxEntries {
		return fmt.Errorf("node %d has %d entries, max %d", n, cnt, maxEntries)
	}
	if n != t.root && cnt < minEntries {
		return fmt.Errorf("node %d has %d entries, min %d", n, cnt, minEntries)
	}
	d := t.dims
	b := t.boxes[int(n)*t.stride : int(n+1)*t.stride]
	for i := 0; i < cnt; i++ {
		kid := t.kids[int(n)*maxEntries+i]
		for a := 0; a < d; a++ {
			lo, hi := b[2*a*maxEntries+i], b[(2*a+1)*maxEntries+i]
			if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
				return fmt.Errorf("node %d slot %d axis %d: bad box [%v, %v]", n, i, a, lo, hi)
			}
		}
		if level == 0 {
			if c.seenItem[kid] {
				return fmt.Errorf("item %d reached twice", kid)
			}
			c.seenItem[kid] = true
			c.items++
			if int(kid) >= len(t.items) || t.items[kid].leaf != n || int(t.items[kid].slot) != i {
				return fmt.Errorf("item %d is in leaf %d slot %d but its back pointer disagrees", kid, n, i)
			}
			continue
		}
		if int(kid) >= len(t.nodes) {
			return fmt.Errorf("node %d slot %d: child %d out of range", n, i, kid)
		}
		if p, s := t.nodes[kid].parent, int(t.nodes[kid].slot); p != n || s != i {
			return fmt.Errorf("node %d has parent %d slot %d, but node %d slot %d holds it", kid, p, s, n, i)
		}
		if kc := int(t.nodes[kid].count); kc < minEntries || kc > maxEntries {
			return fmt.Errorf("node %d has %d entries, want %d..%d", kid, kc, minEntries, maxEntries)
		}
		{
			t.nodeUnion(kid, c.u)
			for a := 0; a < d; a++ {
				if b[2*a*maxEntries+i] != c.u[a] || b[(2*a+1)*maxEntries+i] != c.u[d+a] {
					return fmt.Errorf("node %d slot %d (child %d) axis %d: box [%v, %v], union of children [%v, %v]",
						n, i, kid, a, b[2*a*maxEntries+i], b[(2*a+1)*maxEntries+i], c.u[a], c.u[d+a])
				}
			}
		}
		if err := c.node(kid, level-1); err != nil {
			return err
		}
	}
	return nil
}
