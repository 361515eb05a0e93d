package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"spatialstore/cmd/internal/gobin"
	"spatialstore/store"
)

// The tests run the binary, as a person would, on files they make.
var buildCLI = sync.OnceValues(func() (string, error) { return gobin.Build(".", "store-cli") })

// cli runs the binary with stdin and returns stdout, stderr and the exit
// status.
func cli(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	bin, err := buildCLI()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// ok runs a command that must succeed.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := cli(t, "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

// fails runs a command that must fail with status code and a message
// containing want.
func fails(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	_, errOut, got := cli(t, "", args...)
	if got != code || !strings.Contains(errOut, want) {
		t.Fatalf("%v: exit %d, stderr %q; want exit %d and %q", args, got, errOut, code, want)
	}
}

// makeFile writes a store file: players with positions under a spatial
// index, ages under an int index, a value that is not UTF-8, one item that
// expires soon and one that has expired.
func makeFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "world.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateSpatialIndex("pos", "player:*", "pos"))
	must(db.CreateIndex("age", "age:*", store.IndexInt, ""))
	for i := range 10 {
		must(db.Set(fmt.Sprintf("player:%d", i), fmt.Sprintf(`{"pos":[%d,0,0]}`, i*10), 0))
	}
	must(db.SetMany([]store.Item{{Key: "age:ann", Value: "31"}, {Key: "age:bob", Value: "25"},
		{Key: "bin", Value: "\xff\x00\xfe"}, {Key: "soon", Value: "x", TTL: time.Hour}, {Key: "gone", Value: "y", TTL: 50 * time.Millisecond}}))
	must(db.Delete("player:9"))
	time.Sleep(100 * time.Millisecond) // "gone" expires; the file keeps it until swept
	must(db.Close())
	return path
}

