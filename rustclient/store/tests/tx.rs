//! Transactions: begin/commit/rollback/drop, update/view, panics, read-only
//! writes, the would-deadlock detection and isolation between threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use store::{Error, IndexKind, Ops, Point, Range, Rect, Store};

#[test]
fn commit_rollback_and_drop() {
    let db = Store::open_in_memory().unwrap();
    let tx = db.begin_write().unwrap();
    assert!(tx.is_writable());
    tx.set("a", "1").unwrap();
    assert_eq!(tx.get("a").unwrap().unwrap(), "1"); // reads its own writes
    tx.commit().unwrap();
    assert_eq!(db.get("a").unwrap().unwrap(), "1");

    let tx = db.begin_write().unwrap();
    tx.set("b", "2").unwrap();
    assert!(tx.delete("a").unwrap());
    tx.rollback().unwrap();
    assert!(db.get("b").unwrap().is_none());
    assert!(db.get("a").unwrap().is_some());

    {
        let tx = db.begin_write().unwrap();
        tx.set("c", "3").unwrap();
        assert!(format!("{tx:?}").contains("writable: true"));
    } // dropped: rolled back
    assert!(db.get("c").unwrap().is_none());
}

#[test]
fn every_data_method_works_in_a_transaction() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "pos:*", None).unwrap();
    let tx = db.begin_write().unwrap();
    tx.set_with_ttl("t", "x", Duration::from_secs(60)).unwrap();
    tx.set_many([("pos:a", "[1 1]", None), ("pos:b", "[5 5]", None)]).unwrap();
    assert!(tx.ttl("t").unwrap().is_some());
    assert_eq!(tx.len().unwrap(), 3);
    assert!(!tx.is_empty().unwrap());
    assert_eq!(tx.get_many(["t", "u"]).unwrap().iter().filter(|e| e.value().is_some()).count(), 1);
    assert_eq!(tx.scan("", Range::all()).unwrap().len(), 3);
    let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    assert_eq!(tx.intersects("pos", &r, 0).unwrap().len(), 1);
    assert_eq!(tx.within("pos", &r, 0).unwrap().len(), 1);
    assert_eq!(tx.nearby("pos", &Point::new(&[5.0, 5.0]).unwrap(), 1, None).unwrap().first().unwrap().key(), b"pos:b");
    assert!(tx.delete("t").unwrap());
    tx.commit().unwrap();
    assert_eq!(db.len().unwrap(), 2);
}

#[test]
fn update_commits_on_ok_and_rolls_back_on_err() {
    let db = Store::open_in_memory().unwrap();
    let n = db.update(|tx| {
        tx.set("a", "1")?;
        tx.set("b", "2")?;
        Ok::<_, Error>(2)
    });
    assert_eq!(n.unwrap(), 2);
    assert_eq!(db.len().unwrap(), 2);

    #[derive(Debug)]
    enum MyError {
        Store(Error),
        Refused,
    }
    impl From<Error> for MyError {
        fn from(e: Error) -> Self {
            MyError::Store(e)
        }
    }
    let r: Result<(), MyError> = db.update(|tx| {
        tx.set("c", "3")?;
        tx.delete("a")?;
        Err(MyError::Refused)
    });
    assert!(matches!(r, Err(MyError::Refused)));
    assert!(db.get("c").unwrap().is_none());
    assert!(db.get("a").unwrap().is_some());

    // A store error inside the closure converts and rolls back as well.
    let r: Result<(), MyError> = db.update(|tx| {
        tx.set("d", "4")?;
        tx.scan("no such index", Range::all())?;
        Ok(())
    });
    assert!(matches!(r, Err(MyError::Store(Error::NoIndex(_)))));
    assert!(db.get("d").unwrap().is_none());
}

#[test]
fn a_panic_in_update_rolls_back_and_unwinds() {
    let db = Store::open_in_memory().unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        db.update(|tx| {
            tx.set("k", "v")?;
            panic!("boom");
            #[allow(unreachable_code)]
            Ok::<(), Error>(())
        })
    }));
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert!(db.get("k").unwrap().is_none(), "rolled back");
    // The lock was released: a new write transaction and store calls work.
    db.set("k", "after").unwrap();
    db.update(|tx| tx.set("k2", "v")).unwrap();
    assert_eq!(db.len().unwrap(), 2);

    // The same for view.
    let r = catch_unwind(AssertUnwindSafe(|| db.view(|_tx| -> store::Result<()> { panic!("in view") })));
    assert!(r.is_err());
    db.set("k3", "v").unwrap();
}

