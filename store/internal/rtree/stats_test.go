package rtree

import (
	"fmt"
	"os"
	"testing"
)

// treeStats summarises shape quality: node counts, fill and leaf box size.
func treeStats(t *Tree) string {
	leaves, inner, items := 0, 0, 0
	marg := 0.0
	var walk func(n uint32)
	d := t.dims
	u := make([]float64, 2*d)
	walk = func(n uint32) {
		nd := t.nodes[n]
		if nd.level == 0 {
			leaves++
			items += int(nd.count)
			t.nodeUnion(n, u)
			for a := 0; a < d; a++ {
				marg += u[d+a] - u[a]
			}
			return
		}
		inner++
		for i := 0; i < int(nd.count); i++ {
			walk(t.kids[int(n)*maxEntries+i])
		}
	}
	walk(t.root)
	return fmt.Sprintf("height %d leaves %d inner %d fill %.2f mean leaf margin %.2f bytes/item %.1f",
		t.nodes[t.root].level+1, leaves, inner, float64(items)/float64(leaves)/maxEntries, marg/float64(leaves), float64(t.MemoryBytes())/float64(t.Len()))
}

func TestShapeStats(t *testing.T) {
	if os.Getenv("RTREE_STATS") == "" {
		t.Skip("set RTREE_STATS=1")
	}
	for _, kind := range kinds {
		n := 100_000
		for _, st := range []string{"load", "churn", "insert"} {
			t.Logf("%s %s: %s", kind, st, treeStats(getTree(kind, n, st)))
		}
	}
}