func TestStatsGetCheck(t *testing.T) {
	path := makeFile(t)
	out := ok(t, "stats", path)
	for _, want := range []string{"size: ", "records: 16 ", "last commit: record at byte offset", "keys: 13\n",
		"expired, not yet swept: ", "records of expired items: 1 ", "indexes: 2\n", `age: int on "age:*"`, `pos: spatial on "player:*" at path "pos"`} {
		if !strings.Contains(out, want) {
			t.Fatalf("stats lacks %q:\n%s", want, out)
		}
	}
	if got := ok(t, "get", path, "age:ann"); got != "31\n" {
		t.Fatalf("get = %q", got)
	}
	if got := ok(t, "get", path, "bin"); got != "\xff\x00\xfe\n" {
		t.Fatalf("get bin = %q", got)
	}
	fails(t, 1, `"nobody": not found`, "get", path, "nobody")
	fails(t, 1, `"gone": not found`, "get", path, "gone")
	if got := ok(t, "check", path); !strings.HasPrefix(got, "ok: "+path+": 16 records in ") {
		t.Fatalf("check = %q", got)
	}

	// A torn end: reported, not an error; the file is unchanged.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	torn := filepath.Join(t.TempDir(), "torn.db")
	if err := os.WriteFile(torn, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ok(t, "check", torn); !strings.Contains(got, "torn end: the last ") {
		t.Fatalf("check torn = %q", got)
	}
	// A damaged record: exit 1 naming the byte offset; the file unchanged.
	bad := append([]byte(nil), data...)
	bad[100] = '#'
	damaged := filepath.Join(t.TempDir(), "bad.db")
	if err := os.WriteFile(damaged, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := cli(t, "", "check", damaged)
	if code != 1 || !strings.Contains(errOut, "bad record at byte offset ") {
		t.Fatalf("check damaged: exit %d: %s", code, errOut)
	}
	fails(t, 1, "bad record at byte offset", "stats", damaged)
	if after, _ := os.ReadFile(damaged); !bytes.Equal(after, bad) {
		t.Fatal("check or stats changed a damaged file")
	}
	fails(t, 1, "no such file", "stats", filepath.Join(t.TempDir(), "none.db"))
	fails(t, 1, "not a regular file", "get", t.TempDir(), "k")
}

// jsonLines decodes the output of scan and the queries.
func jsonLines(t *testing.T, out string) []line {
	t.Helper()
	var ls []line
	for _, s := range strings.Split(strings.TrimSpace(out), "\n") {
		if s == "" {
			continue
		}
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ls = append(ls, l)
	}
	return ls
}

func keysOf(ls []line) string {
	var ks []string
	for _, l := range ls {
		if l.Key != nil {
			ks = append(ks, *l.Key)
		} else {
			ks = append(ks, "b64:"+l.KeyBase64)
		}
	}
	return strings.Join(ks, " ")
}

func TestScanAndQueries(t *testing.T) {
	path := makeFile(t)
	if got := keysOf(jsonLines(t, ok(t, "scan", "--prefix", "player:", path))); got != "player:0 player:1 player:2 player:3 player:4 player:5 player:6 player:7 player:8" {
		t.Fatalf("scan --prefix = %s", got)
	}
	if got := keysOf(jsonLines(t, ok(t, "scan", "--from", "age:", "--to", "bin~", "--desc", "--limit", "2", path))); got != "bin age:bob" {
		t.Fatalf("scan range = %s", got)
	}
	ls := jsonLines(t, ok(t, "scan", "--index", "age", path))
	if keysOf(ls) != "age:bob age:ann" || *ls[0].Value != "25" {
		t.Fatalf("scan --index age = %+v", ls)
	}
	ls = jsonLines(t, ok(t, "scan", "--prefix", "bin", path))
	if len(ls) != 1 || ls[0].Key == nil || ls[0].ValueBase64 != "/wD+" {
		t.Fatalf("a value that is not UTF-8: %+v", ls)
	}
	ls = jsonLines(t, ok(t, "nearby", "--k", "3", path, "pos", "21", "0", "0"))
	if keysOf(ls) != "player:2 player:3 player:1" || *ls[0].Dist != 1 || *ls[1].Dist != 9 {
		t.Fatalf("nearby = %s %+v", keysOf(ls), ls)
	}
	if got := keysOf(jsonLines(t, ok(t, "nearby", "--k", "0", "--dist", "10", path, "pos", "-5", "0", "0"))); got != "player:0" {
		t.Fatalf("nearby --dist = %s", got)
	}
	if got := keysOf(jsonLines(t, ok(t, "intersects", path, "pos", "15", "-1", "-1", "40", "1", "1"))); got != "player:2 player:3 player:4" {
		t.Fatalf("intersects = %s", got)
	}
	if got := keysOf(jsonLines(t, ok(t, "within", "--limit", "1", path, "pos", "15", "-1", "-1", "40", "1", "1"))); len(strings.Fields(got)) != 1 {
		t.Fatalf("within --limit 1 = %s", got)
	}
	fails(t, 1, "no such index", "nearby", path, "nope", "1", "2")
	fails(t, 1, "no such index", "scan", "--index", "pos", path)
	fails(t, 2, "as many maximum coordinates", "intersects", path, "pos", "1", "2", "3")
	fails(t, 2, `coordinate "x" is not a number`, "nearby", path, "pos", "x")
	fails(t, 2, "--k -1", "nearby", "--k", "-1", path, "pos", "1")
	fails(t, 2, "--prefix does not go with --from or --to", "scan", "--prefix", "a", "--from", "b", path)
	fails(t, 1, "", "scan", "--prefix", "3", "--index", "age", path) // a numeric index refuses a prefix
	if got := keysOf(jsonLines(t, ok(t, "scan", "--prefix", "player:", "--desc", "--limit", "2", path))); got != "player:8 player:7" {
		t.Fatalf("scan --prefix --desc = %s", got)
	}
	fails(t, 2, "want FILE KEY", "get", path)
	fails(t, 2, "want FILE", "stats", path, "extra")
	fails(t, 2, "unknown command", "frobnicate", path)
	if out, _, code := cli(t, "", "--help"); code != 0 || !strings.Contains(out, "shrink") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
}

func TestExportImportShrink(t *testing.T) {
	path := makeFile(t)
	dump := filepath.Join(t.TempDir(), "dump.jsonl")
	if out := ok(t, "export", "--out", dump, path); out != "" {
		t.Fatalf("export --out printed %q", out)
	}
	exported, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	// The TTL runs on between two exports.
	ttlFree := func(s string) string {
		var b strings.Builder
		for _, l := range jsonLines(t, s) {
			l.TTLMillis = min(l.TTLMillis, 1)
			j, _ := json.Marshal(l)
			b.Write(append(j, '\n'))
		}
		return b.String()
	}
	if stdout := ok(t, "export", path); ttlFree(stdout) != ttlFree(string(exported)) {
		t.Fatal("export to stdout and to --out differ")
	}
	ls := jsonLines(t, string(exported))
	if ls[0].Index == nil || ls[0].Index.Name != "age" || ls[1].Index == nil || ls[1].Index.Kind != "spatial" || len(ls) != 2+13 {
		t.Fatalf("export: %s", exported)
	}
	// Into a new file: the same items, TTLs and indexes.
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := ok(t, "import", "--in", dump, copyPath); out != fmt.Sprintf("imported 2 indexes and 13 items into %s\n", copyPath) {
		t.Fatalf("import: %q", out)
	}
	again := ok(t, "export", copyPath)
	if ttlFree(again) != ttlFree(string(exported)) {
		t.Fatalf("the copy exports\n%s\nthe original\n%s", again, exported)
	}
	if got := keysOf(jsonLines(t, ok(t, "nearby", "--k", "1", copyPath, "pos", "0", "0", "0"))); got != "player:0" {
		t.Fatalf("the copy's spatial index: %s", got)
	}

	// Bad input changes nothing: a malformed line, a value the spatial
	// index refuses (the import's new index goes again).
	before, _ := os.ReadFile(copyPath)
	for _, c := range []struct{ in, want string }{
		{`{"key":"a","value":"b"}` + "\n" + `{"key":`, "line 2"},
		{`{"key":"a","value":"b","color":1}`, `unknown field "color"`},
		{`{"key":"a"}`, "line 1: no value"},
		{`{"key":"a","value":"b"} {"key":"c","value":"d"}`, "more than one JSON value"},
		{`{"value":"b"}`, "line 1: no key"},
		{`{"key_base64":"%%%","value":"b"}`, "key_base64"},
		{`{"index":{"name":"z","pattern":"z:*","kind":"tree"}}`, `unknown kind "tree"`},
		{`{"index":{"name":"zpos","pattern":"z:*","kind":"spatial"}}` + "\n" + `{"key":"z:1","value":"[1 2]"}` + "\n" + `{"key":"z:2","value":"nowhere"}`, `key "z:2"`},
	} {
		_, errOut, code := cli(t, c.in, "import", copyPath)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Fatalf("import %q: exit %d, %q; want %q", c.in, code, errOut, c.want)
		}
	}
	if after, _ := os.ReadFile(copyPath); !bytes.Equal(after, before) {
		t.Fatal("a refused import changed the store's file")
	}
	if got := ok(t, "stats", copyPath); !strings.Contains(got, "keys: 13\n") || !strings.Contains(got, "indexes: 2\n") {
		t.Fatalf("after refused imports:\n%s", got)
	}

	// Shrink: the history goes, the items stay.
	for range 3 {
		ok(t, "import", "--in", dump, copyPath)
	}
	out := ok(t, "shrink", copyPath)
	if !strings.HasPrefix(out, "shrunk "+copyPath) {
		t.Fatalf("shrink: %q", out)
	}
	if got := ok(t, "stats", copyPath); !strings.Contains(got, "records: 13 ") {
		t.Fatalf("after shrink:\n%s", got)
	}
}

// TestHeldFile: every command refuses a file an open store holds, and the
// file is unchanged.
func TestHeldFile(t *testing.T) {
	path := makeFile(t)
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, _ := os.ReadFile(path)
	for _, args := range [][]string{
		{"stats", path}, {"get", path, "age:ann"}, {"scan", path}, {"nearby", path, "pos", "0", "0", "0"},
		{"intersects", path, "pos", "0", "1"}, {"check", path}, {"export", path}, {"import", path}, {"shrink", path},
	} {
		_, errOut, code := cli(t, `{"key":"a","value":"b"}`, args...)
		if code != 1 || !strings.Contains(errOut, "is held by a running store") {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("a refused command changed the file")
	}
}
