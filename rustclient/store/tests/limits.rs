//! The limits in Options: over any of them a call fails with Error::Limit
//! and changes nothing.

use store::{Error, Ops, Options, Range, Store};

fn limited() -> Store {
    let mut o = Options::default();
    o.max_key_size = 8;
    o.max_value_size = 16;
    o.max_result_size = 200;
    o.max_batch_items = 3;
    Store::open_with(":memory:", o).unwrap()
}

#[test]
fn defaults_are_the_library_s() {
    let o = Options::default();
    assert_eq!(o.max_key_size, store_sys::STORE_DEFAULT_MAX_KEY_SIZE as u64);
    assert_eq!(o.max_value_size, store_sys::STORE_DEFAULT_MAX_VALUE_SIZE as u64);
    assert_eq!(o.max_result_size, store_sys::STORE_DEFAULT_MAX_RESULT_SIZE as u64);
    assert_eq!(o.max_batch_items, store_sys::STORE_DEFAULT_MAX_BATCH_ITEMS as u64);
}

#[test]
fn over_a_limit_changes_nothing() {
    let db = limited();
    db.set("12345678", "0123456789abcdef").unwrap(); // at the limits
    let err = db.set("123456789", "v").unwrap_err();
    assert!(matches!(err, Error::Limit(_)), "{err:?}");
    assert_eq!(err.status(), Some(store_sys::STORE_ERR_LIMIT));
    assert!(err.to_string().contains("STORE_ERR_LIMIT"), "{err}");
    assert!(matches!(db.set("k", "0123456789abcdefg"), Err(Error::Limit(_))));
    assert!(db.get("k").unwrap().is_none());
    let four = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")];
    assert!(matches!(db.set_many(four.iter().map(|&(k, v)| (k, v, None))), Err(Error::Limit(_))));
    assert!(db.get("a").unwrap().is_none());
    assert!(matches!(db.get_many(["a", "b", "c", "d"]), Err(Error::Limit(_))));

    // A result over 200 bytes.
    for i in 0..10 {
        db.set(format!("k{i}"), "0123456789").unwrap();
    }
    assert!(matches!(db.scan("", Range::all()), Err(Error::Limit(_))));

    // Inside a transaction the refused write leaves it usable.
    let tx = db.begin_write().unwrap();
    assert!(matches!(tx.set("x", "0123456789abcdefg"), Err(Error::Limit(_))));
    tx.set("x", "fits").unwrap();
    tx.commit().unwrap();
    assert_eq!(db.get("x").unwrap().unwrap(), "fits");
}
