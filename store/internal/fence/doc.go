// Package fence keeps geofences over one spatial index: which keys each
// fence holds, and the enter and exit events a commit causes. It knows
// nothing of transactions or files; the store calls it at each commit with
// the keys the commit changed, resolved to their new boxes, and keeps the
// events in a Queue until the program polls them.
//
// An item is inside a fence when its key matches the fence's pattern and
// the Euclidean distance from its box to the fence's region, over the
// dimensions both have, is at most the fence's radius: a Box fence's region
// is its box with radius 0 (touching counts), a Radius fence's is a point,
// and a Roam fence's is the box of its anchor key in the same index (no
// anchor, no members; the anchor is never its own member).
//
// Nothing here locks: the store calls it under its write lock.
package fence
