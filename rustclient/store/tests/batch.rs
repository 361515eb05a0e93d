//! Batch queries (`intersects_many`, `within_many`, `nearby_many`) and
//! `pairs`: each batch equals the single-query calls it stands for, and
//! every misuse is refused before or by the library.

use std::collections::BTreeSet;
use std::time::Duration;

use store::{Error, Hit, Hits, Ops, Point, QueryHits, Rect, Store};

/// key, value, distance of each hit.
type Row = (Vec<u8>, Vec<u8>, f64);

fn rows<'a>(hits: impl IntoIterator<Item = Hit<'a>>) -> Vec<Row> {
    hits.into_iter().map(|h| (h.key().to_vec(), h.value().to_vec(), h.distance())).collect()
}

fn sorted(mut r: Vec<Row>) -> Vec<Row> {
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

/// The same hits; in the same order of distances when `ordered` (nearest
/// first: ties may come in either order).
fn assert_same(batch: QueryHits<'_>, single: &Hits, ordered: bool, what: &str) {
    let b = rows(batch);
    let s = rows(single);
    assert_eq!(batch.len(), single.len(), "{what}: hit counts");
    if ordered {
        let bd: Vec<f64> = b.iter().map(|r| r.2).collect();
        let sd: Vec<f64> = s.iter().map(|r| r.2).collect();
        assert_eq!(bd, sd, "{what}: distances in order");
    }
    assert_eq!(sorted(b), sorted(s), "{what}");
}

/// A grid of 2-d points g:x_y (0..5), a box, a 3-d point, and an ordered
/// index over them.
fn grid() -> Store {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("grid", "g:*", None).unwrap();
    db.create_index("ordered", "g:*", store::IndexKind::String).unwrap();
    let mut items = vec![];
    for x in 0..5 {
        for y in 0..5 {
            items.push((format!("g:{x}_{y}"), format!("[{x} {y}]"), None));
        }
    }
    items.push(("g:box".into(), "[10 10],[12 12]".into(), None));
    items.push(("g:3d".into(), "[1 1 7]".into(), None));
    db.set_many(items).unwrap();
    db
}

fn r(min: &[f64], max: &[f64]) -> Rect {
    Rect::new(min, max).unwrap()
}

fn p(c: &[f64]) -> Point {
    Point::new(c).unwrap()
}

fn boxes() -> Vec<Rect> {
    vec![
        r(&[0.0, 0.0], &[1.0, 1.0]),
        r(&[50.0, 50.0], &[60.0, 60.0]), // no hits, in the middle
        r(&[1.5, 1.5], &[3.5, 3.5]),
        r(&[11.0, 11.0], &[20.0, 20.0]),
        r(&[f64::NEG_INFINITY; 2], &[f64::INFINITY; 2]),
        r(&[2.0, 2.0], &[2.0, 2.0]),
    ]
}

fn points() -> Vec<Point> {
    vec![p(&[0.0, 0.0]), p(&[2.2, 2.9]), p(&[500.0, 500.0]), p(&[11.0, 13.0]), p(&[-3.0, 2.0])]
}

fn check_boxes(db: &impl Ops, rects: &[Rect], limit: usize) {
    let inter = db.intersects_many("grid", rects, limit).unwrap();
    let within = db.within_many("grid", rects, limit).unwrap();
    assert_eq!((inter.len(), within.len()), (rects.len(), rects.len()));
    for (q, rect) in rects.iter().enumerate() {
        let what = format!("query {q} {rect} limit {limit}");
        let bi = inter.get(q).unwrap();
        assert_same(bi, &db.intersects("grid", rect, limit).unwrap(), false, &format!("intersects {what}"));
        assert_same(within.get(q).unwrap(), &db.within("grid", rect, limit).unwrap(), false, &format!("within {what}"));
        if limit > 0 {
            assert!(bi.len() <= limit);
        }
        assert!(bi.iter().all(|h| h.distance() == 0.0));
    }
    // iter() and get() agree.
    for (q, hits) in inter.iter().enumerate() {
        assert_eq!(rows(hits), rows(inter.get(q).unwrap()));
    }
}

fn check_points(db: &impl Ops, pts: &[Point], k: usize, max_dist: Option<f64>) {
    let batch = db.nearby_many("grid", pts, k, max_dist).unwrap();
    assert_eq!(batch.len(), pts.len());
    for (q, (pt, hits)) in pts.iter().zip(&batch).enumerate() {
        let single = db.nearby("grid", pt, k, max_dist).unwrap();
        assert_same(hits, &single, true, &format!("nearby query {q} {pt} k {k} max {max_dist:?}"));
        let d: Vec<f64> = hits.iter().map(|h| h.distance()).collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "nearest first: {d:?}");
    }
}

