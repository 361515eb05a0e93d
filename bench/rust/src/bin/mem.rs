//! Resident bytes per object: `mem <rust|rstar|sqlite> [n]` loads n
//! (default 1M) objects into one implementation and prints
//! `impl <TAB> n <TAB> bytes_per_object <TAB> rss_delta_bytes`, where the
//! delta is VmRSS after the load minus VmRSS before it (the points array
//! and, for rust, the open store with its Go runtime are already there
//! before). Run one process per implementation. `mem version` prints the
//! SQLite version.

use store_bench::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("");
    if which == "version" {
        println!("sqlite\t{}", rusqlite::version());
        return;
    }
    let n: usize = args.get(2).map_or(1_000_000, |s| s.parse().expect("n: a number"));
    let pts = points(n);
    let before;
    let keep: Box<dyn std::any::Any> = match which {
        "rust" => {
            // Open first so the Go runtime's own memory is in the baseline;
            // StoreSpatial::load then fills a fresh store.
            let warm = store::Store::open_in_memory().expect("open");
            drop(warm);
            before = rss_bytes();
            Box::new(StoreSpatial::load(&pts).expect("store"))
        }
        "rstar" => {
            before = rss_bytes();
            Box::new(RStarSpatial::load(&pts))
        }
        "sqlite" => {
            let warm = rusqlite::Connection::open_in_memory().expect("open");
            drop(warm);
            before = rss_bytes();
            Box::new(SqliteSpatial::load(&pts).expect("sqlite"))
        }
        _ => {
            eprintln!("usage: mem <rust|rstar|sqlite|version> [n]");
            std::process::exit(2);
        }
    };
    let after = rss_bytes();
    let delta = after.saturating_sub(before);
    println!("{which}\t{n}\t{:.1}\t{delta}", delta as f64 / n as f64);
    drop(keep);
}
