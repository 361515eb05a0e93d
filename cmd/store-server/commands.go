package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/match"
	"github.com/tidwall/redcon"

	"spatialstore/store"
)

// op is a parsed command, ready to run against the store or inside a
// transaction (EXEC). It writes its whole reply to w, or nothing and an
// error.
type op struct {
	run   func(rw store.ReadWriter, w *redcon.Writer) error
	tx    bool // makes more than one store call: needs a transaction of its own
	write bool // set from the command's flags
}

type command struct {
	arity int // as Redis counts it: n exactly (the name included), -n at least n
	flags int
	parse func(c *client, args [][]byte) (op, error)
}

const (
	write   = 1 << iota // changes the store
	noMulti             // not inside MULTI (index management, connection state)
)

var commands map[string]*command

func init() {
	commands = map[string]*command{
		"ping":    {-1, 0, parsePing},
		"echo":    {2, 0, parseEcho},
		"select":  {2, noMulti, parseSelect},
		"client":  {-2, noMulti, parseClient},
		"info":    {-1, noMulti, parseInfo},
		"dbsize":  {1, 0, parseDBSize},
		"get":     {2, 0, parseGet},
		"set":     {-3, write, parseSet},
		"del":     {-2, write, parseDel},
		"exists":  {-2, 0, parseExists},
		"ttl":     {2, 0, parseTTL},
		"pttl":    {2, 0, parseTTL},
		"expire":  {3, write, parseExpire},
		"pexpire": {3, write, parseExpire},
		"persist": {2, write, parsePersist},
		"mget":    {-2, 0, parseMGet},
		"mset":    {-3, write, parseMSet},
		"scan":    {-2, 0, parseScan},
		// The spatial and index commands: spatial.go.
		"intersects": {-4, 0, parseBoxQuery},
		"within":     {-4, 0, parseBoxQuery},
		"nearby":     {-4, 0, parseNearby},
		"iscan":      {-2, 0, parseIScan},
		"index":      {-2, noMulti, parseIndex},
	}
}

// lookup finds the command and checks its number of arguments.
func lookup(name string, args [][]byte) (*command, error) {
	cmd, ok := commands[name]
	if !ok {
		return nil, fmt.Errorf("ERR unknown command '%s', with args beginning with: %s", truncate(string(args[0])), argsPreview(args[1:]))
	}
	if (cmd.arity > 0 && len(args) != cmd.arity) || (cmd.arity < 0 && len(args) < -cmd.arity) {
		return nil, fmt.Errorf("ERR wrong number of arguments for '%s' command", name)
	}
	return cmd, nil
}

func argsPreview(args [][]byte) string {
	var b strings.Builder
	for i, a := range args {
		if i == 4 {
			break
		}
		fmt.Fprintf(&b, "'%s' ", truncate(string(a)))
	}
	return b.String()
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

var (
	errSyntax    = errors.New("ERR syntax error")
	errNotInt    = errors.New("ERR value is not an integer or out of range")
	errNotFloat  = errors.New("ERR value is not a valid float")
	errBadExpire = errors.New("ERR invalid expire time")
)

func parseInt(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, errNotInt
	}
	return n, nil
}

// parseCount reads a non-negative count that fits an int.
func parseCount(b []byte) (int, error) {
	n, err := parseInt(b)
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0, errNotInt
	}
	return int(n), nil
}

// expiry turns an EX/PX amount into a duration; unit is time.Second or
// time.Millisecond. Zero, negative and overflowing amounts are refused.
func expiry(b []byte, unit time.Duration) (time.Duration, error) {
	n, err := parseInt(b)
	if err != nil {
		return 0, err
	}
	if n <= 0 || n > math.MaxInt64/int64(unit) {
		return 0, errBadExpire
	}
	return time.Duration(n) * unit, nil
}

func keys(args [][]byte) []string {
	ks := make([]string, len(args))
	for i, a := range args {
		ks[i] = string(a)
	}
	return ks
}

