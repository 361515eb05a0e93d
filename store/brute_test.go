package store

import "math"

// The reference answers the spatial tests compare the index with.

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
