package store

import (
	"math"
	"strings"

	"github.com/tidwall/gjson"
)

// Filter narrows a scan or a spatial query inside the store: an item is
// reported only if its key matches Match and its value meets every
// condition of Where. Items that fail are skipped before anything is
// handed to the callback, and do not count toward a limit or a k: a
// Nearby with k = 10 and a filter gives the 10 nearest items that pass.
//
// A nil *Filter, or a zero Filter, lets every item through.
type Filter struct {
	// Match is a key pattern in BuntDB's glob syntax ('*' any run of
	// bytes, '?' one byte, '\' escapes the next byte). "" means any key.
	Match string
	// Where holds conditions on fields of the value, read with gjson
	// paths; all must hold. A value that is not JSON, or lacks the field,
	// meets no condition.
	Where []Cond
}

// CondOp says what a Cond tests. The numbers are part of the C API.
type CondOp int32

// The condition operators.
const (
	// CondEq: the field is the number Min.
	CondEq CondOp = 0
	// CondRange: the field is a number with Min <= v <= Max; an infinite
	// bound is open.
	CondRange CondOp = 1
	// CondStrEq: the field is the string Str (compared bytewise).
	CondStrEq CondOp = 2
	// CondStrRange: the field is a string with Str <= v <= StrMax,
	// bytewise.
	CondStrRange CondOp = 3
	// CondExists: the path has a value, of any type.
	CondExists CondOp = 4
)

// Cond is one condition of a Filter on the field of the value at Path (a
// gjson path). Use the constructors (Eq, EqNum, Between, StrBetween,
// Exists).
type Cond struct {
	Path        string
	Op          CondOp
	Min, Max    float64 // CondEq (Min), CondRange
	Str, StrMax string  // CondStrEq (Str), CondStrRange
}

// Eq is the condition "the field at path is the string s".
func Eq(path, s string) Cond { return Cond{Path: path, Op: CondStrEq, Str: s} }

// EqNum is the condition "the field at path is the number v".
func EqNum(path string, v float64) Cond { return Cond{Path: path, Op: CondEq, Min: v, Max: v} }

// Between is the condition "the field at path is a number in [min, max]";
// math.Inf(-1) or math.Inf(1) leaves a side open.
func Between(path string, min, max float64) Cond {
	return Cond{Path: path, Op: CondRange, Min: min, Max: max}
}

// StrBetween is the condition "the field at path is a string in [lo, hi]",
// bytewise.
func StrBetween(path, lo, hi string) Cond {
	return Cond{Path: path, Op: CondStrRange, Str: lo, StrMax: hi}
}

// Exists is the condition "the value has a field at path".
func Exists(path string) Cond { return Cond{Path: path, Op: CondExists} }

// validate checks the filter before a query runs, so a bad one changes
// nothing and reports nothing.
func (f *Filter) validate() error {
	if f == nil {
		return nil
	}
	if err := checkPattern(f.Match); err != nil {
		return err
	}
	for i, c := range f.Where {
		if err := c.validate(); err != nil {
			return prefixErr(err, "condition %d", i)
		}
	}
	return nil
}

// checkPattern refuses a key pattern that ends inside an escape: BuntDB's
// matcher would read it as matching nothing, which is never what was meant.
func checkPattern(p string) error {
	esc := false
	for i := 0; i < len(p); i++ {
		esc = !esc && p[i] == '\\'
	}
	if esc {
		return invalidf("key pattern %q ends with a lone '\\'", truncate(p))
	}
	return nil
}

func (c Cond) validate() error {
	if c.Path == "" {
		return invalidf("empty JSON path")
	}
	switch c.Op {
	case CondEq:
		if math.IsNaN(c.Min) || math.IsInf(c.Min, 0) {
			return invalidf("path %q: equality with %g: want a finite number", c.Path, c.Min)
		}
	case CondStrEq:
	case CondRange:
		if math.IsNaN(c.Min) || math.IsNaN(c.Max) {
			return invalidf("path %q: a NaN bound", c.Path)
		}
		if c.Min > c.Max {
			return invalidf("path %q: min %g > max %g", c.Path, c.Min, c.Max)
		}
	case CondStrRange:
		if c.Str > c.StrMax {
			return invalidf("path %q: string bounds out of order", c.Path)
		}
	case CondExists:
	default:
		return invalidf("path %q: unknown condition operator %d", c.Path, int32(c.Op))
	}
	return nil
}

// active reports whether the filter can turn any item away.
func (f *Filter) active() bool {
	return f != nil && (f.Match != "" && f.Match != "*" || len(f.Where) > 0)
}

// filterRun is a checked Filter ready to test many items, made once per
// query (nil: no filter).
type filterRun struct {
	match matcher
	where []Cond
}

// prepare checks f and readies it; nil when it lets everything through.
func (f *Filter) prepare() (*filterRun, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	if !f.active() {
		return nil, nil
	}
	return &filterRun{match: newMatcher(f.Match), where: f.Where}, nil
}

// pass reports whether the item gets through.
func (r *filterRun) pass(key, value string) bool {
	if !r.match.match(key) {
		return false
	}
	for i := range r.where {
		if !r.where[i].holds(value) {
			return false
		}
	}
	return true
}

// matcher is a key pattern ready to test many keys. Most patterns are a
// prefix and a '*' ("player:*") or plain text: those are tested without
// BuntDB's general matcher, which costs several times more per key.
type matcher struct {
	kind    uint8
	pattern string // the pattern (matchGlob) or its literal part
}

const (
	matchAny uint8 = iota
	matchExact
	matchPrefix
	matchGlob
)

func newMatcher(p string) matcher {
	special := strings.IndexAny(p, "*?\\")
	switch {
	case p == "" || p == "*":
		return matcher{kind: matchAny}
	case special < 0:
		return matcher{kind: matchExact, pattern: p}
	case special == len(p)-1 && p[special] == '*':
		return matcher{kind: matchPrefix, pattern: p[:special]}
	}
	return matcher{kind: matchGlob, pattern: p}
}

func (m *matcher) match(key string) bool {
	switch m.kind {
	case matchAny:
		return true
	case matchExact:
		return key == m.pattern
	case matchPrefix:
		return strings.HasPrefix(key, m.pattern)
	}
	return matchKey(key, m.pattern)
}

func (c *Cond) holds(value string) bool {
	r := gjson.Get(value, c.Path)
	switch c.Op {
	case CondEq:
		return r.Type == gjson.Number && r.Num == c.Min
	case CondRange:
		return r.Type == gjson.Number && c.Min <= r.Num && r.Num <= c.Max
	case CondStrEq:
		return r.Type == gjson.String && r.Str == c.Str
	case CondStrRange:
		return r.Type == gjson.String && c.Str <= r.Str && r.Str <= c.StrMax
	case CondExists:
		return r.Exists()
	}
	return false
}
