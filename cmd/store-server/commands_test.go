package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestKeyCommands(t *testing.T) {
	s := testServer(t, nil)
	for _, unix := range []bool{false, true} {
		t.Run(fmt.Sprintf("unix=%v", unix), func(t *testing.T) {
			rdb := newRedis(t, s, unix, "")
			wantErr(t, rdb.Do(ctx, "FLUSHDB").Err(), "ERR unknown command 'FLUSHDB'")
			wantErr(t, rdb.Do(ctx, "GET").Err(), "ERR wrong number of arguments for 'get' command")
			if got := must[string](t, rdb.Ping(ctx)); got != "PONG" {
				t.Fatalf("PING = %q", got)
			}
			if got := must[any](t, rdb.Do(ctx, "ping", "hi")); got != "hi" {
				t.Fatalf("PING hi = %q", got)
			}
			if got := must[string](t, rdb.Echo(ctx, "a\x00b")); got != "a\x00b" {
				t.Fatalf("ECHO = %q", got)
			}
			doText(t, rdb, "SELECT", "0")
			wantErr(t, rdb.Do(ctx, "SELECT", "1").Err(), "ERR DB index is out of range")
			doText(t, rdb, "CLIENT", "SETNAME", "me")
			if got := doText(t, rdb, "CLIENT", "GETNAME"); got != "me" {
				t.Fatalf("CLIENT GETNAME = %q", got)
			}
			doText(t, rdb, "CLIENT", "SETINFO", "LIB-NAME", "test")
			if id, err := rdb.Do(ctx, "CLIENT", "ID").Int64(); err != nil || id < 1 {
				t.Fatalf("CLIENT ID = %d, %v", id, err)
			}
			wantErr(t, rdb.Do(ctx, "CLIENT", "KILL", "x").Err(), "ERR unknown subcommand")

			// SET and GET, binary-safe.
			must[string](t, rdb.Set(ctx, "k", "v\x00\r\n", 0))
			if got := must[string](t, rdb.Get(ctx, "k")); got != "v\x00\r\n" {
				t.Fatalf("GET = %q", got)
			}
			if err := rdb.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
				t.Fatalf("GET missing: %v", err)
			}
			// NX, XX, KEEPTTL, EX, PX.
			if ok := must[bool](t, rdb.SetNX(ctx, "k", "other", 0)); ok {
				t.Fatal("SET NX on an existing key wrote")
			}
			if ok := must[bool](t, rdb.SetXX(ctx, "nokey", "x", 0)); ok {
				t.Fatal("SET XX on a missing key wrote")
			}
			if ok := must[bool](t, rdb.SetNX(ctx, "n", "1", 0)); !ok {
				t.Fatal("SET NX on a missing key did not write")
			}
			if ok := must[bool](t, rdb.SetXX(ctx, "n", "2", time.Hour)); !ok {
				t.Fatal("SET XX EX on an existing key did not write")
			}
			doText(t, rdb, "SET", "n", "3", "KEEPTTL")
			if d := must[time.Duration](t, rdb.TTL(ctx, "n")); d < time.Hour-time.Minute || d > time.Hour {
				t.Fatalf("TTL after KEEPTTL = %v", d)
			}
			if got := must[string](t, rdb.Get(ctx, "n")); got != "3" {
				t.Fatalf("GET n = %q", got)
			}
			must[string](t, rdb.Set(ctx, "n", "4", 0)) // a plain SET clears the TTL, as in Redis
			if d := must[time.Duration](t, rdb.TTL(ctx, "n")); d != -1 {
				t.Fatalf("TTL after SET = %v", d)
			}
			doText(t, rdb, "SET", "px", "v", "PX", "60000")
			if d := must[time.Duration](t, rdb.PTTL(ctx, "px")); d <= 59*time.Second || d > time.Minute {
				t.Fatalf("PTTL = %v", d)
			}
			for _, bad := range [][]any{
				{"SET", "a", "b", "EX", "0"}, {"SET", "a", "b", "EX", "-3"}, {"SET", "a", "b", "PX", "99999999999999999"},
			} {
				wantErr(t, rdb.Do(ctx, bad...).Err(), "ERR invalid expire time in 'set' command")
			}
			for _, bad := range [][]any{
				{"SET", "a", "b", "EX"}, {"SET", "a", "b", "NX", "XX"}, {"SET", "a", "b", "EX", "1", "PX", "1"},
				{"SET", "a", "b", "KEEPTTL", "EX", "5"}, {"SET", "a", "b", "BOGUS"},
			} {
				wantErr(t, rdb.Do(ctx, bad...).Err(), "ERR syntax error")
			}
			wantErr(t, rdb.Do(ctx, "SET", "a", "b", "EX", "ten").Err(), "ERR value is not an integer")
			if err := rdb.Get(ctx, "a").Err(); !errors.Is(err, redis.Nil) {
				t.Fatalf("a refused SET wrote: %v", err)
			}

			// TTL, PTTL, EXPIRE, PEXPIRE, PERSIST.
			if d := must[time.Duration](t, rdb.TTL(ctx, "missing")); d != -2 {
				t.Fatalf("TTL missing = %v", d)
			}
			if d := must[time.Duration](t, rdb.PTTL(ctx, "missing")); d != -2 {
				t.Fatalf("PTTL missing = %v", d)
			}
			if ok := must[bool](t, rdb.Expire(ctx, "k", 100*time.Second)); !ok {
				t.Fatal("EXPIRE k = false")
			}
			if d := must[time.Duration](t, rdb.TTL(ctx, "k")); d < 99*time.Second || d > 100*time.Second {
				t.Fatalf("TTL after EXPIRE = %v", d)
			}
			if got := must[string](t, rdb.Get(ctx, "k")); got != "v\x00\r\n" {
				t.Fatalf("EXPIRE changed the value: %q", got)
			}
			if ok := must[bool](t, rdb.Expire(ctx, "missing", time.Second)); ok {
				t.Fatal("EXPIRE missing = true")
			}
			if ok := must[bool](t, rdb.Persist(ctx, "k")); !ok {
				t.Fatal("PERSIST k = false")
			}
			if ok := must[bool](t, rdb.Persist(ctx, "k")); ok {
				t.Fatal("PERSIST twice = true")
			}
			if ok := must[bool](t, rdb.PExpire(ctx, "k", 50*time.Millisecond)); !ok {
				t.Fatal("PEXPIRE k = false")
			}
			deadline := time.Now().Add(5 * time.Second)
			for rdb.Exists(ctx, "k").Val() != 0 {
				if time.Now().After(deadline) {
					t.Fatal("k did not expire")
				}
				time.Sleep(20 * time.Millisecond)
			}
			must[string](t, rdb.Set(ctx, "gone", "x", 0))
			if ok := must[bool](t, rdb.Expire(ctx, "gone", 0)); !ok {
				t.Fatal("EXPIRE 0 = false")
			}
			if n := must[int64](t, rdb.Exists(ctx, "gone")); n != 0 {
				t.Fatal("EXPIRE 0 did not delete the key")
			}
			wantErr(t, rdb.Do(ctx, "EXPIRE", "k", "soon").Err(), "ERR value is not an integer")

			// MSET, MGET, EXISTS, DEL, DBSIZE.
			must[string](t, rdb.MSet(ctx, "m1", "a", "m2", "b", "m3", "c"))
			wantErr(t, rdb.Do(ctx, "MSET", "m1", "a", "m2").Err(), "ERR wrong number of arguments for 'mset' command")
			got := must[[]any](t, rdb.MGet(ctx, "m1", "nope", "m3"))
			if len(got) != 3 || got[0] != "a" || got[1] != nil || got[2] != "c" {
				t.Fatalf("MGET = %v", got)
			}
			if n := must[int64](t, rdb.Exists(ctx, "m1", "m1", "nope", "m2")); n != 3 {
				t.Fatalf("EXISTS = %d", n)
			}
			size := must[int64](t, rdb.DBSize(ctx))
			if n := must[int64](t, rdb.Del(ctx, "m1", "m1", "nope", "m2")); n != 2 {
				t.Fatalf("DEL = %d", n)
			}
			if n := must[int64](t, rdb.DBSize(ctx)); n != size-2 {
				t.Fatalf("DBSIZE %d after deleting 2 of %d", n, size)
			}
			for _, k := range []string{"n", "px", "m3"} {
				rdb.Del(ctx, k)
			}

			info := must[string](t, rdb.Info(ctx))
			for _, want := range []string{"# Server", "# Clients", "connected_clients:", "# Keyspace", "db0:keys=", "# Indexes"} {
				if !strings.Contains(info, want) {
					t.Fatalf("INFO lacks %q:\n%s", want, info)
				}
			}
			if info := must[string](t, rdb.Info(ctx, "keyspace")); strings.Contains(info, "# Server") || !strings.Contains(info, "# Keyspace") {
				t.Fatalf("INFO keyspace:\n%s", info)
			}
		})
	}
}

