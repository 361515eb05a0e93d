// Command report turns one run of the benchmark suite into BENCHMARKS.md,
// an SVG chart and a summary: it reads criterion's estimates (the median
// point estimate of each bench/rust benchmark), the output of `go test
// -bench` (the median over -count and over every file given), the memory
// figures of the mem programs and the Go CPU profiles' pprof -top output.
// Std only. Run by `make bench` and `make bench-quick`; see the Makefile.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	impls     = []string{"go", "rust", "rstar", "sqlite"}
	workloads = []struct{ name, what string }{
		{"kv_get", "one `get` of a random key among 100k (16-byte keys, 100-byte values), in memory; every side reads every byte of the value (Rust: `get_into` a reused buffer; SQLite: the blob in place)"},
		{"kv_set", "one `set` of a random existing key (100-byte value), its own transaction"},
		{"kv_set_batch", "one call writing 1000 random keys in one transaction (time per call)"},
		{"kv_get_batch", "one call reading 1000 random keys in one read transaction (time per call), every byte of every value read"},
		{"box", "objects intersecting an axis-aligned box of side 50 at a random place (about 1.25, 12.5 and 125 hits on average at N = 10k, 100k and 1M)"},
		{"knn10", "the 10 nearest objects to a random point"},
		{"box_batch", "1000 boxes of side 50 at random places (drawn as in box; about 1.2k, 12k and 120k hits in all at N = 10k, 100k and 1M) in one call (time per call). " +
			"go, rust: one `IntersectsMany` / `intersects_many` call; rstar: `locate_in_envelope_intersecting` per box, counting the hits; sqlite: the prepared R*Tree box statement per box, stepping every row, in one transaction"},
		{"knn10_batch", "the 10 nearest objects to each of 1000 random points in one call (time per call). " +
			"go, rust: one `NearbyMany` / `nearby_many` call (k = 10, no distance bound); rstar: `nearest_neighbor_iter().take(10)` per point; sqlite: its knn10 (an expanding box search sorted by distance, see bench/rust/src/lib.rs) per point, in one transaction"},
		{"move", "move one random object by up to 1 unit per axis"},
		{"move_batch", "move 1000 random objects by up to 1 unit per axis in one call (time per call)"},
		{"tick", "10k players: move every player (one call), then one box query of side 50 around every player (time per tick). " +
			"go and rust ask the 10k boxes in one `IntersectsMany` / `intersects_many` call; rstar and sqlite query box by box (sqlite without an explicit transaction)"},
		{"pairs", "every pair of the 10k players within distance 10 of each other, each pair once (time per call). The players are the 10k world as loaded (uniform in the 1000 cube; pairs runs before the workloads that move them), which holds 211 such pairs. " +
			"go, rust: one `Pairs` / `pairs` call (no pattern); rstar: `locate_within_distance` around every item, keeping the pairs whose other id is larger " +
			"(faster here than `intersection_candidates_with_other_tree` against a bulk-loaded tree of the boxes of side 20 around the items: about 3.0 ms against 4.7 ms); " +
			"sqlite: per player an R*Tree box query of half-side 10 for the larger ids, then the distance test, in one transaction (its 32-bit boxes, rounded outwards, may add a pair at the limit)"},
		{"load", "from N objects at rest to a ready spatial index (time per load). " +
			"go, rust: `Open` / `Store::open` of a store file written once during setup (a snapshot of the world plus its `.idx` index definitions), which reads the whole file and rebuilds the R-tree before returning, then `Close`; " +
			"rstar: `RTree::bulk_load` of the N points, already in memory, then drop the tree; " +
			"sqlite: open a database file holding the N-row R*Tree and run one box query (side 50 at the centre) so that the open is not deferred; SQLite reads pages lazily, so this reads the schema and the few pages of that query's path, not the tree: it is the cost of a ready-to-query database, not of loading N objects. " +
			"Every file was just written, so it is in the OS page cache"},
		{"box_clustered", "box on the clustered world (100k objects, 90% of them in 50 towns of radius 20 scattered in the cube, the rest uniform), the box of side 50 centred on a random object, so mostly in a town: about 1,430 hits on average"},
		{"knn10_clustered", "the 10 nearest objects to a random object's place on the clustered world (the object itself among them). sqlite's search starts from the radius the average density suggests, far too wide inside a town, so it sorts many candidates"},
		{"move_clustered", "move one random object of the clustered world by up to 1 unit per axis"},
	}
	chartWorkloads = []string{"box", "knn10", "move"}
	colors         = map[string]string{"go": "#1f77b4", "rust": "#d62728", "rstar": "#2ca02c", "sqlite": "#9467bd"}
)

