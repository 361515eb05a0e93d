package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tidwall/buntdb"
)

// IndexKind says how an ordered index compares values.
type IndexKind int32

// The kinds of ordered index. The numbers are part of the C API.
const (
	IndexString            IndexKind = 0 // case-insensitive text
	IndexBinary            IndexKind = 1 // bytes, as memcmp orders them
	IndexInt               IndexKind = 2 // decimal signed integers
	IndexUint              IndexKind = 3 // decimal unsigned integers
	IndexFloat             IndexKind = 4 // decimal floating point
	IndexJSON              IndexKind = 5 // the value at a gjson path, case-insensitive
	IndexJSONCaseSensitive IndexKind = 6 // the value at a gjson path, case-sensitive
	indexSpatial           IndexKind = 100
)

func (k IndexKind) String() string {
	switch k {
	case IndexString:
		return "string"
	case IndexBinary:
		return "binary"
	case IndexInt:
		return "int"
	case IndexUint:
		return "uint"
	case IndexFloat:
		return "float"
	case IndexJSON:
		return "json"
	case IndexJSONCaseSensitive:
		return "json-case-sensitive"
	case indexSpatial:
		return "spatial"
	}
	return fmt.Sprintf("IndexKind(%d)", int32(k))
}

// IndexInfo describes an index.
type IndexInfo struct {
	Name    string    `json:"name"`
	Pattern string    `json:"pattern"`
	Kind    IndexKind `json:"kind"`
	Path    string    `json:"path,omitempty"` // gjson path, for JSON and spatial indexes
}

// Spatial reports whether the index is an R-tree.
func (i IndexInfo) Spatial() bool { return i.Kind == indexSpatial }

type indexDef struct {
	IndexInfo
	order func(a, b string) bool // nil for a spatial index
	ix    *spatialIndex          // the R-trees of a spatial index; nil otherwise
}

func (d *indexDef) matches(key string) bool { return matchKey(key, d.Pattern) }

func (d *indexDef) less() func(a, b string) bool {
	switch d.Kind {
	case IndexString:
		return buntdb.IndexString
	case IndexBinary:
		return buntdb.IndexBinary
	case IndexInt:
		return buntdb.IndexInt
	case IndexUint:
		return buntdb.IndexUint
	case IndexFloat:
		return buntdb.IndexFloat
	case IndexJSON:
		return buntdb.IndexJSON(d.Path)
	case IndexJSONCaseSensitive:
		return buntdb.IndexJSONCaseSensitive(d.Path)
	}
	return nil
}

func (info IndexInfo) validate() error {
	switch {
	case info.Name == "":
		return invalidf("empty index name (the empty name stands for the keys themselves)")
	case info.Pattern == "":
		return invalidf("empty key pattern for index %q (use \"*\" for every key)", info.Name)
	case info.Kind < IndexString || (info.Kind > IndexJSONCaseSensitive && info.Kind != indexSpatial):
		return invalidf("index kind %d", int32(info.Kind))
	case (info.Kind == IndexJSON || info.Kind == IndexJSONCaseSensitive) && info.Path == "":
		return invalidf("index %q: a JSON index needs a path", info.Name)
	case info.Kind < IndexJSON && info.Path != "":
		return invalidf("index %q: a %s index takes no JSON path", info.Name, info.Kind)
	}
	return nil
}

// CreateIndex builds an ordered index over the values of the keys that
// match pattern ('*' any run of characters, '?' one). kind says how values
// compare; path is the gjson path for the JSON kinds and empty otherwise.
// Creating an index that exists with the same definition does nothing; with
// another definition it gives ErrIndexExists. On a file store the
// definition is saved beside the file and restored by Open.
func (db *DB) CreateIndex(name, pattern string, kind IndexKind, path string) error {
	return db.update(func(tx *Tx) error { return tx.CreateIndex(name, pattern, kind, path) })
}

// CreateSpatialIndex builds an R-tree over the geometry of the values of
// the keys that match pattern. With a gjson path the geometry is read from
// the value at that path: [x, y, z] is a point, [[min...], [max...]] a box,
// {"x":..,"y":..,"z":..} a point, a string is rect text. With an empty path
// the whole value is rect text ("[1 2 3]" or "[1 2],[3 4]"). From 1 to 20
// dimensions. If an existing item under pattern has no readable geometry
// the index is refused with ErrInvalidGeometry naming the key.
func (db *DB) CreateSpatialIndex(name, pattern, path string) error {
	return db.update(func(tx *Tx) error { return tx.CreateSpatialIndex(name, pattern, path) })
}

