//! File stores: write, drop, reopen and find everything back; save/load;
//! shrink.

mod common;

use std::time::Duration;

use common::{TempDir, keys, sorted_keys};
use store::{Error, IndexKind, Ops, Options, Point, Range, Rect, Store, SyncPolicy, Ttl};

fn fill(db: &Store) {
    db.create_index("age", "user:*", IndexKind::Json("age")).unwrap();
    db.create_index("score", "score:*", IndexKind::Int).unwrap();
    db.create_spatial_index("pos", "pos:*", None).unwrap();
    db.create_spatial_index("jpos", "obj:*", Some("at")).unwrap();
    db.set("user:ann", r#"{"name":"ann","age":41}"#).unwrap();
    db.set("user:bob", r#"{"name":"bob","age":17}"#).unwrap();
    db.set("score:x", "300").unwrap();
    db.set("score:y", "-2").unwrap();
    db.set("pos:a", "[1 1]").unwrap();
    db.set("pos:b", "[5 5],[6 6]").unwrap();
    db.set("obj:1", r#"{"at":[9,9]}"#).unwrap();
    db.set(b"bin\0key", [0u8, 255, 0]).unwrap();
    db.set_with_ttl("session", "tok", Duration::from_secs(3600)).unwrap();
    db.set_with_ttl("brief", "x", Duration::from_millis(200)).unwrap();
    db.update(|tx| {
        tx.set("tx:1", "committed")?;
        tx.delete("score:y").map(|_| ())
    })
    .unwrap();
    let tx = db.begin_write().unwrap();
    tx.set("tx:2", "rolled back").unwrap();
    drop(tx);
}

fn check(db: &Store, brief_expired: bool) {
    assert_eq!(db.get("user:ann").unwrap().unwrap(), r#"{"name":"ann","age":41}"#);
    assert_eq!(db.get(b"bin\0key").unwrap().unwrap(), [0u8, 255, 0]);
    assert_eq!(db.get("tx:1").unwrap().unwrap(), "committed");
    assert!(db.get("tx:2").unwrap().is_none());
    assert!(db.get("score:y").unwrap().is_none());
    match db.ttl("session").unwrap() {
        Some(Ttl::Expires(d)) => assert!(d > Duration::from_secs(3500) && d <= Duration::from_secs(3600), "{d:?}"),
        other => panic!("session ttl {other:?}"),
    }
    assert_eq!(db.ttl("user:ann").unwrap(), Some(Ttl::Never));
    if brief_expired {
        assert!(db.get("brief").unwrap().is_none());
        assert_eq!(db.ttl("brief").unwrap(), None);
    }
    assert_eq!(keys(&db.scan("age", Range::all()).unwrap()), ["user:bob", "user:ann"]);
    assert_eq!(keys(&db.scan("age", Range::all().lo(r#"{"age":18}"#)).unwrap()), ["user:ann"]);
    assert_eq!(keys(&db.scan("score", Range::all()).unwrap()), ["score:x"]);
    let r = Rect::new(&[0.0, 0.0], &[5.5, 5.5]).unwrap();
    assert_eq!(sorted_keys(&db.intersects("pos", &r, 0).unwrap()), ["pos:a", "pos:b"]);
    assert_eq!(keys(&db.within("pos", &r, 0).unwrap()), ["pos:a"]);
    let p = Point::new(&[9.0, 8.0]).unwrap();
    let near = db.nearby("jpos", &p, 1, None).unwrap();
    assert_eq!(keys(&near), ["obj:1"]);
    assert_eq!(near.first().unwrap().distance(), 1.0);
    // Index definitions are back: redefining differently still conflicts.
    assert!(matches!(db.create_index("age", "user:*", IndexKind::Int), Err(Error::IndexExists(_))));
}

#[test]
fn a_file_store_comes_back_after_drop_and_reopen() {
    let dir = TempDir::new("persist");
    let path = dir.file("data.db");
    {
        let db = Store::open(&path).unwrap();
        fill(&db);
        check(&db, false);
        // dropped here, not closed explicitly
    }
    assert!(path.exists());
    std::thread::sleep(Duration::from_millis(300)); // let "brief" expire
    let db = Store::open(&path).unwrap();
    check(&db, true);
    db.set("later", "yes").unwrap();
    db.close().unwrap();

    let mut o = Options::default();
    o.sync_policy = SyncPolicy::Always;
    let db = Store::open_with(&path, o).unwrap();
    check(&db, true);
    assert_eq!(db.get("later").unwrap().unwrap(), "yes");
    // Dropping an index is remembered too.
    db.drop_index("score").unwrap();
    drop(db);
    let db = Store::open(&path).unwrap();
    assert!(matches!(db.scan("score", Range::all()), Err(Error::NoIndex(_))));
}

#[test]
fn save_and_load_snapshots() {
    let dir = TempDir::new("snap");
    let db = Store::open_in_memory().unwrap();
    fill(&db);
    let snap = dir.file("snap.db");
    db.save(&snap).unwrap();

    // Load into a fresh store with the same indexes defined.
    let copy = Store::open_in_memory().unwrap();
    copy.create_index("age", "user:*", IndexKind::Json("age")).unwrap();
    copy.create_index("score", "score:*", IndexKind::Int).unwrap();
    copy.create_spatial_index("pos", "pos:*", None).unwrap();
    copy.create_spatial_index("jpos", "obj:*", Some("at")).unwrap();
    copy.set("tx:1", "replaced by the snapshot").unwrap();
    copy.load(&snap).unwrap();
    check(&copy, false);

    // A snapshot whose items a spatial index cannot read loads nothing.
    let strict = Store::open_in_memory().unwrap();
    strict.create_spatial_index("all", "user:*", None).unwrap();
    assert!(matches!(strict.load(&snap), Err(Error::InvalidArg(_))));
    assert!(strict.is_empty().unwrap());

    // A file that is not a snapshot is corrupt; a missing one an I/O error.
    let junk = dir.file("junk");
    std::fs::write(&junk, "garbage\n").unwrap();
    assert!(matches!(copy.load(&junk), Err(Error::Corrupt(_))));
    assert!(matches!(copy.load(dir.file("missing")), Err(Error::Io(_))));
    assert!(matches!(db.save(""), Err(Error::InvalidArg(_))));
    assert!(matches!(db.save(dir.file("no/such/dir/s")), Err(Error::Io(_))));
}

#[test]
fn shrink_keeps_live_items() {
    let dir = TempDir::new("shrink");
    let path = dir.file("s.db");
    let mut o = Options::default();
    o.auto_shrink_disabled = true;
    let db = Store::open_with(&path, o).unwrap();
    for i in 0..2000 {
        db.set(format!("k{}", i % 10), format!("value {i} {}", "x".repeat(100))).unwrap();
    }
    let before = std::fs::metadata(&path).unwrap().len();
    db.shrink().unwrap();
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(after < before / 10, "{before} -> {after}");
    drop(db);
    let db = Store::open(&path).unwrap();
    assert_eq!(db.len().unwrap(), 10);
    assert!(db.get("k9").unwrap().unwrap().starts_with(b"value 1999"));
}
