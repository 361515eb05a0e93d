//! [`Ops`]: the data methods shared by [`Store`](crate::Store) and
//! [`Tx`](crate::Tx), written once over the raw handle.

use std::ffi::CString;
use std::time::Duration;

use store_sys as sys;

use crate::bytes::Bytes;
use crate::error::{Error, Result, check, check_ok};
use crate::geometry::{Point, Rect};
use crate::batch::{Batch, Pairs};
use crate::query::{FieldUpdate, Filter, IndexInfo, RawFilter, decode_indexes, update_fields};
use crate::results::{Hits, Values};

/// A real, readable pointer for an empty slice: the C API reads NULL as
/// "absent" in some places (scan bounds), so an empty slice passes this.
static EMPTY: [u8; 1] = [0];

/// The (pointer, length) pair the C API takes for bytes in.
pub(crate) fn raw_parts(b: &[u8]) -> (*const u8, usize) {
    if b.is_empty() { (EMPTY.as_ptr(), 0) } else { (b.as_ptr(), b.len()) }
}

/// The `store_kv` items (key only) for the calls that take many keys; the
/// pointers borrow `keys`.
fn key_items<K: AsRef<[u8]>>(keys: &[K]) -> Vec<sys::store_kv> {
    keys.iter()
        .map(|k| {
            let (key, key_len) = raw_parts(k.as_ref());
            sys::store_kv { key, key_len, val: std::ptr::null(), val_len: 0, ttl_ms: 0 }
        })
        .collect()
}

/// A NUL-terminated copy of a name, pattern or path for the C API.
pub(crate) fn c_string(s: &str) -> Result<CString> {
    Ok(CString::new(s)?)
}

/// A TTL in whole milliseconds for the C API, rounded up so that a short
/// TTL never becomes 0 (which the C API reads as "no expiry").
fn ttl_millis(ttl: Duration) -> Result<i64> {
    if ttl.is_zero() {
        return Err(Error::invalid("a TTL of zero: give a positive duration, or use set for no expiry"));
    }
    let ms = ttl.as_nanos().div_ceil(1_000_000);
    Ok(i64::try_from(ms).unwrap_or(i64::MAX))
}

fn opt_ttl_millis(ttl: Option<Duration>) -> Result<i64> {
    ttl.map_or(Ok(0), ttl_millis)
}

/// Calls a function that fills a result buffer and takes ownership of it,
/// whatever the status says (store_bytes_free is NULL-safe).
fn with_buffer(call: impl FnOnce(*mut sys::store_bytes) -> i32) -> Result<Bytes> {
    let mut raw = sys::store_bytes::default();
    let status = call(&mut raw);
    let bytes = Bytes::from_raw(raw);
    check_ok(status)?;
    Ok(bytes)
}

/// How long a key has left to live, from [`Ops::ttl`].
///
/// ```
/// use std::time::Duration;
/// use store::{Ops, Store, Ttl};
/// let db = Store::open_in_memory().unwrap();
/// db.set("forever", "x").unwrap();
/// db.set_with_ttl("soon", "x", Duration::from_secs(60)).unwrap();
/// assert_eq!(db.ttl("forever").unwrap(), Some(Ttl::Never));
/// assert!(matches!(db.ttl("soon").unwrap(), Some(Ttl::Expires(d)) if d <= Duration::from_secs(60)));
/// assert_eq!(db.ttl("missing").unwrap(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// The key never expires.
    Never,
    /// The key expires after this long (whole milliseconds, rounded up, so
    /// never zero for a live key).
    Expires(Duration),
}

impl Ttl {
    /// The remaining time, `None` for a key that never expires.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(store::Ttl::Never.remaining(), None);
    /// assert_eq!(store::Ttl::Expires(Duration::from_secs(1)).remaining(), Some(Duration::from_secs(1)));
    /// ```
    pub fn remaining(self) -> Option<Duration> {
        match self {
            Ttl::Never => None,
            Ttl::Expires(d) => Some(d),
        }
    }
}

/// The direction of a [`Range`] scan.
///
/// ```
/// assert_eq!(store::Order::default(), store::Order::Ascending);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Low to high, in the index's order.
    #[default]
    Ascending,
    /// High to low.
    Descending,
}

/// What [`Ops::scan`] visits: the items whose indexed value `v` has
/// `lo <= v < hi` (an absent bound is open), in [`Order`], at most `limit`
/// of them (0: no limit). For a JSON index the bounds are JSON documents
/// with a value at the index's path (`{"age":30}`); for the numeric kinds,
/// numbers as text; when scanning the keys (index `""`), keys.
///
/// ```
/// use store::{Ops, Range, Store};
/// let db = Store::open_in_memory().unwrap();
/// for k in ["a", "b", "c", "d"] {
///     db.set(k, "").unwrap();
/// }
/// let hits = db.scan("", Range::all().lo("b").hi("d").descending()).unwrap();
/// let keys: Vec<_> = hits.iter().map(|h| h.key_str().unwrap()).collect();
/// assert_eq!(keys, ["c", "b"]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range<'a> {
    lo: Option<&'a [u8]>,
    hi: Option<&'a [u8]>,
    order: Order,
    limit: usize,
    prefix: bool,
}

