package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"spatialstore/store"
)

// line is one JSON line of scan, the queries, export and import. Keys and
// values are bytes: one that is not UTF-8 goes in the _base64 field
// instead, so nothing is lost in the round trip.
type line struct {
	Index       *indexLine `json:"index,omitempty"`
	Key         *string    `json:"key,omitempty"`
	KeyBase64   string     `json:"key_base64,omitempty"`
	Value       *string    `json:"value,omitempty"`
	ValueBase64 string     `json:"value_base64,omitempty"`
	Dist        *float64   `json:"dist,omitempty"`
	TTLMillis   int64      `json:"ttl_ms,omitempty"`
}

// indexLine is an index definition in an export.
type indexLine struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"`
	Kind    string `json:"kind"`
	Path    string `json:"path,omitempty"`
}

func textOrBase64(s string) (*string, string) {
	if utf8.ValidString(s) {
		return &s, ""
	}
	return nil, base64.StdEncoding.EncodeToString([]byte(s))
}

func fromTextOrBase64(text *string, b64, what string, n int) (string, error) {
	switch {
	case text != nil && b64 != "":
		return "", fmt.Errorf("line %d: both %s and %s_base64", n, what, what)
	case text != nil:
		return *text, nil
	case b64 != "":
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("line %d: %s_base64: %v", n, what, err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("line %d: no %s", n, what)
}

// lines writes JSON lines and keeps the first write error.
type lines struct {
	w   *bufio.Writer
	enc *json.Encoder
	err error
}

func newLines(w io.Writer) *lines {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &lines{w: bw, enc: enc}
}

// item writes one item; it returns false once writing failed, which stops
// the query feeding it.
func (l *lines) item(k, v string, dist *float64) bool {
	var ln line
	ln.Key, ln.KeyBase64 = textOrBase64(k)
	ln.Value, ln.ValueBase64 = textOrBase64(v)
	ln.Dist = dist
	return l.write(ln)
}

func (l *lines) write(ln line) bool {
	if l.err == nil {
		l.err = l.enc.Encode(ln)
	}
	return l.err == nil
}

// done flushes and returns the query's error, else the first write error.
func (l *lines) done(err error) error {
	if ferr := l.w.Flush(); l.err == nil {
		l.err = ferr
	}
	if err != nil {
		return err
	}
	return l.err
}

var exportOut string

func exportFlags(fs *flag.FlagSet) {
	fs.StringVar(&exportOut, "out", "", "write to this file instead of stdout (replaced whole, atomically)")
}

// cmdExport writes the index definitions, then every live item with the
// time it has left, in one read transaction.
func cmdExport(e env, _ *flag.FlagSet, args []string) error {
	w := e.stdout
	var tmp *os.File
	if exportOut != "" {
		var err error
		if tmp, err = os.CreateTemp(filepath.Dir(exportOut), ".export-*"); err != nil {
			return err
		}
		defer func() { _ = os.Remove(tmp.Name()) }()
		w = tmp
	}
	out := newLines(w)
	err := withDB(args[0], func(db *store.DB) error {
		infos, err := db.Indexes()
		if err != nil {
			return err
		}
		for _, in := range infos {
			out.write(line{Index: &indexLine{Name: in.Name, Pattern: in.Pattern, Kind: in.Kind.String(), Path: in.Path}})
		}
		return db.View(func(tx *store.Tx) error {
			var terr error
			err := tx.Scan("", store.Range{}, func(k, v string) bool {
				ttl, err := tx.TTL(k)
				if err != nil {
					terr = err
					return false
				}
				var ln line
				ln.Key, ln.KeyBase64 = textOrBase64(k)
				ln.Value, ln.ValueBase64 = textOrBase64(v)
				if ttl > 0 {
					ln.TTLMillis = max(ttl.Milliseconds(), 1)
				}
				return out.write(ln)
			})
			if terr != nil {
				return terr
			}
			return err
		})
	})
	if err = out.done(err); err != nil || tmp == nil {
		if tmp != nil {
			_ = tmp.Close()
		}
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), exportOut)
}

var importIn string

func importFlags(fs *flag.FlagSet) {
	fs.StringVar(&importIn, "in", "", "read this file instead of stdin")
}

// maxImportLine bounds one JSON line of an import.
const maxImportLine = 256 << 20

// cmdImport reads a whole export first (a malformed line changes nothing),
// creates its indexes, then writes every item in one transaction. If the
// items are refused (a value a spatial index cannot read, say), the
// indexes this import created are dropped again.
func cmdImport(e env, _ *flag.FlagSet, args []string) error {
	in := e.stdin
	if importIn != "" {
		f, err := os.Open(importIn)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		in = f
	}
	var indexes []indexLine
	var items []store.Item
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxImportLine)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var ln line
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ln); err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return fmt.Errorf("line %d: more than one JSON value", n)
		}
		if ln.Index != nil {
			if ln.Key != nil || ln.KeyBase64 != "" {
				return fmt.Errorf("line %d: an index and an item in one line", n)
			}
			indexes = append(indexes, *ln.Index)
			continue
		}
		k, err := fromTextOrBase64(ln.Key, ln.KeyBase64, "key", n)
		if err != nil {
			return err
		}
		v, err := fromTextOrBase64(ln.Value, ln.ValueBase64, "value", n)
		if err != nil {
			return err
		}
		if ln.TTLMillis < 0 {
			return fmt.Errorf("line %d: ttl_ms %d", n, ln.TTLMillis)
		}
		items = append(items, store.Item{Key: k, Value: v, TTL: time.Duration(ln.TTLMillis) * time.Millisecond})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return withDB(args[0], func(db *store.DB) error {
		existing, err := db.Indexes()
		if err != nil {
			return err
		}
		had := map[string]bool{}
		for _, in := range existing {
			had[in.Name] = true
		}
		var created []string
		undo := func(cause error) error {
			for _, name := range created {
				if err := db.DropIndex(name); err != nil {
					return errors.Join(cause, err)
				}
			}
			return cause
		}
		for _, ix := range indexes {
			if err := createIndex(db, ix); err != nil {
				return undo(fmt.Errorf("index %q: %w", ix.Name, err))
			}
			if !had[ix.Name] {
				created = append(created, ix.Name)
			}
		}
		if err := db.SetMany(items); err != nil {
			return undo(err)
		}
		fmt.Fprintf(e.stdout, "imported %d indexes and %d items into %s\n", len(indexes), len(items), args[0])
		return nil
	})
}

func createIndex(db *store.DB, ix indexLine) error {
	if ix.Kind == "spatial" {
		return db.CreateSpatialIndex(ix.Name, ix.Pattern, ix.Path)
	}
	for k := store.IndexString; k <= store.IndexJSONCaseSensitive; k++ {
		if k.String() == ix.Kind {
			return db.CreateIndex(ix.Name, ix.Pattern, k, ix.Path)
		}
	}
	return fmt.Errorf("unknown kind %q", ix.Kind)
}
