package rtree

import (
	"math/rand"
	"strings"
	"testing"
)

// TestCheckDetects corrupts trees on purpose and expects Check to complain.
func TestCheckDetects(t *testing.T) {
	build := func() *Tree {
		r := rand.New(rand.NewSource(5))
		g := &gen{r: r, dims: 2, span: 100}
		tr := New(2)
		for i := 0; i < 400; i++ {
			b := g.box()
			tr.Insert(uint32(i), b[:2], b[2:])
		}
		if err := tr.Check(); err != nil {
			t.Fatal(err)
		}
		if tr.nodes[tr.root].level < 2 {
			t.Fatal("want a tree of height >= 3")
		}
		return tr
	}
	internal := func(tr *Tree) uint32 { return tr.kids[int(tr.root)*maxEntries] }
	leafOfFirst := func(tr *Tree) uint32 { return tr.items[0].leaf }
	cases := []struct {
		name, want string
		corrupt    func(tr *Tree)
	}{
		{"box grown", "union", func(tr *Tree) { tr.boxes[int(tr.root)*tr.stride] -= 1 }},
		{"box shrunk", "union", func(tr *Tree) { tr.boxes[int(tr.root)*tr.stride+maxEntries] -= 0.5 }},
		{"item box inverted", "bad box", func(tr *Tree) {
			l := leafOfFirst(tr)
			tr.boxes[int(l)*tr.stride] = tr.boxes[int(l)*tr.stride+maxEntries] + 1
		}},
		{"len", "Len", func(tr *Tree) { tr.size++ }},
		{"back pointer", "back pointer", func(tr *Tree) { tr.items[0].leaf = tr.root }},
		{"stray back pointer", "not in the tree", func(tr *Tree) {
			tr.growIDs(1000)
			tr.items[1000].leaf = tr.root
		}},
		{"parent", "parent", func(tr *Tree) { tr.nodes[internal(tr)].parent = noNode - 1 }},
		{"underfull", "entries, want", func(tr *Tree) {
			l := leafOfFirst(tr)
			tr.removeSlot(l, 0)
			for tr.nodes[l].count >= minEntries {
				tr.removeSlot(l, 0)
			}
		}},
		{"level", "level", func(tr *Tree) { tr.nodes[internal(tr)].level++ }},
		{"duplicate child", "", func(tr *Tree) {
			r := tr.root
			tr.kids[int(r)*maxEntries+1] = tr.kids[int(r)*maxEntries]
		}},
		{"lost node", "neither reachable nor free", func(tr *Tree) { tr.newNode(0) }},
		{"root one child", "children", func(tr *Tree) { tr.nodes[tr.root].count = 1 }},
	}
	for _, c := range cases {
		tr := build()
		c.corrupt(tr)
		err := tr.Check()
		if err == nil {
			t.Errorf("%s: Check found nothing", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Check said %q, want it to mention %q", c.name, err, c.want)
		}
	}
}