impl<'a> Range<'a> {
    /// Everything, ascending, without a limit.
    ///
    /// ```
    /// assert_eq!(store::Range::all(), store::Range::default());
    /// ```
    pub fn all() -> Range<'a> {
        Range::default()
    }

    /// Every item whose key (index `""`) or indexed value starts with `p`,
    /// in the index's terms: bytewise for the keys and the binary and
    /// case-sensitive JSON kinds, ASCII case-insensitively for the string
    /// and JSON kinds (for the JSON kinds, the values that are strings at
    /// the index's path). The numeric kinds refuse a prefix, and a prefix
    /// range takes no [`hi`](Range::hi) ([`Error::InvalidArg`]).
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// for k in ["region:a", "region:b", "region;", "regio"] {
    ///     db.set(k, "").unwrap();
    /// }
    /// let hits = db.scan("", Range::prefix("region:")).unwrap();
    /// let keys: Vec<_> = hits.iter().map(|h| h.key_str().unwrap()).collect();
    /// assert_eq!(keys, ["region:a", "region:b"]);
    /// ```
    pub fn prefix<B: AsRef<[u8]> + ?Sized>(p: &'a B) -> Range<'a> {
        Range { lo: Some(p.as_ref()), prefix: true, ..Range::default() }
    }

    /// Sets the inclusive low bound.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("a", "").unwrap();
    /// db.set("b", "").unwrap();
    /// assert_eq!(db.scan("", Range::all().lo("b")).unwrap().len(), 1);
    /// ```
    pub fn lo<B: AsRef<[u8]> + ?Sized>(mut self, lo: &'a B) -> Range<'a> {
        self.lo = Some(lo.as_ref());
        self
    }

    /// Sets the exclusive high bound.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("a", "").unwrap();
    /// db.set("b", "").unwrap();
    /// assert_eq!(db.scan("", Range::all().hi("b")).unwrap().len(), 1);
    /// ```
    pub fn hi<B: AsRef<[u8]> + ?Sized>(mut self, hi: &'a B) -> Range<'a> {
        self.hi = Some(hi.as_ref());
        self
    }

    /// Sets the direction.
    ///
    /// ```
    /// use store::{Order, Range};
    /// assert_eq!(Range::all().order(Order::Descending), Range::all().descending());
    /// ```
    pub fn order(mut self, order: Order) -> Range<'a> {
        self.order = order;
        self
    }

    /// Walks from the high end down.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("a", "").unwrap();
    /// db.set("b", "").unwrap();
    /// assert_eq!(db.scan("", Range::all().descending()).unwrap().first().unwrap().key(), b"b");
    /// ```
    pub fn descending(self) -> Range<'a> {
        self.order(Order::Descending)
    }

    /// Returns at most `n` items (0: no limit).
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("a", "").unwrap();
    /// db.set("b", "").unwrap();
    /// assert_eq!(db.scan("", Range::all().limit(1)).unwrap().len(), 1);
    /// ```
    pub fn limit(mut self, n: usize) -> Range<'a> {
        self.limit = n;
        self
    }
}

mod private {
    pub trait Sealed {}
    impl Sealed for crate::Store {}
    impl Sealed for crate::Tx<'_> {}
}

/// The data methods of a [`Store`](crate::Store) and of a
/// [`Tx`](crate::Tx). On a store each call runs in a transaction of its
/// own; on a transaction it joins it. Bring the trait into scope with
/// `use store::Ops;`. It is sealed: only this crate implements it.
///
/// Calls block as `store.h` says: a read waits while another thread holds
/// a write transaction; a write waits for every transaction on other
/// threads. A store-level call on the thread that holds an open
/// transaction of that store returns [`Error::WouldDeadlock`].
///
/// ```
/// use store::{Ops, Store};
/// fn count_users(db: &impl Ops) -> store::Result<usize> {
///     Ok(db.get_many(["user:1", "user:2"])?.iter().filter(|e| e.value().is_some()).count())
/// }
/// let db = Store::open_in_memory().unwrap();
/// db.set("user:1", "ann").unwrap();
/// assert_eq!(count_users(&db).unwrap(), 1);
/// db.view(|tx| count_users(tx)).map(|n| assert_eq!(n, 1)).unwrap();
/// ```
pub trait Ops: private::Sealed {
    /// The raw handle calls go to (a database or a transaction).
    #[doc(hidden)]
    fn raw_handle(&self) -> sys::store_t;

    /// Stores `value` under `key`, replacing any old value, with no expiry.
    /// Keys and values are bytes and may hold NUL. A key under a spatial
    /// index whose geometry cannot be read from the value is refused with
    /// [`Error::InvalidArg`] and nothing is written.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// db.set(b"bin\0key", [1u8, 0, 2]).unwrap();
    /// assert_eq!(db.get(b"bin\0key").unwrap().unwrap(), [1u8, 0, 2]);
    /// ```
    fn set(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
        set_raw(self.raw_handle(), key.as_ref(), value.as_ref(), 0)
    }

    /// Stores `value` under `key`, expiring after `ttl` (rounded up to
    /// whole milliseconds). A zero `ttl` is [`Error::InvalidArg`].
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set_with_ttl("session", "token", Duration::from_secs(30)).unwrap();
    /// assert!(db.get("session").unwrap().is_some());
    /// assert!(db.set_with_ttl("session", "token", Duration::ZERO).is_err());
    /// ```
    fn set_with_ttl(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: Duration) -> Result<()> {
        set_raw(self.raw_handle(), key.as_ref(), value.as_ref(), ttl_millis(ttl)?)
    }

