//! Key-value methods on a Store: set, get, delete, ttl, set_many, get_many, len.

mod common;

use std::time::Duration;

use store::{Error, Ops, Store, Ttl};

#[test]
fn set_get_delete() {
    let db = Store::open_in_memory().unwrap();
    assert!(db.get("k").unwrap().is_none());
    db.set("k", "v1").unwrap();
    assert_eq!(db.get("k").unwrap().unwrap(), "v1");
    db.set("k", "v2").unwrap();
    assert_eq!(db.get(b"k").unwrap().unwrap(), b"v2");
    assert!(db.delete("k").unwrap());
    assert!(!db.delete("k").unwrap());
    assert!(db.get("k").unwrap().is_none());
}

#[test]
fn bytes_with_nul_empty_and_large() {
    let db = Store::open_in_memory().unwrap();
    let key = b"a\0b\xff".to_vec();
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    db.set(&key, &big).unwrap();
    let v = db.get(&key).unwrap().unwrap();
    assert_eq!(v.len(), big.len());
    assert_eq!(&v[..], &big[..]);
    assert!(v.as_str().is_err());

    db.set("", "").unwrap(); // the empty key and value
    let v = db.get("").unwrap().unwrap();
    assert!(v.is_empty());
    assert_eq!(v.as_str().unwrap(), "");
    assert!(db.delete("").unwrap());
    assert_eq!(format!("{:?}", db.get(&key).unwrap().unwrap()).get(..16), Some("Bytes(b\"\\x00\\x01"));
}

#[test]
fn bytes_deref_does_not_copy() {
    let db = Store::open_in_memory().unwrap();
    db.set("k", "value").unwrap();
    let v = db.get("k").unwrap().unwrap();
    // Every view points into the same library buffer.
    assert_eq!(v.as_ptr(), v.as_bytes().as_ptr());
    assert_eq!(v.as_ptr(), v.as_str().unwrap().as_ptr());
    assert_eq!(AsRef::<[u8]>::as_ref(&v).as_ptr(), v.as_ptr());
    // Bytes may move to another thread and be freed there.
    std::thread::spawn(move || assert_eq!(v, "value")).join().unwrap();
}

#[test]
fn ttl_never_expires_and_missing_differ() {
    let db = Store::open_in_memory().unwrap();
    db.set("forever", "x").unwrap();
    db.set_with_ttl("hour", "x", Duration::from_secs(3600)).unwrap();
    assert_eq!(db.ttl("forever").unwrap(), Some(Ttl::Never));
    assert_eq!(db.ttl("missing").unwrap(), None);
    match db.ttl("hour").unwrap() {
        Some(Ttl::Expires(d)) => assert!(d > Duration::from_secs(3590) && d <= Duration::from_secs(3600), "{d:?}"),
        other => panic!("{other:?}"),
    }
    assert!(db.ttl("hour").unwrap().unwrap().remaining().is_some());
    // Setting again without a TTL removes it.
    db.set("hour", "y").unwrap();
    assert_eq!(db.ttl("hour").unwrap(), Some(Ttl::Never));
}

#[test]
fn ttl_expires() {
    let db = Store::open_in_memory().unwrap();
    db.set_with_ttl("short", "x", Duration::from_millis(50)).unwrap();
    // A sub-millisecond TTL rounds up to 1 ms instead of meaning "none".
    db.set_with_ttl("tiny", "x", Duration::from_nanos(1)).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    assert!(db.get("short").unwrap().is_none());
    assert!(db.get("tiny").unwrap().is_none());
    assert_eq!(db.ttl("short").unwrap(), None);
    assert!(!db.delete("short").unwrap());
    let many = db.get_many(["short", "tiny"]).unwrap();
    assert!(many.iter().all(|e| e.value().is_none()));
}

