//! A key-value workload in a loop, for profilers: `kvloop <get|set|get_batch|set_batch> [ops]`
//! loads the key-value world of the benchmarks (KV_KEYS keys) into the store and
//! runs `ops` operations of one workload (default 2M single-key operations, or
//! 2k batches), then prints `workload <TAB> ops <TAB> ns_per_op`. Run it under
//! `perf record -g` to see where a call's time goes without the criterion
//! harness or the other implementations' setup in the profile.

use std::time::Instant;

use store_bench::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("get");
    let batch = which.ends_with("batch");
    let ops: usize = args.get(2).map_or(if batch { 2_000 } else { 2_000_000 }, |s| s.parse().expect("ops: a number"));
    let mut w = KvWorld::new(StoreKv::load().expect("load the store"));
    let start = Instant::now();
    let mut sum = 0usize;
    for _ in 0..ops {
        match which {
            "get" => sum += w.get(),
            "set" => w.set(),
            "get_batch" => sum += w.get_batch(),
            "set_batch" => w.set_batch(),
            _ => {
                eprintln!("usage: kvloop <get|set|get_batch|set_batch> [ops]");
                std::process::exit(2);
            }
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / ops as f64;
    println!("{which}\t{ops}\t{ns:.0}\t(checksum {sum})");
}