    /// The value under `key`, or `None` for a missing or expired key. The
    /// [`Bytes`] own the library's buffer: no copy is made.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// assert!(db.get("k").unwrap().is_none());
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.get("k").unwrap().unwrap(), "v");
    /// ```
    fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        crate::read::get(self.raw_handle(), key.as_ref())
    }

    /// Reads the value under `key` into `buf`, replacing what it held, and
    /// returns whether the key was there (`buf` is left empty if not). The
    /// library writes straight into `buf`, which grows when it is too
    /// small: reusing one buffer makes a read allocate nothing.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "value").unwrap();
    /// let mut buf = Vec::new();
    /// assert!(db.get_into("k", &mut buf).unwrap());
    /// assert_eq!(buf, b"value");
    /// assert!(!db.get_into("missing", &mut buf).unwrap());
    /// assert!(buf.is_empty());
    /// ```
    fn get_into(&self, key: impl AsRef<[u8]>, buf: &mut Vec<u8>) -> Result<bool> {
        crate::read::get_into(self.raw_handle(), key.as_ref(), buf)
    }

    /// Removes `key`; returns whether it was there.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert!(db.delete("k").unwrap());
    /// assert!(!db.delete("k").unwrap());
    /// ```
    fn delete(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        let (k, kl) = raw_parts(key.as_ref());
        // SAFETY: k is valid for kl bytes.
        check(unsafe { sys::store_delete(self.raw_handle(), k, kl) })
    }

    /// The time `key` has left: `Some(Ttl::Never)` for a key without
    /// expiry, `Some(Ttl::Expires(d))` for one with, and `None` for a
    /// missing or expired key (so "missing" and "never expires" differ).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use store::{Ops, Store, Ttl};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.ttl("k").unwrap(), Some(Ttl::Never));
    /// assert_eq!(db.ttl("nope").unwrap(), None);
    /// ```
    fn ttl(&self, key: impl AsRef<[u8]>) -> Result<Option<Ttl>> {
        let (k, kl) = raw_parts(key.as_ref());
        let mut ms: i64 = 0;
        // SAFETY: k is valid for kl bytes and ms is a live i64.
        let found = check(unsafe { sys::store_ttl(self.raw_handle(), k, kl, &mut ms) })?;
        Ok(found.then(|| match u64::try_from(ms) {
            Ok(ms) => Ttl::Expires(Duration::from_millis(ms)),
            Err(_) => Ttl::Never, // -1
        }))
    }

    /// The TTL of each key, in order, in one read of the store: as
    /// [`ttl`](Ops::ttl) key by key.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use store::{Ops, Store, Ttl};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", "v").unwrap();
    /// db.set_with_ttl("b", "v", Duration::from_secs(60)).unwrap();
    /// let ttls = db.ttl_many(["a", "b", "c"]).unwrap();
    /// assert_eq!(ttls[0], Some(Ttl::Never));
    /// assert!(matches!(ttls[1], Some(Ttl::Expires(_))));
    /// assert_eq!(ttls[2], None);
    /// ```
    fn ttl_many<I, K>(&self, keys: I) -> Result<Vec<Option<Ttl>>>
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        let kvs = key_items(&keys);
        let mut ms = vec![0i64; kvs.len()];
        // SAFETY: kvs holds kvs.len() items whose key pointers borrow `keys`,
        // which outlives the call; ms has room for kvs.len() values.
        check_ok(unsafe { sys::store_ttl_many(self.raw_handle(), kvs.as_ptr(), kvs.len(), ms.as_mut_ptr()) })?;
        ms.into_iter()
            .map(|ms| match ms {
                sys::STORE_TTL_MISSING => Ok(None),
                sys::STORE_TTL_NEVER => Ok(Some(Ttl::Never)),
                ms => u64::try_from(ms)
                    .map(|ms| Some(Ttl::Expires(Duration::from_millis(ms))))
                    .map_err(|_| Error::Internal(format!("store_ttl_many gave a TTL of {ms} ms"))),
            })
            .collect()
    }

    /// Writes every `(key, value, ttl)` item in one transaction, all or
    /// none (`ttl` `None`: no expiry).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set_many([("a", "1", None), ("b", "2", Some(Duration::from_secs(60)))]).unwrap();
    /// assert_eq!(db.len().unwrap(), 2);
    /// ```
    fn set_many<I, K, V>(&self, items: I) -> Result<()>
    where
        I: IntoIterator<Item = (K, V, Option<Duration>)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let items: Vec<(K, V, i64)> =
            items.into_iter().map(|(k, v, t)| Ok((k, v, opt_ttl_millis(t)?))).collect::<Result<_>>()?;
        let kvs: Vec<sys::store_kv> = items
            .iter()
            .map(|(k, v, ttl_ms)| {
                let (key, key_len) = raw_parts(k.as_ref());
                let (val, val_len) = raw_parts(v.as_ref());
                sys::store_kv { key, key_len, val, val_len, ttl_ms: *ttl_ms }
            })
            .collect();
        // SAFETY: kvs holds kvs.len() items whose pointers borrow `items`,
        // which outlives the call.
        check_ok(unsafe { sys::store_set_many(self.raw_handle(), kvs.as_ptr(), kvs.len()) })
    }

    /// Removes every key that is there, in one transaction, and returns
    /// how many it removed; missing (and expired) keys are skipped.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set_many([("a", "1", None), ("b", "2", None)]).unwrap();
    /// assert_eq!(db.delete_many(["a", "b", "zzz"]).unwrap(), 2);
    /// assert!(db.is_empty().unwrap());
    /// ```
    fn delete_many<I, K>(&self, keys: I) -> Result<u64>
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        let kvs = key_items(&keys);
        let mut deleted = 0u64;
        // SAFETY: kvs holds kvs.len() items whose key pointers borrow
        // `keys`, which outlives the call; deleted is a live u64.
        check_ok(unsafe { sys::store_delete_many(self.raw_handle(), kvs.as_ptr(), kvs.len(), &mut deleted) })?;
        Ok(deleted)
    }

    /// Looks up every key in one read transaction; the [`Values`] hold one
    /// entry per key, in order, with `None` for a missing key.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", "1").unwrap();
    /// let found = db.get_many(["a", "zzz"]).unwrap();
    /// let v: Vec<_> = found.iter().map(|e| e.value_str().unwrap()).collect();
    /// assert_eq!(v, [Some("1"), None]);
    /// ```
    fn get_many<I, K>(&self, keys: I) -> Result<Values>
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        let kvs = key_items(&keys);
        let h = self.raw_handle();
        // SAFETY: kvs holds kvs.len() items whose key pointers borrow
        // `keys`, which outlives the call; out is a live store_bytes.
        let bytes = with_buffer(|out| unsafe { sys::store_get_many(h, kvs.as_ptr(), kvs.len(), out) })?;
        Values::new(bytes)
    }

    /// The items of an ordered index (or of the keys, for `index == ""`)
    /// inside `range`, in index order. A spatial or unknown index is
    /// [`Error::NoIndex`].
    ///
    /// ```
    /// # use store::{IndexKind, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_index("age", "user:*", IndexKind::Int).unwrap();
    /// db.set("user:ann", "42").unwrap();
    /// db.set("user:bob", "7").unwrap();
    /// let young = db.scan("age", Range::all().hi("18")).unwrap();
    /// assert_eq!(young.first().unwrap().key(), b"user:bob");
    /// ```
    fn scan(&self, index: &str, range: Range<'_>) -> Result<Hits> {
        scan_raw(self.raw_handle(), index, range, None)
    }

    /// The items of a spatial index whose box touches `rect`, at most
    /// `limit` (0: no limit), in no set order.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// db.set("pos:b", "[9 9]").unwrap();
    /// let hits = db.intersects("pos", &Rect::new(&[0.0, 0.0], &[5.0, 5.0]).unwrap(), 0).unwrap();
    /// assert_eq!(hits.len(), 1);
    /// ```
    fn intersects(&self, index: &str, rect: &Rect, limit: usize) -> Result<Hits> {
        box_query(self.raw_handle(), index, rect, limit, None, sys::store_intersects_ex)
    }

    /// The items of a spatial index that lie wholly inside `rect`.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("area", "area:*", None).unwrap();
    /// db.set("area:small", "[1 1],[2 2]").unwrap();
    /// db.set("area:big", "[0 0],[10 10]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[5.0, 5.0]).unwrap();
    /// assert_eq!(db.intersects("area", &r, 0).unwrap().len(), 2);
    /// assert_eq!(db.within("area", &r, 0).unwrap().first().unwrap().key(), b"area:small");
    /// ```
    fn within(&self, index: &str, rect: &Rect, limit: usize) -> Result<Hits> {
        box_query(self.raw_handle(), index, rect, limit, None, sys::store_within_ex)
    }

    /// The items of a spatial index nearest to `point`, nearest first,
    /// with [`Hit::distance`](crate::Hit::distance) set: at most `k` of
    /// them (0: no limit), none farther than `max_dist` (`None`: no bound;
    /// `k = 0` with a `max_dist` is a radius query). A negative or NaN
    /// `max_dist` is [`Error::InvalidArg`].
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 0]").unwrap();
    /// db.set("pos:b", "[5 0]").unwrap();
    /// let origin = Point::new(&[0.0, 0.0]).unwrap();
    /// let hits = db.nearby("pos", &origin, 0, Some(2.0)).unwrap();
    /// assert_eq!(hits.len(), 1);
    /// assert_eq!(hits.first().unwrap().distance(), 1.0);
    /// ```
    fn nearby(&self, index: &str, point: &Point, k: usize, max_dist: Option<f64>) -> Result<Hits> {
        nearby_raw(self.raw_handle(), index, point, k, max_dist, None)
    }

    /// Runs [`intersects`](Ops::intersects) for every rect in one call and
    /// one read of the store; the [`Batch`] holds each query's hits, in the
    /// order of `rects`. `limit` applies to each query on its own (0: no
    /// limit). Every rect must have the same number of dimensions, else
    /// [`Error::InvalidArg`] before anything runs. An empty batch still
    /// checks that `index` is a spatial index.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// db.set("pos:b", "[9 9]").unwrap();
    /// let rects = [Rect::new(&[0.0, 0.0], &[5.0, 5.0]).unwrap(), Rect::new(&[8.0, 8.0], &[10.0, 10.0]).unwrap()];
    /// let batch = db.intersects_many("pos", &rects, 0).unwrap();
    /// assert_eq!(batch.get(0).unwrap().first().unwrap().key(), b"pos:a");
    /// assert_eq!(batch.get(1).unwrap().first().unwrap().key(), b"pos:b");
    /// ```
    fn intersects_many(&self, index: &str, rects: &[Rect], limit: usize) -> Result<Batch> {
        box_batch(self.raw_handle(), index, rects, limit, None, sys::store_intersects_many_ex)
    }

    /// Runs [`within`](Ops::within) for every rect in one call, as
    /// [`intersects_many`](Ops::intersects_many) does.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("area", "area:*", None).unwrap();
    /// db.set("area:small", "[1 1],[2 2]").unwrap();
    /// db.set("area:big", "[0 0],[10 10]").unwrap();
    /// let rects = [Rect::new(&[0.0, 0.0], &[5.0, 5.0]).unwrap(), Rect::new(&[0.0, 0.0], &[10.0, 10.0]).unwrap()];
    /// let batch = db.within_many("area", &rects, 0).unwrap();
    /// assert_eq!(batch.get(0).unwrap().len(), 1);
    /// assert_eq!(batch.get(1).unwrap().len(), 2);
    /// ```
    fn within_many(&self, index: &str, rects: &[Rect], limit: usize) -> Result<Batch> {
        box_batch(self.raw_handle(), index, rects, limit, None, sys::store_within_many_ex)
    }

    /// Runs [`nearby`](Ops::nearby) for every point in one call and one
    /// read of the store, with the same `k` and `max_dist` for each; the
    /// [`Batch`] holds each query's hits (nearest first, with their
    /// distance), in the order of `points`. Every point must have the same
    /// number of dimensions, and a negative or NaN `max_dist` is
    /// [`Error::InvalidArg`], before anything runs.
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "player:*", None).unwrap();
    /// db.set("player:ann", "[0 0]").unwrap();
    /// db.set("player:bob", "[10 0]").unwrap();
    /// // Who is near each player, in one call per tick.
    /// let players = [Point::new(&[0.0, 0.0]).unwrap(), Point::new(&[10.0, 0.0]).unwrap()];
    /// let batch = db.nearby_many("pos", &players, 0, Some(1.0)).unwrap();
    /// for (player, near) in players.iter().zip(&batch) {
    ///     assert_eq!(near.len(), 1, "{player}");
    /// }
    /// ```
    fn nearby_many(&self, index: &str, points: &[Point], k: usize, max_dist: Option<f64>) -> Result<Batch> {
        nearby_many_raw(self.raw_handle(), index, points, k, max_dist, None)
    }

    /// Every pair of distinct items of a spatial index whose boxes are at
    /// most `max_dist` apart, each once: "who is near whom" in one call.
    /// With `pattern` `None` (or `""`) every pair comes, the smaller key
    /// first; with a pattern (`*` any run of bytes, `?` one byte) only the
    /// pairs where at least one key matches, the matching key first (the
    /// smaller one when both match). `max_dist` must be finite and >= 0,
    /// else [`Error::InvalidArg`].
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:player:ann", "[0 0]").unwrap();
    /// db.set("pos:item:gem", "[1 0]").unwrap();
    /// db.set("pos:item:axe", "[1 1]").unwrap();
    /// let all = db.pairs("pos", 1.0, None).unwrap();
    /// assert_eq!(all.len(), 2); // ann-gem and axe-gem; ann-axe is sqrt 2 apart
    /// let players = db.pairs("pos", 1.0, Some("pos:player:*")).unwrap();
    /// assert_eq!(players.len(), 1);
    /// let p = players.first().unwrap();
    /// assert_eq!((p.a().key_str().unwrap(), p.b().key_str().unwrap()), ("pos:player:ann", "pos:item:gem"));
    /// assert!(db.pairs("pos", f64::NAN, None).is_err());
    /// ```
    fn pairs(&self, index: &str, max_dist: f64, pattern: Option<&str>) -> Result<Pairs> {
        let index = c_string(index)?;
        let pattern = pattern.map(c_string).transpose()?;
        let pat = pattern.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        let h = self.raw_handle();
        // SAFETY: index is NUL-terminated, pat NULL or NUL-terminated (it
        // borrows `pattern`, which outlives the call); out is a live
        // store_bytes.
        let bytes = with_buffer(|out| unsafe { sys::store_pairs(h, index.as_ptr(), max_dist, pat, out) })?;
        Pairs::new(bytes)
    }

    /// [`scan`](Ops::scan) over the items that pass `filter`, applied
    /// inside the store; the limit counts the items that pass.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("npc:1", r#"{"hp":3}"#).unwrap();
    /// db.set("npc:2", r#"{"hp":30}"#).unwrap();
    /// let weak = db.scan_with("", Range::prefix("npc:"), &Filter::new().where_range("hp", 0.0, 10.0)).unwrap();
    /// assert_eq!(weak.first().unwrap().key(), b"npc:1");
    /// ```
    fn scan_with(&self, index: &str, range: Range<'_>, filter: &Filter<'_>) -> Result<Hits> {
        scan_raw(self.raw_handle(), index, range, Some(&filter.raw()?))
    }

    /// [`intersects`](Ops::intersects) over the items that pass `filter`
    /// (see [`Filter`]).
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// db.set("b:1", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// assert_eq!(db.intersects_with("pos", &r, 0, &Filter::new().matching("b:*")).unwrap().len(), 1);
    /// ```
    fn intersects_with(&self, index: &str, rect: &Rect, limit: usize, filter: &Filter<'_>) -> Result<Hits> {
        box_query(self.raw_handle(), index, rect, limit, Some(&filter.raw()?), sys::store_intersects_ex)
    }

    /// [`within`](Ops::within) over the items that pass `filter`.
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// assert!(db.within_with("pos", &r, 0, &Filter::new().matching("b:*")).unwrap().is_empty());
    /// ```
    fn within_with(&self, index: &str, rect: &Rect, limit: usize, filter: &Filter<'_>) -> Result<Hits> {
        box_query(self.raw_handle(), index, rect, limit, Some(&filter.raw()?), sys::store_within_ex)
    }

    /// [`nearby`](Ops::nearby) over the items that pass `filter`: the `k`
    /// nearest items that pass, not the items that pass among the `k`
    /// nearest.
    ///
    /// ```
    /// # use store::{Filter, Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", Some("pos")).unwrap();
    /// db.set("npc:1", r#"{"pos":[1,0],"hostile":false}"#).unwrap();
    /// db.set("npc:2", r#"{"pos":[5,0],"hostile":true}"#).unwrap();
    /// let origin = Point::new(&[0.0, 0.0]).unwrap();
    /// let f = Filter::new().where_exists("hostile").where_eq("team", "none");
    /// assert!(db.nearby_with("pos", &origin, 1, None, &f).unwrap().is_empty());
    /// let near = db.nearby_with("pos", &origin, 1, None, &Filter::new().matching("npc:2")).unwrap();
    /// assert_eq!(near.first().unwrap().distance(), 5.0);
    /// ```
    fn nearby_with(&self, index: &str, point: &Point, k: usize, max_dist: Option<f64>, filter: &Filter<'_>) -> Result<Hits> {
        nearby_raw(self.raw_handle(), index, point, k, max_dist, Some(&filter.raw()?))
    }

    /// How many items [`scan_with`](Ops::scan_with) would return, without
    /// copying any of them out (`STORE_QUERY_COUNT_ONLY`).
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("npc:1", "a").unwrap();
    /// db.set("npc:2", "b").unwrap();
    /// db.set("pc:1", "c").unwrap();
    /// assert_eq!(db.scan_count("", Range::prefix("npc:"), &Filter::new()).unwrap(), 2);
    /// ```
    fn scan_count(&self, index: &str, range: Range<'_>, filter: &Filter<'_>) -> Result<usize> {
        count_of(scan_bytes(self.raw_handle(), index, range, Some(&filter.raw_counting()?))?)
    }

    /// How many items [`intersects_with`](Ops::intersects_with) would
    /// return, without copying any of them out.
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// db.set("b:1", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// assert_eq!(db.intersects_count("pos", &r, &Filter::new()).unwrap(), 2);
    /// assert_eq!(db.intersects_count("pos", &r, &Filter::new().matching("a:*")).unwrap(), 1);
    /// ```
    fn intersects_count(&self, index: &str, rect: &Rect, filter: &Filter<'_>) -> Result<usize> {
        count_of(box_bytes(self.raw_handle(), index, rect, 0, Some(&filter.raw_counting()?), sys::store_intersects_ex)?)
    }

    /// How many items [`within_with`](Ops::within_with) would return,
    /// without copying any of them out.
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// db.set("a:2", "[5 5]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// assert_eq!(db.within_count("pos", &r, &Filter::new()).unwrap(), 1);
    /// ```
    fn within_count(&self, index: &str, rect: &Rect, filter: &Filter<'_>) -> Result<usize> {
        count_of(box_bytes(self.raw_handle(), index, rect, 0, Some(&filter.raw_counting()?), sys::store_within_ex)?)
    }

    /// How many items lie within `max_dist` of `point` and pass `filter`,
    /// without copying any of them out.
    ///
    /// ```
    /// # use store::{Filter, Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 0]").unwrap();
    /// db.set("a:2", "[9 0]").unwrap();
    /// let origin = Point::new(&[0.0, 0.0]).unwrap();
    /// assert_eq!(db.nearby_count("pos", &origin, 5.0, &Filter::new()).unwrap(), 1);
    /// ```
    fn nearby_count(&self, index: &str, point: &Point, max_dist: f64, filter: &Filter<'_>) -> Result<usize> {
        count_of(nearby_bytes(self.raw_handle(), index, point, 0, Some(max_dist), Some(&filter.raw_counting()?))?)
    }

    /// [`intersects_many`](Ops::intersects_many) over the items that pass
    /// `filter` (the same filter for every rect).
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// db.set("b:1", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// let batch = db.intersects_many_with("pos", &[r, r], 0, &Filter::new().matching("a:*")).unwrap();
    /// assert_eq!(batch.get(1).unwrap().len(), 1);
    /// ```
    fn intersects_many_with(&self, index: &str, rects: &[Rect], limit: usize, filter: &Filter<'_>) -> Result<Batch> {
        box_batch(self.raw_handle(), index, rects, limit, Some(&filter.raw()?), sys::store_intersects_many_ex)
    }

    /// [`within_many`](Ops::within_many) over the items that pass `filter`.
    ///
    /// ```
    /// # use store::{Filter, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// let batch = db.within_many_with("pos", &[r], 0, &Filter::new().keys_only()).unwrap();
    /// assert_eq!(batch.get(0).unwrap().first().unwrap().value(), b"");
    /// ```
    fn within_many_with(&self, index: &str, rects: &[Rect], limit: usize, filter: &Filter<'_>) -> Result<Batch> {
        box_batch(self.raw_handle(), index, rects, limit, Some(&filter.raw()?), sys::store_within_many_ex)
    }

    /// [`nearby_many`](Ops::nearby_many) over the items that pass `filter`:
    /// each query gets the `k` nearest items that pass.
    ///
    /// ```
    /// # use store::{Filter, Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.set("a:1", "[1 0]").unwrap();
    /// db.set("b:1", "[2 0]").unwrap();
    /// let p = [Point::new(&[0.0, 0.0]).unwrap()];
    /// let batch = db.nearby_many_with("pos", &p, 1, None, &Filter::new().matching("b:*")).unwrap();
    /// assert_eq!(batch.get(0).unwrap().first().unwrap().key(), b"b:1");
    /// ```
    fn nearby_many_with(
        &self,
        index: &str,
        points: &[Point],
        k: usize,
        max_dist: Option<f64>,
        filter: &Filter<'_>,
    ) -> Result<Batch> {
        nearby_many_raw(self.raw_handle(), index, points, k, max_dist, Some(&filter.raw()?))
    }

    /// Sets the field at `path` (an sjson path: `"hp"`, `"pos.0"`,
    /// `"inv.-1"` appends) of the JSON value under `key` to `json` (JSON
    /// text), in one transaction (or this one), keeping the key's TTL; a
    /// spatial index whose geometry is that field moves the item. Returns
    /// `false` for a missing key. A value that is not a JSON object or
    /// array, JSON text that is not JSON, or a path that does not name one
    /// settable field is [`Error::InvalidArg`]; whatever is refused
    /// changes nothing.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("p", r#"{"hp":10}"#).unwrap();
    /// assert!(db.set_field("p", "name", r#""ann""#).unwrap());
    /// assert!(!db.set_field("nobody", "name", "1").unwrap());
    /// assert!(db.set_field("p", "hp.max", "1").is_err()); // hp is a number
    /// assert_eq!(db.get("p").unwrap().unwrap(), r#"{"hp":10,"name":"ann"}"#);
    /// ```
    fn set_field(&self, key: impl AsRef<[u8]>, path: &str, json: impl AsRef<[u8]>) -> Result<bool> {
        let (k, kl) = raw_parts(key.as_ref());
        let (v, vl) = raw_parts(json.as_ref());
        let path = c_string(path)?;
        // SAFETY: k and v are valid for kl and vl bytes; path is NUL-terminated.
        check(unsafe { sys::store_set_field(self.raw_handle(), k, kl, path.as_ptr(), v, vl) })
    }

    /// Adds `delta` to the number at `path` and returns the new number,
    /// or `None` for a missing key. The field must hold a number and the
    /// sum must be finite; otherwise as [`set_field`](Ops::set_field).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("p", r#"{"hp":10}"#).unwrap();
    /// assert_eq!(db.incr_field("p", "hp", -2.5).unwrap(), Some(7.5));
    /// assert!(db.incr_field("p", "name", 1.0).is_err());
    /// ```
    fn incr_field(&self, key: impl AsRef<[u8]>, path: &str, delta: f64) -> Result<Option<f64>> {
        let (k, kl) = raw_parts(key.as_ref());
        let path = c_string(path)?;
        let mut out = 0.0;
        // SAFETY: k is valid for kl bytes, path NUL-terminated, out a live f64.
        let found = check(unsafe { sys::store_incr_field(self.raw_handle(), k, kl, path.as_ptr(), delta, &mut out) })?;
        Ok(found.then_some(out))
    }

    /// Removes the field at `path`, which must be there; `false` for a
    /// missing key. Otherwise as [`set_field`](Ops::set_field).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("p", r#"{"hp":10,"tmp":1}"#).unwrap();
    /// assert!(db.delete_field("p", "tmp").unwrap());
    /// assert!(db.delete_field("p", "tmp").is_err());
    /// ```
    fn delete_field(&self, key: impl AsRef<[u8]>, path: &str) -> Result<bool> {
        let (k, kl) = raw_parts(key.as_ref());
        let path = c_string(path)?;
        // SAFETY: k is valid for kl bytes, path NUL-terminated.
        check(unsafe { sys::store_delete_field(self.raw_handle(), k, kl, path.as_ptr()) })
    }

    /// Applies every update in order, in one transaction, all or none;
    /// `false` when a key is missing (then nothing changed). Several
    /// updates of one key apply one after another.
    ///
    /// ```
    /// # use store::{FieldUpdate, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"hp":1}"#).unwrap();
    /// let ups = [FieldUpdate::incr("a", "hp", 1.0), FieldUpdate::delete("a", "nothing")];
    /// assert!(db.update_fields(&ups).is_err());
    /// assert_eq!(db.get("a").unwrap().unwrap(), r#"{"hp":1}"#);
    /// ```
    fn update_fields(&self, updates: &[FieldUpdate<'_>]) -> Result<bool> {
        update_fields(self.raw_handle(), updates)
    }

    /// The definitions of every index, ordered by name; on a transaction,
    /// those it sees (the ones it made included).
    ///
    /// ```
    /// # use store::{IndexInfo, IndexKind, IndexType, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_index("age", "user:*", IndexKind::Json("age")).unwrap();
    /// db.create_spatial_index("pos", "obj:*", None).unwrap();
    /// let info = db.indexes().unwrap();
    /// assert_eq!(info[0], IndexInfo { name: "age".into(), pattern: "user:*".into(), kind: IndexType::Json, path: Some("age".into()) });
    /// assert_eq!((info[1].kind, info[1].path.as_deref()), (IndexType::Spatial, None));
    /// ```
    fn indexes(&self) -> Result<Vec<IndexInfo>> {
        let h = self.raw_handle();
        // SAFETY: out is a live store_bytes.
        let bytes = with_buffer(|out| unsafe { sys::store_indexes(h, out) })?;
        decode_indexes(&bytes)
    }

    /// The number of items, counting expired ones not yet swept (the
    /// engine sweeps once a second).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.len().unwrap(), 1);
    /// ```
    fn len(&self) -> Result<u64> {
        let mut n: u64 = 0;
        // SAFETY: n is a live u64.
        check_ok(unsafe { sys::store_len(self.raw_handle(), &mut n) })?;
        Ok(n)
    }

    /// Whether [`len`](Ops::len) is 0.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// assert!(db.is_empty().unwrap());
    /// ```
    fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Stores `value` as JSON under `key` (feature `serde`).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set_json("cfg", &vec![1, 2, 3]).unwrap();
    /// assert_eq!(db.get("cfg").unwrap().unwrap(), "[1,2,3]");
    /// ```
    #[cfg(feature = "serde")]
    fn set_json<T: serde::Serialize + ?Sized>(&self, key: impl AsRef<[u8]>, value: &T) -> Result<()> {
        let json = serde_json::to_vec(value)?;
        self.set(key, json)
    }

    /// Reads the JSON value under `key` into a `T`; `None` for a missing
    /// key (feature `serde`).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("cfg", "[1,2,3]").unwrap();
    /// let v: Option<Vec<u32>> = db.get_json("cfg").unwrap();
    /// assert_eq!(v, Some(vec![1, 2, 3]));
    /// ```
    #[cfg(feature = "serde")]
    fn get_json<T: serde::de::DeserializeOwned>(&self, key: impl AsRef<[u8]>) -> Result<Option<T>> {
        match self.get(key)? {
            None => Ok(None),
            Some(b) => Ok(Some(serde_json::from_slice(&b)?)),
        }
    }
}

