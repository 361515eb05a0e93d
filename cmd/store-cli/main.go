// Command store-cli looks inside a store's data file and changes it without
// writing a program:
//
//	store-cli stats FILE                  keys, indexes, size, expired items, last write
//	store-cli get FILE KEY                the value, as it is
//	store-cli scan [flags] FILE           items in key or index order, JSON lines
//	store-cli nearby [flags] FILE INDEX COORD...      the nearest items, JSON lines
//	store-cli intersects [flags] FILE INDEX MIN... MAX...   items touching a box
//	store-cli within [flags] FILE INDEX MIN... MAX...       items inside a box
//	store-cli check FILE                  walk the file, naming the offset of a bad record
//	store-cli export [--out F] FILE       indexes and items as JSON lines
//	store-cli import [--in F] FILE        add what export wrote, all or nothing
//	store-cli shrink FILE                 rewrite the file with only the live items
//
// A file that a running store holds (its server, say) is refused: the store's
// lock says so, and nothing is read or written.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"spatialstore/store"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type subcommand struct {
	args, what string
	run        func(e env, fs *flag.FlagSet, args []string) error
	flags      func(fs *flag.FlagSet) // declares the flags; nil: none
}

var subcommands = map[string]*subcommand{}

func init() {
	for name, c := range map[string]*subcommand{
		"stats":      {"FILE", "keys, expired items, indexes, file size and records, last write", cmdStats, nil},
		"get":        {"FILE KEY", "print the value under KEY", cmdGet, nil},
		"scan":       {"FILE", "items in key order (or an index's), one JSON object a line", cmdScan, scanFlags},
		"nearby":     {"FILE INDEX COORD...", "the nearest items of a spatial index, nearest first, JSON lines", cmdNearby, nearbyFlags},
		"intersects": {"FILE INDEX MIN... MAX...", "items of a spatial index touching the box, JSON lines", cmdBox, limitFlag},
		"within":     {"FILE INDEX MIN... MAX...", "items of a spatial index inside the box, JSON lines", cmdBox, limitFlag},
		"check":      {"FILE", "walk the file record by record; a bad one is named by its byte offset (exit 1)", cmdCheck, nil},
		"export":     {"FILE", "the index definitions, then every live item, as JSON lines", cmdExport, exportFlags},
		"import":     {"FILE", "add the indexes and items of an export, in one transaction", cmdImport, importFlags},
		"shrink":     {"FILE", "rewrite the file with only the live items", cmdShrink, nil},
	} {
		subcommands[name] = c
	}
}

// run is the program; it returns the exit status: 0 done, 1 failed (a
// missing key, a bad file, a held file), 2 bad usage.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin, stdout, stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdoutIf(len(args) > 0, stdout, stderr))
		return map[bool]int{true: 0, false: 2}[len(args) > 0]
	}
	name := args[0]
	c, ok := subcommands[name]
	if !ok {
		fmt.Fprintf(stderr, "store-cli: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("store-cli "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if c.flags != nil {
		c.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: store-cli %s [flags] %s\n  %s\n", name, c.args, c.what)
		fs.VisitAll(func(f *flag.Flag) { fmt.Fprintf(fs.Output(), "  --%s\t%s\n", f.Name, f.Usage) })
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if want := len(strings.Fields(strings.ReplaceAll(c.args, "...", ""))); fs.NArg() < want ||
		(!strings.Contains(c.args, "...") && fs.NArg() > want) {
		fmt.Fprintf(stderr, "store-cli %s: want %s\n", name, c.args)
		return 2
	}
	if err := c.run(e, fs, fs.Args()); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "store-cli %s: %v\n", name, err)
			return 2
		}
		fmt.Fprintf(stderr, "store-cli %s: %v\n", name, explain(err, fs.Arg(0)))
		return 1
	}
	return 0
}

func stdoutIf(cond bool, a, b io.Writer) io.Writer {
	if cond {
		return a
	}
	return b
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: store-cli COMMAND [flags] FILE [args]\n\ncommands:\n")
	for _, name := range []string{"stats", "get", "scan", "nearby", "intersects", "within", "check", "export", "import", "shrink"} {
		c := subcommands[name]
		fmt.Fprintf(w, "  %-10s %-24s %s\n", name, c.args, c.what)
	}
	fmt.Fprintf(w, "\n`store-cli COMMAND --help` lists a command's flags. A file a running store holds is refused.\n")
}

// usageError is a mistake in the arguments (exit status 2).
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// explain turns the store's refusal of a held file into what to do.
func explain(err error, path string) error {
	if errors.Is(err, store.ErrBusy) {
		return fmt.Errorf("%s is held by a running store (its lock %s.lock is taken): stop that program, or reach the data through it (store-server's socket); nothing was read or changed (%v)", path, path, err)
	}
	return err
}
