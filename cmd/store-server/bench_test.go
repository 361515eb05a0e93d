package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
)

// BenchmarkPipelinedNearby: the server's side of knn10 pipelined 100 deep
// on 100k points (time per request), with a raw client that only counts
// reply lines, so the profile is the server's.
func BenchmarkPipelinedNearby(b *testing.B) {
	s := testServerB(b)
	nc, err := net.Dial("unix", s.cfg.Unix)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	rd := bufio.NewReaderSize(nc, 1<<20)
	send := func(req string, replies int) {
		if _, err := nc.Write([]byte(req)); err != nil {
			b.Fatal(err)
		}
		for range replies {
			l, err := rd.ReadString('\n')
			if err != nil || l[0] == '-' {
				b.Fatal(l, err)
			}
			skipReply(b, rd, l)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var load strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&load, "SET o:%d \"[%g %g %g]\"\r\n", i, rng.Float64()*1000, rng.Float64()*1000, rng.Float64()*1000)
		if i%1000 == 999 {
			send(load.String(), 1000)
			load.Reset()
		}
	}
	send("INDEX CREATE pos o:* SPATIAL\r\n", 1)
	var req strings.Builder
	for range 100 {
		fmt.Fprintf(&req, "NEARBY pos LIMIT 10 POINT %g %g %g\r\n", rng.Float64()*1000, rng.Float64()*1000, rng.Float64()*1000)
	}
	batch := req.String()
	b.ResetTimer()
	for range b.N / 100 {
		send(batch, 100)
	}
}

// skipReply reads the rest of the reply whose first line is l.
func skipReply(b *testing.B, rd *bufio.Reader, l string) {
	switch l[0] {
	case '$':
		var n int
		fmt.Sscanf(l[1:], "%d", &n)
		if n >= 0 {
			if _, err := rd.Discard(n + 2); err != nil {
				b.Fatal(err)
			}
		}
	case '*':
		var n int
		fmt.Sscanf(l[1:], "%d", &n)
		for range n {
			l, err := rd.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			skipReply(b, rd, l)
		}
	}
}
