package powercut

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// hex writes s as strace -xx does.
func hex(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\x%02x", s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// A log of: create f, write "hello", fsync, write " world" (unsynced),
// sync the folder, create g through a temporary name renamed into place
// with no folder sync after, and an acknowledgement on standard output.
// One call is split across two lines, as strace -f prints calls that
// another thread interrupts.
func sampleLog() string {
	lines := []string{
		`100 1.000001 openat(AT_FDCWD, ` + hex("/d/f") + `, O_RDWR|O_CREAT|O_CLOEXEC, 0666) = 3`,
		`100 1.000002 write(3, ` + hex("hello") + `, 5) = 5`,
		`100 1.000003 fsync(3)                = 0`,
		`100 1.000004 write(3, ` + hex(" world") + `, 6 <unfinished ...>`,
		`101 1.000005 write(1, ` + hex("ack 1\n") + `, 6) = 6`,
		`100 1.000006 <... write resumed>) = 6`,
		`100 1.000007 openat(AT_FDCWD, ` + hex("/d") + `, O_RDONLY|O_CLOEXEC) = 4`,
		`100 1.000008 fsync(4) = 0`,
		`100 1.000009 openat(AT_FDCWD, ` + hex("/d/g.tmp") + `, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 5`,
		`100 1.000010 write(5, ` + hex("new") + `, 3) = 3`,
		`100 1.000011 fsync(5) = 0`,
		`100 1.000012 renameat(AT_FDCWD, ` + hex("/d/g.tmp") + `, AT_FDCWD, ` + hex("/d/g") + `) = 0`,
		`100 1.000013 openat(AT_FDCWD, ` + hex("/elsewhere") + `, O_RDWR|O_CREAT, 0666) = 6`,
		`100 1.000014 write(6, ` + hex("ignored") + `, 7) = 7`,
		`100 1.000015 unlinkat(AT_FDCWD, ` + hex("/d/nothing") + `, 0) = -1 ENOENT (No such file or directory)`,
		`100 1.000016 +++ exited with 0 +++`,
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestParse(t *testing.T) {
	tr, err := Parse(strings.NewReader(sampleLog()), "/d")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, op := range tr.Ops {
		kinds = append(kinds, op.Kind)
	}
	want := []Kind{Create, Write, FileSync, Mark, Write, DirSync, Create, Write, FileSync, Rename}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if w := tr.Ops[4]; w.Off != 5 || string(w.Data) != " world" {
		t.Errorf("the resumed write: offset %d data %q", w.Off, w.Data)
	}
	if string(tr.Ops[3].Data) != "ack 1\n" {
		t.Errorf("mark %q", tr.Ops[3].Data)
	}
	if got := tr.Synced(len(tr.Ops), "f"); got != 2 {
		t.Errorf("Synced(f) = %d, want 2", got)
	}
}

// TestCutOutcomes checks every cut against what the model allows, over many
// random choices: synced bytes and names always survive; unsynced bytes
// survive as a prefix of the writes, the last possibly torn into zeros or
// cut short; an unsynced rename may be undone. And the worst case (nil rng)
// keeps exactly what was synced.
func TestCutOutcomes(t *testing.T) {
	tr, err := Parse(strings.NewReader(sampleLog()), "/d")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 2000 {
		files := tr.Cut(len(tr.Ops), rng)
		f, ok := files["f"]
		if !ok {
			t.Fatal("f vanished though the folder was synced after its creation")
		}
		full := "hello world"
		switch {
		case !bytes.HasPrefix(f, []byte("hello")) || len(f) > len(full):
			t.Fatalf("f = %q", f)
		case bytes.Equal(f, []byte(full)[:len(f)]):
			seen[fmt.Sprint("f prefix ", len(f))] = true
		case len(f) == len(full) && bytes.Count(f[bytes.IndexByte(f, 0):], []byte{0}) == len(f)-bytes.IndexByte(f, 0):
			seen["f zeroed tail"] = true
		default:
			t.Fatalf("f = %q: neither a prefix nor a prefix then zeros", f)
		}
		g, gOK := files["g"]
		_, tmpOK := files["g.tmp"]
		switch {
		case gOK && !tmpOK && string(g) == "new":
			seen["renamed"] = true
		case !gOK: // g.tmp is there or not, as its creation was kept or not
			seen["rename undone"] = true
		default:
			t.Fatalf("g = %q (present %v), g.tmp present %v", g, gOK, tmpOK)
		}
	}
	for _, want := range []string{"f prefix 5", "f prefix 11", "f zeroed tail", "renamed", "rename undone"} {
		if !seen[want] {
			t.Errorf("2000 cuts never gave %q (saw %v)", want, seen)
		}
	}
	worst := tr.Cut(len(tr.Ops), nil)
	if string(worst["f"]) != "hello" || len(worst) != 1 {
		t.Errorf("worst case %q, want only f = hello", worst)
	}
	// A cut before the folder sync may lose f whole, data and all.
	if lost := tr.Cut(3, nil); len(lost) != 0 {
		t.Errorf("worst cut before the folder sync kept %q", lost)
	}
}

// TestParseRefusesWhatItCannotModel: a write through O_APPEND or writev on
// a file of the folder would silently mislead the model.
func TestParseRefusesWhatItCannotModel(t *testing.T) {
	for _, log := range []string{
		`1 1.0 openat(AT_FDCWD, ` + hex("/d/f") + `, O_RDWR|O_CREAT|O_APPEND, 0666) = 3`,
		`1 1.0 openat(AT_FDCWD, ` + hex("/d/f") + `, O_RDWR|O_CREAT, 0666) = 3` + "\n" + `1 1.1 writev(3, [{iov_base="x", iov_len=1}], 1) = 1`,
		`1 1.0 renameat(AT_FDCWD, ` + hex("/d/f") + `, AT_FDCWD, ` + hex("/other/f") + `) = 0`,
	} {
		if _, err := Parse(strings.NewReader(log+"\n"), "/d"); err == nil {
			t.Errorf("parsed without complaint:\n%s", log)
		}
	}
}