// addIndex builds the index inside a writable transaction.
func (tx *Tx) addIndex(info IndexInfo) error {
	d := &indexDef{IndexInfo: info}
	if info.Spatial() {
		ix, err := tx.loadSpatial(info)
		if err != nil {
			return err
		}
		d.ix = ix
	} else {
		d.order = d.less()
		if err := tx.engine.CreateIndex(info.Name, info.Pattern, d.order); err != nil {
			return wrapEngine(err)
		}
	}
	// Nothing below can fail, so the registry never names an index that a
	// rollback took away.
	tx.db.remember(d)
	return nil
}

// loadSpatial builds the store's own index over the live items under the
// definition's pattern, bulk-loaded. BuntDB holds no spatial index: its
// R-tree is what this replaces. An item whose geometry cannot be read
// refuses the index, naming the key.
func (tx *Tx) loadSpatial(info IndexInfo) (*spatialIndex, error) {
	ix := newSpatialIndex()
	// Count first, so every array is made once at its size (a pass over
	// the keys costs far less than parsing them).
	var b bulk
	err := tx.engine.AscendKeys(info.Pattern, func(_, _ string) bool { b.n++; return true })
	if err != nil {
		return nil, wrapEngine(err)
	}
	ix.reserve(b.n)
	var coords []float64
	var bad error
	now := time.Now().UnixNano()
	err = tx.engine.AscendKeys(info.Pattern, func(key, value string) bool {
		var dims int
		var gerr error
		coords, dims, gerr = appendGeometry(coords[:0], value, info.Path)
		if gerr != nil {
			bad = prefixErr(gerr, "index %q: existing key %q", info.Name, truncate(key))
			return false
		}
		var expires int64
		if tx.db.mayExpire.Load() {
			if ttl, err := tx.engine.TTL(key); err == nil && ttl > 0 {
				expires = deadline(now, ttl)
			}
		}
		ix.add(&b, key, value, coords, dims, expires)
		return true
	})
	if bad != nil {
		return nil, bad
	}
	if err != nil {
		return nil, wrapEngine(err)
	}
	ix.load(&b)
	return ix, nil
}

// DropIndex removes an index; its items stay. The fences on a spatial
// index go with it. An unknown name gives ErrNoIndex.
func (db *DB) DropIndex(name string) error {
	return db.update(func(tx *Tx) error { return tx.DropIndex(name) })
}

// remember and forget keep the registry in step with BuntDB's indexes;
// both run inside a write transaction.
func (db *DB) remember(d *indexDef) {
	db.indexes[d.Name] = d
	if d.Spatial() {
		db.spatial = append(db.spatial[:len(db.spatial):len(db.spatial)], d)
	}
}

func (db *DB) forget(d *indexDef) {
	delete(db.indexes, d.Name)
	spatial := make([]*indexDef, 0, len(db.spatial))
	for _, x := range db.spatial {
		if x != d {
			spatial = append(spatial, x)
		}
	}
	db.spatial = spatial
}

// Indexes lists the indexes, ordered by name.
func (db *DB) Indexes() (out []IndexInfo, err error) {
	err = db.view(func(tx *Tx) error { out, err = tx.Indexes(); return err })
	return out, err
}

// The index definitions of a file store live in path+".idx", as JSON,
// rewritten atomically on every change.
func indexFile(path string) string { return path + ".idx" }

type indexFileContent struct {
	Version int         `json:"version"`
	Indexes []IndexInfo `json:"indexes"`
	// Fences came later: a file without them reads as having none, and
	// an older reader ignores them.
	Fences []Fence `json:"fences,omitempty"`
}

func (db *DB) saveIndexes() error {
	if db.path == "" {
		return nil
	}
	content := indexFileContent{Version: 1, Indexes: []IndexInfo{}}
	for _, d := range db.indexes {
		content.Indexes = append(content.Indexes, d.IndexInfo)
	}
	for _, f := range db.fences.list {
		content.Fences = append(content.Fences, f.Fence)
	}
	data, err := json.MarshalIndent(content, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrIO, err)
	}
	return writeFileAtomic(indexFile(db.path), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func readIndexFile(path string) (indexFileContent, error) {
	var content indexFileContent
	data, err := os.ReadFile(indexFile(path))
	if errors.Is(err, os.ErrNotExist) {
		return content, nil
	}
	if err != nil {
		return content, fmt.Errorf("%w: %v", ErrIO, err)
	}
	if err := json.Unmarshal(data, &content); err != nil || content.Version != 1 {
		return indexFileContent{}, fmt.Errorf("%w: %s is not an index file this version reads", ErrCorrupt, indexFile(path))
	}
	for _, info := range content.Indexes {
		if err := info.validate(); err != nil {
			return indexFileContent{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, indexFile(path), err)
		}
	}
	for _, f := range content.Fences {
		if err := f.validate(); err != nil {
			return indexFileContent{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, indexFile(path), err)
		}
	}
	return content, nil
}
