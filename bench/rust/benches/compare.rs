//! The Rust side of the benchmark suite: every workload runs for rust
//! (the store crate through libstore.so), rstar and sqlite in one
//! criterion group, so the implementations alternate in one process.
//!
//! Group = workload, function = implementation, parameter = N, so the
//! results land in target/criterion/<workload>/<impl>/<n>/new/.
//!
//! BENCH_QUICK=1 runs N = 10k and 100k only (`make bench-quick`); otherwise
//! N = 10k, 100k and 1M, with fewer samples at 1M. The clustered world runs
//! at 100k (CLUSTERED_N) in both.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, measurement::WallTime};
use rstar::RTree;
use store_bench::*;

fn group<'a>(c: &'a mut Criterion, name: &str, n: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    // Auto switches to flat sampling when a linear sweep would not fit the
    // measurement time (the batch, tick and 1M workloads).
    g.sampling_mode(SamplingMode::Auto).sample_size(30);
    if n >= 1_000_000 {
        g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    }
    g
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    eprintln!("setup: {what} in {:.1} s", t.elapsed().as_secs_f64());
    v
}

fn kv(c: &mut Criterion) {
    let mut st = timed("kv rust", || KvWorld::new(StoreKv::load().expect("store kv")));
    let mut sq = timed("kv sqlite", || KvWorld::new(SqliteKv::load().expect("sqlite kv")));
    let n = KV_KEYS;
    {
        let mut g = group(c, "kv_get", n);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| black_box(st.get())));
        g.bench_function(BenchmarkId::new("sqlite", n), |b| b.iter(|| black_box(sq.get())));
    }
    {
        let mut g = group(c, "kv_set", n);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| st.set()));
        g.bench_function(BenchmarkId::new("sqlite", n), |b| b.iter(|| sq.set()));
    }
    {
        let mut g = group(c, "kv_set_batch", n);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| st.set_batch()));
        g.bench_function(BenchmarkId::new("sqlite", n), |b| b.iter(|| sq.set_batch()));
    }
    {
        let mut g = group(c, "kv_get_batch", n);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| black_box(st.get_batch())));
        g.bench_function(BenchmarkId::new("sqlite", n), |b| b.iter(|| black_box(sq.get_batch())));
    }
}

/// One criterion group per workload: rust, rstar and sqlite one after
/// another, each on its own world.
macro_rules! workload {
    ($c:expr, $n:expr, [$st:ident, $rs:ident, $sq:ident], $name:expr, $w:ident => $body:expr) => {
        workload!($c, $n, [$st, $rs, $sq], $name, 30, $w => $body)
    };
    ($c:expr, $n:expr, [$st:ident, $rs:ident, $sq:ident], $name:expr, $samples:expr, $w:ident => $body:expr) => {{
        let mut g = group($c, $name, $n);
        g.sample_size($samples.min(if $n >= 1_000_000 { 10 } else { 30 }));
        g.bench_function(BenchmarkId::new("rust", $n), |b| {
            let $w = &mut $st;
            b.iter(|| black_box($body))
        });
        g.bench_function(BenchmarkId::new("rstar", $n), |b| {
            let $w = &mut $rs;
            b.iter(|| black_box($body))
        });
        g.bench_function(BenchmarkId::new("sqlite", $n), |b| {
            let $w = &mut $sq;
            b.iter(|| black_box($body))
        });
    }};
}

fn spatial(c: &mut Criterion, n: usize) {
    let pts = points(n);
    let mut st = timed(&format!("rust n={n}"), || World::new(StoreSpatial::load(&pts).expect("store"), pts.clone()));
    let mut rs = timed(&format!("rstar n={n}"), || World::new(RStarSpatial::load(&pts), pts.clone()));
    let mut sq = timed(&format!("sqlite n={n}"), || World::new(SqliteSpatial::load(&pts).expect("sqlite"), pts.clone()));
    // The files of the load workload, written once from the loaded worlds.
    let dir = std::env::temp_dir().join(format!("store-bench-rust-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let (st_file, sq_file) = (dir.join("world.db"), dir.join("world.sqlite"));
    timed(&format!("load files n={n}"), || {
        st.imp.write_load_file(&st_file).expect("store file");
        sq.imp.write_load_file(&sq_file).expect("sqlite file");
    });
    let items = RStarSpatial::items(&pts);
    drop(pts);
    // The read-only workloads first, so that every implementation answers
    // them on the world as loaded.
    workload!(c, n, [st, rs, sq], "box", w => w.box_query());
    workload!(c, n, [st, rs, sq], "knn10", w => w.knn10());
    workload!(c, n, [st, rs, sq], "box_batch", 10, w => w.box_batch());
    workload!(c, n, [st, rs, sq], "knn10_batch", 10, w => w.knn10_batch());
    if n == PLAYERS {
        // pairs: every object of the 10k world is a player.
        workload!(c, n, [st, rs, sq], "pairs", 10, w => w.pairs());
    }
    {
        // load: open the file until the index is ready, then close (rstar:
        // bulk-load the points, then drop the tree).
        let mut g = group(c, "load", n);
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| StoreSpatial::open_file(&st_file).expect("open")));
        g.bench_function(BenchmarkId::new("rstar", n), |b| {
            b.iter_batched(|| items.clone(), |v| drop(black_box(RTree::bulk_load(v))), BatchSize::LargeInput)
        });
        g.bench_function(BenchmarkId::new("sqlite", n), |b| {
            b.iter(|| black_box(SqliteSpatial::open_file(&sq_file).expect("open")))
        });
    }
    drop(items);
    let _ = std::fs::remove_dir_all(&dir);
    workload!(c, n, [st, rs, sq], "move", w => w.move_one());
    workload!(c, n, [st, rs, sq], "move_batch", w => w.move_batch());
    if n == PLAYERS {
        // tick: every object of the 10k world is a player; the store asks
        // its box queries in one intersects_many call.
        workload!(c, n, [st, rs, sq], "tick", 10, w => w.tick());
    }
}

/// The clustered world at CLUSTERED_N: queries centred on objects.
fn clustered(c: &mut Criterion) {
    let n = CLUSTERED_N;
    let pts = clustered_points(n);
    let mut st = timed("clustered rust", || World::new(StoreSpatial::load(&pts).expect("store"), pts.clone()));
    let mut rs = timed("clustered rstar", || World::new(RStarSpatial::load(&pts), pts.clone()));
    let mut sq = timed("clustered sqlite", || World::new(SqliteSpatial::load(&pts).expect("sqlite"), pts.clone()));
    drop(pts);
    workload!(c, n, [st, rs, sq], "box_clustered", w => w.box_on_object());
    workload!(c, n, [st, rs, sq], "knn10_clustered", w => w.knn10_on_object());
    workload!(c, n, [st, rs, sq], "move_clustered", w => w.move_one());
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let sizes: &[usize] = if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] };
    let mut c = Criterion::default().nresamples(10_000).without_plots().configure_from_args();
    kv(&mut c);
    for &n in sizes {
        spatial(&mut c, n);
        if n == CLUSTERED_N {
            clustered(&mut c);
        }
    }
    c.final_summary();
}
