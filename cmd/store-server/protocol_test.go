package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGarbage: a stream that is not RESP gets an error and its connection
// is closed; the server goes on serving everyone else.
func TestGarbage(t *testing.T) {
	s := testServer(t, nil)
	rdb := newRedis(t, s, false, "")
	must[string](t, rdb.Set(ctx, "k", "v", 0))
	for _, bad := range []string{
		"*abc\r\n",
		"*2\r\n$3\r\nGET\r\n:1\r\n",
		"*1\r\n$-5\r\n",
		"*1\r\n$9223372036854775807\r\n", // overflows redcon's index arithmetic
		"*1\r\n$3\r\nGETXX\r\n",          // a bulk longer than its length
		"*-3\r\n",
		"SET 'unbalanced\r\n",
	} {
		c := dialRaw(t, s)
		c.send(bad)
		if got := c.line(); !strings.HasPrefix(got, "-ERR") {
			t.Fatalf("%q: reply %q", bad, got)
		}
		if !c.closed() {
			t.Fatalf("%q: the connection stayed open", bad)
		}
	}
	// Random bytes: whatever the reply, the server stays up.
	rng := rand.New(rand.NewPCG(3, 4))
	var wg sync.WaitGroup
	for i := range 20 {
		b := make([]byte, 200+i*50)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if i%2 == 0 {
			b[0] = '*'
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, err := net.Dial("tcp", s.Addr())
			if err != nil {
				t.Error(err)
				return
			}
			defer nc.Close()
			_, _ = nc.Write(b)
			_ = nc.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			_, _ = nc.Read(make([]byte, 100))
		}()
	}
	wg.Wait()
	// A malformed command, as opposed to a malformed stream, keeps the
	// connection; inline commands (what telnet sends) work.
	c := dialRaw(t, s)
	c.send("NOSUCH a b\r\nGET\r\nSET k\r\nGET k\r\n")
	for _, want := range []string{"-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b'", "-ERR wrong number", "-ERR wrong number", "$1"} {
		if got := c.line(); !strings.HasPrefix(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if got := c.line(); got != "v" {
		t.Fatalf("GET k = %q", got)
	}
	if got := must[string](t, rdb.Get(ctx, "k")); got != "v" {
		t.Fatalf("after the garbage GET = %q", got)
	}
}

// TestRequestLimit: a request over --max-request gets an error and its
// connection is closed, however it arrives; one under it is served.
func TestRequestLimit(t *testing.T) {
	s := testServer(t, func(c *Config) { c.MaxRequest, c.maxReads = 4096, 50 })
	rdb := newRedis(t, s, false, "")
	must[string](t, rdb.Set(ctx, "small", strings.Repeat("x", 3000), 0))
	if err := rdb.Set(ctx, "big", strings.Repeat("x", 5000), 0).Err(); err == nil {
		t.Fatal("a request over the limit was served")
	}
	c := dialRaw(t, s)
	c.send(fmt.Sprintf("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s", 1<<30, strings.Repeat("y", 8000)))
	if got := c.line(); !strings.HasPrefix(got, "-ERR request too large: more than 4096 bytes") {
		t.Fatalf("reply %q", got)
	}
	if !c.closed() {
		t.Fatal("the connection stayed open")
	}
	// An inline command that never ends.
	c = dialRaw(t, s)
	c.send("SET k " + strings.Repeat("z", 10000))
	if got := c.line(); !strings.HasPrefix(got, "-ERR request too large") {
		t.Fatalf("reply %q", got)
	}
	// A request trickled a byte at a time is cut off too.
	c = dialRaw(t, s)
	go func(nc net.Conn) {
		for range 60 {
			if _, err := nc.Write([]byte("a")); err != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}(c.nc)
	if got := c.line(); got != "-ERR request too large: one request in more than 50 pieces" {
		t.Fatalf("reply %q", got)
	}
	// Many requests pipelined in one write are not one large request.
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "*3\r\n$3\r\nSET\r\n$4\r\nk%03d\r\n$3\r\nval\r\n", i)
	}
	c = dialRaw(t, s)
	c.send(b.String())
	for range 200 {
		if got := c.line(); got != "+OK" {
			t.Fatalf("pipelined SET: %q", got)
		}
	}
	// A MULTI queues at most the limit in all.
	c = dialRaw(t, s)
	value := strings.Repeat("m", 2500)
	c.send("MULTI\r\n")
	c.send(fmt.Sprintf("*3\r\n$3\r\nSET\r\n$2\r\nm1\r\n$%d\r\n%s\r\n", len(value), value))
	c.send(fmt.Sprintf("*3\r\n$3\r\nSET\r\n$2\r\nm2\r\n$%d\r\n%s\r\n", len(value), value))
	c.send("EXEC\r\n")
	for _, want := range []string{"+OK", "+QUEUED", "-ERR one MULTI may queue at most 100000 commands and 4096 bytes", "-EXECABORT"} {
		if got := c.line(); !strings.HasPrefix(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if n := must[int64](t, rdb.Exists(ctx, "small", "big", "k000", "k199")); n != 3 {
		t.Fatalf("EXISTS = %d", n)
	}
}

// TestClientLimit: connections over --max-clients are refused with an
// error; once one closes, a new one is served.
func TestClientLimit(t *testing.T) {
	s := testServer(t, func(c *Config) { c.MaxClients = 3 })
	var conns []*rawConn
	for range 3 {
		c := dialRaw(t, s)
		c.send("PING\r\n")
		if got := c.line(); got != "+PONG" {
			t.Fatalf("PING = %q", got)
		}
		conns = append(conns, c)
	}
	c := dialRaw(t, s)
	if got := c.line(); got != "-ERR max number of clients reached" {
		t.Fatalf("a 4th client: %q", got)
	}
	if !c.closed() {
		t.Fatal("the 4th connection stayed open")
	}
	conns[0].send("QUIT\r\n")
	if got := conns[0].line(); got != "+OK" {
		t.Fatalf("QUIT = %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dialRaw(t, s)
		c.send("PING\r\n")
		if got := c.line(); got == "+PONG" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no room after a client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