// key names one result.
type key struct {
	workload, impl string
	n              int
}

func main() {
	criterion := flag.String("criterion", "bench/rust/target/criterion", "criterion's output folder")
	goFiles := flag.String("go", "", "comma-separated files of `go test -bench` output")
	memFile := flag.String("mem", "", "memory figures: impl, n, bytes/object, delta per line")
	envFile := flag.String("env", "", "key<TAB>value lines about the run (start, sqlite version)")
	profDir := flag.String("prof", "", "folder of <workload>.txt pprof -top outputs")
	notes := flag.String("notes", "bench/NOTES.md", "hand-written notes appended to the report")
	md := flag.String("md", "", "write the report here (empty: no report)")
	svg := flag.String("svg", "", "write the chart here")
	tsv := flag.String("tsv", "build/bench/summary.tsv", "write the summary here")
	flag.StringVar(&bindingsFile, "bindings", "", "per-call cost from each language (bench/bindings/run.sh output)")
	flag.Parse()

	res := map[key]float64{}
	check(readCriterion(*criterion, res))
	for _, f := range strings.Split(*goFiles, ",") {
		if f != "" {
			check(readGo(f, res))
		}
	}
	keys := sortedKeys(res)
	var sum strings.Builder
	for _, k := range keys {
		fmt.Printf("%s %d %s %.1f\n", k.workload, k.n, k.impl, res[k])
		fmt.Fprintf(&sum, "%s\t%d\t%s\t%.1f\n", k.workload, k.n, k.impl, res[k])
	}
	check(os.MkdirAll(filepath.Dir(*tsv), 0o755))
	check(os.WriteFile(*tsv, []byte(sum.String()), 0o644))
	if *svg != "" {
		model, cpus := cpuInfo()
		when := fmt.Sprintf("measured %s on %d CPUs (%s), shared machine", time.Now().UTC().Format("2006-01-02"), cpus, model)
		check(os.WriteFile(*svg, []byte(chart(res, when)), 0o644))
	}
	if *md != "" {
		env := readPairs(*envFile)
		rel, err := filepath.Rel(filepath.Dir(*md), *svg)
		if err != nil {
			rel = *svg
		}
		check(os.WriteFile(*md, []byte(report(res, env, readLines(*memFile), *profDir, *notes, rel)), 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// readCriterion reads <dir>/<workload>/<impl>/<n>/new/{benchmark,estimates}.json.
func readCriterion(dir string, res map[key]float64) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "benchmark.json" || filepath.Base(filepath.Dir(p)) != "new" {
			return err
		}
		var b struct{ GroupID, FunctionID, ValueStr string }
		var e struct {
			Median struct {
				PointEstimate float64 `json:"point_estimate"`
			} `json:"median"`
		}
		if err := readJSON(p, &b); err != nil {
			return err
		}
		if err := readJSON(filepath.Join(filepath.Dir(p), "estimates.json"), &e); err != nil {
			return err
		}
		n, err := strconv.Atoi(b.ValueStr)
		if err != nil {
			return fmt.Errorf("%s: value %q: %v", p, b.ValueStr, err)
		}
		res[key{b.GroupID, b.FunctionID, n}] = e.Median.PointEstimate
		return nil
	})
}

func readJSON(p string, v any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	// criterion writes snake_case fields; map them onto the Go names.
	s := strings.NewReplacer(`"group_id"`, `"GroupID"`, `"function_id"`, `"FunctionID"`, `"value_str"`, `"ValueStr"`).Replace(string(b))
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}

var (
	goLine   = regexp.MustCompile(`^Benchmark\w+/(\w+)/n=(\d+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)
	goAllocs = regexp.MustCompile(`\s([\d.]+) B/op\s+([\d.]+) allocs/op`)
)

// allocs are the Go side's median B/op and allocs/op (from -benchmem or
// b.ReportAllocs), by workload and N.
var allocs = map[key][2]float64{}
var allocSamples = map[key][][2]float64{}

// readGo adds the median ns/op of every Go benchmark (over the file's
// repeats and earlier files') as impl "go".
func readGo(path string, res map[key]float64) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	all := map[key][]float64{}
	for k, v := range goSamples {
		all[k] = v
	}
	for _, line := range strings.Split(string(b), "\n") {
		m := goLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		v, _ := strconv.ParseFloat(m[3], 64)
		k := key{m[1], "go", n}
		all[k] = append(all[k], v)
		if a := goAllocs.FindStringSubmatch(line); a != nil {
			by, _ := strconv.ParseFloat(a[1], 64)
			ao, _ := strconv.ParseFloat(a[2], 64)
			allocSamples[k] = append(allocSamples[k], [2]float64{by, ao})
		}
	}
	for k, v := range allocSamples {
		var by, ao []float64
		for _, x := range v {
			by, ao = append(by, x[0]), append(ao, x[1])
		}
		allocs[k] = [2]float64{median(by), median(ao)}
	}
	for k, v := range all {
		goSamples[k] = v
		res[k] = median(v)
	}
	return nil
}

var goSamples = map[key][]float64{}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sortedKeys(res map[key]float64) []key {
	order := map[string]int{}
	for i, w := range workloads {
		order[w.name] = i
	}
	implOrder := map[string]int{}
	for i, im := range impls {
		implOrder[im] = i
	}
	var keys []key
	for k := range res {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if order[a.workload] != order[b.workload] {
			return order[a.workload] < order[b.workload]
		}
		if a.n != b.n {
			return a.n < b.n
		}
		return implOrder[a.impl] < implOrder[b.impl]
	})
	return keys
}

// sizes are the N measured for a workload, ascending.
func sizes(res map[key]float64, w string) []int {
	seen := map[int]bool{}
	for k := range res {
		if k.workload == w {
			seen[k.n] = true
		}
	}
	var ns []int
	for n := range seen {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

func readPairs(path string) map[string]string {
	m := map[string]string{}
	for _, l := range readLines(path) {
		if k, v, ok := strings.Cut(l, "\t"); ok {
			m[k] = v
		}
	}
	return m
}

func readLines(path string) []string {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// ns formats nanoseconds with three significant digits and a unit.
func ns(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3g s", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.3g ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3g µs", v/1e3)
	}
	return fmt.Sprintf("%.3g ns", v)
}

func cell(res map[key]float64, w, impl string, n int) string {
	if v, ok := res[key{w, impl, n}]; ok {
		return ns(v)
	}
	if impl == "rstar" && strings.HasPrefix(w, "kv_") {
		return "n/a (no KV store)"
	}
	return "not measured"
}

func ratio(res map[key]float64, w string, n int, other string) string {
	a, ok1 := res[key{w, "rust", n}]
	b, ok2 := res[key{w, other, n}]
	if other == "rstar" && strings.HasPrefix(w, "kv_") {
		return "n/a (no KV)"
	}
	if !ok1 || !ok2 || b == 0 {
		return "n/a"
	}
	r := a / b
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

func cmdOut(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func cpuInfo() (model string, cpus int) {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			switch strings.TrimSpace(k) {
			case "model name":
				model = strings.TrimSpace(v)
			case "processor":
				cpus++
			}
		}
	}
	return model, cpus
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	return "unknown"
}

// lockVersion finds a crate's version in bench/rust/Cargo.lock.
func lockVersion(lock, name string) string {
	m := regexp.MustCompile(`name = "` + regexp.QuoteMeta(name) + `"\nversion = "([^"]+)"`).FindStringSubmatch(lock)
	if m == nil {
		return "?"
	}
	return m[1]
}

