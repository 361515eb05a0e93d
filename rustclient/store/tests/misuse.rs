//! Misuse through raw handles, and the errors of opening.

mod common;

use std::time::Duration;

use common::TempDir;
use store::{Error, IndexKind, Ops, Options, Point, Range, Rect, Store};

#[test]
fn a_closed_store_through_a_raw_handle_gives_bad_handle() {
    let db = Store::open_in_memory().unwrap();
    db.set("k", "v").unwrap();
    let ghost = Store::from_raw(db.as_raw());
    db.close().unwrap();

    let r = Rect::new(&[0.0], &[1.0]).unwrap();
    let p = Point::new(&[0.0]).unwrap();
    let results: Vec<(&str, Result<(), Error>)> = vec![
        ("set", ghost.set("k", "v")),
        ("set_with_ttl", ghost.set_with_ttl("k", "v", Duration::from_secs(1))),
        ("get", ghost.get("k").map(|_| ())),
        ("delete", ghost.delete("k").map(|_| ())),
        ("ttl", ghost.ttl("k").map(|_| ())),
        ("ttl_many", ghost.ttl_many(["k"]).map(|_| ())),
        ("get_into", ghost.get_into("k", &mut Vec::new()).map(|_| ())),
        ("set_many", ghost.set_many([("k", "v", None)])),
        ("get_many", ghost.get_many(["k"]).map(|_| ())),
        ("scan", ghost.scan("", Range::all()).map(|_| ())),
        ("intersects", ghost.intersects("i", &r, 0).map(|_| ())),
        ("within", ghost.within("i", &r, 0).map(|_| ())),
        ("nearby", ghost.nearby("i", &p, 0, None).map(|_| ())),
        ("intersects_many", ghost.intersects_many("i", &[r], 0).map(|_| ())),
        ("within_many", ghost.within_many("i", &[r], 0).map(|_| ())),
        ("nearby_many", ghost.nearby_many("i", &[p], 0, None).map(|_| ())),
        ("pairs", ghost.pairs("i", 1.0, None).map(|_| ())),
        ("len", ghost.len().map(|_| ())),
        ("begin_read", ghost.begin_read().map(|_| ())),
        ("begin_write", ghost.begin_write().map(|_| ())),
        ("create_index", ghost.create_index("i", "*", IndexKind::String)),
        ("create_spatial_index", ghost.create_spatial_index("i", "*", None)),
        ("drop_index", ghost.drop_index("i")),
        ("shrink", ghost.shrink()),
        ("save", ghost.save("/tmp/never-written")),
        ("load", ghost.load("/tmp/never-read")),
    ];
    for (what, r) in results {
        match r {
            Err(e @ Error::BadHandle(_)) => {
                assert_eq!(e.status(), Some(store::sys::STORE_ERR_BAD_HANDLE));
                assert!(e.to_string().contains("STORE_ERR_BAD_HANDLE"), "{what}: {e}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    assert!(matches!(ghost.close(), Err(Error::BadHandle(_))));
    // Handle 0 is never valid.
    assert!(matches!(Store::from_raw(0).get("k"), Err(Error::BadHandle(_))));
}

#[test]
fn closing_with_an_open_transaction_is_busy() {
    let db = Store::open_in_memory().unwrap();
    let ghost = Store::from_raw(db.as_raw());
    let tx = db.begin_write().unwrap();
    tx.set("k", "v").unwrap();
    assert!(matches!(ghost.close(), Err(Error::Busy(_))));
    // Nothing changed: the transaction and the store go on.
    tx.commit().unwrap();
    assert_eq!(db.get("k").unwrap().unwrap(), "v");
    db.close().unwrap();
}

#[test]
fn a_transaction_handle_is_not_a_store() {
    let db = Store::open_in_memory().unwrap();
    let tx = db.begin_write().unwrap();
    let raw_tx = tx.as_raw();
    // A database-only call on a transaction handle is refused.
    let fake = Store::from_raw(raw_tx);
    assert!(matches!(fake.begin_read(), Err(Error::BadHandle(_))));
    assert!(matches!(fake.shrink(), Err(Error::BadHandle(_))));
    // Index calls join a transaction (see tests/query.rs).
    fake.create_index("i", "*", IndexKind::Int).unwrap();
    let _ = fake.into_raw(); // do not let its Drop try to close the tx handle
    tx.commit().unwrap();
    // The finished transaction's handle is dead.
    let dead = Store::from_raw(raw_tx);
    assert!(matches!(dead.get("k"), Err(Error::BadHandle(_))));
}

#[test]
fn opening_errors() {
    let dir = TempDir::new("open");
    // A directory.
    assert!(matches!(Store::open(dir.path()), Err(Error::InvalidArg(_))));
    // An empty path.
    assert!(matches!(Store::open(""), Err(Error::InvalidArg(_))));
    // A NUL byte in the path.
    match Store::open("a\0b") {
        Err(e @ Error::Nul(_)) => {
            assert_eq!(e.status(), None);
            assert!(std::error::Error::source(&e).is_some());
        }
        other => panic!("{other:?}"),
    }
    // A file that is not a store.
    let junk = dir.file("junk.db");
    std::fs::write(&junk, "this is not a store file\n*3\r\n").unwrap();
    assert!(matches!(Store::open(&junk), Err(Error::Corrupt(_))));
    // A missing parent directory.
    assert!(matches!(Store::open(dir.file("no/such/dir/x.db")), Err(Error::Io(_) | Error::InvalidArg(_))));
    // The same file twice.
    let path = dir.file("one.db");
    let first = Store::open(&path).unwrap();
    assert!(matches!(Store::open(&path), Err(Error::Busy(_))));
    drop(first);
    Store::open(&path).unwrap().close().unwrap();
}

#[test]
fn option_errors_and_defaults() {
    let d = Options::default();
    assert_eq!(d.auto_shrink_percentage, 100);
    assert_eq!(d.auto_shrink_min_size, 32 << 20);
    assert!(!d.auto_shrink_disabled);
    let mut o = Options::default();
    o.auto_shrink_percentage = u32::MAX;
    assert!(matches!(Store::open_with(":memory:", o), Err(Error::InvalidArg(_))));
    let mut o = Options::default();
    o.auto_shrink_min_size = u64::MAX;
    assert!(matches!(Store::open_with(":memory:", o), Err(Error::InvalidArg(_))));
    for p in [store::SyncPolicy::Never, store::SyncPolicy::EverySecond, store::SyncPolicy::Always] {
        let mut o = Options::default();
        o.sync_policy = p;
        o.auto_shrink_disabled = true;
        let dir = TempDir::new("opts");
        let db = Store::open_with(dir.file("o.db"), o).unwrap();
        db.set("k", "v").unwrap();
        db.close().unwrap();
    }
}

#[test]
fn nul_in_names_is_an_error() {
    let db = Store::open_in_memory().unwrap();
    assert!(matches!(db.create_index("a\0", "*", IndexKind::String), Err(Error::Nul(_))));
    assert!(matches!(db.create_index("a", "*\0", IndexKind::String), Err(Error::Nul(_))));
    assert!(matches!(db.create_index("a", "*", IndexKind::Json("x\0")), Err(Error::Nul(_))));
    assert!(matches!(db.create_spatial_index("a", "*", Some("\0")), Err(Error::Nul(_))));
    assert!(matches!(db.drop_index("\0"), Err(Error::Nul(_))));
    assert!(matches!(db.scan("\0", Range::all()), Err(Error::Nul(_))));
    let r = Rect::new(&[0.0], &[1.0]).unwrap();
    assert!(matches!(db.intersects("\0", &r, 0), Err(Error::Nul(_))));
    assert!(matches!(db.save("a\0b"), Err(Error::Nul(_))));
    let e: Error = std::ffi::CString::new("x\0").unwrap_err().into();
    assert!(e.to_string().contains("nul"), "{e}");
}

#[test]
fn error_messages_and_status_names() {
    let db = Store::open_in_memory().unwrap();
    let e = db.drop_index("missing-index").unwrap_err();
    let text = e.to_string();
    assert!(text.contains("missing-index") && text.contains("STORE_ERR_NO_INDEX"), "{text}");
    assert_eq!(store::status_name(store::sys::STORE_ERR_IO), "STORE_ERR_IO");
    assert_eq!(store::status_name(1), "STORE_NOT_FOUND");
    assert_eq!(store::status_name(-99), "STORE_UNKNOWN_STATUS");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert!(boxed.to_string().contains("missing-index"));
    let not_utf8 = vec![0xffu8];
    let e: Error = std::str::from_utf8(&not_utf8).unwrap_err().into();
    assert!(matches!(e, Error::Utf8(_)));
    // Each thread has its own last error: a failure here does not change
    // the message another thread reads for its own failure.
    let t = std::thread::spawn(|| {
        let db = Store::open_in_memory().unwrap();
        db.drop_index("other-thread").unwrap_err().to_string()
    });
    let mine = db.drop_index("this-thread").unwrap_err().to_string();
    assert!(t.join().unwrap().contains("other-thread"));
    assert!(mine.contains("this-thread"));
}
