package store

import (
	"fmt"
	"slices"
	"strings"
)

// Indexes change inside a write transaction like data does: an index made
// there exists for the rest of the transaction (its queries and writes
// see it), a rollback takes it away, and a commit saves the definitions
// beside the file. BuntDB undoes its own ordered indexes on rollback; the
// registry (DB.indexes, DB.spatial) is put back from this log, and a
// spatial index made in the transaction simply goes with it: the undo log
// of its items (spatialtx.go) only touches an index nothing names any more.

// indexChange is one change to the registry: def was added (else dropped,
// and fences with it).
type indexChange struct {
	def    *indexDef
	added  bool
	fences []*fenceDef
}

// CreateIndex is DB.CreateIndex inside the transaction, which must be
// writable.
func (tx *Tx) CreateIndex(name, pattern string, kind IndexKind, path string) error {
	if kind == indexSpatial {
		// The spatial kind is internal: R-trees come from CreateSpatialIndex.
		return invalidf("index kind %d", int32(kind))
	}
	return tx.createIndex(IndexInfo{Name: name, Pattern: pattern, Kind: kind, Path: path})
}

// CreateSpatialIndex is DB.CreateSpatialIndex inside the transaction, which
// must be writable. Writes later in the transaction update the new index;
// a rollback removes it.
func (tx *Tx) CreateSpatialIndex(name, pattern, path string) error {
	return tx.createIndex(IndexInfo{Name: name, Pattern: pattern, Kind: indexSpatial, Path: path})
}

func (tx *Tx) createIndex(info IndexInfo) error {
	if err := tx.check(true); err != nil {
		return err
	}
	if err := info.validate(); err != nil {
		return err
	}
	if old, ok := tx.db.indexes[info.Name]; ok {
		if old.IndexInfo == info {
			return nil
		}
		return fmt.Errorf("%w: %q is %s over %q; drop it first to redefine it",
			ErrIndexExists, info.Name, old.Kind, old.Pattern)
	}
	if err := tx.addIndex(info); err != nil {
		return err
	}
	tx.indexLog = append(tx.indexLog, indexChange{def: tx.db.indexes[info.Name], added: true})
	return nil
}

// DropIndex is DB.DropIndex inside the transaction, which must be
// writable: the index (and the fences on it) is gone for the rest of it,
// and back after a rollback.
func (tx *Tx) DropIndex(name string) error {
	if err := tx.check(true); err != nil {
		return err
	}
	if name == "" {
		return invalidf("empty index name")
	}
	d, ok := tx.db.indexes[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoIndex, name)
	}
	if !d.Spatial() {
		if err := tx.engine.DropIndex(name); err != nil {
			return wrapEngine(err)
		}
	}
	tx.db.forget(d)
	tx.indexLog = append(tx.indexLog, indexChange{def: d, fences: tx.db.fences.dropOn(d)})
	return nil
}

// Indexes lists the indexes the transaction sees (those it made included),
// ordered by name.
func (tx *Tx) Indexes() ([]IndexInfo, error) {
	if err := tx.check(false); err != nil {
		return nil, err
	}
	out := make([]IndexInfo, 0, len(tx.db.indexes))
	for _, d := range tx.db.indexes {
		out = append(out, d.IndexInfo)
	}
	slices.SortFunc(out, func(a, b IndexInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// undoIndexes puts the registry back as it was before the transaction,
// newest change first.
func (tx *Tx) undoIndexes() {
	for i := len(tx.indexLog) - 1; i >= 0; i-- {
		c := tx.indexLog[i]
		if c.added {
			tx.db.forget(c.def)
		} else {
			tx.db.remember(c.def)
			tx.db.fences.add(c.fences...) // filled again from the index, as it is again
		}
	}
	tx.indexLog = nil
}

// saveIndexLog saves the definitions at commit if the transaction changed
// them.
func (tx *Tx) saveIndexLog() error {
	if len(tx.indexLog) == 0 {
		return nil
	}
	return tx.db.saveIndexes()
}