fn set_raw(h: sys::store_t, key: &[u8], value: &[u8], ttl_ms: i64) -> Result<()> {
    let (k, kl) = raw_parts(key);
    let (v, vl) = raw_parts(value);
    // SAFETY: k and v are valid for kl and vl bytes.
    check_ok(unsafe { sys::store_set(h, k, kl, v, vl, ttl_ms) })
}

/// The options pointer for a call: NULL without a filter. It borrows
/// `raw`.
fn opts_ptr(raw: Option<&RawFilter>, opts: &mut sys::store_query_opts) -> *const sys::store_query_opts {
    match raw {
        None => std::ptr::null(),
        Some(r) => {
            *opts = r.opts();
            opts
        }
    }
}

fn no_opts() -> sys::store_query_opts {
    sys::store_query_opts { flags: 0, match_: std::ptr::null(), where_: std::ptr::null(), where_len: 0 }
}

fn scan_raw(h: sys::store_t, index: &str, range: Range<'_>, filter: Option<&RawFilter>) -> Result<Hits> {
    Hits::new(scan_bytes(h, index, range, filter)?)
}

fn scan_bytes(h: sys::store_t, index: &str, range: Range<'_>, filter: Option<&RawFilter>) -> Result<Bytes> {
    let index = c_string(index)?;
    let (lo, lol) = range.lo.map_or((std::ptr::null(), 0), raw_parts);
    let (hi, hil) = range.hi.map_or((std::ptr::null(), 0), raw_parts);
    let mut flags = match range.order {
        Order::Ascending => 0,
        Order::Descending => sys::STORE_SCAN_DESC,
    };
    if range.prefix {
        flags |= sys::STORE_SCAN_PREFIX;
    }
    let mut opts = no_opts();
    let o = opts_ptr(filter, &mut opts);
    // SAFETY: index is NUL-terminated; lo/hi are NULL (open) or valid for
    // their lengths; o is NULL or points to opts, whose pointers borrow
    // `filter`; out is a live store_bytes.
    with_buffer(|out| unsafe { sys::store_scan_ex(h, index.as_ptr(), lo, lol, hi, hil, flags, range.limit, o, out) })
}

