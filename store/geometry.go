package store

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	coords, dims, err := appendRectText(nil, s)
	if err != nil {
		return Rect{}, err
	}
	return Box(coords[:dims], coords[dims:]), nil
}

// readGeometry reads an item's box from its value: through a gjson path when
// path is set, otherwise from the whole value as rect text.
func readGeometry(value, path string) (Rect, error) {
	coords, dims, err := appendGeometry(nil, value, path)
	if err != nil {
		return Rect{}, err
	}
	return Box(coords[:dims], coords[dims:]), nil
}

// appendGeometry reads an item's box from its value, as readGeometry, and
// appends it to dst: the dims coordinates of the minimum, then the dims of
// the maximum. Writes parse into a buffer they reuse, so reading geometry
// allocates nothing.
func appendGeometry(dst []float64, value, path string) ([]float64, int, error) {
	if len(value) > 0 && value[0] == 0 {
		// gjson skips a leading NUL, which would let a binary value pass
		// for JSON; geometry is text, so such a value is refused.
		return dst, 0, geometryf("the value starts with a NUL byte")
	}
	if path == "" {
		return appendRectText(dst, value)
	}
	res := gjson.Get(value, path)
	start := len(dst)
	var err error
	switch {
	case !res.Exists():
		return dst, 0, geometryf("no geometry at path %q", path)
	case res.Type == gjson.String:
		return appendRectText(dst, res.Str)
	case res.IsArray():
		dst, err = appendArrayGeometry(dst, res)
	case res.IsObject():
		dst, err = appendObjectPoint(dst, res)
	default:
		return dst, 0, geometryf("value at path %q is %s, want an array, object or rect text", path, res.Type)
	}
	if err != nil {
		return dst[:start], 0, err
	}
	return checkAppended(dst, start)
}

// checkAppended validates the box appended to dst from start as a stored
// item's geometry and returns its number of dimensions.
func checkAppended(dst []float64, start int) ([]float64, int, error) {
	n := (len(dst) - start) / 2
	r := Box(dst[start:start+n], dst[start+n:])
	if err := r.validate(false); err != nil {
		return dst[:start], 0, err
	}
	return dst, n, nil
}

// appendRectText reads rect text (see ParseRect) into dst.
func appendRectText(dst []float64, s string) ([]float64, int, error) {
	start := len(dst)
	s = strings.TrimSpace(s)
	first, rest, isBox := strings.Cut(s, ",")
	dst, err := appendCoords(dst, strings.TrimSpace(first))
	if err != nil {
		return dst[:start], 0, err
	}
	n := len(dst) - start
	if isBox {
		if dst, err = appendCoords(dst, strings.TrimSpace(rest)); err != nil {
			return dst[:start], 0, err
		}
		if m := len(dst) - start - n; m != n {
			return dst[:start], 0, geometryf("min has %d dimensions and max has %d", n, m)
		}
	} else {
		dst = append(dst, dst[start:start+n]...)
	}
	return checkAppended(dst, start)
}

// appendCoords reads "[x y ...]": numbers separated by white space.
func appendCoords(dst []float64, s string) ([]float64, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return dst, geometryf("rect text %q: want [x y ...] or [x y ...],[x y ...]", truncate(s))
	}
	s = s[1 : len(s)-1]
	for n := 0; ; n++ {
		f, rest := nextField(s)
		if f == "" {
			return dst, nil
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return dst, geometryf("rect text: %q is not a number", truncate(f))
		}
		if n > 4*MaxDims { // enough to say how many dimensions are too many
			return dst, geometryf("more than %d dimensions", MaxDims)
		}
		dst = append(dst, v)
		s = rest
	}
}

// nextField splits off the first field of s as strings.Fields would, without
// allocating: ASCII white space on the fast path, Unicode otherwise.
func nextField(s string) (field, rest string) {
	i := 0
	for i < len(s) && asciiSpace(s[i]) {
		i++
	}
	s = s[i:]
	for j := 0; j < len(s); j++ {
		if s[j] >= utf8.RuneSelf {
			return unicodeField(s)
		}
		if asciiSpace(s[j]) {
			return s[:j], s[j:]
		}
	}
	return s, ""
}

func unicodeField(s string) (field, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// appendArrayGeometry reads [x, y, z] as a point and [[min...], [max...]] as
// a box.
func appendArrayGeometry(dst []float64, res gjson.Result) ([]float64, error) {
	start := len(dst)
	nums, arrays := 0, 0
	var lens [2]int
	var err error
	res.ForEach(func(_, v gjson.Result) bool {
		switch {
		case v.Type == gjson.Number && arrays == 0:
			dst = append(dst, v.Num)
			nums++
		case v.IsArray() && nums == 0:
			before := len(dst)
			if dst, err = appendNumberArray(dst, v); err == nil {
				if arrays < 2 {
					lens[arrays] = len(dst) - before
				}
				arrays++
			}
		default:
			err = geometryf("array mixes numbers and other values")
		}
		if err == nil && len(dst)-start > 4*MaxDims {
			err = geometryf("more than %d dimensions", MaxDims)
		}
		return err == nil
	})
	switch {
	case err != nil:
		return dst[:start], err
	case nums > 0:
		return append(dst, dst[start:]...), nil
	case arrays == 2 && lens[0] != lens[1]:
		return dst[:start], geometryf("min has %d dimensions and max has %d", lens[0], lens[1])
	case arrays == 2:
		return dst, nil
	}
	return dst[:start], geometryf("want [x, y, ...] or [[min...], [max...]]")
}

func appendNumberArray(dst []float64, res gjson.Result) ([]float64, error) {
	start := len(dst)
	var err error
	res.ForEach(func(_, v gjson.Result) bool {
		if v.Type != gjson.Number {
			err = geometryf("coordinate %s is not a number", truncate(v.Raw))
			return false
		}
		dst = append(dst, v.Num)
		return len(dst)-start <= 4*MaxDims
	})
	return dst, err
}

// appendObjectPoint reads {"x": 1, "y": 2, "z": 3}: x, then y, then z, each
// a number, with no gap.
func appendObjectPoint(dst []float64, res gjson.Result) ([]float64, error) {
	start := len(dst)
	axes := [...]string{"x", "y", "z"}
	for i, axis := range axes {
		v := res.Get(axis)
		if !v.Exists() {
			for _, later := range axes[i+1:] {
				if res.Get(later).Exists() {
					return dst[:start], geometryf("object has %s without %s", later, axis)
				}
			}
			break
		}
		if v.Type != gjson.Number {
			return dst[:start], geometryf("%s is not a number", axis)
		}
		dst = append(dst, v.Num)
	}
	if len(dst) == start {
		return dst, geometryf("object has no numeric x")
	}
	return append(dst, dst[start:]...), nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func matchKey(key, pattern string) bool {
	return pattern == "*" || buntdb.Match(key, pattern)
}
