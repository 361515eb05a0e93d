package store

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/tidwall/buntdb"
	"github.com/tidwall/gjson"
)

// MaxDims is the largest number of dimensions a spatial index holds.
const MaxDims = 20

// Rect is an axis-aligned box. A point has Min equal to Max. Both slices have
// the same length, from 1 to MaxDims.
type Rect struct {
	Min, Max []float64
}

// Point returns the box that holds exactly one point.
func Point(coords ...float64) Rect {
	return Rect{Min: coords, Max: coords}
}

// Box returns the box from min to max.
func Box(min, max []float64) Rect {
	return Rect{Min: min, Max: max}
}

// validate checks a box for use as a stored item or a query. Infinite bounds
// are allowed only in queries, where they mean "unbounded".
func (r Rect) validate(query bool) error {
	if len(r.Min) == 0 || len(r.Min) > MaxDims {
		return geometryf("%d dimensions, want 1 to %d", len(r.Min), MaxDims)
	}
	if len(r.Min) != len(r.Max) {
		return geometryf("min has %d dimensions and max has %d", len(r.Min), len(r.Max))
	}
	for i := range r.Min {
		lo, hi := r.Min[i], r.Max[i]
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return geometryf("NaN in dimension %d", i)
		}
		if !query && (math.IsInf(lo, 0) || math.IsInf(hi, 0)) {
			return geometryf("infinite coordinate in dimension %d", i)
		}
		if lo > hi {
			return geometryf("min %g > max %g in dimension %d", lo, hi, i)
		}
	}
	return nil
}

// contains reports whether r holds all of o, over the dimensions both have.
func (r Rect) contains(o Rect) bool {
	n := min(len(r.Min), len(o.Min))
	for i := 0; i < n; i++ {
		if o.Min[i] < r.Min[i] || o.Max[i] > r.Max[i] {
			return false
		}
	}
	return true
}

// distance is the Euclidean distance from point to the box (0 inside), over
// the dimensions both have: the distance BuntDB's nearest-first search
// reports.
func (r Rect) distance(point []float64) float64 {
	var sum float64
	for i := 0; i < len(point) && i < len(r.Min); i++ {
		var d float64
		switch p := point[i]; {
		case p < r.Min[i]:
			d = r.Min[i] - p
		case p > r.Max[i]:
			d = p - r.Max[i]
		}
		sum += d * d
	}
	return math.Sqrt(sum)
}

// String gives the box as BuntDB's rect text: "[1 2 3]" for a point,
// "[1 2],[3 4]" for a box.
func (r Rect) String() string {
	var b strings.Builder
	writeCoords := func(c []float64) {
		b.WriteByte('[')
		for i, v := range c {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte(']')
	}
	writeCoords(r.Min)
	isPoint := len(r.Min) == len(r.Max)
	for i := 0; isPoint && i < len(r.Min); i++ {
		isPoint = r.Min[i] == r.Max[i]
	}
	if !isPoint {
		b.WriteByte(',')
		writeCoords(r.Max)
	}
	return b.String()
}

// ParseRect reads BuntDB's rect text strictly: "[x y ...]" is a point and
// "[x y ...],[x y ...]" a box. Unlike BuntDB's lenient reader it refuses
// anything else instead of reading it as an empty or swapped box.
func ParseRect(s string) (Rect, error) {
	s = strings.TrimSpace(s)
	first, rest, isBox := strings.Cut(s, ",")
	lo, err := parseCoords(strings.TrimSpace(first))
	if err != nil {
		return Rect{}, err
	}
	hi := lo
	if isBox {
		if hi, err = parseCoords(strings.TrimSpace(rest)); err != nil {
			return Rect{}, err
		}
	}
	r := Rect{Min: lo, Max: hi}
	return r, r.validate(false)
}

func parseCoords(s string) ([]float64, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, geometryf("rect text %q: want [x y ...] or [x y ...],[x y ...]", truncate(s))
	}
	fields := strings.Fields(s[1 : len(s)-1])
	coords := make([]float64, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, geometryf("rect text: %q is not a number", truncate(f))
		}
		coords[i] = v
	}
	return coords, nil
}