func ok(w *redcon.Writer) { w.WriteString("OK") }

func parsePing(_ *client, args [][]byte) (op, error) {
	if len(args) > 2 {
		return op{}, errors.New("ERR wrong number of arguments for 'ping' command")
	}
	return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
		if len(args) == 2 {
			w.WriteBulk(args[1])
		} else {
			w.WriteString("PONG")
		}
		return nil
	}}, nil
}

func parseEcho(_ *client, args [][]byte) (op, error) {
	return op{run: func(_ store.ReadWriter, w *redcon.Writer) error { w.WriteBulk(args[1]); return nil }}, nil
}

// parseSelect accepts database 0, the only one, for clients that select it.
func parseSelect(_ *client, args [][]byte) (op, error) {
	if n, err := parseInt(args[1]); err != nil || n != 0 {
		return op{}, errors.New("ERR DB index is out of range")
	}
	return op{run: func(_ store.ReadWriter, w *redcon.Writer) error { ok(w); return nil }}, nil
}

// parseClient answers the CLIENT calls client libraries make when they
// connect (SETNAME, GETNAME, SETINFO, ID).
func parseClient(c *client, args [][]byte) (op, error) {
	var lower [16]byte
	sub := string(lowerASCII(lower[:0], args[1]))
	switch {
	case sub == "setname" && len(args) == 3:
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error { c.name = string(args[2]); ok(w); return nil }}, nil
	case sub == "getname" && len(args) == 2:
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
			if c.name == "" {
				w.WriteNull()
			} else {
				w.WriteBulkString(c.name)
			}
			return nil
		}}, nil
	case sub == "setinfo" && len(args) == 4:
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error { ok(w); return nil }}, nil
	case sub == "id" && len(args) == 2:
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error { w.WriteInt64(c.id); return nil }}, nil
	}
	return op{}, fmt.Errorf("ERR unknown subcommand or wrong number of arguments for 'CLIENT %s'", truncate(string(args[1])))
}

func parseDBSize(_ *client, _ [][]byte) (op, error) {
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		n, err := rw.Len()
		if err != nil {
			return err
		}
		w.WriteInt(n)
		return nil
	}}, nil
}

func parseGet(_ *client, args [][]byte) (op, error) {
	key := string(args[1])
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		v, err := rw.Get(key)
		if errors.Is(err, store.ErrNotFound) {
			w.WriteNull()
			return nil
		}
		if err != nil {
			return err
		}
		w.WriteBulkString(v)
		return nil
	}}, nil
}

// parseSet reads SET key value [EX seconds | PX milliseconds | KEEPTTL]
// [NX | XX]. With NX or XX a write that does not happen replies null.
func parseSet(_ *client, args [][]byte) (op, error) {
	key, value := string(args[1]), string(args[2])
	var ttl time.Duration
	var nx, xx, keep, timed bool
	for i := 3; i < len(args); i++ {
		var lower [8]byte
		opt := string(lowerASCII(lower[:0], args[i]))
		switch {
		case (opt == "ex" || opt == "px") && !timed && !keep && i+1 < len(args):
			unit := time.Second
			if opt == "px" {
				unit = time.Millisecond
			}
			d, err := expiry(args[i+1], unit)
			if err != nil {
				if err == errBadExpire {
					return op{}, errors.New("ERR invalid expire time in 'set' command")
				}
				return op{}, err
			}
			ttl, timed = d, true
			i++
		case opt == "keepttl" && !timed:
			keep = true
		case opt == "nx" && !xx:
			nx = true
		case opt == "xx" && !nx:
			xx = true
		default:
			return op{}, errSyntax
		}
	}
	if !nx && !xx && !keep {
		return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
			if err := rw.Set(key, value, ttl); err != nil {
				return err
			}
			ok(w)
			return nil
		}}, nil
	}
	return op{tx: true, run: func(rw store.ReadWriter, w *redcon.Writer) error {
		old, err := rw.TTL(key)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if (nx && exists) || (xx && !exists) {
			w.WriteNull()
			return nil
		}
		t := ttl
		if keep && exists && old > 0 {
			t = old
		}
		if err := rw.Set(key, value, t); err != nil {
			return err
		}
		ok(w)
		return nil
	}}, nil
}

