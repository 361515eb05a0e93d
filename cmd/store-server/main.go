// Command store-server serves one store over TCP and a Unix socket with the
// Redis protocol (RESP), so redis-cli and Redis client libraries work with
// it unchanged: the key commands of Redis, spatial queries shaped after
// Tile38's, and index management. See the README's "The store over a
// socket" for every command.
//
//	store-server --data FILE --addr HOST:PORT [--unix PATH] [--password PW]
//
// It prints "ready on HOST:PORT" once it accepts connections and stops
// cleanly on SIGTERM or SIGINT: the commands in flight finish and their
// replies go out, then the store is closed, and it exits 0.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"spatialstore/store"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, stop))
}

// run is the program: it returns the exit status once stop receives.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	cfg, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "store-server:", err)
		return 2
	}
	s, err := Listen(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "store-server:", err)
		return 1
	}
	s.Serve()
	if cfg.Unix != "" {
		fmt.Fprintf(stdout, "listening on unix:%s\n", cfg.Unix)
	}
	fmt.Fprintf(stdout, "ready on %s\n", s.Addr())
	sig := <-stop
	fmt.Fprintf(stderr, "store-server: %v: stopping\n", sig)
	if err := s.Close(); err != nil {
		fmt.Fprintln(stderr, "store-server: closing the store:", err)
		return 1
	}
	fmt.Fprintln(stderr, "store-server: stopped")
	return 0
}

// parseFlags reads the flags; --help prints the usage to stdout.
func parseFlags(args []string, stdout, stderr io.Writer) (Config, error) {
	var cfg Config
	var sync string
	fs := flag.NewFlagSet("store-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Data, "data", "", "the store's data file (created if missing), or "+store.MemoryPath+" for a store in memory (required)")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:7379", "TCP address to listen on; 127.0.0.1 keeps it to this machine, port 0 picks a free port")
	fs.StringVar(&cfg.Unix, "unix", "", "also listen on this Unix socket (mode 0600)")
	fs.StringVar(&cfg.Password, "password", "", "require AUTH with this password before any other command (as Redis' requirepass)")
	fs.IntVar(&cfg.MaxClients, "max-clients", 1000, "connections served at once; more are refused with an error")
	fs.Int64Var(&cfg.MaxRequest, "max-request", 64<<20, "bytes one request may take; a larger one gets an error and its connection is closed")
	fs.StringVar(&sync, "sync", "everysecond", "when writes reach the disk: always (before each reply), everysecond or never (left to the OS)")
	out := stderr
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: store-server --data FILE --addr HOST:PORT [--unix PATH] [--password PW]\n\n"+
			"Serves one store with the Redis protocol. Prints \"ready on HOST:PORT\" once it accepts\n"+
			"connections; SIGTERM or SIGINT stop it cleanly (exit status 0).\n\nflags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(out, "  --%s\n    \t%s%s\n", f.Name, f.Usage, def)
		})
		fmt.Fprintf(out, "  --help\n    \tthis text\n")
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			out = stdout
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if cfg.Data == "" {
		return cfg, errors.New("--data is required (see --help)")
	}
	policies := map[string]store.SyncPolicy{"always": store.SyncAlways, "everysecond": store.SyncEverySecond, "never": store.SyncNever}
	p, ok := policies[sync]
	if !ok {
		return cfg, fmt.Errorf("--sync %q: want always, everysecond or never", sync)
	}
	cfg.Sync = p
	return cfg, nil
}
