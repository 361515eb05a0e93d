package main

import (
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestMultiExec(t *testing.T) {
	s := testServer(t, nil)
	rdb := newRedis(t, s, false, "")
	doText(t, rdb, "INDEX", "CREATE", "pos", "p:*", "SPATIAL")
	must[string](t, rdb.Set(ctx, "a", "1", 0))

	// A transaction through go-redis' TxPipelined: every reply in order.
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "b", "2", 0)
		p.Get(ctx, "a")
		p.Set(ctx, "p:1", "[1 2 3]", 0)
		p.Do(ctx, "NEARBY", "pos", "POINT", 1, 2, 3)
		p.Del(ctx, "a")
		p.Exists(ctx, "a")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmds[1].(*redis.StringCmd).Val(); got != "1" {
		t.Fatalf("GET in EXEC = %q", got)
	}
	if got := cmds[3].(*redis.Cmd).Val().([]any); len(got) != 1 {
		t.Fatalf("NEARBY in EXEC sees the transaction's own write: %v", got)
	}
	if got := cmds[5].(*redis.IntCmd).Val(); got != 0 {
		t.Fatalf("EXISTS after DEL in EXEC = %d", got)
	}

	// A command that fails at run time rolls the whole transaction back.
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "c", "3", 0)
		p.Del(ctx, "b")
		p.Set(ctx, "p:2", "not a point", 0) // refused by the spatial index
		p.Set(ctx, "d", "4", 0)
		return nil
	})
	wantErr(t, err, "EXECABORT command 3 (SET) failed, nothing was written")
	if n := must[int64](t, rdb.Exists(ctx, "b", "c", "d", "p:2")); n != 1 {
		t.Fatalf("after a rolled-back EXEC %d of b, c, d, p:2 exist, want only b", n)
	}
	if got := rdb.Do(ctx, "NEARBY", "pos", "POINT", 0, 0, 0).Val().([]any); len(got) != 1 {
		t.Fatalf("the spatial index after a rollback: %v", got)
	}

	// By hand: an error while queueing discards the transaction at EXEC.
	conn := rdb.Conn()
	defer conn.Close()
	if got, _ := conn.Do(ctx, "MULTI").Text(); got != "OK" {
		t.Fatalf("MULTI = %q", got)
	}
	wantErr(t, conn.Do(ctx, "MULTI").Err(), "ERR MULTI calls can not be nested")
	if got, _ := conn.Do(ctx, "SET", "e", "5").Text(); got != "QUEUED" {
		t.Fatalf("SET in MULTI = %q", got)
	}
	wantErr(t, conn.Do(ctx, "SET", "e").Err(), "ERR wrong number of arguments")
	wantErr(t, conn.Do(ctx, "INDEX", "LIST").Err(), "ERR 'index' cannot run inside MULTI")
	wantErr(t, conn.Do(ctx, "EXEC").Err(), "EXECABORT Transaction discarded because of previous errors")
	if n := must[int64](t, rdb.Exists(ctx, "e")); n != 0 {
		t.Fatal("a discarded transaction wrote")
	}
	// DISCARD, and the calls out of place.
	conn.Do(ctx, "MULTI")
	conn.Do(ctx, "SET", "f", "6")
	if got, _ := conn.Do(ctx, "DISCARD").Text(); got != "OK" {
		t.Fatalf("DISCARD = %q", got)
	}
	if n := must[int64](t, rdb.Exists(ctx, "f")); n != 0 {
		t.Fatal("DISCARD wrote")
	}
	wantErr(t, conn.Do(ctx, "EXEC").Err(), "ERR EXEC without MULTI")
	wantErr(t, conn.Do(ctx, "DISCARD").Err(), "ERR DISCARD without MULTI")
	wantErr(t, conn.Do(ctx, "EXEC", "x").Err(), "ERR wrong number of arguments")
	// A read-only transaction, and an empty one.
	conn.Do(ctx, "MULTI")
	conn.Do(ctx, "GET", "b")
	conn.Do(ctx, "DBSIZE")
	if got := conn.Do(ctx, "EXEC").Val().([]any); len(got) != 2 || got[0] != "2" {
		t.Fatalf("a read-only EXEC = %v", got)
	}
	conn.Do(ctx, "MULTI")
	if got := conn.Do(ctx, "EXEC").Val().([]any); len(got) != 0 {
		t.Fatalf("an empty EXEC = %v", got)
	}
	if err := rdb.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatal(err)
	}
}

func TestAuth(t *testing.T) {
	s := testServer(t, func(c *Config) { c.Password = "s3cret" })
	raw := dialRaw(t, s)
	raw.send("GET a\r\n")
	if got := raw.line(); got != "-NOAUTH Authentication required." {
		t.Fatalf("GET before AUTH: %q", got)
	}
	raw.send("AUTH wrong\r\nAUTH someone s3cret\r\nAUTH\r\nSET a 1\r\nAUTH s3cret\r\nSET a 1\r\n")
	for _, want := range []string{"-WRONGPASS", "-WRONGPASS", "-ERR wrong number of arguments for 'auth'", "-NOAUTH", "+OK", "+OK"} {
		if got := raw.line(); len(got) < len(want) || got[:len(want)] != want {
			t.Fatalf("got %q, want %q...", got, want)
		}
	}
	// go-redis authenticates on connecting (HELLO, then AUTH).
	if got := must[string](t, newRedis(t, s, true, "s3cret").Get(ctx, "a")); got != "1" {
		t.Fatalf("GET = %q", got)
	}
	wantErr(t, newRedis(t, s, false, "bad").Ping(ctx).Err(), "WRONGPASS")
	wantErr(t, newRedis(t, s, false, "").Ping(ctx).Err(), "NOAUTH")

	open := testServer(t, nil)
	wantErr(t, newRedis(t, open, false, "").Do(ctx, "AUTH", "x").Err(), "ERR AUTH <password> called without any password configured")
}
