package main

import (
	"errors"
	"fmt"
	"net"
)

// redcon's reader keeps growing its buffer until a whole request has
// arrived and reads again by recursion, once per read, so neither the
// bytes of one request nor the number of reads it takes are bounded there.
// limitedConn bounds both between two whole requests: the server calls
// done after each batch of requests redcon hands it.
type limitedConn struct {
	net.Conn
	max      int64 // bytes one request may take
	maxReads int   // reads one request may take
	since    int64 // bytes read since the last whole request
	reads    int   // reads since the last whole request
}

// defaultMaxReads bounds the reads (and so redcon's recursion depth) one
// request may take. A client writes a request in one go; only one that
// trickles a few bytes at a time comes near it.
const defaultMaxReads = 10000

var errRequestTooLarge = errors.New("request too large")

func (c *limitedConn) Read(p []byte) (int, error) {
	if c.since > c.max {
		return 0, fmt.Errorf("%w: more than %d bytes", errRequestTooLarge, c.max)
	}
	if c.reads >= c.maxReads {
		return 0, fmt.Errorf("%w: one request in more than %d pieces", errRequestTooLarge, c.maxReads)
	}
	// Never read more than one byte past the limit.
	if room := c.max - c.since + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.Conn.Read(p)
	c.since += int64(n)
	c.reads++
	return n, err
}

// done says that every byte read so far belonged to whole requests, except
// at most the start of the next one, which the bound then does not count.
func (c *limitedConn) done() {
	c.since, c.reads = 0, 0
}