func TestScan(t *testing.T) {
	s := testServer(t, nil)
	rdb := newRedis(t, s, false, "")
	var all []string
	for i := range 500 {
		k := fmt.Sprintf("user:%03d", i)
		if i%3 == 0 {
			k = fmt.Sprintf("item:%03d", i)
		}
		all = append(all, k)
		must[string](t, rdb.Set(ctx, k, "v", 0))
	}
	slices.Sort(all)
	scanAll := func(match string, count int64, during func(step int)) []string {
		var got []string
		var cursor uint64
		for step := 0; ; step++ {
			keys, next, err := rdb.Scan(ctx, cursor, match, count).Result()
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(keys)) > count {
				t.Fatalf("SCAN COUNT %d gave %d keys", count, len(keys))
			}
			got = append(got, keys...)
			if during != nil {
				during(step)
			}
			if next == 0 {
				return got
			}
			cursor = next
		}
	}
	if got := scanAll("", 7, nil); !slices.Equal(got, all) {
		t.Fatalf("SCAN gave %d keys, want %d", len(got), len(all))
	}
	for _, pattern := range []string{"user:*", "item:1?0", "*:0*", "*:0?1", "nothing*", "*"} {
		var want []string
		for _, k := range all {
			if matchGlob(k, pattern) {
				want = append(want, k)
			}
		}
		if got := scanAll(pattern, 10, nil); !slices.Equal(got, want) {
			t.Fatalf("SCAN MATCH %s = %v, want %v", pattern, got, want)
		}
	}
	// Keys present for the whole scan come exactly once while others come
	// and go.
	got := scanAll("user:*", 5, func(step int) {
		rdb.Set(ctx, fmt.Sprintf("user:%03d.%d", step, step), "new", 0)
		rdb.Del(ctx, fmt.Sprintf("user:%03d.%d", step-1, step-1))
	})
	seen := map[string]int{}
	for _, k := range got {
		seen[k]++
	}
	for _, k := range all {
		if strings.HasPrefix(k, "user:") && seen[k] != 1 {
			t.Fatalf("%s came %d times", k, seen[k])
		}
	}
	wantErr(t, rdb.Do(ctx, "SCAN", "123456").Err(), "ERR invalid cursor")
	wantErr(t, rdb.Do(ctx, "SCAN", "x").Err(), "ERR invalid cursor")
	wantErr(t, rdb.Do(ctx, "SCAN", "0", "COUNT", "0").Err(), "ERR syntax error")
	wantErr(t, rdb.Do(ctx, "SCAN", "0", "MATCH").Err(), "ERR syntax error")
	wantErr(t, rdb.Do(ctx, "SCAN", "0", "TYPE", "string").Err(), "ERR syntax error")
	must[string](t, rdb.Set(ctx, strings.Repeat("a", 60), "v", 0))
	wantErr(t, rdb.Do(ctx, "SCAN", "0", "MATCH", strings.Repeat("*a", 30)+"b*", "COUNT", "1000").Err(), "ERR MATCH pattern too complex")
}

// matchGlob is the test's own glob for the patterns above: * and ?.
func matchGlob(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if matchGlob(s[i:], p[1:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && matchGlob(s[1:], p[1:])
	}
	return s != "" && s[0] == p[0] && matchGlob(s[1:], p[1:])
}