#[test]
fn zero_ttl_is_refused() {
    let db = Store::open_in_memory().unwrap();
    assert!(matches!(db.set_with_ttl("k", "v", Duration::ZERO), Err(Error::InvalidArg(_))));
    assert!(matches!(db.set_many([("k", "v", Some(Duration::ZERO))]), Err(Error::InvalidArg(_))));
    assert!(db.get("k").unwrap().is_none());
}

#[test]
fn set_many_and_get_many() {
    let db = Store::open_in_memory().unwrap();
    let items: Vec<(String, String, Option<Duration>)> = (0..100)
        .map(|i| (format!("k{i:03}"), format!("v{i}"), (i % 2 == 0).then(|| Duration::from_secs(600))))
        .collect();
    db.set_many(items.iter().map(|(k, v, t)| (k, v, *t))).unwrap();
    assert_eq!(db.len().unwrap(), 100);
    assert!(matches!(db.ttl("k000").unwrap(), Some(Ttl::Expires(_))));
    assert_eq!(db.ttl("k001").unwrap(), Some(Ttl::Never));

    let mut asked: Vec<String> = (0..100).map(|i| format!("k{i:03}")).collect();
    asked.insert(50, "nope".into());
    asked.push(String::new());
    let found = db.get_many(&asked).unwrap();
    assert_eq!(found.len(), asked.len());
    assert_eq!(found.iter().len(), asked.len());
    for (e, k) in found.iter().zip(&asked) {
        assert_eq!(e.key(), k.as_bytes());
        match k.strip_prefix('k') {
            Some(n) => assert_eq!(e.value_str().unwrap(), Some(format!("v{}", n.parse::<u32>().unwrap()).as_str())),
            None => assert_eq!(e.value(), None),
        }
    }
    // IntoIterator for &Values, and Debug.
    let mut n = 0;
    for _ in &found {
        n += 1;
    }
    assert_eq!(n, asked.len());
    assert!(format!("{found:?}").contains("nope"));

    // Empty batches.
    db.set_many(Vec::<(&str, &str, Option<Duration>)>::new()).unwrap();
    assert!(db.get_many(Vec::<&[u8]>::new()).unwrap().is_empty());
}

#[test]
fn set_many_is_all_or_nothing() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "pos:*", None).unwrap();
    let r = db.set_many([("a", "1", None), ("pos:bad", "not geometry", None), ("b", "2", None)]);
    match r {
        Err(Error::InvalidArg(msg)) => assert!(msg.contains("item 1"), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert!(db.is_empty().unwrap());
}

#[test]
fn len_and_is_empty() {
    let db = Store::open_in_memory().unwrap();
    assert!(db.is_empty().unwrap());
    db.set("a", "").unwrap();
    db.set("b", "").unwrap();
    assert_eq!(db.len().unwrap(), 2);
    assert!(!db.is_empty().unwrap());
}

#[test]
fn delete_many_counts_what_it_removed() {
    let db = Store::open_in_memory().unwrap();
    db.set_many([("a", "1", None), ("b", "2", None), ("c", "3", None)]).unwrap();
    assert_eq!(db.delete_many(["a", "missing", "b", "a"]).unwrap(), 2);
    assert!(db.get("a").unwrap().is_none() && db.get("b").unwrap().is_none());
    assert_eq!(db.get("c").unwrap().unwrap().as_bytes(), b"3");
    assert_eq!(db.delete_many(Vec::<&str>::new()).unwrap(), 0);

    // Inside a transaction it goes with the transaction.
    let tx = db.begin_write().unwrap();
    assert_eq!(tx.delete_many(["c"]).unwrap(), 1);
    assert!(matches!(db.delete_many(["c"]), Err(Error::WouldDeadlock(_))));
    drop(tx); // rolls back
    assert_eq!(db.get("c").unwrap().unwrap().as_bytes(), b"3");
    let ro = db.begin_read().unwrap();
    assert!(matches!(ro.delete_many(["c"]), Err(Error::TxReadOnly(_))));
}
