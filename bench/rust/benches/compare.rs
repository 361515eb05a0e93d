//! The Rust side of the benchmark suite: every workload runs for rust
//! (the store crate through libstore.so), rstar and sqlite in one
//! criterion group, so the implementations alternate in one process.
//!
//! Group = workload, function = implementation, parameter = N, so the
//! results land in target/criterion/<workload>/<impl>/<n>/new/.
//!
//! BENCH_QUICK=1 runs N = 10k and 100k only (`make bench-quick`); otherwise
//! N = 10k, 100k and 1M, with fewer samples at 1M.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, measurement::WallTime};
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

fn spatial(c: &mut Criterion, n: usize) {
    let pts = points(n);
    let mut st = timed(&format!("rust n={n}"), || World::new(StoreSpatial::load(&pts).expect("store"), pts.clone()));
    let mut rs = timed(&format!("rstar n={n}"), || World::new(RStarSpatial::load(&pts), pts.clone()));
    let mut sq = timed(&format!("sqlite n={n}"), || World::new(SqliteSpatial::load(&pts).expect("sqlite"), pts.clone()));
    drop(pts);
    macro_rules! workload {
        ($name:expr, $w:ident => $body:expr) => {{
            let mut g = group(c, $name, n);
            g.bench_function(BenchmarkId::new("rust", n), |b| {
                let $w = &mut st;
                b.iter(|| black_box($body))
            });
            g.bench_function(BenchmarkId::new("rstar", n), |b| {
                let $w = &mut rs;
                b.iter(|| black_box($body))
            });
            g.bench_function(BenchmarkId::new("sqlite", n), |b| {
                let $w = &mut sq;
                b.iter(|| black_box($body))
            });
        }};
    }
    workload!("box", w => w.box_query());
    workload!("knn10", w => w.knn10());
    workload!("move", w => w.move_one());
    workload!("move_batch", w => w.move_batch());
    if n == PLAYERS {
        // tick: every object of the 10k world is a player.
        let mut g = group(c, "tick", n);
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("rust", n), |b| b.iter(|| black_box(st.tick())));
        g.bench_function(BenchmarkId::new("rstar", n), |b| b.iter(|| black_box(rs.tick())));
        g.bench_function(BenchmarkId::new("sqlite", n), |b| b.iter(|| black_box(sq.tick())));
    }
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let sizes: &[usize] = if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] };
    let mut c = Criterion::default().nresamples(10_000).without_plots().configure_from_args();
    kv(&mut c);
    for &n in sizes {
        spatial(&mut c, n);
    }
    c.final_summary();
}
