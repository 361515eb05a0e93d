package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"

	"spatialstore/store"
)

// The spatial commands follow Tile38's shape: the index (Tile38's key)
// first, then options, then the area:
//
//	INTERSECTS index [LIMIT n] BOUNDS min1 .. minD max1 .. maxD
//	WITHIN     index [LIMIT n] BOUNDS min1 .. minD max1 .. maxD
//	NEARBY     index [LIMIT k] [DISTANCE d] POINT c1 .. cD
//
// The options may come in any order, before or after the area. Replies are
// an array with one [key, value] array per hit ([key, value, distance] for
// NEARBY, nearest first).

// spatialArgs are the parsed options of a spatial query.
type spatialArgs struct {
	limit   int
	maxDist float64
	coords  []float64
	area    string // "bounds" or "point"
}

func parseSpatialArgs(args [][]byte, area string, dist bool) (spatialArgs, error) {
	a := spatialArgs{maxDist: -1}
	for i := 0; i < len(args); i++ {
		var lower [16]byte
		word := string(lowerASCII(lower[:0], args[i]))
		switch {
		case word == "limit" && i+1 < len(args):
			n, err := parseCount(args[i+1])
			if err != nil {
				return a, errors.New("ERR LIMIT wants a count >= 0")
			}
			a.limit = n
			i++
		case word == "distance" && dist && i+1 < len(args):
			d, err := strconv.ParseFloat(string(args[i+1]), 64)
			if err != nil || math.IsNaN(d) || d < 0 {
				return a, errors.New("ERR DISTANCE wants a number >= 0")
			}
			a.maxDist = d
			i++
		case word == area && a.area == "":
			a.area = area
			for i+1 < len(args) {
				f, err := strconv.ParseFloat(string(args[i+1]), 64)
				if err != nil {
					break
				}
				if math.IsNaN(f) {
					return a, errNotFloat
				}
				a.coords = append(a.coords, f)
				i++
			}
		default:
			return a, fmt.Errorf("ERR syntax error at '%s'", truncate(string(args[i])))
		}
	}
	switch {
	case a.area == "":
		return a, fmt.Errorf("ERR missing %s", strings.ToUpper(area))
	case len(a.coords) == 0:
		return a, fmt.Errorf("ERR %s wants coordinates", strings.ToUpper(area))
	case area == "bounds" && len(a.coords)%2 != 0:
		return a, errors.New("ERR BOUNDS wants as many maximum coordinates as minimum ones")
	case len(a.coords) > 2*store.MaxDims:
		return a, fmt.Errorf("ERR at most %d dimensions", store.MaxDims)
	}
	return a, nil
}

// parseBoxQuery serves INTERSECTS and WITHIN.
func parseBoxQuery(c *client, args [][]byte) (op, error) {
	index := string(args[1])
	a, err := parseSpatialArgs(args[2:], "bounds", false)
	if err != nil {
		return op{}, err
	}
	d := len(a.coords) / 2
	box := store.Box(a.coords[:d], a.coords[d:])
	within := len(args[0]) == 6
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		hits := c.hits()
		visit := func(key, value string) bool {
			hits.WriteArray(2)
			hits.WriteBulkString(key)
			hits.WriteBulkString(value)
			c.nhits++
			return true
		}
		var err error
		if within {
			err = rw.Within(index, box, a.limit, visit)
		} else {
			err = rw.Intersects(index, box, a.limit, visit)
		}
		return c.writeHits(w, err)
	}}, nil
}

func parseNearby(c *client, args [][]byte) (op, error) {
	index := string(args[1])
	a, err := parseSpatialArgs(args[2:], "point", true)
	if err != nil {
		return op{}, err
	}
	if len(a.coords) > store.MaxDims {
		return op{}, fmt.Errorf("ERR at most %d dimensions", store.MaxDims)
	}
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		hits := c.hits()
		var num []byte
		err := rw.Nearby(index, a.coords, a.limit, a.maxDist, func(key, value string, dist float64) bool {
			hits.WriteArray(3)
			hits.WriteBulkString(key)
			hits.WriteBulkString(value)
			num = strconv.AppendFloat(num[:0], dist, 'g', -1, 64)
			hits.WriteBulk(num)
			c.nhits++
			return true
		})
		return c.writeHits(w, err)
	}}, nil
}

