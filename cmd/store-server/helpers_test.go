package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"spatialstore/store"
)

// testServer starts a server in this process on a file store in a
// temporary folder, loopback TCP on a free port and a Unix socket; change
// adjusts the configuration first. It is closed when the test ends.
func testServer(t testing.TB, change func(*Config)) *Server {
	t.Helper()
	dir := t.TempDir()
	cfg := Config{
		Data:       filepath.Join(dir, "data.db"),
		Addr:       "127.0.0.1:0",
		Unix:       filepath.Join(dir, "s.sock"),
		MaxClients: 100,
		MaxRequest: 1 << 20,
		Sync:       store.SyncEverySecond,
	}
	if change != nil {
		change(&cfg)
	}
	s, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Serve()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// newClient is a go-redis client of s over TCP (or the Unix socket).
func newRedis(t *testing.T, s *Server, unix bool, password string) *redis.Client {
	t.Helper()
	opt := &redis.Options{Addr: s.Addr(), Password: password, Protocol: 2, MaxRetries: -1,
		DialTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	if unix {
		opt.Network, opt.Addr = "unix", s.cfg.Unix
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

var ctx = context.Background()

// rawConn is a plain connection for what a client library would not send.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	rd *bufio.Reader
}

func dialRaw(t *testing.T, s *Server) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { _ = nc.Close() })
	return &rawConn{t: t, nc: nc, rd: bufio.NewReader(nc)}
}

func (c *rawConn) send(s string) {
	c.t.Helper()
	if _, err := c.nc.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// line reads one reply line, without its CRLF.
func (c *rawConn) line() string {
	c.t.Helper()
	l, err := c.rd.ReadString('\n')
	if err != nil {
		c.t.Fatalf("reading a reply: %v (got %q)", err, l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// closed reports whether the server closed the connection (without
// sending anything more) within a few seconds.
func (c *rawConn) closed() bool {
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.rd.ReadByte()
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func must[T any](t *testing.T, cmd interface {
	Result() (T, error)
}) T {
	t.Helper()
	v, err := cmd.Result()
	if err != nil {
		t.Fatalf("%v: %v", cmd, err)
	}
	return v
}

// wantErr checks that err is a reply error starting with prefix.
func wantErr(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("error %v, want one starting with %q", err, prefix)
	}
}

// doText runs a command that must succeed and returns its reply as text.
func doText(t *testing.T, rdb *redis.Client, args ...any) string {
	t.Helper()
	v, err := rdb.Do(ctx, args...).Text()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

func testServerB(b *testing.B) *Server {
	return testServer(b, func(c *Config) { c.Data = store.MemoryPath; c.MaxRequest = 64 << 20 })
}