#[test]
fn batches_equal_the_single_calls() {
    let db = grid();
    let rects = boxes();
    for limit in [0, 1, 2, 100] {
        check_boxes(&db, &rects, limit);
    }
    let inter = db.intersects_many("grid", &rects, 0).unwrap();
    let counts: Vec<usize> = inter.iter().map(|q| q.len()).collect();
    assert_eq!(counts[1], 0, "{counts:?}");
    assert_eq!(counts[2], 4);
    assert_eq!(counts[3], 1);
    assert_eq!(counts[5], 1);
    assert_eq!(inter.total_hits(), counts.iter().sum::<usize>());
    // 1-d and 3-d batches.
    check_boxes(&db, &[r(&[0.0], &[1.0]), r(&[4.0], &[5.0])], 0);
    check_boxes(&db, &[r(&[0.0, 0.0, 0.0], &[2.0, 2.0, 10.0])], 0);

    let pts = points();
    for (k, max) in [(0, None), (1, None), (3, None), (0, Some(1.0)), (2, Some(3.0)), (0, Some(f64::INFINITY))] {
        check_points(&db, &pts, k, max);
    }
    let near = db.nearby_many("grid", &pts, 0, Some(1.0)).unwrap();
    let counts: Vec<usize> = near.iter().map(|q| q.len()).collect();
    assert_eq!(counts, [3, counts[1], 0, 1, 0]);
    assert_eq!(near.get(3).unwrap().first().unwrap().key_str().unwrap(), "g:box");
    assert_eq!(near.get(3).unwrap().first().unwrap().distance(), 1.0);
    check_points(&db, &[p(&[1.0, 1.0, 7.0]), p(&[0.0, 0.0, 0.0])], 0, None);
    // Debug shows every query.
    assert!(format!("{near:?}").contains("g:box"));
}

#[test]
fn empty_batches() {
    let db = grid();
    for b in [db.intersects_many("grid", &[], 0).unwrap(), db.within_many("grid", &[], 3).unwrap()] {
        assert!(b.is_empty());
        assert_eq!(b.len(), 0);
        assert!(b.get(0).is_none());
        assert_eq!(b.iter().count(), 0);
        assert_eq!(b.total_hits(), 0);
    }
    let b = db.nearby_many("grid", &[], 0, None).unwrap();
    assert!(b.is_empty());
    // An empty batch still checks the index.
    assert!(matches!(db.intersects_many("nope", &[], 0), Err(Error::NoIndex(_))));
    assert!(matches!(db.within_many("ordered", &[], 0), Err(Error::NoIndex(_))));
    assert!(matches!(db.nearby_many("nope", &[], 0, None), Err(Error::NoIndex(_))));
    // A single query with no hits is a batch of one empty query.
    let b = db.intersects_many("grid", &[r(&[90.0, 90.0], &[91.0, 91.0])], 0).unwrap();
    assert_eq!(b.len(), 1);
    assert!(b.get(0).unwrap().is_empty());
    assert!(b.get(0).unwrap().first().is_none());
}