// readGeometry reads an item's box from its value: through a gjson path when
// path is set, otherwise from the whole value as rect text.
func readGeometry(value, path string) (Rect, error) {
	if len(value) > 0 && value[0] == queryTag {
		// gjson skips a leading NUL, but rect would take the value for a
		// query (see queryTag) and read garbage or panic.
		return Rect{}, geometryf("the value starts with a NUL byte")
	}
	if path == "" {
		return ParseRect(value)
	}
	res := gjson.Get(value, path)
	var r Rect
	switch {
	case !res.Exists():
		return Rect{}, geometryf("no geometry at path %q", path)
	case res.Type == gjson.String:
		return ParseRect(res.Str)
	case res.IsArray():
		var err error
		if r, err = arrayGeometry(res); err != nil {
			return Rect{}, err
		}
	case res.IsObject():
		p, err := objectPoint(res)
		if err != nil {
			return Rect{}, err
		}
		r = Point(p...)
	default:
		return Rect{}, geometryf("value at path %q is %s, want an array, object or rect text", path, res.Type)
	}
	return r, r.validate(false)
}

// arrayGeometry reads [x, y, z] as a point and [[min...], [max...]] as a box.
func arrayGeometry(res gjson.Result) (Rect, error) {
	var nums []float64
	var arrays [][]float64
	var err error
	res.ForEach(func(_, v gjson.Result) bool {
		switch {
		case v.Type == gjson.Number && arrays == nil:
			nums = append(nums, v.Num)
		case v.IsArray() && nums == nil:
			var c []float64
			if c, err = numberArray(v); err == nil {
				arrays = append(arrays, c)
			}
		default:
			err = geometryf("array mixes numbers and other values")
		}
		return err == nil
	})
	switch {
	case err != nil:
		return Rect{}, err
	case nums != nil:
		return Point(nums...), nil
	case len(arrays) == 2:
		return Box(arrays[0], arrays[1]), nil
	}
	return Rect{}, geometryf("want [x, y, ...] or [[min...], [max...]]")
}

func numberArray(res gjson.Result) ([]float64, error) {
	var out []float64
	var err error
	res.ForEach(func(_, v gjson.Result) bool {
		if v.Type != gjson.Number {
			err = geometryf("coordinate %s is not a number", truncate(v.Raw))
			return false
		}
		out = append(out, v.Num)
		return true
	})
	return out, err
}

// objectPoint reads {"x": 1, "y": 2, "z": 3}: x, then y, then z, each a
// number, with no gap.
func objectPoint(res gjson.Result) ([]float64, error) {
	axes := [...]string{"x", "y", "z"}
	var out []float64
	for i, axis := range axes {
		v := res.Get(axis)
		if !v.Exists() {
			for _, later := range axes[i+1:] {
				if res.Get(later).Exists() {
					return nil, geometryf("object has %s without %s", later, axis)
				}
			}
			break
		}
		if v.Type != gjson.Number {
			return nil, geometryf("%s is not a number", axis)
		}
		out = append(out, v.Num)
	}
	if len(out) == 0 {
		return nil, geometryf("object has no numeric x")
	}
	return out, nil
}

// A query reaches BuntDB's R-tree through the index's rect function, which
// takes a string. Queries are encoded in binary behind a NUL byte: no stored
// value can start that way, because every stored value under a spatial index
// was read as JSON or rect text before it was written.
const queryTag = '\x00'

func encodeQuery(r Rect) string {
	buf := make([]byte, 2, 2+16*len(r.Min))
	buf[0], buf[1] = queryTag, byte(len(r.Min))
	for _, v := range r.Min {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	for _, v := range r.Max {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	return string(buf)
}

func decodeQuery(s string) (min, max []float64) {
	n := int(s[1])
	coords := make([]float64, 2*n)
	for i := range coords {
		coords[i] = math.Float64frombits(binary.LittleEndian.Uint64([]byte(s[2+8*i : 10+8*i])))
	}
	return coords[:n], coords[n:]
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// boxDistance is the Euclidean distance between two boxes (0 where they
// touch or overlap), over the dimensions both have.
func boxDistance(a, b Rect) float64 {
	var sum float64
	for i := 0; i < len(a.Min) && i < len(b.Min); i++ {
		var d float64
		switch {
		case a.Max[i] < b.Min[i]:
			d = b.Min[i] - a.Max[i]
		case b.Max[i] < a.Min[i]:
			d = a.Min[i] - b.Max[i]
		}
		sum += d * d
	}
	return math.Sqrt(sum)
}

func matchKey(key, pattern string) bool {
	return pattern == "*" || buntdb.Match(key, pattern)
}