func parseDel(_ *client, args [][]byte) (op, error) {
	ks := keys(args[1:])
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		n, err := rw.DeleteMany(ks)
		if err != nil {
			return err
		}
		w.WriteInt(n)
		return nil
	}}, nil
}

// parseExists counts the keys that exist; a key named twice counts twice,
// as in Redis.
func parseExists(_ *client, args [][]byte) (op, error) {
	ks := keys(args[1:])
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		n := 0
		err := rw.GetMany(ks, func(_ int, _ string, found bool) {
			if found {
				n++
			}
		})
		if err != nil {
			return err
		}
		w.WriteInt(n)
		return nil
	}}, nil
}

// parseTTL serves TTL (seconds, rounded as Redis does) and PTTL: -2 for a
// missing key, -1 for one that never expires.
func parseTTL(_ *client, args [][]byte) (op, error) {
	key := string(args[1])
	millis := len(args[0]) == 4 // pttl
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		d, err := rw.TTL(key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.WriteInt(-2)
		case err != nil:
			return err
		case d < 0:
			w.WriteInt(-1)
		case millis:
			w.WriteInt64(d.Milliseconds())
		default:
			w.WriteInt64((d.Milliseconds() + 500) / 1000)
		}
		return nil
	}}, nil
}

// parseExpire serves EXPIRE key seconds and PEXPIRE key milliseconds: 1 if
// the key exists, 0 if not. A time of zero or less deletes the key, as in
// Redis.
func parseExpire(_ *client, args [][]byte) (op, error) {
	key := string(args[1])
	unit := time.Second
	if len(args[0]) == 7 { // pexpire
		unit = time.Millisecond
	}
	n, err := parseInt(args[2])
	if err != nil {
		return op{}, err
	}
	if n > math.MaxInt64/int64(unit) {
		return op{}, errors.New("ERR invalid expire time in 'expire' command")
	}
	ttl := time.Duration(n) * unit
	return op{tx: true, run: func(rw store.ReadWriter, w *redcon.Writer) error {
		v, err := rw.Get(key)
		if errors.Is(err, store.ErrNotFound) {
			w.WriteInt(0)
			return nil
		}
		if err != nil {
			return err
		}
		if ttl <= 0 {
			err = rw.Delete(key)
		} else {
			err = rw.Set(key, v, ttl)
		}
		if err != nil {
			return err
		}
		w.WriteInt(1)
		return nil
	}}, nil
}

// parsePersist removes a key's expiry: 1 if it had one, else 0.
func parsePersist(_ *client, args [][]byte) (op, error) {
	key := string(args[1])
	return op{tx: true, run: func(rw store.ReadWriter, w *redcon.Writer) error {
		d, err := rw.TTL(key)
		if errors.Is(err, store.ErrNotFound) || (err == nil && d < 0) {
			w.WriteInt(0)
			return nil
		}
		if err != nil {
			return err
		}
		v, err := rw.Get(key)
		if err != nil {
			return err
		}
		if err := rw.Set(key, v, 0); err != nil {
			return err
		}
		w.WriteInt(1)
		return nil
	}}, nil
}

func parseMGet(_ *client, args [][]byte) (op, error) {
	ks := keys(args[1:])
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		w.WriteArray(len(ks))
		return rw.GetMany(ks, func(_ int, v string, found bool) {
			if found {
				w.WriteBulkString(v)
			} else {
				w.WriteNull()
			}
		})
	}}, nil
}