#[test]
fn view_reads_and_refuses_writes() {
    let db = Store::open_in_memory().unwrap();
    db.set("k", "v").unwrap();
    let got = db.view(|tx| Ok::<_, Error>(tx.get("k")?.map(|b| b.to_vec()))).unwrap();
    assert_eq!(got.as_deref(), Some(&b"v"[..]));
    let r = db.view(|tx| tx.set("k", "w"));
    assert!(matches!(r, Err(Error::TxReadOnly(_))), "{r:?}");
    let r = db.view(|tx| tx.delete("k").map(|_| ()));
    assert!(matches!(r, Err(Error::TxReadOnly(_))));
    let r = db.view(|tx| tx.set_many([("a", "b", None)]));
    assert!(matches!(r, Err(Error::TxReadOnly(_))));

    let tx = db.begin_read().unwrap();
    assert!(!tx.is_writable());
    match tx.set("x", "y") {
        Err(e @ Error::TxReadOnly(_)) => {
            assert_eq!(e.status(), Some(store::sys::STORE_ERR_TX_READ_ONLY));
            assert!(e.to_string().contains("read-only"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    tx.commit().unwrap(); // committing a read transaction just ends it
    assert_eq!(db.get("k").unwrap().unwrap(), "v");
}

#[test]
fn store_calls_on_the_thread_holding_a_transaction_would_deadlock() {
    let db = Store::open_in_memory().unwrap();
    db.set("k", "v").unwrap();
    let tx = db.begin_write().unwrap();
    // `db` and `tx` are both shared borrows: the borrow checker allows this.
    let deadlocks: Vec<(&str, Result<(), Error>)> = vec![
        ("set", db.set("k", "w")),
        ("get", db.get("k").map(|_| ())),
        ("delete", db.delete("k").map(|_| ())),
        ("ttl", db.ttl("k").map(|_| ())),
        ("len", db.len().map(|_| ())),
        ("get_many", db.get_many(["k"]).map(|_| ())),
        ("scan", db.scan("", Range::all()).map(|_| ())),
        ("begin_read", db.begin_read().map(|_| ())),
        ("begin_write", db.begin_write().map(|_| ())),
        ("create_index", db.create_index("i", "*", IndexKind::String)),
        ("drop_index", db.drop_index("i")),
        ("shrink", db.shrink()),
    ];
    for (what, r) in deadlocks {
        match r {
            Err(Error::WouldDeadlock(msg)) => assert!(!msg.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    // The transaction itself still works, and nothing leaked into it.
    tx.set("k", "from tx").unwrap();
    tx.commit().unwrap();
    assert_eq!(db.get("k").unwrap().unwrap(), "from tx");

    // A read transaction counts too (a writer would wait for it).
    let tx = db.begin_read().unwrap();
    assert!(matches!(db.set("k", "w"), Err(Error::WouldDeadlock(_))));
    assert!(matches!(db.update(|tx| tx.set("k", "w")), Err(Error::WouldDeadlock(_))));
    drop(tx);
    db.set("k", "w").unwrap();

    // Inside update, using the store instead of the tx is caught as well.
    let r = db.update(|_tx| db.set("k", "inner"));
    assert!(matches!(r, Err(Error::WouldDeadlock(_))));
    assert_eq!(db.get("k").unwrap().unwrap(), "w");
}

#[test]
fn a_write_transaction_isolates_other_threads() {
    let db = Arc::new(Store::open_in_memory().unwrap());
    db.set("k", "old").unwrap();
    let tx = db.begin_write().unwrap();
    tx.set("k", "new").unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (db, done) = (Arc::clone(&db), Arc::clone(&done));
        std::thread::spawn(move || {
            // Waits for the write transaction, then sees its result.
            let v = db.get("k").unwrap().unwrap().as_str().unwrap().to_owned();
            done.store(true, Ordering::SeqCst);
            v
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    assert!(!done.load(Ordering::SeqCst), "the reader must wait for the writer");
    tx.commit().unwrap();
    assert_eq!(reader.join().unwrap(), "new");
}

#[test]
fn read_transactions_share_across_threads() {
    let db = Arc::new(Store::open_in_memory().unwrap());
    db.set("k", "v").unwrap();
    let tx = db.begin_read().unwrap();
    let other = {
        let db = Arc::clone(&db);
        // Another reader runs while this thread holds a read transaction.
        std::thread::spawn(move || db.get("k").unwrap().is_some())
    };
    assert!(other.join().unwrap());
    assert!(tx.get("k").unwrap().is_some());
}
