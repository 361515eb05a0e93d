//! One Store shared by 8 threads through an Arc: mixed reads, writes,
//! transactions and spatial queries, with every result checked.

use std::sync::{Arc, Barrier};

use store::{Ops, Point, Range, Rect, Store};

const THREADS: usize = 8;
const ITEMS: usize = 1000;

/// Thread t owns the keys "t{t}:{i:04}" and the points (1000 t + i, i).
fn key(t: usize, i: usize) -> String {
    format!("t{t}:{i:04}")
}

fn value(t: usize, i: usize) -> String {
    format!("[{} {}]", 1000 * t + i, i)
}

#[test]
fn eight_threads_hammer_one_store() {
    let db = Arc::new(Store::open_in_memory().unwrap());
    db.create_spatial_index("pos", "t*", None).unwrap();
    db.set("counter", "0").unwrap();
    let start = Arc::new(Barrier::new(THREADS));

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (db, start) = (Arc::clone(&db), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                let region = Rect::new(&[1000.0 * t as f64 - 0.5, -1.0], &[1000.0 * t as f64 + 999.0, 1e9]).unwrap();
                let lo = format!("t{t}:");
                let hi = format!("t{t};");
                for i in 0..ITEMS {
                    db.set(key(t, i), value(t, i)).unwrap();
                    // Reads of our own keys see our writes.
                    assert_eq!(db.get(key(t, i)).unwrap().unwrap(), value(t, i).as_str());

                    // Spatial queries over our region see exactly our items so far.
                    let hits = db.intersects("pos", &region, 0).unwrap();
                    assert_eq!(hits.len(), i + 1, "thread {t} item {i}");
                    for h in &hits {
                        let k = h.key_str().unwrap();
                        let n: usize = k.strip_prefix(&lo).unwrap().parse().unwrap();
                        assert!(n <= i);
                        assert_eq!(h.value_str().unwrap(), value(t, n));
                    }
                    let p = Point::new(&[(1000 * t + i) as f64, i as f64]).unwrap();
                    let near = db.nearby("pos", &p, 1, None).unwrap();
                    let first = near.first().unwrap();
                    assert_eq!(first.key_str().unwrap(), key(t, i));
                    assert_eq!(first.distance(), 0.0);

                    // Ordered scans of our key range.
                    let scan = db.scan("", Range::all().lo(&lo).hi(&hi)).unwrap();
                    assert_eq!(scan.len(), i + 1);
                    assert_eq!(scan.iter().last().unwrap().key_str().unwrap(), key(t, i));

                    // Reads of other threads' keys: absent, or exactly their value.
                    let others: Vec<(usize, usize)> = (0..THREADS).map(|o| (o, (i * 7 + o) % ITEMS)).collect();
                    let got = db.get_many(others.iter().map(|&(o, j)| key(o, j))).unwrap();
                    assert_eq!(got.len(), THREADS);
                    for (e, &(o, j)) in got.iter().zip(&others) {
                        assert_eq!(e.key_str().unwrap(), key(o, j));
                        if let Some(v) = e.value() {
                            assert_eq!(v, value(o, j).as_bytes());
                        }
                    }

                    // Read-modify-write in a transaction: no lost updates.
                    if i % 10 == 0 {
                        db.update(|tx| {
                            let n: u64 = tx.get("counter")?.unwrap().as_str().unwrap().parse().unwrap();
                            tx.set("counter", (n + 1).to_string())
                        })
                        .unwrap();
                    }
                    // Some deletes and re-sets of an extra key per thread.
                    let extra = format!("x{t}");
                    if i % 2 == 0 {
                        db.set(&extra, "here").unwrap();
                    } else {
                        assert!(db.delete(&extra).unwrap());
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }

    let all = Rect::new(&[f64::NEG_INFINITY; 2], &[f64::INFINITY; 2]).unwrap();
    assert_eq!(db.intersects("pos", &all, 0).unwrap().len(), THREADS * ITEMS);
    assert_eq!(db.get("counter").unwrap().unwrap(), (THREADS * ITEMS.div_ceil(10)).to_string().as_str());
    // THREADS * ITEMS points, the counter, and no extra keys (ITEMS is even).
    assert_eq!(db.len().unwrap() as usize, THREADS * ITEMS + 1);
}
