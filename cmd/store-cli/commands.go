package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"spatialstore/store"
)

// open opens an existing data file. The store has no read-only mode: the
// commands that only read make no write of their own, and background
// rewrites are off; an open still drops a torn last write, as any open does.
func open(path string) (*store.DB, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	opts := store.DefaultOptions()
	opts.AutoShrinkDisabled = true
	return store.Open(path, &opts)
}

// withDB runs fn on the store at path and closes it, reporting the first
// error.
func withDB(path string, fn func(db *store.DB) error) error {
	db, err := open(path)
	if err != nil {
		return err
	}
	err = fn(db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func cmdStats(e env, _ *flag.FlagSet, args []string) error {
	path := args[0]
	r, err := store.CheckFile(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return withDB(path, func(db *store.DB) error {
		total, err := db.Len()
		if err != nil {
			return err
		}
		live := 0
		if err := db.Scan("", store.Range{}, func(string, string) bool { live++; return true }); err != nil {
			return err
		}
		infos, err := db.Indexes()
		if err != nil {
			return err
		}
		w := e.stdout
		fmt.Fprintf(w, "file: %s\n", path)
		fmt.Fprintf(w, "size: %d bytes\n", r.Size)
		fmt.Fprintf(w, "records: %d (writes and deletes since the last shrink)\n", r.Records)
		if r.Records > 0 {
			fmt.Fprintf(w, "last commit: record at byte offset %d, file written %s\n", r.LastRecord, fi.ModTime().UTC().Format(time.RFC3339))
		}
		if r.Torn {
			fmt.Fprintf(w, "torn end: a write cut short at byte offset %d (dropped on open)\n", r.Good)
		}
		fmt.Fprintf(w, "keys: %d\n", live)
		fmt.Fprintf(w, "expired, not yet swept: %d\n", total-live)
		fmt.Fprintf(w, "records of expired items: %d (not loaded; gone after a shrink)\n", r.Expired)
		fmt.Fprintf(w, "indexes: %d\n", len(infos))
		for _, in := range infos {
			fmt.Fprintf(w, "  %s: %s on %q", in.Name, in.Kind, in.Pattern)
			if in.Path != "" {
				fmt.Fprintf(w, " at path %q", in.Path)
			}
			fmt.Fprintln(w)
		}
		return nil
	})
}

func cmdGet(e env, _ *flag.FlagSet, args []string) error {
	return withDB(args[0], func(db *store.DB) error {
		v, err := db.Get(args[1])
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%q: not found", args[1])
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, v)
		return err
	})
}

var scanOpts struct {
	prefix, index, from, to string
	desc                    bool
	limit                   int
}

func scanFlags(fs *flag.FlagSet) {
	fs.StringVar(&scanOpts.prefix, "prefix", "", "only keys (or indexed values) that start with this")
	fs.StringVar(&scanOpts.index, "index", "", "scan this ordered index instead of the keys")
	fs.StringVar(&scanOpts.from, "from", "", "start at this key (or indexed value), inclusive")
	fs.StringVar(&scanOpts.to, "to", "", "stop before this key (or indexed value)")
	fs.BoolVar(&scanOpts.desc, "desc", false, "descending order")
	fs.IntVar(&scanOpts.limit, "limit", 0, "at most this many items (0: all)")
}

func cmdScan(e env, _ *flag.FlagSet, args []string) error {
	o := scanOpts
	if o.limit < 0 {
		return usagef("--limit %d: want a count >= 0", o.limit)
	}
	r := store.Range{Lo: o.from, HasLo: o.from != "", Hi: o.to, HasHi: o.to != "", Desc: o.desc, Limit: o.limit}
	if o.prefix != "" {
		if r.HasLo || r.HasHi {
			return usagef("--prefix does not go with --from or --to")
		}
		r = store.Range{Prefix: o.prefix, HasPrefix: true, Desc: o.desc, Limit: o.limit}
	}
	out := newLines(e.stdout)
	err := withDB(args[0], func(db *store.DB) error {
		return db.Scan(o.index, r, func(k, v string) bool { return out.item(k, v, nil) })
	})
	return out.done(err)
}

var nearbyOpts struct {
	k    int
	dist float64
}

func nearbyFlags(fs *flag.FlagSet) {
	fs.IntVar(&nearbyOpts.k, "k", 10, "at most this many items (0: all within --dist)")
	fs.Float64Var(&nearbyOpts.dist, "dist", -1, "only items within this distance (< 0: no bound)")
}

var boxLimit int

func limitFlag(fs *flag.FlagSet) {
	fs.IntVar(&boxLimit, "limit", 0, "at most this many items (0: all)")
}

func coords(args []string) ([]float64, error) {
	cs := make([]float64, len(args))
	for i, a := range args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil {
			return nil, usagef("coordinate %q is not a number", a)
		}
		cs[i] = f
	}
	return cs, nil
}

func cmdNearby(e env, _ *flag.FlagSet, args []string) error {
	o := nearbyOpts
	if o.k < 0 {
		return usagef("--k %d: want a count >= 0", o.k)
	}
	p, err := coords(args[2:])
	if err != nil {
		return err
	}
	out := newLines(e.stdout)
	err = withDB(args[0], func(db *store.DB) error {
		return db.Nearby(args[1], p, o.k, o.dist, func(k, v string, d float64) bool { return out.item(k, v, &d) })
	})
	return out.done(err)
}

// cmdBox serves intersects and within: MIN... MAX... are 2d numbers.
func cmdBox(e env, fs *flag.FlagSet, args []string) error {
	if boxLimit < 0 {
		return usagef("--limit %d: want a count >= 0", boxLimit)
	}
	cs, err := coords(args[2:])
	if err != nil {
		return err
	}
	if len(cs)%2 != 0 {
		return usagef("a box wants as many maximum coordinates as minimum ones, got %d numbers", len(cs))
	}
	box := store.Box(cs[:len(cs)/2], cs[len(cs)/2:])
	query := func(db *store.DB) func(string, store.Rect, int, func(k, v string) bool) error {
		if strings.HasSuffix(fs.Name(), "within") {
			return db.Within
		}
		return db.Intersects
	}
	out := newLines(e.stdout)
	err = withDB(args[0], func(db *store.DB) error {
		return query(db)(args[1], box, boxLimit, func(k, v string) bool { return out.item(k, v, nil) })
	})
	return out.done(err)
}

func cmdCheck(e env, _ *flag.FlagSet, args []string) error {
	r, err := store.CheckFile(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok: %s: %d records in %d bytes\n", args[0], r.Records, r.Size)
	if r.Torn {
		fmt.Fprintf(e.stdout, "torn end: the last %d bytes, from byte offset %d, are a write cut short; the next open drops them\n", r.Size-r.Good, r.Good)
	}
	return nil
}

func cmdShrink(e env, _ *flag.FlagSet, args []string) error {
	before, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	if err := withDB(args[0], func(db *store.DB) error { return db.Shrink() }); err != nil {
		return err
	}
	after, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "shrunk %s: %d bytes, was %d\n", args[0], after.Size(), before.Size())
	return nil
}
