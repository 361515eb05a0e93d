//! Indexes and queries: ordered indexes of every kind, scans, spatial
//! indexes and the three spatial queries, and their error paths.

mod common;

use std::time::Duration;

use common::{keys, sorted_keys};
use store::{Error, IndexKind, MAX_DIMS, Ops, Order, Point, Range, Rect, Store};

#[test]
fn scanning_the_keys() {
    let db = Store::open_in_memory().unwrap();
    for k in ["b", "d", "a", "c", "e"] {
        db.set(k, format!("v{k}")).unwrap();
    }
    assert_eq!(keys(&db.scan("", Range::all()).unwrap()), ["a", "b", "c", "d", "e"]);
    assert_eq!(keys(&db.scan("", Range::all().descending()).unwrap()), ["e", "d", "c", "b", "a"]);
    assert_eq!(keys(&db.scan("", Range::all().lo("b").hi("d")).unwrap()), ["b", "c"]);
    assert_eq!(keys(&db.scan("", Range::all().lo("b").hi("d").order(Order::Descending)).unwrap()), ["c", "b"]);
    assert_eq!(keys(&db.scan("", Range::all().lo("c")).unwrap()), ["c", "d", "e"]);
    assert_eq!(keys(&db.scan("", Range::all().hi("c").descending()).unwrap()), ["b", "a"]);
    assert_eq!(keys(&db.scan("", Range::all().limit(2)).unwrap()), ["a", "b"]);
    assert_eq!(keys(&db.scan("", Range::all().descending().limit(1)).unwrap()), ["e"]);
    // An empty low bound is a bound, not an open end.
    assert_eq!(db.scan("", Range::all().lo("").hi("b")).unwrap().len(), 1);
    // lo >= hi is empty.
    assert!(db.scan("", Range::all().lo("d").hi("b")).unwrap().is_empty());
    let hits = db.scan("", Range::all().limit(1)).unwrap();
    let h = hits.first().unwrap();
    assert_eq!((h.key(), h.value(), h.value_str().unwrap(), h.distance()), (&b"a"[..], &b"va"[..], "va", 0.0));
    assert!(format!("{hits:?}").contains("va"));
    let mut n = 0;
    for hit in &hits {
        assert_eq!(hit.key_str().unwrap(), "a");
        n += 1;
    }
    assert_eq!(n, 1);
}