func report(res map[key]float64, env map[string]string, mem []string, profDir, notesPath, chartPath string) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	now := time.Now().UTC()
	model, cpus := cpuInfo()
	lockB, _ := os.ReadFile("bench/rust/Cargo.lock")
	lock := string(lockB)
	start, end := now, now
	if s, err := strconv.ParseInt(env["start"], 10, 64); err == nil {
		start = time.Unix(s, 0).UTC()
	}
	if s, err := strconv.ParseInt(env["end"], 10, 64); err == nil {
		end = time.Unix(s, 0).UTC()
	}
	p("# Benchmarks\n\nGenerated by `make bench` (bench/report) from the run started **%s**, which took %s",
		start.Format("2006-01-02 15:04 MST"), end.Sub(start).Round(time.Second))
	p(". Do not edit by hand: change bench/NOTES.md or the suite and run `make bench`.\n\n")
	p("## Where and how\n\n")
	p("- Machine: %d logical CPUs (`nproc`: %s), %s, %s memory, Linux %s. **Shared and noisy**: other jobs ran on it meanwhile, so single numbers can be off by tens of percent; ratios of neighbouring rows are steadier than absolute times.\n",
		cpus, cmdOut("nproc"), model, memTotal(), cmdOut("uname", "-r"))
	p("- Toolchains: %s (GOMAXPROCS %d), %s; crates: criterion %s, rstar %s, rusqlite %s (bundled SQLite %s).\n",
		runtime.Version(), runtime.GOMAXPROCS(0), cmdOut("rustc", "--version"), lockVersion(lock, "criterion"), lockVersion(lock, "rstar"), lockVersion(lock, "rusqlite"), env["sqlite"])
	p("- `go`: the `store` package called from Go (bench/go, `go test -bench`, median of every repeat; the Go benchmarks run before and after the Rust ones). " +
		"`rust`: the `store` crate through libstore.so; `rstar`: `RTree<GeomWithData<[f64;3],u64>>` in the same process; `sqlite`: SQLite's R*Tree module and a `WITHOUT ROWID` table through rusqlite, in memory. " +
		"The three Rust-side implementations run in one criterion group per workload, one after another in one process (bench/rust, median point estimate).\n")
	p("- Inputs: objects uniform in a 1000×1000×1000 cube from splitmix64 with seed 1, queries and moves from seed 2, identical in Go and Rust. " +
		"The `*_clustered` workloads use a second world of 100k objects from seed 3: 50 town centres uniform in the cube (at least 20 from its faces), then each object with probability 0.9 uniform in the ball of radius 20 around a random town, else uniform in the cube; their queries are centred on random objects. " +
		"Store values are rect text `[x y z]` under `o:<id>` in a spatial index without JSON path, made after the objects are written (so bulk-loaded, as at an open; rstar's tree is bulk-loaded too, SQLite's R*Tree is filled by inserts). The read-only workloads run before the ones that move objects, on every side.\n")
	p("- Ratios are rust time / other time: above 1× rust is slower.\n\n")

	p("## Ratios at a glance\n\n| workload | N | rust | rust/go | rust/rstar | rust/sqlite |\n|---|---:|---:|---:|---:|---:|\n")
	for _, w := range workloads {
		for _, n := range sizes(res, w.name) {
			p("| %s | %d | %s | %s | %s | %s |\n", w.name, n, cell(res, w.name, "rust", n), ratio(res, w.name, n, "go"), ratio(res, w.name, n, "rstar"), ratio(res, w.name, n, "sqlite"))
		}
	}
	p("\n![cost of box, knn10 and move against N](%s)\n\n", chartPath)

	p("## Per workload (time per operation)\n\n")
	var slower []string
	for _, w := range workloads {
		ns := sizes(res, w.name)
		if len(ns) == 0 {
			continue
		}
		p("### %s\n\n%s.\n\n| N | go | rust | rstar | sqlite | rust/go | rust/rstar | rust/sqlite |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n", w.name, w.what)
		isSlower := false
		for _, n := range ns {
			p("| %d |", n)
			for _, im := range impls {
				p(" %s |", cell(res, w.name, im, n))
			}
			p(" %s | %s | %s |\n", ratio(res, w.name, n, "go"), ratio(res, w.name, n, "rstar"), ratio(res, w.name, n, "sqlite"))
			r := res[key{w.name, "rust", n}]
			for _, o := range []string{"rstar", "sqlite"} {
				if v, ok := res[key{w.name, o, n}]; ok && r > v {
					isSlower = true
				}
			}
		}
		p("\n")
		if isSlower {
			slower = append(slower, w.name)
		}
	}

	b.WriteString(respSection(res))

	p("## Allocations (Go side)\n\nHeap allocations of the `store` package called from Go (`b.ReportAllocs`, median over the repeats), per call. " +
		"The benchmark loops reuse their query boxes, points and callbacks, so these are the store's own allocations; the target for a single box or kNN query is 0.\n\n" +
		"| workload | N | allocs/op | B/op | allocs per query |\n|---|---:|---:|---:|---:|\n")
	queries := map[string]float64{"box": 1, "knn10": 1, "box_batch": 1000, "knn10_batch": 1000, "box_clustered": 1, "knn10_clustered": 1}
	anyAllocs := false
	for _, w := range []string{"box", "knn10", "box_batch", "knn10_batch", "box_clustered", "knn10_clustered"} {
		for _, n := range sizes(res, w) {
			if a, ok := allocs[key{w, "go", n}]; ok {
				anyAllocs = true
				p("| %s | %d | %.0f | %.0f | %.3g |\n", w, n, a[1], a[0], a[1]/queries[w])
			}
		}
	}
	if !anyAllocs {
		p("| (not measured in this run) | | | | |\n")
	}
	p("\n")

	b.WriteString(bindingsSection(bindingsFile))

	p("## Memory\n\nResident bytes per object with 1M objects loaded, each implementation in a process of its own (`bench/rust/src/bin/mem.rs`, `bench/go/mem`): VmRSS after the load minus VmRSS before it. " +
		"`go` forces a GC and returns freed memory before reading; `rust` cannot (the Go runtime inside libstore.so collects on its own schedule), so its figure includes garbage not yet collected.\n\n| impl | N | bytes/object | RSS delta |\n|---|---:|---:|---:|\n")
	for _, l := range mem {
		f := strings.Split(l, "\t")
		if len(f) < 4 {
			continue
		}
		d, _ := strconv.ParseFloat(f[3], 64)
		p("| %s | %s | %s | %.0f MiB |\n", f[0], f[1], f[2], d/(1<<20))
	}
	if len(mem) == 0 {
		p("| (not measured in this run) | | | |\n")
	}

	p("\n## Where the time goes\n\nWorkloads where rust is slower than rstar or sqlite at some N: %s. For each, the Go side's CPU profile (the engine without FFI) at N = 100k (tick and pairs: 10k, kv: 100k keys), setup excluded:\n\n", strings.Join(slower, ", "))
	p("```sh\ngo test -run '^$' ./bench/go -bench 'BenchmarkSpatial/^box$/n=100000$' -benchtime 3s -cpuprofile build/bench/prof/box.prof -o build/bench/prof/bench.test\ngo tool pprof -top -nodecount 15 -ignore 'bench/go\\.Load' build/bench/prof/bench.test build/bench/prof/box.prof\n```\n\n(`make bench` does this for every workload; `-ignore` drops the samples of loading the world.)\n\n")
	if notes, err := os.ReadFile(notesPath); err == nil {
		b.Write(notes)
		p("\n")
	}
	for _, w := range slower {
		top, err := os.ReadFile(filepath.Join(profDir, w+".txt"))
		if err != nil {
			continue
		}
		p("<details><summary>pprof -top: %s</summary>\n\n```\n%s\n```\n\n</details>\n\n", w, strings.TrimSpace(string(top)))
	}
	return b.String()
}