fn nearby_raw(
    h: sys::store_t,
    index: &str,
    point: &Point,
    k: usize,
    max_dist: Option<f64>,
    filter: Option<&RawFilter>,
) -> Result<Hits> {
    Hits::new(nearby_bytes(h, index, point, k, max_dist, filter)?)
}

fn nearby_bytes(
    h: sys::store_t,
    index: &str,
    point: &Point,
    k: usize,
    max_dist: Option<f64>,
    filter: Option<&RawFilter>,
) -> Result<Bytes> {
    let max_dist = max_dist_arg(max_dist)?;
    let index = c_string(index)?;
    let c = point.coords();
    let mut opts = no_opts();
    let o = opts_ptr(filter, &mut opts);
    // SAFETY: index is NUL-terminated, c holds c.len() doubles, o is NULL
    // or points to opts (which borrows `filter`), out is a live store_bytes.
    with_buffer(|out| unsafe { sys::store_nearby_ex(h, index.as_ptr(), c.as_ptr(), c.len(), k, max_dist, o, out) })
}

/// The count of a count-only result (`STORE_QUERY_COUNT_ONLY`): one u32.
fn count_of(bytes: Bytes) -> Result<usize> {
    match <[u8; 4]>::try_from(bytes.as_bytes()) {
        Ok(b) => Ok(u32::from_le_bytes(b) as usize),
        Err(_) => Err(Error::Internal(format!("a count-only result of {} bytes, want 4", bytes.len()))),
    }
}

