// Command mem prints the resident bytes per object of the store called
// from Go: it loads n objects (default 1M) as bench/rust's mem binary does
// and prints "go <TAB> n <TAB> bytes_per_object <TAB> rss_delta_bytes",
// the VmRSS after the load (and a forced GC that returns freed memory to
// the OS) minus the VmRSS before it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	bench "spatialstore/bench/go"
)

func rss() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

func main() {
	n := flag.Int("n", 1000000, "objects")
	flag.Parse()
	pts := bench.Points(*n)
	settle()
	before := rss()
	db, _, err := bench.LoadSpatial(pts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	settle()
	after := rss()
	delta := after - min(before, after)
	fmt.Printf("go\t%d\t%.1f\t%d\n", *n, float64(delta)/float64(*n), delta)
	runtime.KeepAlive(db)
}
