package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"spatialstore/cmd/internal/gobin"
	"spatialstore/store"
)

// buildServer builds the binary once for the tests that run it as a
// process.
var buildServer = sync.OnceValues(func() (string, error) { return gobin.Build(".", "store-server") })

// proc is a server process started by a test.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr bytes.Buffer
	done   chan error
}

// startServer runs the binary with args and waits for its "ready on" line.
func startServer(t *testing.T, args ...string) *proc {
	t.Helper()
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready on "); ok {
				ready <- addr
			}
		}
		close(ready)
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	select {
	case addr, ok := <-ready:
		if !ok {
			t.Fatalf("the server exited before it was ready: %s", p.stderr.String())
		}
		p.addr = addr
	case <-time.After(30 * time.Second):
		t.Fatal("no ready line within 30 s")
	}
	return p
}

// stop sends sig and returns the exit status.
func (p *proc) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop within 30 s")
	}
	return -1
}

// TestAcknowledgedWritesSurviveSIGTERM: 50 clients (half over the Unix
// socket) write while the server is told to stop; after a restart on the
// same file every write that was acknowledged is there.
func TestAcknowledgedWritesSurviveSIGTERM(t *testing.T) {
	dir := t.TempDir()
	data, sock := filepath.Join(dir, "data.db"), filepath.Join(dir, "s.sock")
	p := startServer(t, "--data", data, "--addr", "127.0.0.1:0", "--unix", sock, "--password", "pw")
	const clients, opsEach = 50, 200
	type result struct {
		acked   map[string]string // key -> value acknowledged last ("" : deleted)
		unknown map[string]bool   // keys whose last write failed: either way
	}
	results := make([]result, clients)
	var ops atomic.Int64
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opt := &redis.Options{Addr: p.addr, Password: "pw", Protocol: 2, MaxRetries: -1, PoolSize: 1}
			if i%2 == 1 {
				opt.Network, opt.Addr = "unix", sock
			}
			rdb := redis.NewClient(opt)
			defer rdb.Close()
			r := result{acked: map[string]string{}, unknown: map[string]bool{}}
			defer func() { results[i] = r }()
			for j := range opsEach {
				key := fmt.Sprintf("c%02d:%d", i, j%50)
				val := fmt.Sprintf("%d/%d", i, j)
				var err error
				switch {
				case j%10 == 9:
					err = rdb.Del(ctx, key).Err()
					val = ""
				case j%10 == 5:
					_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.Set(ctx, key, val, 0)
						p.Get(ctx, key)
						return nil
					})
				default:
					err = rdb.Set(ctx, key, val, 0).Err()
				}
				if err != nil {
					r.unknown[key] = true
					return
				}
				r.acked[key] = val
				ops.Add(1)
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	// Stop the server a quarter of the way through (or once every client
	// is done, on a machine where they raced ahead or all failed).
	for ops.Load() < clients*opsEach/4 {
		select {
		case <-finished:
		case <-time.After(time.Millisecond):
			continue
		}
		break
	}
	if code := p.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit status %d after SIGTERM: %s", code, p.stderr.String())
	}
	<-finished
	total := int(ops.Load())
	if total == 0 {
		t.Fatal("no client got a write acknowledged")
	}
	if total == clients*opsEach {
		t.Log("every client finished before the stop")
	}

	p = startServer(t, "--data", data, "--addr", "127.0.0.1:0", "--password", "pw")
	rdb := redis.NewClient(&redis.Options{Addr: p.addr, Password: "pw", Protocol: 2})
	defer rdb.Close()
	checked := 0
	for _, r := range results {
		for key, want := range r.acked {
			if r.unknown[key] {
				continue
			}
			got, err := rdb.Get(ctx, key).Result()
			if want == "" {
				if !errors.Is(err, redis.Nil) {
					t.Fatalf("%s: deleted (acknowledged), but GET gives %q, %v", key, got, err)
				}
			} else if err != nil || got != want {
				t.Fatalf("%s: acknowledged %q, after the restart %q, %v", key, want, got, err)
			}
			checked++
		}
	}
	t.Logf("%d acknowledged operations before SIGTERM; %d keys checked after the restart", total, checked)
	if code := p.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("exit status %d after SIGINT", code)
	}
	if !strings.Contains(p.stderr.String(), "stopped") {
		t.Fatalf("stderr: %s", p.stderr.String())
	}
}

// TestCommandLine: the interface scripts rely on.
func TestCommandLine(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--help"}, &out, &errOut, nil); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, f := range []string{"--data", "--addr", "--unix", "--password", "--max-clients", "--max-request", "--sync", "--help"} {
		if !strings.Contains(out.String(), f+"\n") {
			t.Fatalf("--help does not list %s:\n%s", f, out.String())
		}
	}
	for _, args := range [][]string{
		{}, {"--addr", "127.0.0.1:0"}, {"--data", "x", "--sync", "sometimes"}, {"--data", "x", "extra"}, {"--nope"},
	} {
		errOut.Reset()
		if code := run(args, io.Discard, &errOut, nil); code != 2 {
			t.Fatalf("%v: exit %d, want 2", args, code)
		}
		if errOut.Len() == 0 {
			t.Fatalf("%v: no message", args)
		}
	}
	// A file another server holds is refused, naming the lock.
	dir := t.TempDir()
	data := filepath.Join(dir, "data.db")
	s := testServer(t, func(c *Config) { c.Data = data })
	errOut.Reset()
	if code := run([]string{"--data", data, "--addr", "127.0.0.1:0"}, io.Discard, &errOut, nil); code != 1 {
		t.Fatalf("a held file: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "busy") || !strings.Contains(errOut.String(), "open in another store") {
		t.Fatalf("a held file: %s", errOut.String())
	}
	// So is an address in use and a Unix socket another server answers on.
	if code := run([]string{"--data", store.MemoryPath, "--addr", s.Addr()}, io.Discard, &errOut, nil); code != 1 {
		t.Fatalf("an address in use: exit %d", code)
	}
	errOut.Reset()
	if code := run([]string{"--data", store.MemoryPath, "--addr", "127.0.0.1:0", "--unix", s.cfg.Unix}, io.Discard, &errOut, nil); code != 1 {
		t.Fatalf("a socket in use: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "another server is listening there") {
		t.Fatalf("a socket in use: %s", errOut.String())
	}
	// In process: ready line, a stop signal, exit 0.
	stop := make(chan os.Signal, 1)
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		codes <- run([]string{"--data", store.MemoryPath, "--addr", "127.0.0.1:0"}, pw, io.Discard, stop)
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready on 127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	stop <- syscall.SIGTERM
	if code := <-codes; code != 0 {
		t.Fatalf("exit %d", code)
	}
}