fn nearby_many_raw(
    h: sys::store_t,
    index: &str,
    points: &[Point],
    k: usize,
    max_dist: Option<f64>,
    filter: Option<&RawFilter>,
) -> Result<Batch> {
    let max_dist = max_dist_arg(max_dist)?;
    let dims = same_dims(points.iter().map(Point::dims), "point")?;
    let flat: Vec<f64> = points.iter().flat_map(|p| p.coords().iter().copied()).collect();
    let index = c_string(index)?;
    let n = points.len();
    let mut opts = no_opts();
    let o = opts_ptr(filter, &mut opts);
    // SAFETY: index is NUL-terminated; flat holds n * dims doubles (or the
    // pointer is NULL for n = 0); o is NULL or points to opts; out is a
    // live store_bytes.
    let bytes = with_buffer(|out| unsafe {
        sys::store_nearby_many_ex(h, index.as_ptr(), ptr_or_null(&flat), dims, n, k, max_dist, o, out)
    })?;
    Batch::new(bytes, n)
}

type BoxFn = unsafe extern "C" fn(
    sys::store_t,
    *const std::ffi::c_char,
    *const f64,
    *const f64,
    usize,
    usize,
    *const sys::store_query_opts,
    *mut sys::store_bytes,
) -> i32;

fn box_query(h: sys::store_t, index: &str, rect: &Rect, limit: usize, filter: Option<&RawFilter>, f: BoxFn) -> Result<Hits> {
    Hits::new(box_bytes(h, index, rect, limit, filter, f)?)
}

