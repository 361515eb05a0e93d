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
    // Every view points into the same buffer.
    assert_eq!(v.as_ptr(), v.as_bytes().as_ptr());
    assert_eq!(v.as_ptr(), v.as_str().unwrap().as_ptr());
    assert_eq!(AsRef::<[u8]>::as_ref(&v).as_ptr(), v.as_ptr());
    // into_vec hands the crate's own buffer over without a copy.
    let p = v.as_ptr();
    let owned = v.into_vec();
    assert_eq!(owned.as_ptr(), p);
    // Bytes may move to another thread and be freed there.
    let v = db.get("k").unwrap().unwrap();
    std::thread::spawn(move || assert_eq!(v, "value")).join().unwrap();
}

#[test]
fn get_into_reuses_and_grows_the_buffer() {
    let db = Store::open_in_memory().unwrap();
    let sizes = [0usize, 1, 100, 5_000, 70_000, 1_000_000, 3];
    for (i, n) in sizes.iter().enumerate() {
        let v: Vec<u8> = (0..*n).map(|j| (j % 253) as u8 ^ i as u8).collect();
        db.set(format!("k{i}"), &v).unwrap();
    }
    let mut buf = Vec::new();
    for (i, n) in sizes.iter().enumerate() {
        let key = format!("k{i}");
        assert!(db.get_into(&key, &mut buf).unwrap());
        assert_eq!(buf.len(), *n);
        assert!(buf.iter().enumerate().all(|(j, b)| *b == (j % 253) as u8 ^ i as u8));
        // get (through the thread's scratch buffer, or its own allocation
        // above the scratch size) gives the same bytes.
        assert_eq!(db.get(&key).unwrap().unwrap().as_bytes(), &buf[..]);
    }
    // A big buffer stays big: the next small read allocates nothing.
    let cap = buf.capacity();
    assert!(cap >= 1_000_000);
    assert!(db.get_into("k2", &mut buf).unwrap());
    assert_eq!((buf.len(), buf.capacity()), (100, cap));
    // A miss leaves it empty.
    assert!(!db.get_into("missing", &mut buf).unwrap());
    assert!(buf.is_empty());
    // In a transaction, it sees the transaction's writes.
    db.update(|tx| {
        tx.set("k2", "in tx")?;
        assert!(tx.get_into("k2", &mut buf)?);
        assert_eq!(buf, b"in tx");
        Ok::<(), Error>(())
    })
    .unwrap();
}

#[test]
fn too_small_through_the_raw_call() {
    let db = Store::open_in_memory().unwrap();
    db.set("k", "0123456789").unwrap();
    let mut buf = [0u8; 4];
    let mut len = 0usize;
    // SAFETY: the key and buffer are valid for the lengths given.
    let st = unsafe { store::sys::store_get_into(db.as_raw(), b"k".as_ptr(), 1, buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(st, store::sys::STORE_ERR_BUFFER_TOO_SMALL);
    assert_eq!(len, 10);
    assert_eq!(buf, [0; 4]);
    assert_eq!(store::status_name(st), "STORE_ERR_BUFFER_TOO_SMALL");
}

#[test]
fn ttl_many_matches_ttl() {
    let db = Store::open_in_memory().unwrap();
    db.set("never", "v").unwrap();
    db.set_with_ttl("minute", "v", Duration::from_secs(60)).unwrap();
    db.set_with_ttl("gone", "v", Duration::from_millis(1)).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let keys = ["never", "minute", "missing", "gone"];
    let many = db.ttl_many(keys).unwrap();
    assert_eq!(many.len(), keys.len());
    assert_eq!(many[0], Some(Ttl::Never));
    assert!(matches!(many[1], Some(Ttl::Expires(d)) if d > Duration::from_secs(59) && d <= Duration::from_secs(60)));
    assert_eq!(many[2], None);
    assert_eq!(many[3], None);
    assert_eq!(db.ttl("gone").unwrap(), None);
    assert!(db.ttl_many(Vec::<&str>::new()).unwrap().is_empty());
}

#[test]
fn len_leaves_out_expired_items() {
    let db = Store::open_in_memory().unwrap();
    for i in 0..10 {
        if i % 2 == 0 {
            db.set_with_ttl(format!("k{i}"), "v", Duration::from_millis(20)).unwrap();
        } else {
            db.set(format!("k{i}"), "v").unwrap();
        }
    }
    assert_eq!(db.len().unwrap(), 10);
    std::thread::sleep(Duration::from_millis(60));
    // Before the engine's once-a-second sweep has deleted them.
    assert_eq!(db.len().unwrap(), 5);
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
