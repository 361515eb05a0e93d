//! The store over a socket against the FFI: kv_get, kv_set, box and knn10
//! at 100k, as compare.rs runs them for `rust` (the store crate through
//! libstore.so), but through build/store-server (RESP) with the `redis`
//! crate, over a Unix socket and over TCP loopback, one request at a time
//! and pipelined 100 deep.
//!
//! Group = workload, function = `resp_unix`, `resp_tcp`, `resp_unix_p100`,
//! `resp_tcp_p100`, parameter = N, so that bench/report puts these rows
//! beside compare.rs's in the same run. Time is per request: a pipelined
//! iteration sends 100 requests and counts as 100.
//!
//! The server binary is $STORE_SERVER_BIN, else ../../build/store-server
//! (`make server`). Each world gets a server of its own, on a store in
//! memory as the FFI rows use.

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, BenchmarkId, Criterion, measurement::WallTime};
use redis::{Connection, Value};
use store_bench::*;

/// Requests per pipelined iteration.
const DEPTH: usize = 100;
/// The spatial workloads' N (KV_KEYS for the key-value ones).
const N: usize = 100_000;

/// A store-server process, stopped on drop.
struct Server {
    child: Child,
    tcp: String,
    sock: PathBuf,
    dir: PathBuf,
}

impl Server {
    fn start(name: &str) -> Server {
        let bin = std::env::var_os("STORE_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../build/store-server"));
        let dir = std::env::temp_dir().join(format!("store-bench-resp-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let sock = dir.join("s.sock");
        let mut child = Command::new(&bin)
            .args(["--data", ":memory:", "--addr", "127.0.0.1:0", "--sync", "never", "--unix"])
            .arg(&sock)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e} (make server builds it)", bin.display()));
        let out = child.stdout.take().expect("stdout");
        let mut tcp = String::new();
        for line in BufReader::new(out).lines() {
            let line = line.expect("the server's stdout");
            if let Some(addr) = line.strip_prefix("ready on ") {
                tcp = addr.to_string();
                break;
            }
        }
        assert!(!tcp.is_empty(), "store-server exited before it was ready");
        Server { child, tcp, sock, dir }
    }

    fn connect(&self, unix: bool) -> Connection {
        let url = if unix { format!("unix://{}", self.sock.display()) } else { format!("redis://{}/", self.tcp) };
        redis::Client::open(url).expect("url").get_connection().expect("connect")
    }

    /// Writes the pairs with MSET, 1000 a request, pipelined.
    fn load(&self, pairs: impl Iterator<Item = (String, Vec<u8>)>) {
        let mut con = self.connect(true);
        let pairs: Vec<_> = pairs.collect();
        let mut pipe = redis::pipe();
        for chunk in pairs.chunks(1000) {
            let mut cmd = redis::cmd("MSET");
            for (k, v) in chunk {
                cmd.arg(k).arg(v);
            }
            pipe.add_command(cmd).ignore();
        }
        pipe.exec(&mut con).expect("MSET");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The four ways in: (function id, Unix socket?, pipelined?).
const WAYS: [(&str, bool, bool); 4] =
    [("resp_unix", true, false), ("resp_tcp", false, false), ("resp_unix_p100", true, true), ("resp_tcp_p100", false, true)];

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(30);
    g
}

/// Runs one workload every way. `make` adds one request (drawn from the
/// queries' stream) to a command list; one at a time sends each alone.
fn workload<T: redis::FromRedisValue>(
    c: &mut Criterion,
    server: &Server,
    name: &str,
    n: usize,
    mut make: impl FnMut(&mut SplitMix64) -> redis::Cmd,
    check: impl Fn(&T) -> usize,
) {
    let mut g = group(c, name);
    for (id, unix, piped) in WAYS {
        let mut con = server.connect(unix);
        let mut rng = SplitMix64::new(SEED_QUERIES);
        if piped {
            g.bench_function(BenchmarkId::new(id, n), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let mut pipe = redis::pipe();
                        for _ in 0..DEPTH {
                            pipe.add_command(make(&mut rng));
                        }
                        let replies: Vec<T> = pipe.query(&mut con).expect("pipeline");
                        black_box(replies.iter().map(&check).sum::<usize>());
                    }
                    start.elapsed() / DEPTH as u32
                })
            });
        } else {
            g.bench_function(BenchmarkId::new(id, n), |b| {
                b.iter(|| {
                    let reply: T = make(&mut rng).query(&mut con).expect("request");
                    black_box(check(&reply))
                })
            });
        }
    }
}

fn rows(v: &Value) -> usize {
    match v {
        Value::Array(rows) => rows.len(),
        other => panic!("a query replied {other:?}"),
    }
}

fn kv(c: &mut Criterion) {
    let server = Server::start("kv");
    let keys: Vec<String> = (0..KV_KEYS).map(kv_key).collect();
    let value = kv_value();
    server.load(keys.iter().map(|k| (k.clone(), value.clone())));
    workload(c, &server, "kv_get", KV_KEYS, |rng| redis::cmd("GET").arg(&keys[rng.below(KV_KEYS)]).clone(), |v: &Vec<u8>| {
        assert_eq!(v.len(), VALUE_LEN);
        v.len()
    });
    workload(
        c,
        &server,
        "kv_set",
        KV_KEYS,
        |rng| redis::cmd("SET").arg(&keys[rng.below(KV_KEYS)]).arg(&value).clone(),
        |_: &Value| 1,
    );
}

fn spatial(c: &mut Criterion) {
    let server = Server::start("spatial");
    let pts = points(N);
    server.load(pts.iter().enumerate().map(|(i, p)| (object_key(i), rect_text(*p).into_bytes())));
    // After the objects, so bulk-loaded, as in compare.rs.
    let mut con = server.connect(true);
    redis::cmd("INDEX").arg(&["CREATE", "pos", "o:*", "SPATIAL"]).exec(&mut con).expect("INDEX CREATE");
    workload(
        c,
        &server,
        "box",
        N,
        |rng| {
            let (min, max) = box_around(rng.point());
            redis::cmd("INTERSECTS").arg("pos").arg("BOUNDS").arg(&min[..]).arg(&max[..]).clone()
        },
        rows,
    );
    workload(
        c,
        &server,
        "knn10",
        N,
        |rng| redis::cmd("NEARBY").arg("pos").arg("LIMIT").arg(K).arg("POINT").arg(&rng.point()[..]).clone(),
        |v: &Value| {
            assert_eq!(rows(v), K);
            K
        },
    );
}

fn main() {
    let mut c = Criterion::default()
        .nresamples(10_000)
        .without_plots()
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    kv(&mut c);
    spatial(&mut c);
    c.final_summary();
}