fn box_bytes(h: sys::store_t, index: &str, rect: &Rect, limit: usize, filter: Option<&RawFilter>, f: BoxFn) -> Result<Bytes> {
    let index = c_string(index)?;
    let (min, max) = (rect.min(), rect.max());
    let mut opts = no_opts();
    let o = opts_ptr(filter, &mut opts);
    // SAFETY: f is store_intersects_ex or store_within_ex; index is
    // NUL-terminated, min and max hold rect.dims() doubles each, o is NULL
    // or points to opts, out is a live store_bytes.
    with_buffer(|out| unsafe { f(h, index.as_ptr(), min.as_ptr(), max.as_ptr(), rect.dims(), limit, o, out) })
}

/// The C API's max_dist for nearby: -1 for no bound.
fn max_dist_arg(max_dist: Option<f64>) -> Result<f64> {
    match max_dist {
        None => Ok(-1.0),
        Some(d) if d >= 0.0 => Ok(d),
        Some(d) => Err(Error::invalid(format!("maximum distance {d}: want a number >= 0"))),
    }
}

/// The one number of dimensions of a batch's rects or points; 1 for an
/// empty batch (the C API checks dims even then).
fn same_dims(mut dims: impl Iterator<Item = usize>, what: &str) -> Result<usize> {
    let Some(first) = dims.next() else { return Ok(1) };
    for (i, d) in dims.enumerate() {
        if d != first {
            return Err(Error::invalid(format!(
                "{what} {} has {d} dimensions and {what} 0 has {first}: every {what} of a batch needs the same",
                i + 1
            )));
        }
    }
    Ok(first)
}

