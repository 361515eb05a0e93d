// Package powercut rebuilds the files of a folder as a power cut could
// leave them. A program runs under strace, which logs every write, sync,
// rename, link, unlink and truncate it makes; Parse turns that log into the
// file-system operations on one folder, and Cut replays them up to a point
// the way a machine that lost power there might have kept them.
//
// The model of what a cut keeps (the usual one of crash-consistency
// testers such as SQLite's crash layer and LazyFS):
//
//   - A file's bytes are durable up to its last fsync or fdatasync. Of the
//     writes after it, a cut keeps a prefix in order: none, some whole ones,
//     then possibly one torn at any byte, the rest of which is either
//     missing (the file ends there) or zeros (the size was kept, the data
//     was not). Truncations after the sync are kept or lost in the same
//     order.
//   - Names in the folder (creations, renames, links, unlinks) are durable
//     up to the last fsync of the folder. Of the later ones a cut keeps a
//     prefix, in order: a rename not followed by a folder sync may be
//     undone, and a created file may vanish although its data was synced.
//
// Reads do not matter and are not traced. Writes the program makes to its
// standard output are kept in the log as markers (Op.Kind == Mark), so a
// program can say "this was acknowledged" at a point in the order.
package powercut

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind is what an Op does.
type Kind int

// The kinds of operation.
const (
	Write    Kind = iota // write Data at Off of inode Ino
	Truncate             // set the size of Ino to Size
	FileSync             // fsync or fdatasync of Ino
	Create               // Name now names a new, empty inode Ino
	Rename               // Name2 now names what Name named; Name is gone
	Link                 // Name2 now also names Ino (what Name names)
	Unlink               // Name is gone
	DirSync              // fsync of the folder
	Mark                 // the program wrote Data to its standard output
)

// Op is one operation on the folder, in the order the calls returned.
type Op struct {
	Kind        Kind
	Ino         int // inodes are numbered by the parser, from 1
	Off, Size   int64
	Data        []byte
	Name, Name2 string  // base names inside the folder
	Time        float64 // seconds since the epoch, when the call returned
}

// Trace is the operations a traced program made on one folder, which was
// empty when it started.
type Trace struct {
	Dir string
	Ops []Op
}

// StraceArgs are the strace arguments that log what Parse reads, to be
// followed by the output file name (after -o) and the program.
var StraceArgs = []string{"-f", "-qq", "-ttt", "-xx", "-s", "268435456", "-e",
	"trace=openat,open,creat,close,write,pwrite64,writev,pwritev,pwritev2,lseek,fsync,fdatasync," +
		"rename,renameat,renameat2,unlink,unlinkat,link,linkat,truncate,ftruncate," +
		"copy_file_range,sendfile,splice,fallocate,dup,dup2,dup3,fcntl,sync_file_range,sync,syncfs"}

// file is an open file description.
type file struct {
	ino int  // 0 for the folder itself
	dir bool // the folder
	pos int64
}

type parser struct {
	dir     string
	ops     []Op
	fds     map[int]*file
	names   map[string]int // the folder as the program sees it: name -> inode
	content map[int][]byte // each inode as the program sees it
	nextIno int
	partial map[string]string // pid -> the first half of an unfinished call
}

