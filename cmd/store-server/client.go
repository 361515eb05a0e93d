package main

import (
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/tidwall/redcon"

	"spatialstore/store"
)

// client is one connection's state: authentication, a MULTI in progress
// and its SCAN cursors. Only the connection's goroutine touches it.
type client struct {
	s      *Server
	id     int64
	authed bool
	quit   bool
	name   string

	// MULTI: the parsed commands waiting for EXEC, their names, and the
	// first refusal while queueing (EXEC then discards them all).
	multi       bool
	queued      []op
	names       []string
	queuedBytes int64
	dirty       bool

	cursors cursors
	// A reply is built in reply, then moved whole to out (the connection's
	// writer) by reply.Flush, or dropped on an error. A query's hits are
	// built in items, since their count comes first, and moved to itemsTo.
	out, itemsTo *redcon.Writer
	reply, items *redcon.Writer
	nhits        int
}

// sink makes a scratch writer's Flush append to another writer (redcon's
// Writer.Buffer copies; Flush hands over its bytes as they are).
type sink func(p []byte)

func (s sink) Write(p []byte) (int, error) { s(p); return len(p), nil }

// maxQueued bounds the commands one MULTI may queue; their bytes in all
// are bounded by --max-request, as one request's are.
const maxQueued = 100000

func newClient(s *Server, out *redcon.Writer) *client {
	c := &client{s: s, id: s.stats.connections.Load(), authed: s.cfg.Password == "", out: out}
	c.reply = redcon.NewWriter(sink(func(p []byte) { c.out.WriteRaw(p) }))
	c.items = redcon.NewWriter(sink(func(p []byte) { c.itemsTo.WriteRaw(p) }))
	return c
}

// do runs one request and writes its reply to w, the connection's writer.
func (c *client) do(w *redcon.Writer, args [][]byte) {
	var lower [24]byte
	name := string(lowerASCII(lower[:0], args[0]))
	switch name {
	case "auth":
		c.auth(w, args)
		return
	case "quit":
		w.WriteString("OK")
		c.quit = true
		return
	}
	if !c.authed {
		w.WriteError("NOAUTH Authentication required.")
		return
	}
	switch name {
	case "multi":
		c.begin(w, args)
		return
	case "exec":
		c.exec(w, args)
		return
	case "discard":
		c.discard(w, args)
		return
	}
	cmd, err := lookup(name, args)
	if err == nil && c.multi && cmd.flags&noMulti != 0 {
		err = fmt.Errorf("ERR '%s' cannot run inside MULTI", name)
	}
	var o op
	if err == nil {
		o, err = cmd.parse(c, args)
	}
	if err != nil {
		c.dirty = c.dirty || c.multi
		w.WriteError(errorReply(err))
		return
	}
	o.write = cmd.flags&write != 0
	if c.multi {
		for _, a := range args {
			c.queuedBytes += int64(len(a))
		}
		if len(c.queued) >= maxQueued || c.queuedBytes > c.s.cfg.MaxRequest {
			c.dirty = true
			w.WriteError(fmt.Sprintf("ERR one MULTI may queue at most %d commands and %d bytes", maxQueued, c.s.cfg.MaxRequest))
			return
		}
		c.queued = append(c.queued, o)
		c.names = append(c.names, name)
		w.WriteString("QUEUED")
		return
	}
	if err := c.run(o); err != nil {
		c.reply.SetBuffer(nil)
		w.WriteError(errorReply(err))
		return
	}
	_ = c.reply.Flush() // into w
}

// run runs one command outside MULTI: straight on the store when it is a
// single store call (which is a transaction of its own), in a transaction
// when it makes several.
func (c *client) run(o op) error {
	switch {
	case !o.tx:
		return o.run(c.s.db, c.reply)
	case o.write:
		return c.s.db.Update(func(tx *store.Tx) error { return o.run(tx, c.reply) })
	default:
		return c.s.db.View(func(tx *store.Tx) error { return o.run(tx, c.reply) })
	}
}

func (c *client) auth(w *redcon.Writer, args [][]byte) {
	var user, pw string
	switch len(args) {
	case 2:
		user, pw = "default", string(args[1])
	case 3:
		user, pw = string(args[1]), string(args[2])
	default:
		w.WriteError("ERR wrong number of arguments for 'auth' command")
		return
	}
	if c.s.cfg.Password == "" {
		w.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if user != "default" || subtle.ConstantTimeCompare([]byte(pw), []byte(c.s.cfg.Password)) != 1 {
		w.WriteError("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	c.authed = true
	w.WriteString("OK")
}

func (c *client) begin(w *redcon.Writer, args [][]byte) {
	switch {
	case len(args) != 1:
		w.WriteError("ERR wrong number of arguments for 'multi' command")
	case c.multi:
		w.WriteError("ERR MULTI calls can not be nested")
	default:
		c.multi = true
		w.WriteString("OK")
	}
}

func (c *client) discard(w *redcon.Writer, args [][]byte) {
	switch {
	case len(args) != 1:
		w.WriteError("ERR wrong number of arguments for 'discard' command")
	case !c.multi:
		w.WriteError("ERR DISCARD without MULTI")
	default:
		c.endMulti()
		w.WriteString("OK")
	}
}

func (c *client) endMulti() {
	c.multi, c.dirty, c.queuedBytes = false, false, 0
	clear(c.queued) // let the queued arguments go
	c.queued, c.names = c.queued[:0], c.names[:0]
}

// exec runs the queued commands in one store transaction: a read-only one
// when none of them writes. The first command that fails rolls the whole
// transaction back, and EXEC replies with that error alone: unlike Redis,
// which runs the rest and keeps what the others did.
func (c *client) exec(w *redcon.Writer, args [][]byte) {
	if len(args) != 1 {
		w.WriteError("ERR wrong number of arguments for 'exec' command")
		return
	}
	if !c.multi {
		w.WriteError("ERR EXEC without MULTI")
		return
	}
	defer c.endMulti()
	if c.dirty {
		w.WriteError("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	writes := false
	for _, o := range c.queued {
		writes = writes || o.write
	}
	body := func(tx *store.Tx) error {
		for i, o := range c.queued {
			if err := o.run(tx, c.reply); err != nil {
				return &execError{i: i, name: c.names[i], err: err}
			}
		}
		return nil
	}
	var err error
	if writes {
		err = c.s.db.Update(body)
	} else {
		err = c.s.db.View(body)
	}
	if err != nil {
		c.reply.SetBuffer(nil)
		w.WriteError(errorReply(err))
		return
	}
	w.WriteArray(len(c.queued))
	_ = c.reply.Flush() // into w
}

type execError struct {
	i    int
	name string
	err  error
}

func (e *execError) Error() string {
	msg := strings.TrimPrefix(errorReply(e.err), "ERR ")
	return fmt.Sprintf("EXECABORT command %d (%s) failed, nothing was written: %s", e.i+1, strings.ToUpper(e.name), msg)
}

func (e *execError) Unwrap() error { return e.err }

// errorReply turns an error into the text of a RESP error: its own when it
// starts with an upper-case code (as Redis' replies do), else "ERR ...".
func errorReply(err error) string {
	msg := err.Error()
	if code, _, _ := strings.Cut(msg, " "); !isCode(code) {
		msg = "ERR " + msg
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(msg)
}

func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return len(s) > 1
}

// lowerASCII appends b in lower case to dst (command names are ASCII).
func lowerASCII(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