/// A pointer to the values, or NULL for none.
fn ptr_or_null(v: &[f64]) -> *const f64 {
    if v.is_empty() { std::ptr::null() } else { v.as_ptr() }
}

type BoxBatchFn = unsafe extern "C" fn(
    sys::store_t,
    *const std::ffi::c_char,
    *const f64,
    *const f64,
    usize,
    usize,
    usize,
    *const sys::store_query_opts,
    *mut sys::store_bytes,
) -> i32;

fn box_batch(
    h: sys::store_t,
    index: &str,
    rects: &[Rect],
    limit: usize,
    filter: Option<&RawFilter>,
    f: BoxBatchFn,
) -> Result<Batch> {
    let dims = same_dims(rects.iter().map(Rect::dims), "rect")?;
    let mins: Vec<f64> = rects.iter().flat_map(|r| r.min().iter().copied()).collect();
    let maxs: Vec<f64> = rects.iter().flat_map(|r| r.max().iter().copied()).collect();
    let index = c_string(index)?;
    let n = rects.len();
    let mut opts = no_opts();
    let o = opts_ptr(filter, &mut opts);
    // SAFETY: f is store_intersects_many_ex or store_within_many_ex; index
    // is NUL-terminated; mins and maxs hold n * dims doubles each (or are
    // NULL for n = 0); o is NULL or points to opts; out is a live
    // store_bytes.
    let bytes = with_buffer(|out| unsafe {
        f(h, index.as_ptr(), ptr_or_null(&mins), ptr_or_null(&maxs), dims, n, limit, o, out)
    })?;
    Batch::new(bytes, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_rounds_up_and_refuses_zero() {
        assert!(ttl_millis(Duration::ZERO).is_err());
        assert_eq!(ttl_millis(Duration::from_nanos(1)).unwrap(), 1);
        assert_eq!(ttl_millis(Duration::from_micros(1500)).unwrap(), 2);
        assert_eq!(ttl_millis(Duration::from_secs(2)).unwrap(), 2000);
        assert_eq!(ttl_millis(Duration::MAX).unwrap(), i64::MAX);
        assert_eq!(opt_ttl_millis(None).unwrap(), 0);
    }

    #[test]
    fn empty_slices_get_a_real_pointer() {
        let (p, n) = raw_parts(&[]);
        assert!(!p.is_null());
        assert_eq!(n, 0);
    }
}