func parseMSet(_ *client, args [][]byte) (op, error) {
	if len(args)%2 != 1 {
		return op{}, errors.New("ERR wrong number of arguments for 'mset' command")
	}
	items := make([]store.Item, 0, len(args)/2)
	for i := 1; i < len(args); i += 2 {
		items = append(items, store.Item{Key: string(args[i]), Value: string(args[i+1])})
	}
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		if err := rw.SetMany(items); err != nil {
			return err
		}
		ok(w)
		return nil
	}}, nil
}

// parseScan serves SCAN cursor [MATCH pattern] [COUNT n]: it walks the
// keys in order, looking at COUNT keys (default 10) per call and replying
// those that match. Patterns are the store's (as for indexes): '*' any
// run, '?' one character, '\' escapes; no [...] classes. The cursor stands for the key to resume at, kept per
// connection (see cursors), so every key present for the whole scan is
// returned exactly once however the store changes meanwhile.
func parseScan(c *client, args [][]byte) (op, error) {
	cur, err := strconv.ParseUint(string(args[1]), 10, 64)
	if err != nil {
		return op{}, errors.New("ERR invalid cursor")
	}
	pattern, count := "", 10
	for i := 2; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return op{}, errSyntax
		}
		var lower [8]byte
		switch string(lowerASCII(lower[:0], args[i])) {
		case "match":
			pattern = string(args[i+1])
		case "count":
			if count, err = parseCount(args[i+1]); err != nil || count < 1 {
				return op{}, errSyntax
			}
		default:
			return op{}, errSyntax
		}
	}
	from := ""
	if cur != 0 {
		var found bool
		if from, found = c.cursors.take(cur); !found {
			return op{}, errors.New("ERR invalid cursor (unknown or expired: restart the scan at 0)")
		}
	}
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		// A literal prefix of the pattern bounds the walk: it starts there
		// and ends at the first key without it.
		// (store.PrefixRange cannot resume from a cursor's key.)
		pre := literalPrefix(pattern)
		r := store.Range{Lo: max(from, pre), HasLo: true}
		var hits []string
		seen, next, complex := 0, "", false
		err := rw.Scan("", r, func(key, _ string) bool {
			if !strings.HasPrefix(key, pre) {
				return false
			}
			if seen == count {
				next = key
				return false
			}
			seen++
			if pattern == "" {
				hits = append(hits, key)
				return true
			}
			matched, stopped := match.MatchLimit(key, pattern, maxMatchWork)
			if matched {
				hits = append(hits, key)
			}
			complex = stopped
			return !stopped
		})
		if err != nil {
			return err
		}
		if complex {
			return errors.New("ERR MATCH pattern too complex")
		}
		w.WriteArray(2)
		if next == "" {
			w.WriteBulkString("0")
		} else {
			w.WriteBulkString(strconv.FormatUint(c.cursors.put(next), 10))
		}
		w.WriteArray(len(hits))
		for _, k := range hits {
			w.WriteBulkString(k)
		}
		return nil
	}}, nil
}

// maxMatchWork bounds the work of matching one key, per byte of the key,
// so that a pattern such as *a*a*a*...b cannot take exponential time.
const maxMatchWork = 16

// literalPrefix is the part of a glob pattern before its first wildcard
// or escape.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, `*?\`); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// cursors maps the numbers SCAN replies (Redis clients read a cursor as an
// unsigned integer) to the key where each scan resumes. A connection keeps
// its last maxCursors; an older one is forgotten and refused.
type cursors struct {
	last uint64
	keys map[uint64]string
}

const maxCursors = 64

func (cs *cursors) put(key string) uint64 {
	if cs.keys == nil {
		cs.keys = map[uint64]string{}
	}
	cs.last++
	cs.keys[cs.last] = key
	delete(cs.keys, cs.last-maxCursors)
	return cs.last
}

func (cs *cursors) take(id uint64) (string, bool) {
	k, ok := cs.keys[id]
	delete(cs.keys, id)
	return k, ok
}
