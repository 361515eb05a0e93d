package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"spatialstore/store"
)

// Config is what the flags set.
type Config struct {
	Data       string // the store's file, or store.MemoryPath
	Addr       string // TCP host:port
	Unix       string // Unix socket path; empty: none
	Password   string // empty: no AUTH needed
	MaxClients int
	MaxRequest int64 // bytes
	Sync       store.SyncPolicy
	maxReads   int // reads one request may take; 0: defaultMaxReads
}

// Server serves one store to RESP clients over TCP and a Unix socket.
type Server struct {
	cfg     Config
	db      *store.DB
	started time.Time
	lns     []net.Listener

	// busy is held shared while a batch of requests runs and its replies
	// are written, and exclusively by Close, which so waits for the
	// batches in flight and then refuses new ones.
	busy sync.RWMutex

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool

	acceptWG, connWG sync.WaitGroup

	stats struct {
		connections, rejected, commands atomic.Int64
	}
}

// writeTimeout bounds how long writing replies may take: a client that
// stops reading them must not hold up a graceful stop forever.
const writeTimeout = 10 * time.Second

// Listen opens the store and the listeners. Serving starts with Serve.
func Listen(cfg Config) (*Server, error) {
	if cfg.MaxClients < 1 || cfg.MaxRequest < 1 {
		return nil, errors.New("--max-clients and --max-request must be at least 1")
	}
	if cfg.maxReads == 0 {
		cfg.maxReads = defaultMaxReads
	}
	opts := store.DefaultOptions()
	opts.SyncPolicy = cfg.Sync
	db, err := store.Open(cfg.Data, &opts)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, started: time.Now(), conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.lns = append(s.lns, ln)
	if cfg.Unix != "" {
		uln, err := listenUnix(cfg.Unix)
		if err != nil {
			_ = ln.Close()
			_ = db.Close()
			return nil, err
		}
		s.lns = append(s.lns, uln)
	}
	return s, nil
}

// listenUnix listens on a Unix socket readable by the owner only. A socket
// file left by a server that died is replaced; one a live server answers
// on is not.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("%s exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			_ = c.Close()
			return nil, fmt.Errorf("%s: another server is listening there", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return ln, nil
}

// Addr is the TCP address the server listens on.
func (s *Server) Addr() string { return s.lns[0].Addr().String() }

// Serve accepts connections on every listener until Close.
func (s *Server) Serve() {
	for _, ln := range s.lns {
		s.acceptWG.Add(1)
		go s.accept(ln)
	}
}

func (s *Server) accept(ln net.Listener) {
	defer s.acceptWG.Done()
	for {
		nc, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Out of descriptors, say: wait for some to be released.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if s.admit(nc) {
			go s.serveConn(nc)
		}
	}
}

// admit registers a new connection, or refuses it when the server is
// stopping or has MaxClients already.
func (s *Server) admit(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.cfg.MaxClients {
		s.stats.rejected.Add(1)
		msg := "-ERR max number of clients reached\r\n"
		if s.closed {
			msg = "-ERR server is shutting down\r\n"
		}
		_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = io.WriteString(nc, msg)
		_ = nc.Close()
		return false
	}
	s.conns[nc] = struct{}{}
	s.connWG.Add(1)
	s.stats.connections.Add(1)
	return true
}

func (s *Server) drop(nc net.Conn) {
	s.mu.Lock()
	delete(s.conns, nc)
	s.mu.Unlock()
	_ = nc.Close()
	s.connWG.Done()
}

func (s *Server) clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// serveConn reads batches of requests (all that a pipelining client has
// sent), runs them in order and writes their replies in one go.
func (s *Server) serveConn(nc net.Conn) {
	defer s.drop(nc)
	lc := &limitedConn{Conn: nc, max: s.cfg.MaxRequest, maxReads: s.cfg.maxReads}
	rd := redcon.NewReader(lc)
	wr := redcon.NewWriter(nc)
	c := newClient(s, wr)
	for {
		cmds, err := readCommands(rd)
		if err != nil {
			if msg := readErrorReply(err); msg != "" {
				// A stream that is not RESP cannot be followed to the next
				// request: reply, then close, as Redis does.
				wr.WriteError(msg)
				_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
				_ = wr.Flush()
			}
			return
		}
		lc.done()
		if !s.busy.TryRLock() {
			for range cmds {
				wr.WriteError("ERR server is shutting down")
			}
			_ = wr.Flush()
			return
		}
		for _, cmd := range cmds {
			c.do(wr, cmd.Args)
			if c.quit {
				break
			}
		}
		s.stats.commands.Add(int64(len(cmds)))
		_ = nc.SetWriteDeadline(time.Now().Add(writeTimeout))
		err = wr.Flush()
		s.busy.RUnlock()
		if err != nil || c.quit {
			return
		}
	}
}

// readCommands runs redcon's reader, which panics on some malformed
// requests (a bulk length near the int64 limit overflows its index).
func readCommands(rd *redcon.Reader) (cmds []redcon.Command, err error) {
	defer func() {
		if p := recover(); p != nil {
			cmds, err = nil, fmt.Errorf("Protocol error: malformed request (%v)", p)
		}
	}()
	return rd.ReadCommands()
}

// readErrorReply is the error to send before closing a connection whose
// stream failed, or "" when the client went away.
func readErrorReply(err error) string {
	switch {
	case errors.Is(err, errRequestTooLarge):
		return "ERR " + err.Error()
	case strings.HasPrefix(err.Error(), "Protocol error"):
		return "ERR " + err.Error()
	}
	return ""
}

// Close stops accepting, lets the batches in flight finish and their
// replies go out, closes every connection and then the store. Everything
// acknowledged to a client is in the store's file when it returns.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	for _, ln := range s.lns {
		_ = ln.Close()
	}
	s.acceptWG.Wait()
	s.busy.Lock() // never released: later batches are refused
	s.mu.Lock()
	for nc := range s.conns {
		_ = nc.Close()
	}
	s.mu.Unlock()
	s.connWG.Wait()
	return s.db.Close()
}
