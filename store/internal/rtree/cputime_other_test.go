//go:build !unix

package rtree

func cpuNanos() int64 { return 0 }