// chart draws box, knn10 and move against N, log-log, a line per impl.
func chart(res map[key]float64, when string) string {
	const pw, ph, ml, mr, mt, mb = 300.0, 240.0, 62.0, 24.0, 62.0, 46.0
	width := float64(len(chartWorkloads)) * (ml + pw + mr)
	height := mt + ph + mb
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	p(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	for i, im := range impls {
		x := 70 + float64(i)*110
		p(`<line x1="%.0f" y1="14" x2="%.0f" y2="14" stroke="%s" stroke-width="2.5"/><text x="%.0f" y="18">%s</text>`+"\n", x, x+24, colors[im], x+30, im)
	}
	p(`<text x="%.0f" y="18" fill="#555">time per operation vs N, log-log; %s</text>`+"\n", 70+float64(len(impls))*110, when)
	for pi, w := range chartWorkloads {
		ox := float64(pi)*(ml+pw+mr) + ml
		ns := sizes(res, w)
		lo, hi := math.Inf(1), math.Inf(-1)
		for k, v := range res {
			if k.workload == w {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if len(ns) == 0 {
			continue
		}
		ylo, yhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		if yhi == ylo {
			yhi++
		}
		xlo, xhi := math.Log10(float64(ns[0])), math.Log10(float64(ns[len(ns)-1]))
		if xhi == xlo {
			xlo, xhi = xlo-0.5, xhi+0.5
		}
		X := func(n int) float64 { return ox + (math.Log10(float64(n))-xlo)/(xhi-xlo)*pw }
		Y := func(v float64) float64 { return mt + ph - (math.Log10(v)-ylo)/(yhi-ylo)*ph }
		p(`<text x="%.0f" y="%.0f" font-size="14" font-weight="bold" text-anchor="middle">%s</text>`+"\n", ox+pw/2, mt-10, w)
		p(`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#333"/>`+"\n", ox, mt, pw, ph)
		for e := ylo; e <= yhi; e++ {
			for _, m := range []float64{1, 2, 5} {
				v := m * math.Pow(10, e)
				if math.Log10(v) > yhi+1e-9 {
					break
				}
				y := Y(v)
				p(`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#ddd"/>`+"\n", ox, y, ox+pw, y)
				p(`<text x="%.0f" y="%.1f" text-anchor="end" fill="#333">%s</text>`+"\n", ox-4, y+4, strings.ReplaceAll(ns2(v), " ", "\u00a0"))
			}
		}
		for _, n := range ns {
			x := X(n)
			p(`<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#ddd"/>`+"\n", x, mt, x, mt+ph)
			p(`<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", x, mt+ph+16, count(n))
		}
		p(`<text x="%.0f" y="%.0f" text-anchor="middle" fill="#555">N objects</text>`+"\n", ox+pw/2, mt+ph+34)
		for _, im := range impls {
			var pts []string
			for _, n := range ns {
				if v, ok := res[key{w, im, n}]; ok {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", X(n), Y(v)))
				}
			}
			if len(pts) == 0 {
				continue
			}
			p(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`+"\n", strings.Join(pts, " "), colors[im])
			for _, pt := range pts {
				xy := strings.Split(pt, ",")
				p(`<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`+"\n", xy[0], xy[1], colors[im])
			}
		}
	}
	p("</svg>\n")
	return b.String()
}

// ns2 labels an axis value: 1 ns, 20 µs, 5 ms.
func ns2(v float64) string {
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'g', 3, 64) + " s"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + " ms"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + " µs"
	}
	return strconv.FormatFloat(v, 'g', 3, 64) + " ns"
}

func count(n int) string {
	switch {
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%dM", n/1e6)
	case n >= 1e3 && n%1e3 == 0:
		return fmt.Sprintf("%dk", n/1e3)
	}
	return strconv.Itoa(n)
}
