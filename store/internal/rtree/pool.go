package rtree

import "sync"

// Pools of per-call scratch for read methods. Reads may run on many
// goroutines at once, so they never keep scratch in the tree.
var boxPool = sync.Pool{New: func() any { return new([2 * maxDims]float64) }}
