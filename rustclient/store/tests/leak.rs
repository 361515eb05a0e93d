//! Leak test: a million get and query calls whose results are dropped leave
//! `store_outstanding_buffers()` unchanged and resident memory flat.
//!
//! The count is `STORE_LEAK_CALLS` (default 1,000,000). Resident memory is
//! read from /proc/self/status (VmRSS) after a warm-up of 100,000 calls, so
//! the Go heap, the malloc arenas and the result-builder pool have reached
//! their steady size, and again at the end. The tolerance is 16 MiB: the
//! smallest buffer the library returns (a 4-byte empty result) costs a
//! 32-byte malloc chunk, so leaking even one buffer per call over the
//! 900,000 measured calls would grow RSS by about 27 MiB, and any Rust-side
//! leak (a key vector, a CString) by at least as much; while the steady
//! state of the Go garbage collector and allocators moves by a few MiB.
//! The buffer counter is the exact check; RSS catches leaks it cannot see.

use store::{Ops, Point, Range, Rect, Store};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn calls() -> usize {
    std::env::var("STORE_LEAK_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// Eight kinds of call, each result checked and dropped.
fn one_call(db: &Store, i: usize, q: &Rect, p: &Point) {
    match i % 8 {
        0 | 1 => assert_eq!(db.get(format!("k{}", i % 100)).unwrap().unwrap().len(), 8),
        2 => assert!(db.get("missing").unwrap().is_none()),
        3 => assert_eq!(db.get_many(["k1", "nope", "k2"]).unwrap().len(), 3),
        4 => assert_eq!(db.scan("", Range::all().lo("k1").limit(5)).unwrap().len(), 5),
        5 => assert_eq!(db.intersects("pos", q, 0).unwrap().len(), 4),
        6 => assert_eq!(db.nearby("pos", p, 3, None).unwrap().len(), 3),
        _ => {
            // An error path: the message is read and dropped too.
            assert!(db.scan("no such index", Range::all()).is_err());
        }
    }
}

#[test]
fn a_million_calls_leak_nothing() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", None).unwrap();
    for i in 0..100 {
        db.set(format!("k{i}"), "8 bytes!").unwrap();
        db.set(format!("p:{i}"), format!("[{i} {i}]")).unwrap();
    }
    let q = Rect::new(&[10.0, 10.0], &[13.0, 13.0]).unwrap();
    let p = Point::new(&[50.0, 50.0]).unwrap();

    let n = calls();
    let warm = (n / 10).max(1);
    for i in 0..warm {
        one_call(&db, i, &q, &p);
    }
    let buffers = Store::outstanding_buffers();
    let rss = rss_kib();
    let t = std::time::Instant::now();
    for i in warm..n {
        one_call(&db, i, &q, &p);
    }
    let elapsed = t.elapsed();
    let grown = rss_kib().saturating_sub(rss);
    eprintln!("{} calls in {elapsed:?}; RSS {rss} KiB -> +{grown} KiB", n - warm);
    assert_eq!(Store::outstanding_buffers(), buffers, "buffers leaked");
    assert!(grown < 16 * 1024, "resident memory grew by {grown} KiB over {} calls", n - warm);
}