#[test]
fn ordered_index_kinds() {
    let db = Store::open_in_memory().unwrap();
    db.create_index("str", "s:*", IndexKind::String).unwrap();
    db.create_index("bin", "s:*", IndexKind::Binary).unwrap();
    db.create_index("int", "i:*", IndexKind::Int).unwrap();
    db.create_index("uint", "u:*", IndexKind::Uint).unwrap();
    db.create_index("float", "f:*", IndexKind::Float).unwrap();
    db.create_index("json", "j:*", IndexKind::Json("name")).unwrap();
    db.create_index("jsoncs", "j:*", IndexKind::JsonCaseSensitive("name")).unwrap();

    db.set_many([("s:1", "banana", None), ("s:2", "Apple", None), ("s:3", "cherry", None)]).unwrap();
    assert_eq!(keys(&db.scan("str", Range::all()).unwrap()), ["s:2", "s:1", "s:3"]); // case-insensitive
    assert_eq!(keys(&db.scan("bin", Range::all()).unwrap()), ["s:2", "s:1", "s:3"]); // 'A' < 'b'
    db.set("s:4", "apricot").unwrap();
    assert_eq!(keys(&db.scan("str", Range::all().hi("b")).unwrap()), ["s:2", "s:4"]);
    assert_eq!(keys(&db.scan("bin", Range::all().lo("a")).unwrap()), ["s:4", "s:1", "s:3"]);

    db.set_many([("i:a", "-5", None), ("i:b", "10", None), ("i:c", "2", None)]).unwrap();
    assert_eq!(keys(&db.scan("int", Range::all()).unwrap()), ["i:a", "i:c", "i:b"]);
    assert_eq!(keys(&db.scan("int", Range::all().lo("0").hi("10")).unwrap()), ["i:c"]);

    db.set_many([("u:a", "30", None), ("u:b", "4", None)]).unwrap();
    assert_eq!(keys(&db.scan("uint", Range::all().descending()).unwrap()), ["u:a", "u:b"]);

    db.set_many([("f:a", "2.5", None), ("f:b", "-0.5", None), ("f:c", "1e3", None)]).unwrap();
    assert_eq!(keys(&db.scan("float", Range::all()).unwrap()), ["f:b", "f:a", "f:c"]);

    db.set_many([("j:1", r#"{"name":"bob"}"#, None), ("j:2", r#"{"name":"Alice"}"#, None), ("j:3", r#"{"name":"carol"}"#, None)])
        .unwrap();
    assert_eq!(keys(&db.scan("json", Range::all()).unwrap()), ["j:2", "j:1", "j:3"]);
    assert_eq!(keys(&db.scan("jsoncs", Range::all()).unwrap()), ["j:2", "j:1", "j:3"]);
    assert_eq!(keys(&db.scan("json", Range::all().lo(r#"{"name":"b"}"#)).unwrap()), ["j:1", "j:3"]);
    db.set("j:4", r#"{"name":"BOB2"}"#).unwrap();
    // Case-sensitive: "BOB2" < "Alice"? No: 'A' < 'B'; "BOB2" sorts before lower-case names.
    assert_eq!(keys(&db.scan("jsoncs", Range::all()).unwrap()), ["j:2", "j:4", "j:1", "j:3"]);
    assert_eq!(keys(&db.scan("json", Range::all()).unwrap()), ["j:2", "j:1", "j:4", "j:3"]);
}

#[test]
fn index_exists_no_index_and_drop() {
    let db = Store::open_in_memory().unwrap();
    db.create_index("i", "k:*", IndexKind::Int).unwrap();
    db.create_index("i", "k:*", IndexKind::Int).unwrap(); // same definition
    assert!(matches!(db.create_index("i", "k:*", IndexKind::Float), Err(Error::IndexExists(_))));
    assert!(matches!(db.create_index("i", "other:*", IndexKind::Int), Err(Error::IndexExists(_))));
    assert!(matches!(db.create_spatial_index("i", "k:*", None), Err(Error::IndexExists(_))));
    db.create_spatial_index("geo", "g:*", None).unwrap();
    db.create_spatial_index("geo", "g:*", None).unwrap();
    assert!(matches!(db.create_spatial_index("geo", "g:*", Some("pos")), Err(Error::IndexExists(_))));

    // Queries on missing indexes or the wrong kind.
    let r = Rect::new(&[0.0], &[1.0]).unwrap();
    let p = Point::new(&[0.0]).unwrap();
    assert!(matches!(db.scan("nope", Range::all()), Err(Error::NoIndex(_))));
    assert!(matches!(db.scan("geo", Range::all()), Err(Error::NoIndex(_))));
    assert!(matches!(db.intersects("nope", &r, 0), Err(Error::NoIndex(_))));
    assert!(matches!(db.intersects("i", &r, 0), Err(Error::NoIndex(_))));
    assert!(matches!(db.within("i", &r, 0), Err(Error::NoIndex(_))));
    assert!(matches!(db.nearby("i", &p, 0, None), Err(Error::NoIndex(_))));
    assert!(matches!(db.intersects("", &r, 0), Err(Error::InvalidArg(_))));

    // Drop keeps the items.
    db.set("k:1", "1").unwrap();
    db.drop_index("i").unwrap();
    assert!(matches!(db.drop_index("i"), Err(Error::NoIndex(_))));
    assert!(matches!(db.scan("i", Range::all()), Err(Error::NoIndex(_))));
    assert_eq!(db.get("k:1").unwrap().unwrap(), "1");
    db.create_index("i", "k:*", IndexKind::Float).unwrap(); // may be redefined now
    assert_eq!(db.scan("i", Range::all()).unwrap().len(), 1);

    // Bad definitions.
    assert!(matches!(db.create_index("", "*", IndexKind::String), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_index("x", "", IndexKind::String), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_index("x", "*", IndexKind::Json("")), Err(Error::InvalidArg(_))));
    assert!(matches!(db.drop_index(""), Err(Error::InvalidArg(_) | Error::NoIndex(_))));
}

fn spatial_db() -> Store {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", None).unwrap();
    db.set_many([
        ("p:origin", "[0 0]", None),
        ("p:east", "[10 0]", None),
        ("p:north", "[0 10]", None),
        ("p:far", "[100 100]", None),
        ("p:box", "[2 2],[4 4]", None),
    ])
    .unwrap();
    db
}

#[test]
fn intersects_and_within() {
    let db = spatial_db();
    let r = Rect::new(&[-1.0, -1.0], &[3.0, 3.0]).unwrap();
    assert_eq!(sorted_keys(&db.intersects("pos", &r, 0).unwrap()), ["p:box", "p:origin"]);
    assert_eq!(sorted_keys(&db.within("pos", &r, 0).unwrap()), ["p:origin"]);
    let all = Rect::new(&[f64::NEG_INFINITY; 2], &[f64::INFINITY; 2]).unwrap();
    assert_eq!(db.intersects("pos", &all, 0).unwrap().len(), 5);
    assert_eq!(db.within("pos", &all, 0).unwrap().len(), 5);
    assert_eq!(db.intersects("pos", &all, 2).unwrap().len(), 2);
    assert_eq!(db.within("pos", &all, 3).unwrap().len(), 3);
    // Touching an edge intersects.
    let edge = Rect::new(&[4.0, 4.0], &[5.0, 5.0]).unwrap();
    assert_eq!(keys(&db.intersects("pos", &edge, 0).unwrap()), ["p:box"]);
    // A one-dimensional query matches on the dimension it has.
    let band = Rect::new(&[9.0], &[11.0]).unwrap();
    assert_eq!(keys(&db.intersects("pos", &band, 0).unwrap()), ["p:east"]);
    // Nothing there.
    let empty = Rect::new(&[50.0, 50.0], &[60.0, 60.0]).unwrap();
    assert!(db.intersects("pos", &empty, 0).unwrap().is_empty());
    // Every hit has its value.
    for h in &db.intersects("pos", &all, 0).unwrap() {
        assert_eq!(db.get(h.key()).unwrap().unwrap(), h.value());
        assert_eq!(h.distance(), 0.0);
    }
}

#[test]
fn nearby_orders_by_distance() {
    let db = spatial_db();
    let o = Point::new(&[1.0, 0.0]).unwrap();
    let hits = db.nearby("pos", &o, 0, None).unwrap();
    let got: Vec<(String, f64)> = hits.iter().map(|h| (h.key_str().unwrap().to_owned(), h.distance())).collect();
    let want_far = (99f64 * 99.0 + 100.0 * 100.0).sqrt();
    let want = [
        ("p:origin", 1.0),
        ("p:box", (1f64 + 4.0).sqrt()),
        ("p:east", 9.0),
        ("p:north", (1f64 + 100.0).sqrt()),
        ("p:far", want_far),
    ];
    assert_eq!(got.len(), want.len());
    for ((k, d), (wk, wd)) in got.iter().zip(want) {
        assert_eq!(k, wk);
        assert!((d - wd).abs() < 1e-9, "{k}: {d} vs {wd}");
    }
    assert_eq!(keys(&db.nearby("pos", &o, 2, None).unwrap()), ["p:origin", "p:box"]);
    assert_eq!(keys(&db.nearby("pos", &o, 0, Some(3.0)).unwrap()), ["p:origin", "p:box"]);
    assert_eq!(keys(&db.nearby("pos", &o, 1, Some(3.0)).unwrap()), ["p:origin"]);
    assert!(db.nearby("pos", &o, 0, Some(0.5)).unwrap().is_empty());
    assert_eq!(db.nearby("pos", &o, 0, Some(f64::INFINITY)).unwrap().len(), 5);
    // Inside a box the distance is 0.
    let inside = Point::new(&[3.0, 3.0]).unwrap();
    assert_eq!(db.nearby("pos", &inside, 1, None).unwrap().first().unwrap().distance(), 0.0);
    // Bad maximum distances.
    assert!(matches!(db.nearby("pos", &o, 0, Some(-1.0)), Err(Error::InvalidArg(_))));
    assert!(matches!(db.nearby("pos", &o, 0, Some(f64::NAN)), Err(Error::InvalidArg(_))));
}

#[test]
fn json_geometry_and_many_dimensions() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("arr", "a:*", Some("pos")).unwrap();
    db.create_spatial_index("obj", "o:*", Some("pos")).unwrap();
    db.create_spatial_index("box", "b:*", Some("area")).unwrap();
    db.create_spatial_index("txt", "t:*", Some("where")).unwrap();
    db.set("a:1", r#"{"pos":[1,2,3]}"#).unwrap();
    db.set("o:1", r#"{"pos":{"x":1,"y":2}}"#).unwrap();
    db.set("b:1", r#"{"area":[[0,0],[5,5]]}"#).unwrap();
    db.set("t:1", r#"{"where":"[7 8]"}"#).unwrap();
    let p = Point::new(&[1.0, 2.0, 3.0]).unwrap();
    assert_eq!(db.nearby("arr", &p, 0, None).unwrap().first().unwrap().distance(), 0.0);
    let q = Rect::new(&[0.5, 1.5], &[1.5, 2.5]).unwrap();
    assert_eq!(keys(&db.within("obj", &q, 0).unwrap()), ["o:1"]);
    assert_eq!(keys(&db.intersects("box", &q, 0).unwrap()), ["b:1"]);
    assert!(db.within("box", &q, 0).unwrap().is_empty());
    let t = Point::new(&[7.0, 8.0]).unwrap();
    assert_eq!(keys(&db.nearby("txt", &t, 1, Some(0.0)).unwrap()), ["t:1"]);

    // 1 and MAX_DIMS dimensions, stored as rect text from Point's Display.
    db.create_spatial_index("hd", "h:*", None).unwrap();
    let one = Point::new(&[4.0]).unwrap();
    let coords: Vec<f64> = (0..MAX_DIMS).map(|i| i as f64).collect();
    let twenty = Point::new(&coords).unwrap();
    db.set("h:1", one.to_string()).unwrap();
    db.set("h:20", twenty.to_string()).unwrap();
    let hits = db.nearby("hd", &twenty, 1, None).unwrap();
    assert_eq!(keys(&hits), ["h:20"]);
    assert_eq!(hits.first().unwrap().distance(), 0.0);
    let r = Rect::new(&[3.5], &[4.5]).unwrap();
    assert_eq!(keys(&db.within("hd", &r, 0).unwrap()), ["h:1"]);
}

#[test]
fn bad_geometry_is_refused() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", None).unwrap();
    db.create_spatial_index("jpos", "j:*", Some("pos")).unwrap();
    for bad in ["", "hello", "[1 x]", "[1 2],[0 0]", "[NaN 1]", "[inf 0]"] {
        match db.set("p:bad", bad) {
            Err(Error::InvalidArg(msg)) => assert!(!msg.is_empty()),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let too_many = format!("[{}]", vec!["1"; MAX_DIMS + 1].join(" "));
    assert!(matches!(db.set("p:bad", &too_many), Err(Error::InvalidArg(_))));
    for bad in [r#"{"pos":"nope"}"#, r#"{"nothing":1}"#, r#"{"pos":[1,"a"]}"#, r#"{"pos":{"y":1}}"#, "not json"] {
        assert!(matches!(db.set("j:bad", bad), Err(Error::InvalidArg(_))), "{bad}");
    }
    assert!(db.get("p:bad").unwrap().is_none(), "nothing was written");
    assert!(db.get("j:bad").unwrap().is_none());
    // Keys outside the pattern take any value.
    db.set("other", "hello").unwrap();

    // An index over existing unreadable values is not built.
    db.set("q:bad", "hello").unwrap();
    assert!(matches!(db.create_spatial_index("q", "q:*", None), Err(Error::InvalidArg(m)) if m.contains("q:bad")));
    assert!(matches!(db.intersects("q", &Rect::new(&[0.0], &[1.0]).unwrap(), 0), Err(Error::NoIndex(_))));

    // Geometry the types refuse to build.
    assert!(matches!(Rect::new(&[0.0, 1.0], &[1.0, 0.0]), Err(Error::InvalidArg(_))));
    assert!(matches!(Rect::new(&[], &[]), Err(Error::InvalidArg(_))));
    assert!(matches!(Rect::new(&[0.0; 21], &[1.0; 21]), Err(Error::InvalidArg(_))));
    assert!(matches!(Rect::new(&[0.0], &[f64::NAN]), Err(Error::InvalidArg(_))));
    assert!(matches!(Point::new(&[f64::INFINITY, 0.0]), Err(Error::InvalidArg(_))));
    assert!(matches!(Point::new(&[]), Err(Error::InvalidArg(_))));
}

#[test]
fn expired_items_never_appear_in_results() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", None).unwrap();
    db.create_index("n", "p:*", IndexKind::String).unwrap();
    db.set("p:keep", "[1 1]").unwrap();
    db.set_with_ttl("p:gone", "[1 1]", Duration::from_millis(30)).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let all = Rect::new(&[f64::NEG_INFINITY; 2], &[f64::INFINITY; 2]).unwrap();
    assert_eq!(keys(&db.intersects("pos", &all, 0).unwrap()), ["p:keep"]);
    assert_eq!(keys(&db.within("pos", &all, 0).unwrap()), ["p:keep"]);
    assert_eq!(keys(&db.nearby("pos", &Point::new(&[1.0, 1.0]).unwrap(), 0, None).unwrap()), ["p:keep"]);
    assert_eq!(keys(&db.scan("", Range::all()).unwrap()), ["p:keep"]);
    assert_eq!(keys(&db.scan("n", Range::all()).unwrap()), ["p:keep"]);
}

#[test]
fn indexes_follow_updates_and_deletes() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "p:*", None).unwrap();
    db.create_index("v", "p:*", IndexKind::Binary).unwrap();
    db.set("p:a", "[0 0]").unwrap();
    let near = |x: f64| Point::new(&[x, 0.0]).unwrap();
    assert_eq!(keys(&db.nearby("pos", &near(0.0), 0, Some(0.0)).unwrap()), ["p:a"]);
    db.set("p:a", "[50 0]").unwrap();
    assert!(db.nearby("pos", &near(0.0), 0, Some(1.0)).unwrap().is_empty());
    assert_eq!(keys(&db.nearby("pos", &near(50.0), 0, Some(0.0)).unwrap()), ["p:a"]);
    db.delete("p:a").unwrap();
    assert!(db.nearby("pos", &near(50.0), 0, None).unwrap().is_empty());
    assert!(db.scan("v", Range::all()).unwrap().is_empty());
}