#[test]
fn mixed_dimensions_are_refused_before_the_call() {
    let db = grid();
    let mixed = [r(&[0.0, 0.0], &[1.0, 1.0]), r(&[0.0], &[1.0])];
    for res in [db.intersects_many("grid", &mixed, 0), db.within_many("grid", &mixed, 0)] {
        match res {
            Err(Error::InvalidArg(m)) => assert!(m.contains("rect 1"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    // Refused in Rust: even on an index that does not exist.
    assert!(matches!(db.intersects_many("nope", &mixed, 0), Err(Error::InvalidArg(_))));
    let mixed = [p(&[0.0, 0.0]), p(&[0.0, 0.0]), p(&[0.0, 0.0, 0.0])];
    match db.nearby_many("grid", &mixed, 0, None) {
        Err(Error::InvalidArg(m)) => assert!(m.contains("point 2"), "{m}"),
        other => panic!("{other:?}"),
    }
    for bad in [-1.0, f64::NAN, f64::NEG_INFINITY] {
        assert!(matches!(db.nearby_many("grid", &points(), 0, Some(bad)), Err(Error::InvalidArg(_))), "{bad}");
        assert!(matches!(db.nearby_many("grid", &[], 0, Some(bad)), Err(Error::InvalidArg(_))), "{bad}");
    }
}

#[test]
fn bad_indexes() {
    let db = grid();
    let rects = boxes();
    let pts = points();
    for index in ["nope", "ordered"] {
        assert!(matches!(db.intersects_many(index, &rects, 0), Err(Error::NoIndex(_))), "{index}");
        assert!(matches!(db.within_many(index, &rects, 0), Err(Error::NoIndex(_))), "{index}");
        assert!(matches!(db.nearby_many(index, &pts, 0, None), Err(Error::NoIndex(_))), "{index}");
        assert!(matches!(db.pairs(index, 1.0, None), Err(Error::NoIndex(_))), "{index}");
    }
    assert!(matches!(db.intersects_many("", &rects, 0), Err(Error::InvalidArg(_))));
    assert!(matches!(db.pairs("", 1.0, None), Err(Error::InvalidArg(_))));
    assert!(matches!(db.intersects_many("a\0b", &rects, 0), Err(Error::Nul(_))));
    assert!(matches!(db.pairs("grid", 1.0, Some("a\0b")), Err(Error::Nul(_))));
}

#[test]
fn closed_stores_and_finished_transactions() {
    let db = grid();
    let rects = boxes();
    let pts = points();
    let tx = db.begin_read().unwrap();
    let committed = Store::from_raw(tx.as_raw());
    tx.commit().unwrap();
    let other = grid();
    let closed = Store::from_raw(other.as_raw());
    other.close().unwrap();
    for ghost in [committed, closed, Store::from_raw(0)] {
        let results: Vec<(&str, Result<(), Error>)> = vec![
            ("intersects_many", ghost.intersects_many("grid", &rects, 0).map(|_| ())),
            ("within_many", ghost.within_many("grid", &rects, 0).map(|_| ())),
            ("intersects_many empty", ghost.intersects_many("grid", &[], 0).map(|_| ())),
            ("nearby_many", ghost.nearby_many("grid", &pts, 0, None).map(|_| ())),
            ("pairs", ghost.pairs("grid", 1.0, None).map(|_| ())),
        ];
        for (what, res) in results {
            assert!(matches!(res, Err(Error::BadHandle(_))), "{what}: {res:?}");
        }
        let _ = ghost.into_raw(); // nothing to close
    }
    // The store-level calls on the thread holding a transaction.
    let tx = db.begin_write().unwrap();
    assert!(matches!(db.intersects_many("grid", &rects, 0), Err(Error::WouldDeadlock(_))));
    assert!(matches!(db.within_many("grid", &rects, 0), Err(Error::WouldDeadlock(_))));
    assert!(matches!(db.nearby_many("grid", &pts, 0, None), Err(Error::WouldDeadlock(_))));
    assert!(matches!(db.pairs("grid", 1.0, None), Err(Error::WouldDeadlock(_))));
    drop(tx);
}

#[test]
fn a_transaction_sees_its_own_writes() {
    let db = grid();
    let rects = boxes();
    let pts = points();
    db.update(|tx| {
        tx.set("g:new", "[55 55]")?;
        tx.delete("g:0_0")?;
        check_boxes(tx, &rects, 0);
        check_points(tx, &pts, 2, None);
        let b = tx.intersects_many("grid", &rects, 0)?;
        assert_eq!(b.get(1).unwrap().first().unwrap().key(), b"g:new");
        assert!(b.get(0).unwrap().iter().all(|h| h.key() != b"g:0_0"));
        let near = tx.nearby_many("grid", &[p(&[56.0, 55.0])], 1, None)?;
        assert_eq!(near.get(0).unwrap().first().unwrap().key(), b"g:new");
        let pairs = tx.pairs("grid", 0.0, Some("g:new"))?;
        assert!(pairs.is_empty());
        tx.set("g:twin", "[55 55]")?;
        let pairs = tx.pairs("grid", 0.0, Some("g:new"))?;
        assert_eq!(pairs.len(), 1);
        Err::<(), Error>(Error::InvalidArg("roll back".into()))
    })
    .unwrap_err();
    // Rolled back: the batch sees the store as before.
    let b = db.intersects_many("grid", &rects, 0).unwrap();
    assert!(b.get(1).unwrap().is_empty());
    // A read transaction too.
    db.view(|tx| {
        check_boxes(tx, &rects, 1);
        check_points(tx, &pts, 0, Some(2.0));
        Ok::<(), Error>(())
    })
    .unwrap();
}

// ---- pairs ----------------------------------------------------------------

const ITEMS: &[(&str, [f64; 2], [f64; 2])] = &[
    ("pr:p:ann", [0.0, 0.0], [0.0, 0.0]),
    ("pr:p:bob", [1.0, 0.0], [1.0, 0.0]),
    ("pr:i:axe", [0.0, 3.0], [0.0, 3.0]),
    ("pr:i:box", [2.0, -1.0], [3.0, 1.0]),
    ("pr:p:cat", [10.0, 10.0], [10.0, 10.0]),
    ("pr:i:far", [100.0, 100.0], [100.0, 100.0]),
    ("pr:i:gem", [2.5, 0.0], [2.5, 0.0]),
    ("pr:p:dan", [3.0, 4.0], [3.0, 4.0]),
];

fn value_of(lo: [f64; 2], hi: [f64; 2]) -> String {
    Rect::new(&lo, &hi).unwrap().to_string()
}

fn pair_store() -> Store {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pairs", "pr:*", None).unwrap();
    db.set_many(ITEMS.iter().map(|(k, lo, hi)| (*k, value_of(*lo, *hi), None))).unwrap();
    db
}

fn box_dist(a: ([f64; 2], [f64; 2]), b: ([f64; 2], [f64; 2])) -> f64 {
    (0..2)
        .map(|i| {
            let d = if a.1[i] < b.0[i] {
                b.0[i] - a.1[i]
            } else if b.1[i] < a.0[i] {
                a.0[i] - b.1[i]
            } else {
                0.0
            };
            d * d
        })
        .sum::<f64>()
        .sqrt()
}

/// Prefix patterns ("x*") only.
fn matches(key: &str, pattern: Option<&str>) -> bool {
    match pattern {
        None | Some("") => true,
        Some(p) => p.strip_suffix('*').is_some_and(|pre| key.starts_with(pre)),
    }
}

/// (a, b, distance) of every pair the brute force finds, in the order the
/// store must give each pair.
fn brute(max_dist: f64, pattern: Option<&str>, gone: &[&str]) -> BTreeSet<(String, String, u64)> {
    let live: Vec<_> = ITEMS.iter().filter(|it| !gone.contains(&it.0)).collect();
    let mut out = BTreeSet::new();
    for (i, a) in live.iter().enumerate() {
        for b in live.iter().skip(i + 1) {
            let d = box_dist((a.1, a.2), (b.1, b.2));
            let (ma, mb) = (matches(a.0, pattern), matches(b.0, pattern));
            if d > max_dist || (!ma && !mb) {
                continue;
            }
            // b first when only b matches, or both do and b is smaller.
            let b_first = mb && (!ma || b.0 < a.0);
            let (x, y) = if b_first { (b.0, a.0) } else { (a.0, b.0) };
            out.insert((x.to_string(), y.to_string(), d.to_bits()));
        }
    }
    out
}

fn got(db: &impl Ops, max_dist: f64, pattern: Option<&str>) -> BTreeSet<(String, String, u64)> {
    let pairs = db.pairs("pairs", max_dist, pattern).unwrap();
    let mut out = BTreeSet::new();
    assert_eq!(pairs.iter().len(), pairs.len());
    for pr in &pairs {
        let (a, b) = (pr.a(), pr.b());
        assert_eq!(a.distance(), pr.distance());
        assert_eq!(b.distance(), pr.distance());
        let find = |k: &str| ITEMS.iter().find(|it| it.0 == k).map(|it| value_of(it.1, it.2));
        assert_eq!(Some(a.value_str().unwrap().to_string()), find(a.key_str().unwrap()));
        assert_eq!(Some(b.value_str().unwrap().to_string()), find(b.key_str().unwrap()));
        assert!(out.insert((a.key_str().unwrap().to_string(), b.key_str().unwrap().to_string(), pr.distance().to_bits())));
    }
    assert_eq!(out.len(), pairs.len(), "each pair once");
    out
}

#[test]
fn pairs_match_brute_force() {
    let db = pair_store();
    for max_dist in [0.0, 0.5, 1.0, 2.5, 3.0, 5.0, 1000.0] {
        for pattern in [None, Some(""), Some("pr:p:*"), Some("pr:i:*"), Some("pr:*"), Some("nomatch*")] {
            let (g, want) = (got(&db, max_dist, pattern), brute(max_dist, pattern, &[]));
            // Distances: the library may round differently in the last bit.
            let strip = |s: &BTreeSet<(String, String, u64)>| s.iter().map(|(a, b, _)| (a.clone(), b.clone())).collect::<Vec<_>>();
            assert_eq!(strip(&g), strip(&want), "max {max_dist} pattern {pattern:?}");
            for ((_, _, dg), (_, _, dw)) in g.iter().zip(&want) {
                assert!((f64::from_bits(*dg) - f64::from_bits(*dw)).abs() < 1e-9);
            }
        }
    }
    assert_eq!(db.pairs("pairs", 1000.0, None).unwrap().len(), 28);
    assert_eq!(db.pairs("pairs", 0.0, None).unwrap().len(), 1); // the box holds the gem
    assert_eq!(db.pairs("pairs", 1000.0, Some("nomatch*")).unwrap().len(), 0);
    // In a transaction: its writes count.
    let tx = db.begin_write().unwrap();
    tx.delete("pr:i:box").unwrap();
    let strip = |s: BTreeSet<(String, String, u64)>| s.into_iter().map(|(a, b, _)| (a, b)).collect::<Vec<_>>();
    assert_eq!(strip(got(&tx, 2.5, None)), strip(brute(2.5, None, &["pr:i:box"])));
    assert_eq!(strip(got(&tx, 2.5, Some("pr:p:*"))), strip(brute(2.5, Some("pr:p:*"), &["pr:i:box"])));
    drop(tx);
    assert_eq!(strip(got(&db, 2.5, None)), strip(brute(2.5, None, &[])));
}

#[test]
fn pairs_refuse_a_bad_max_dist() {
    let db = pair_store();
    for bad in [f64::NAN, -1.0, -f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY] {
        for pattern in [None, Some("pr:p:*")] {
            match db.pairs("pairs", bad, pattern) {
                Err(e @ Error::InvalidArg(_)) => assert!(!e.to_string().is_empty()),
                other => panic!("max_dist {bad}: {other:?}"),
            }
        }
    }
    assert!(db.pairs("pairs", f64::MAX, None).is_ok());
}

#[test]
fn expired_items_never_pair() {
    let db = pair_store();
    db.set_with_ttl("pr:p:brief", "[0 0]", Duration::from_millis(200)).unwrap();
    let pairs = db.pairs("pairs", 0.0, Some("pr:p:brief")).unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs.first().unwrap().b().key(), b"pr:p:ann");
    std::thread::sleep(Duration::from_millis(300));
    assert!(db.pairs("pairs", 0.0, Some("pr:p:brief")).unwrap().is_empty());
    assert_eq!(got(&db, 1000.0, None).len(), 28);
}