// parseIScan serves ISCAN index [GE lo] [LT hi] [DESC] [LIMIT n]: the items
// of an ordered index (the empty name: the keys) with lo <= value < hi in
// the index's order, as [key, value] arrays.
func parseIScan(c *client, args [][]byte) (op, error) {
	index := string(args[1])
	var r store.Range
	for i := 2; i < len(args); i++ {
		var lower [8]byte
		word := string(lowerASCII(lower[:0], args[i]))
		switch {
		case word == "ge" && i+1 < len(args):
			r.Lo, r.HasLo = string(args[i+1]), true
			i++
		case word == "lt" && i+1 < len(args):
			r.Hi, r.HasHi = string(args[i+1]), true
			i++
		case word == "limit" && i+1 < len(args):
			n, err := parseCount(args[i+1])
			if err != nil {
				return op{}, errors.New("ERR LIMIT wants a count >= 0")
			}
			r.Limit = n
			i++
		case word == "desc":
			r.Desc = true
		default:
			return op{}, fmt.Errorf("ERR syntax error at '%s'", truncate(string(args[i])))
		}
	}
	return op{run: func(rw store.ReadWriter, w *redcon.Writer) error {
		hits := c.hits()
		err := rw.Scan(index, r, func(key, value string) bool {
			hits.WriteArray(2)
			hits.WriteBulkString(key)
			hits.WriteBulkString(value)
			c.nhits++
			return true
		})
		return c.writeHits(w, err)
	}}, nil
}

// hits starts a list of results: they are written to a scratch writer
// first, since the array's length comes before them.
func (c *client) hits() *redcon.Writer {
	c.items.SetBuffer(nil)
	c.nhits = 0
	return c.items
}

// writeHits writes the array of hits to w, or returns the query's error.
func (c *client) writeHits(w *redcon.Writer, err error) error {
	if err != nil {
		c.items.SetBuffer(nil)
		return err
	}
	w.WriteArray(c.nhits)
	c.itemsTo = w
	return c.items.Flush()
}

// parseIndex serves index management:
//
//	INDEX CREATE name pattern SPATIAL [path]
//	INDEX CREATE name pattern STRING|BINARY|INT|UINT|FLOAT
//	INDEX CREATE name pattern JSON|JSONCS path
//	INDEX DROP name
//	INDEX LIST
func parseIndex(c *client, args [][]byte) (op, error) {
	var lower [8]byte
	db := c.s.db
	switch sub := string(lowerASCII(lower[:0], args[1])); {
	case sub == "create" && (len(args) == 5 || len(args) == 6):
		name, pattern := string(args[2]), string(args[3])
		path := ""
		if len(args) == 6 {
			path = string(args[5])
		}
		var kindBuf [8]byte
		kindName := string(lowerASCII(kindBuf[:0], args[4]))
		if kindName == "spatial" {
			return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
				if err := db.CreateSpatialIndex(name, pattern, path); err != nil {
					return err
				}
				ok(w)
				return nil
			}}, nil
		}
		kind, found := indexKinds[kindName]
		json := kind == store.IndexJSON || kind == store.IndexJSONCaseSensitive
		if !found || json != (len(args) == 6) {
			return op{}, errors.New("ERR INDEX CREATE name pattern SPATIAL [path] | STRING | BINARY | INT | UINT | FLOAT | JSON path | JSONCS path")
		}
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
			if err := db.CreateIndex(name, pattern, kind, path); err != nil {
				return err
			}
			ok(w)
			return nil
		}}, nil
	case sub == "drop" && len(args) == 3:
		name := string(args[2])
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
			if err := db.DropIndex(name); err != nil {
				return err
			}
			ok(w)
			return nil
		}}, nil
	case sub == "list" && len(args) == 2:
		return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
			infos, err := db.Indexes()
			if err != nil {
				return err
			}
			w.WriteArray(len(infos))
			for _, in := range infos {
				w.WriteArray(4)
				w.WriteBulkString(in.Name)
				w.WriteBulkString(in.Pattern)
				w.WriteBulkString(in.Kind.String())
				w.WriteBulkString(in.Path)
			}
			return nil
		}}, nil
	}
	return op{}, fmt.Errorf("ERR unknown subcommand or wrong number of arguments for 'INDEX %s': CREATE, DROP, LIST", truncate(string(args[1])))
}

var indexKinds = map[string]store.IndexKind{
	"string": store.IndexString, "binary": store.IndexBinary, "int": store.IndexInt,
	"uint": store.IndexUint, "float": store.IndexFloat, "json": store.IndexJSON, "jsoncs": store.IndexJSONCaseSensitive,
}
