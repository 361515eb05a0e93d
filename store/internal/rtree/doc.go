// Package rtree is an in-memory R-tree over axis-aligned boxes in 1 to 20
// dimensions, keyed by caller-chosen dense uint32 ids. It backs the spatial
// side of the store: box search, containment search, k-nearest-neighbour and
// distance joins, with inserts, removals, moves and bulk loading.
//
// # Layout
//
// Storage is flat and pointer-free so that the garbage collector never scans
// it, even at millions of items:
//
//   - nodes: one small struct per node (parent, fill, level), indexed by node number;
//   - kids: maxEntries (M = 16) uint32 slots per node, a child node number in
//     an internal node or an item id in a leaf;
//   - boxes: the boxes of a node's children stored inline in the node, per
//     axis: the mins of axis 0 for slots 0..M-1, then the maxes of axis 0, then
//     axis 1, and so on. A query tests one axis for all slots with a linear
//     scan of contiguous memory;
//   - items: id -> (leaf, slot) holding it, so Remove and Update start at the leaf.
//
// A node's own box lives in its parent's slot, so the root has none. Freed
// nodes go on a free list and are reused. Every box is the exact union of its
// children (Check verifies it), so queries never see stale, drifting boxes.
//
// # Algorithms
//
// Insert descends by least margin growth (ties: volume growth, then volume);
// margin first keeps boxes of points compact where volumes are near zero. An
// overflowing node first reinserts its 30% of entries farthest from its
// centre (R*'s forced reinsertion, once per level per insertion) and then
// splits R*-style: the axis with the least margin sum, the distribution with
// the least overlap, then the least volume. Remove condenses locally, like a
// B-tree: an underfull node (below 40% of M) merges into the sibling that
// grows least, or borrows that sibling's nearest entries; a root with one
// child is replaced by it. Update is bottom-up (Lee et al., VLDB 2003): in
// place when the new box fits the leaf's box (shrinking only the box
// coordinates the old box defined), else reinsertion from the lowest ancestor
// that holds the new box. Load packs top-down into equal groups made by
// recursive Floyd-Rivest selection (no sorting), leaving nodes nearly full.
// Search walks depth-first with an explicit stack, testing all slots of a
// node branch-free (2D and 3D have unrolled loops) and touching each pushed
// child early so that cache misses overlap. Nearest is best-first over nodes
// with a bounded top-k heap; Join is a synchronised dual-tree traversal that
// pairs only the children near the other node's box.
//
// # Concurrency
//
// Read methods (Dims, Len, Has, Box, Search, SearchWithin, Nearest, Join,
// Scan, Check, MemoryBytes) may run on many goroutines at once: they never
// write to the tree, and take their scratch from sync.Pools. Write methods
// (Insert, Remove, Update, Load, Clear) need exclusive access, which the
// caller provides with its own lock.
//
// # Complexity
//
// With n items the height is O(log_M n). Insert, Remove and Update cost
// O(M·d·log n) (Update is often O(d) when the box stays in its leaf); Search
// is O(M·d·(log n + visited nodes)); Load is O(n·d·log n) with no full sort.
// Memory is about n/(0.9·M) nodes of M·(2d·8+4) bytes plus 4 bytes per id.
package rtree
