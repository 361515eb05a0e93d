//! Filters, prefix scans, field updates, index listing and indexes made in
//! a transaction, through the safe API.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::TempDir;
use store::{Error, FieldUpdate, Filter, IndexKind, IndexType, Ops, Point, Range, Rect, Store};

/// obj:<kind>:<i> at (x, y) with hp and a team, from a fixed generator.
fn world(db: &Store) -> Vec<(String, f64, f64, u32, &'static str)> {
    db.create_spatial_index("pos", "obj:*", Some("pos")).unwrap();
    let mut seed: u64 = 14;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let mut items = Vec::new();
    for i in 0..500 {
        let kind = ["player", "item", "npc"][i % 3];
        let team = ["red", "blue"][(i / 3) % 2];
        let (x, y, hp) = (f64::from(next() % 100), f64::from(next() % 100), next() % 100);
        let key = format!("obj:{kind}:{i}");
        db.set(&key, format!(r#"{{"pos":[{x},{y}],"hp":{hp},"team":"{team}"}}"#)).unwrap();
        items.push((key, x, y, hp, team));
    }
    items
}

fn keys(hits: &store::Hits) -> BTreeSet<String> {
    hits.iter().map(|h| h.key_str().unwrap().to_owned()).collect()
}

#[test]
fn filters_match_brute_force() {
    let db = Store::open_in_memory().unwrap();
    let items = world(&db);
    let mut nonempty = 0;
    for round in 0..60u32 {
        let lo = f64::from(round % 70);
        let hi = lo + f64::from(10 + round % 25);
        let team = if round % 2 == 0 { "red" } else { "blue" };
        let f = Filter::new().matching("obj:player:*").where_range("hp", lo, hi).where_eq("team", team);
        let passes = |(key, _, _, hp, t): &(String, f64, f64, u32, &str)| {
            key.starts_with("obj:player:") && f64::from(*hp) >= lo && f64::from(*hp) <= hi && *t == team
        };
        let (qx, qy) = (f64::from(round % 50), f64::from((round * 7) % 50));
        let r = Rect::new(&[qx, qy], &[qx + 40.0, qy + 40.0]).unwrap();
        let want: BTreeSet<String> = items
            .iter()
            .filter(|it| passes(it) && it.1 >= qx && it.1 <= qx + 40.0 && it.2 >= qy && it.2 <= qy + 40.0)
            .map(|it| it.0.clone())
            .collect();
        nonempty += usize::from(!want.is_empty());
        assert_eq!(keys(&db.intersects_with("pos", &r, 0, &f).unwrap()), want, "round {round}");
        // The count-only forms agree, and copy nothing out.
        assert_eq!(db.intersects_count("pos", &r, &f).unwrap(), want.len(), "round {round}");
        assert_eq!(db.within_count("pos", &r, &f).unwrap(), want.len(), "round {round}");
        assert_eq!(keys(&db.within_with("pos", &r, 0, &f).unwrap()), want, "round {round}");
        let batch = db.intersects_many_with("pos", &[r, r], 0, &f).unwrap();
        for q in 0..2 {
            let got: BTreeSet<String> =
                batch.get(q).unwrap().into_iter().map(|h| h.key_str().unwrap().to_owned()).collect();
            assert_eq!(got, want);
        }
        let wb = db.within_many_with("pos", std::slice::from_ref(&r), 0, &f).unwrap();
        assert_eq!(wb.get(0).unwrap().len(), want.len());
        // Nearby: the 4 nearest that pass, nearest first.
        let p = Point::new(&[qx, qy]).unwrap();
        let mut brute: Vec<(f64, String)> = items
            .iter()
            .filter(|it| passes(it))
            .map(|it| (((it.1 - qx).powi(2) + (it.2 - qy).powi(2)).sqrt(), it.0.clone()))
            .collect();
        brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
        brute.truncate(4);
        let near = db.nearby_with("pos", &p, 4, None, &f).unwrap();
        let got: Vec<(f64, String)> = near.iter().map(|h| (h.distance(), h.key_str().unwrap().to_owned())).collect();
        assert_eq!(got, brute, "round {round}");
        let nb = db.nearby_many_with("pos", &[p], 4, None, &f).unwrap();
        assert_eq!(nb.get(0).unwrap().len(), brute.len());
        // Scans: the same filter over the keys.
        let all: BTreeSet<String> = items.iter().filter(|it| passes(it)).map(|it| it.0.clone()).collect();
        assert_eq!(keys(&db.scan_with("", Range::all(), &f).unwrap()), all);
        assert_eq!(db.scan_count("", Range::all(), &f).unwrap(), all.len());
        let radius = 15.0;
        let in_radius = items
            .iter()
            .filter(|it| passes(it) && ((it.1 - qx).powi(2) + (it.2 - qy).powi(2)).sqrt() <= radius)
            .count();
        assert_eq!(db.nearby_count("pos", &p, radius, &f).unwrap(), in_radius, "round {round}");
    }
    assert!(nonempty > 20, "weak draw: {nonempty}");
}

#[test]
fn keys_only_and_limits() {
    let db = Store::open_in_memory().unwrap();
    world(&db);
    let r = Rect::new(&[0.0, 0.0], &[100.0, 100.0]).unwrap();
    let f = Filter::new().matching("obj:npc:*").keys_only();
    let hits = db.intersects_with("pos", &r, 7, &f).unwrap();
    assert_eq!(hits.len(), 7);
    for h in &hits {
        assert!(h.key_str().unwrap().starts_with("obj:npc:"));
        assert_eq!(h.value(), b"");
    }
    let near = db.nearby_with("pos", &Point::new(&[50.0, 50.0]).unwrap(), 3, Some(1000.0), &f).unwrap();
    assert_eq!(near.len(), 3);
    assert!(near.iter().all(|h| h.value().is_empty() && h.distance() >= 0.0));
}

#[test]
fn bad_filters_are_refused() {
    let db = Store::open_in_memory().unwrap();
    world(&db);
    let r = Rect::new(&[0.0, 0.0], &[100.0, 100.0]).unwrap();
    let p = Point::new(&[0.0, 0.0]).unwrap();
    let bad = [
        Filter::new().matching("obj:\\"),
        Filter::new().matching(""),
        Filter::new().where_range("", 0.0, 1.0),
        Filter::new().where_range("hp", 2.0, 1.0),
        Filter::new().where_range("hp", f64::NAN, 1.0),
        Filter::new().where_num("hp", f64::INFINITY),
        Filter::new().where_str_range("team", "z", "a"),
    ];
    // A NUL inside a C string is refused before the call.
    for f in [Filter::new().where_exists("a\0b"), Filter::new().matching("a\0b")] {
        assert!(matches!(db.scan_with("", Range::all(), &f), Err(Error::Nul(_))));
    }
    for f in &bad {
        for r in [
            db.intersects_with("pos", &r, 0, f).map(|_| ()),
            db.within_with("pos", &r, 0, f).map(|_| ()),
            db.nearby_with("pos", &p, 1, None, f).map(|_| ()),
            db.intersects_many_with("pos", std::slice::from_ref(&r), 0, f).map(|_| ()),
            db.within_many_with("pos", std::slice::from_ref(&r), 0, f).map(|_| ()),
            db.nearby_many_with("pos", std::slice::from_ref(&p), 1, None, f).map(|_| ()),
            db.scan_with("", Range::all(), f).map(|_| ()),
            db.scan_count("", Range::all(), f).map(|_| ()),
            db.intersects_count("pos", &r, f).map(|_| ()),
            db.within_count("pos", &r, f).map(|_| ()),
            db.nearby_count("pos", &p, 1.0, f).map(|_| ()),
        ] {
            assert!(matches!(r, Err(Error::InvalidArg(_))), "{f:?}: {r:?}");
        }
    }
    // A closed store through a raw handle.
    let ghost = Store::from_raw(db.as_raw());
    db.close().unwrap();
    let f = Filter::new();
    assert!(matches!(ghost.scan_with("", Range::all(), &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.intersects_with("pos", &r, 0, &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.intersects_count("pos", &r, &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.scan_count("", Range::all(), &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.nearby_count("pos", &p, 1.0, &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.nearby_many_with("pos", &[p], 1, None, &f), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.set_field("k", "a", "1"), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.incr_field("k", "a", 1.0), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.delete_field("k", "a"), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.update_fields(&[]), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.indexes(), Err(Error::BadHandle(_))));
    std::mem::forget(ghost); // its handle is gone already
}

#[test]
fn prefix_scans() {
    let db = Store::open_in_memory().unwrap();
    for k in ["region:a", "region:b", "region;", "regio", "region:c"] {
        db.set(k, r#"{"name":"Zed"}"#).unwrap();
    }
    let all = db.scan("", Range::prefix("region:")).unwrap();
    assert_eq!(all.iter().map(|h| h.key_str().unwrap()).collect::<Vec<_>>(), ["region:a", "region:b", "region:c"]);
    let last = db.scan("", Range::prefix("region:").descending().limit(1)).unwrap();
    assert_eq!(last.first().unwrap().key(), b"region:c");
    db.create_index("name", "*", IndexKind::Json("name")).unwrap();
    assert_eq!(db.scan("name", Range::prefix("zE")).unwrap().len(), 5);
    db.create_index("n", "*", IndexKind::Int).unwrap();
    assert!(matches!(db.scan("n", Range::prefix("1")), Err(Error::InvalidArg(_))));
    assert!(matches!(db.scan("", Range::prefix("a").hi("b")), Err(Error::InvalidArg(_))));
}

#[test]
fn field_updates_and_their_refusals() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", Some("pos")).unwrap();
    db.set_with_ttl("p:1", r#"{"pos":[1,1],"hp":10}"#, Duration::from_secs(3600)).unwrap();
    db.set("raw", "not json").unwrap();
    assert!(db.set_field("p:1", "pos", "[5,5]").unwrap());
    assert_eq!(db.incr_field("p:1", "hp", 5.0).unwrap(), Some(15.0));
    let moved = db.intersects("pos", &Rect::new(&[5.0, 5.0], &[5.0, 5.0]).unwrap(), 0).unwrap();
    assert_eq!(moved.len(), 1);
    assert!(matches!(db.ttl("p:1").unwrap(), Some(store::Ttl::Expires(d)) if d > Duration::from_secs(3000)));
    let now = r#"{"pos":[5,5],"hp":15}"#;
    // Misses and refusals change nothing.
    assert!(!db.set_field("nope", "a", "1").unwrap());
    assert_eq!(db.incr_field("nope", "a", 1.0).unwrap(), None);
    assert!(!db.delete_field("nope", "a").unwrap());
    for r in [
        db.set_field("raw", "a", "1"),
        db.set_field("p:1", "a", "{bad"),
        db.set_field("p:1", "", "1"),
        db.set_field("p:1", "h*", "1"),
        db.set_field("p:1", "hp.max", "1"),
        db.set_field("p:1", "pos", r#""nowhere""#),
        db.delete_field("p:1", "mp"),
        db.incr_field("p:1", "pos", 1.0).map(|_| true),
        db.incr_field("p:1", "hp", f64::NAN).map(|_| true),
        db.update_fields(&[FieldUpdate::incr("p:1", "hp", 1.0), FieldUpdate::delete("p:1", "mp")]),
    ] {
        assert!(matches!(r, Err(Error::InvalidArg(_))), "{r:?}");
    }
    assert!(matches!(db.set_field("p:1", "a\0b", "1"), Err(Error::Nul(_))));
    assert_eq!(db.get("p:1").unwrap().unwrap(), now);
    assert_eq!(db.get("raw").unwrap().unwrap(), "not json");
    assert!(!db.update_fields(&[FieldUpdate::incr("p:1", "hp", 1.0), FieldUpdate::set("zz", "a", "1")]).unwrap());
    assert_eq!(db.get("p:1").unwrap().unwrap(), now);
    assert!(db.update_fields(&[FieldUpdate::incr("p:1", "hp", 1.0), FieldUpdate::set("p:1", "pos", "[2,2]")]).unwrap());
    assert_eq!(db.get("p:1").unwrap().unwrap(), r#"{"pos":[2,2],"hp":16}"#);
    // Read-only transactions refuse; a rollback undoes.
    db.view(|tx| {
        assert!(matches!(tx.set_field("p:1", "hp", "1"), Err(Error::TxReadOnly(_))));
        assert!(matches!(tx.incr_field("p:1", "hp", 1.0), Err(Error::TxReadOnly(_))));
        assert!(matches!(tx.delete_field("p:1", "hp"), Err(Error::TxReadOnly(_))));
        assert!(matches!(tx.update_fields(&[]), Err(Error::TxReadOnly(_))));
        Ok::<(), Error>(())
    })
    .unwrap();
    {
        let tx = db.begin_write().unwrap();
        tx.set_field("p:1", "hp", "0").unwrap();
    }
    assert_eq!(db.get("p:1").unwrap().unwrap(), r#"{"pos":[2,2],"hp":16}"#);
}

#[test]
fn indexes_in_transactions() {
    let dir = TempDir::new("query-index");
    let path = dir.file("db");
    let db = Store::open(&path).unwrap();
    db.create_index("age", "user:*", IndexKind::Json("age")).unwrap();
    db.set("r1:a", r#"{"pos":[1,1]}"#).unwrap();
    {
        let tx = db.begin_write().unwrap();
        tx.create_spatial_index("r1", "r1:*", Some("pos")).unwrap();
        tx.set("r1:b", r#"{"pos":[2,2]}"#).unwrap();
        assert!(matches!(tx.set("r1:c", "no geometry"), Err(Error::InvalidArg(_))));
        tx.drop_index("age").unwrap();
        let info = tx.indexes().unwrap();
        assert_eq!(info.len(), 1);
        assert_eq!((info[0].name.as_str(), info[0].kind), ("r1", IndexType::Spatial));
        let everywhere = Rect::new(&[0.0, 0.0], &[9.0, 9.0]).unwrap();
        assert_eq!(tx.intersects("r1", &everywhere, 0).unwrap().len(), 2);
        tx.rollback().unwrap();
    }
    let info = db.indexes().unwrap();
    assert_eq!(info.len(), 1);
    assert_eq!((info[0].name.as_str(), info[0].kind, info[0].path.as_deref()), ("age", IndexType::Json, Some("age")));
    assert!(db.get("r1:b").unwrap().is_none());
    assert!(matches!(db.intersects("r1", &Rect::new(&[0.0], &[1.0]).unwrap(), 0), Err(Error::NoIndex(_))));
    // Read-only refuses; a commit persists across a reopen.
    db.view(|tx| {
        assert!(matches!(tx.create_index("x", "*", IndexKind::Int), Err(Error::TxReadOnly(_))));
        assert!(matches!(tx.create_spatial_index("x", "*", None), Err(Error::TxReadOnly(_))));
        assert!(matches!(tx.drop_index("age"), Err(Error::TxReadOnly(_))));
        Ok::<(), Error>(())
    })
    .unwrap();
    db.update(|tx| tx.create_spatial_index("r1", "r1:*", Some("pos"))).unwrap();
    db.close().unwrap();
    let db = Store::open(&path).unwrap();
    let names: Vec<String> = db.indexes().unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["age", "r1"]);
    // Bad names refuse.
    let tx = db.begin_write().unwrap();
    assert!(matches!(tx.create_index("", "*", IndexKind::Int), Err(Error::InvalidArg(_))));
    assert!(matches!(tx.drop_index("zz"), Err(Error::NoIndex(_))));
    assert!(matches!(tx.create_index("age", "*", IndexKind::Int), Err(Error::IndexExists(_))));
    tx.commit().unwrap();
}