// Parse reads an strace log (made with StraceArgs) of a program that worked
// in dir, which was empty when it started.
func Parse(r io.Reader, dir string) (*Trace, error) {
	p := &parser{dir: filepath.Clean(dir), fds: map[int]*file{}, names: map[string]int{},
		content: map[int][]byte{}, partial: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<31-1)
	for n := 1; sc.Scan(); n++ {
		if err := p.line(sc.Text()); err != nil {
			return nil, fmt.Errorf("strace log line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return &Trace{Dir: p.dir, Ops: p.ops}, nil
}

func (p *parser) line(s string) error {
	pid, rest, ok := strings.Cut(s, " ")
	if !ok {
		return nil
	}
	ts, call, ok := strings.Cut(strings.TrimLeft(rest, " "), " ")
	if !ok {
		return nil
	}
	t, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return nil // not a call line
	}
	switch {
	case strings.HasPrefix(call, "---") || strings.HasPrefix(call, "+++"):
		return nil // signals, exits
	case strings.HasSuffix(call, " <unfinished ...>"):
		p.partial[pid] = strings.TrimSuffix(call, " <unfinished ...>")
		return nil
	case strings.HasPrefix(call, "<... "):
		_, tail, ok := strings.Cut(call, " resumed>")
		if !ok {
			return errors.New("malformed resumed call")
		}
		call = p.partial[pid] + tail
		delete(p.partial, pid)
	}
	open := strings.IndexByte(call, '(')
	eq := strings.LastIndex(call, " = ") // strace pads short calls: "fsync(3)      = 0"
	if open < 0 || eq < open {
		return nil // killed in the middle of a call: it did not return
	}
	end := strings.LastIndexByte(call[:eq], ')')
	if end < open {
		return errors.New("malformed call")
	}
	name := call[:open]
	args := splitArgs(call[open+1 : end])
	retText, _, _ := strings.Cut(call[eq+3:], " ")
	ret, err := strconv.ParseInt(retText, 0, 64)
	if err != nil || ret < 0 {
		return nil // failed calls change nothing
	}
	return p.call(name, args, ret, t)
}

// splitArgs splits strace's argument text at the commas outside quotes and
// brackets.
func splitArgs(s string) []string {
	var out []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// unquote decodes a string argument of strace -xx ("\x41\x42").
func unquote(a string) ([]byte, error) {
	a = strings.TrimSuffix(a, "...")
	if len(a) < 2 || a[0] != '"' || a[len(a)-1] != '"' {
		return nil, fmt.Errorf("not a string argument: %.40q", a)
	}
	a = a[1 : len(a)-1]
	out := make([]byte, 0, len(a)/4)
	for i := 0; i < len(a); i++ {
		if a[i] != '\\' {
			out = append(out, a[i])
			continue
		}
		i++
		if i >= len(a) {
			return nil, errors.New("string ends in a backslash")
		}
		switch a[i] {
		case 'x':
			if i+2 >= len(a) {
				return nil, errors.New("short \\x escape")
			}
			v, err := strconv.ParseUint(a[i+1:i+3], 16, 8)
			if err != nil {
				return nil, err
			}
			out = append(out, byte(v))
			i += 2
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		default:
			out = append(out, a[i])
		}
	}
	return out, nil
}

func num(a string) int64 {
	n, _ := strconv.ParseInt(strings.Trim(a, "[]"), 0, 64)
	return n
}

// local gives the name inside the folder of a path argument, or "" for
// the folder itself, or ok=false for a path elsewhere.
func (p *parser) local(dirfd, arg string) (string, bool, error) {
	b, err := unquote(arg)
	if err != nil {
		return "", false, err
	}
	path := string(b)
	if !filepath.IsAbs(path) {
		if dirfd != "" && dirfd != "AT_FDCWD" {
			return "", false, fmt.Errorf("a path %q relative to fd %s", path, dirfd)
		}
		return "", false, nil // the program uses absolute paths for its folder
	}
	path = filepath.Clean(path)
	if path == p.dir {
		return "", true, nil
	}
	if filepath.Dir(path) == p.dir {
		return filepath.Base(path), true, nil
	}
	return "", false, nil
}

func (p *parser) add(op Op) {
	p.ops = append(p.ops, op)
	switch op.Kind {
	case Write:
		c := p.content[op.Ino]
		if end := op.Off + int64(len(op.Data)); int64(len(c)) < end {
			c = append(c, make([]byte, end-int64(len(c)))...)
		}
		copy(c[op.Off:], op.Data)
		p.content[op.Ino] = c
	case Truncate:
		p.content[op.Ino] = resize(p.content[op.Ino], op.Size)
	case Create:
		p.names[op.Name] = op.Ino
	case Rename:
		p.names[op.Name2] = p.names[op.Name]
		delete(p.names, op.Name)
	case Link:
		p.names[op.Name2] = p.names[op.Name]
	case Unlink:
		delete(p.names, op.Name)
	}
}

func resize(c []byte, n int64) []byte {
	if int64(len(c)) >= n {
		return c[:n:n]
	}
	return append(c, make([]byte, n-int64(len(c)))...)
}

func (p *parser) call(name string, a []string, ret int64, t float64) error {
	arg := func(i int) string {
		if i < len(a) {
			return a[i]
		}
		return ""
	}
	fdArg := func(i int) *file { return p.fds[int(num(arg(i)))] }
	switch name {
	case "openat", "open", "creat":
		dirfd, pathArg, flags := "AT_FDCWD", arg(0), arg(1)
		if name == "openat" {
			dirfd, pathArg, flags = arg(0), arg(1), arg(2)
		}
		if name == "creat" {
			flags = "O_CREAT|O_TRUNC"
		}
		delete(p.fds, int(ret))
		n, ok, err := p.local(dirfd, pathArg)
		if err != nil || !ok {
			return err
		}
		if n == "" {
			p.fds[int(ret)] = &file{dir: true}
			return nil
		}
		ino, exists := p.names[n]
		if !exists {
			p.nextIno++
			ino = p.nextIno
			p.add(Op{Kind: Create, Ino: ino, Name: n, Time: t})
		} else if strings.Contains(flags, "O_TRUNC") {
			p.add(Op{Kind: Truncate, Ino: ino, Time: t})
		}
		f := &file{ino: ino}
		if strings.Contains(flags, "O_APPEND") {
			return fmt.Errorf("O_APPEND on %s is not modelled", n)
		}
		p.fds[int(ret)] = f
	case "close":
		delete(p.fds, int(num(arg(0))))
	case "dup", "dup2", "dup3":
		if f := fdArg(0); f != nil {
			p.fds[int(ret)] = f
		} else {
			delete(p.fds, int(ret))
		}
	case "fcntl":
		if strings.HasPrefix(arg(1), "F_DUPFD") {
			if f := fdArg(0); f != nil {
				p.fds[int(ret)] = f
			} else {
				delete(p.fds, int(ret))
			}
		}
	case "write", "pwrite64":
		fd := int(num(arg(0)))
		data, err := unquote(arg(1))
		if err != nil {
			return err
		}
		data = data[:min(int64(len(data)), ret)]
		if fd == 1 && p.fds[1] == nil {
			p.add(Op{Kind: Mark, Data: data, Time: t})
			return nil
		}
		f := p.fds[fd]
		if f == nil {
			return nil
		}
		if f.dir {
			return errors.New("a write to the folder")
		}
		off := f.pos
		if name == "pwrite64" {
			off = num(arg(3))
		} else {
			f.pos += int64(len(data))
		}
		p.add(Op{Kind: Write, Ino: f.ino, Off: off, Data: data, Time: t})
	case "lseek":
		if f := fdArg(0); f != nil {
			f.pos = ret
		}
	case "fsync", "fdatasync":
		f := fdArg(0)
		switch {
		case f == nil:
		case f.dir:
			p.add(Op{Kind: DirSync, Time: t})
		default:
			p.add(Op{Kind: FileSync, Ino: f.ino, Time: t})
		}
	case "ftruncate":
		if f := fdArg(0); f != nil {
			p.add(Op{Kind: Truncate, Ino: f.ino, Size: num(arg(1)), Time: t})
		}
	case "truncate":
		n, ok, err := p.local("", arg(0))
		if err != nil || !ok {
			return err
		}
		if ino, exists := p.names[n]; exists {
			p.add(Op{Kind: Truncate, Ino: ino, Size: num(arg(1)), Time: t})
		}
	case "rename", "renameat", "renameat2", "link", "linkat":
		oldDir, oldArg, newDir, newArg := "", arg(0), "", arg(1)
		if strings.HasSuffix(name, "at") || name == "renameat2" {
			oldDir, oldArg, newDir, newArg = arg(0), arg(1), arg(2), arg(3)
		}
		oldName, ok1, err := p.local(oldDir, oldArg)
		if err != nil {
			return err
		}
		newName, ok2, err := p.local(newDir, newArg)
		if err != nil {
			return err
		}
		if !ok1 && !ok2 {
			return nil
		}
		if !ok1 || !ok2 || oldName == "" || newName == "" {
			return fmt.Errorf("%s across the folder's boundary is not modelled", name)
		}
		kind := Rename
		if strings.HasPrefix(name, "link") {
			kind = Link
		}
		p.add(Op{Kind: kind, Ino: p.names[oldName], Name: oldName, Name2: newName, Time: t})
	case "unlink", "unlinkat":
		dirfd, pathArg := "", arg(0)
		if name == "unlinkat" {
			dirfd, pathArg = arg(0), arg(1)
		}
		n, ok, err := p.local(dirfd, pathArg)
		if err != nil || !ok || n == "" {
			return err
		}
		p.add(Op{Kind: Unlink, Ino: p.names[n], Name: n, Time: t})
	case "copy_file_range", "sendfile":
		in, out := fdArg(0), fdArg(2)
		if name == "sendfile" {
			out, in = fdArg(0), fdArg(1)
		}
		if out == nil {
			return nil
		}
		if in == nil || ret == 0 {
			if ret == 0 {
				return nil
			}
			return fmt.Errorf("%s from outside the folder is not modelled", name)
		}
		offArg := arg(1)
		if name == "sendfile" {
			offArg = arg(2)
		}
		if offArg != "NULL" || (name == "copy_file_range" && arg(3) != "NULL") {
			return fmt.Errorf("%s with explicit offsets is not modelled", name)
		}
		src := p.content[in.ino]
		data := append([]byte(nil), src[in.pos:in.pos+ret]...)
		in.pos += ret
		p.add(Op{Kind: Write, Ino: out.ino, Off: out.pos, Data: data, Time: t})
		out.pos += ret
	case "writev", "pwritev", "pwritev2", "splice", "fallocate", "sync_file_range", "sync", "syncfs":
		if f := fdArg(0); f != nil || name == "sync" || name == "syncfs" {
			return fmt.Errorf("%s is not modelled", name)
		}
	}
	return nil
}

// Cut gives the files of the folder (name -> content) as a power cut just
// after the first n operations could leave them, choosing among the
// possible outcomes with rng. A nil rng takes the worst case: nothing that
// was not synced survives.
func (tr *Trace) Cut(n int, rng *rand.Rand) map[string][]byte {
	ops := tr.Ops[:n]
	// Each inode: durable content up to its last sync, then a prefix of the
	// later changes, the last one possibly torn.
	lastSync := map[int]int{}
	lastDirSync := -1
	for i, op := range ops {
		switch op.Kind {
		case FileSync:
			lastSync[op.Ino] = i
		case DirSync:
			lastDirSync = i
		}
	}
	pending := map[int][]Op{}
	content := map[int][]byte{}
	for i, op := range ops {
		if op.Kind != Write && op.Kind != Truncate {
			continue
		}
		if s, ok := lastSync[op.Ino]; ok && i < s {
			content[op.Ino] = apply(content[op.Ino], op)
		} else {
			pending[op.Ino] = append(pending[op.Ino], op)
		}
	}
	for ino, ps := range pending {
		content[ino] = cutPending(content[ino], ps, rng)
	}
	// The folder: durable up to its last sync, then a prefix of the rest.
	var nameOps []Op
	durable := 0
	for i, op := range ops {
		switch op.Kind {
		case Create, Rename, Link, Unlink:
			nameOps = append(nameOps, op)
			if i < lastDirSync {
				durable = len(nameOps)
			}
		}
	}
	keep := durable
	if rng != nil {
		keep += rng.IntN(len(nameOps) - durable + 1)
	}
	names := map[string]int{}
	for _, op := range nameOps[:keep] {
		switch op.Kind {
		case Create:
			names[op.Name] = op.Ino
		case Rename:
			if ino, ok := names[op.Name]; ok {
				names[op.Name2] = ino
				delete(names, op.Name)
			}
		case Link:
			if ino, ok := names[op.Name]; ok {
				names[op.Name2] = ino
			}
		case Unlink:
			delete(names, op.Name)
		}
	}
	out := map[string][]byte{}
	for name, ino := range names {
		out[name] = append([]byte{}, content[ino]...)
	}
	return out
}

func apply(c []byte, op Op) []byte {
	if op.Kind == Truncate {
		return resize(c, op.Size)
	}
	c = append([]byte(nil), c...)
	if end := op.Off + int64(len(op.Data)); int64(len(c)) < end {
		c = resize(c, end)
	}
	copy(c[op.Off:], op.Data)
	return c
}

// cutPending applies a random prefix of the unsynced changes ps to c, the
// last one possibly torn with its rest missing or zeroed.
func cutPending(c []byte, ps []Op, rng *rand.Rand) []byte {
	if rng == nil {
		return c
	}
	whole := rng.IntN(len(ps) + 1)
	for _, op := range ps[:whole] {
		c = apply(c, op)
	}
	if whole == len(ps) || ps[whole].Kind != Write || rng.IntN(2) == 0 {
		return c
	}
	op := ps[whole]
	torn := rng.IntN(len(op.Data) + 1)
	part := op
	part.Data = op.Data[:torn]
	if rng.IntN(2) == 0 {
		// The size reached the disk but the data did not: zeros.
		part.Data = append(append([]byte(nil), op.Data[:torn]...), make([]byte, len(op.Data)-torn)...)
	}
	return apply(c, part)
}

// Synced gives the index of the last file sync among the first n
// operations of the inode that name named when it was synced, or -1.
func (tr *Trace) Synced(n int, name string) int {
	names := map[string]int{}
	last := -1
	for i, op := range tr.Ops[:n] {
		switch op.Kind {
		case Create:
			names[op.Name] = op.Ino
		case Rename:
			names[op.Name2] = names[op.Name]
			delete(names, op.Name)
		case Link:
			names[op.Name2] = names[op.Name]
		case Unlink:
			delete(names, op.Name)
		case FileSync:
			if ino, ok := names[name]; ok && ino == op.Ino {
				last = i
			}
		}
	}
	return last
}
