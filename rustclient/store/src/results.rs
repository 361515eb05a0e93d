//! Result sets: one library buffer per call, hits lent out of it.
//!
//! The buffer format (store.h): little-endian `u32 count`, then per hit
//! `u32 key_len, u32 val_len, f64 dist, key, value`; `val_len` is
//! `STORE_MISSING` for a key `store_get_many` did not find. The whole buffer
//! is checked once when the result is built, so a malformed one becomes
//! [`Error::Internal`] and iteration never reads out of bounds.
#![deny(clippy::indexing_slicing)]

use std::fmt;
use std::iter::FusedIterator;
use std::str::Utf8Error;

use store_sys as sys;

use crate::bytes::Bytes;
use crate::error::{Error, Result};

/// One hit as read from the buffer; `val` is `None` for a missing key.
#[derive(Clone, Copy)]
pub(crate) struct RawHit<'a> {
    key: &'a [u8],
    val: Option<&'a [u8]>,
    dist: f64,
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    let bytes = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

fn read_f64(b: &[u8], at: usize) -> Option<f64> {
    let bytes = b.get(at..at.checked_add(8)?)?;
    Some(f64::from_le_bytes(bytes.try_into().ok()?))
}

/// Reads the hit that starts at `b[0]`; returns it and the bytes it used,
/// or `None` if it runs past the end.
fn read_hit(b: &[u8]) -> Option<(RawHit<'_>, usize)> {
    let key_len = usize::try_from(read_u32(b, 0)?).ok()?;
    let val_len = read_u32(b, 4)?;
    let dist = read_f64(b, 8)?;
    let key_end = sys::STORE_HIT_HEADER.checked_add(key_len)?;
    let key = b.get(sys::STORE_HIT_HEADER..key_end)?;
    if val_len == sys::STORE_MISSING {
        return Some((RawHit { key, val: None, dist }, key_end));
    }
    let val_end = key_end.checked_add(usize::try_from(val_len).ok()?)?;
    let val = b.get(key_end..val_end)?;
    Some((RawHit { key, val: Some(val), dist }, val_end))
}

/// Checks one result section (`u32 count`, then its hits) at the start of
/// `b` and returns its hit count and the bytes it spans. A single query's
/// buffer is one section; a batch's is one section per query, end to end.
pub(crate) fn validate_section(b: &[u8], allow_missing: bool) -> Result<(usize, usize)> {
    let count = read_u32(b, 0).ok_or_else(|| malformed("shorter than its count"))?;
    let count = usize::try_from(count).map_err(|_| malformed("count does not fit"))?;
    let mut rest = b.get(4..).unwrap_or_default();
    for i in 0..count {
        let (hit, used) = read_hit(rest).ok_or_else(|| malformed(&format!("hit {i} of {count} runs past the end")))?;
        if hit.val.is_none() && !allow_missing {
            return Err(malformed(&format!("hit {i} has no value in a query result")));
        }
        rest = rest.get(used..).unwrap_or_default();
    }
    Ok((count, b.len() - rest.len()))
}

pub(crate) fn malformed(why: &str) -> Error {
    Error::Internal(format!("malformed result buffer from libstore: {why}"))
}

/// Checks a whole single-query buffer and returns its hit count.
fn validate(b: &[u8], allow_missing: bool) -> Result<usize> {
    let (count, used) = validate_section(b, allow_missing)?;
    if used != b.len() {
        return Err(malformed(&format!("{} bytes after the last hit", b.len() - used)));
    }
    Ok(count)
}

/// Walks a validated buffer.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8], count: usize) -> Self {
        Cursor { rest: buf.get(4..).unwrap_or_default(), left: count }
    }

    /// The hits not read yet.
    pub(crate) fn left(&self) -> usize {
        self.left
    }

    pub(crate) fn next_raw(&mut self) -> Option<RawHit<'a>> {
        if self.left == 0 {
            return None;
        }
        // The buffer was validated: read_hit cannot fail here, and if it
        // somehow did, iteration just ends.
        let Some((hit, used)) = read_hit(self.rest) else {
            self.left = 0;
            return None;
        };
        self.rest = self.rest.get(used..).unwrap_or_default();
        self.left -= 1;
        Some(hit)
    }
}

/// Owns a checked result buffer.
pub(crate) struct ResultBuf {
    bytes: Bytes,
    pub(crate) count: usize,
}

impl ResultBuf {
    pub(crate) fn new(bytes: Bytes, allow_missing: bool) -> Result<Self> {
        if bytes.is_null() {
            return Err(Error::Internal("libstore reported success but returned no buffer".into()));
        }
        let count = validate(&bytes, allow_missing)?;
        Ok(ResultBuf { bytes, count })
    }

    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor::new(&self.bytes, self.count)
    }
}

/// The hits of a query ([`scan`](crate::Ops::scan),
/// [`intersects`](crate::Ops::intersects), [`within`](crate::Ops::within),
/// [`nearby`](crate::Ops::nearby)): one library buffer that the hits
/// borrow from, freed when `Hits` is dropped.
///
/// ```
/// use store::{Ops, Range, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.set("a", "1").unwrap();
/// db.set("b", "2").unwrap();
/// let hits = db.scan("", Range::all()).unwrap();
/// assert_eq!(hits.len(), 2);
/// let keys: Vec<&[u8]> = hits.iter().map(|h| h.key()).collect();
/// assert_eq!(keys, [b"a", b"b"]);
/// ```
///
/// A hit borrows its `Hits`; it cannot outlive the buffer:
///
/// ```compile_fail
/// # use store::{Ops, Range, Store};
/// let db = Store::open_in_memory().unwrap();
/// let key = {
///     let hits = db.scan("", Range::all()).unwrap();
///     hits.first().unwrap().key()
/// };
/// ```
pub struct Hits {
    buf: ResultBuf,
}

impl Hits {
    pub(crate) fn new(bytes: Bytes) -> Result<Hits> {
        Ok(Hits { buf: ResultBuf::new(bytes, false)? })
    }

    /// The number of hits.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.buf.count
    }

    /// Whether there are no hits.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert!(db.scan("", Range::all()).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.buf.count == 0
    }

    /// The hits in the order the library returned them.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// for hit in db.scan("", Range::all()).unwrap().iter() {
    ///     assert_eq!(hit.key_str().unwrap(), "k");
    ///     assert_eq!(hit.value_str().unwrap(), "v");
    /// }
    /// ```
    pub fn iter(&self) -> HitsIter<'_> {
        HitsIter { cur: self.buf.cursor() }
    }

    /// The first hit, if any.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().key(), b"k");
    /// ```
    pub fn first(&self) -> Option<Hit<'_>> {
        self.iter().next()
    }
}

impl fmt::Debug for Hits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Hits {
    type Item = Hit<'a>;
    type IntoIter = HitsIter<'a>;
    fn into_iter(self) -> HitsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`Hits::iter`].
///
/// ```
/// # use store::{Ops, Range, Store};
/// # let db = Store::open_in_memory().unwrap();
/// db.set("k", "v").unwrap();
/// let hits = db.scan("", Range::all()).unwrap();
/// let it: store::HitsIter<'_> = hits.iter();
/// assert_eq!(it.len(), 1);
/// ```
#[derive(Clone)]
pub struct HitsIter<'a> {
    cur: Cursor<'a>,
}

impl<'a> HitsIter<'a> {
    pub(crate) fn new(cur: Cursor<'a>) -> HitsIter<'a> {
        HitsIter { cur }
    }
}

impl<'a> Iterator for HitsIter<'a> {
    type Item = Hit<'a>;
    fn next(&mut self) -> Option<Hit<'a>> {
        self.cur.next_raw().map(Hit::from_raw)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.cur.left, Some(self.cur.left))
    }
}

impl ExactSizeIterator for HitsIter<'_> {}
impl FusedIterator for HitsIter<'_> {}

/// One hit of a query, borrowed from its [`Hits`].
///
/// ```
/// use store::{Ops, Point, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// db.set("pos:a", "[3 4]").unwrap();
/// let hits = db.nearby("pos", &Point::new(&[0.0, 0.0]).unwrap(), 1, None).unwrap();
/// let hit = hits.first().unwrap();
/// assert_eq!(hit.key(), b"pos:a");
/// assert_eq!(hit.value_str().unwrap(), "[3 4]");
/// assert_eq!(hit.distance(), 5.0);
/// ```
#[derive(Clone, Copy)]
pub struct Hit<'a> {
    key: &'a [u8],
    value: &'a [u8],
    dist: f64,
}

impl<'a> Hit<'a> {
    pub(crate) fn from_raw(raw: RawHit<'a>) -> Hit<'a> {
        Hit { key: raw.key, value: raw.val.unwrap_or_default(), dist: raw.dist }
    }

    /// The key.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().key(), b"k");
    /// ```
    pub fn key(&self) -> &'a [u8] {
        self.key
    }

    /// The value.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().value(), b"v");
    /// ```
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// The key as UTF-8 text.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().key_str(), Ok("k"));
    /// ```
    pub fn key_str(&self) -> Result<&'a str, Utf8Error> {
        std::str::from_utf8(self.key)
    }

    /// The value as UTF-8 text.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().value_str(), Ok("v"));
    /// ```
    pub fn value_str(&self) -> Result<&'a str, Utf8Error> {
        std::str::from_utf8(self.value)
    }

    /// The Euclidean distance from the query point to the item's box, for
    /// [`nearby`](crate::Ops::nearby); 0 for every other query.
    ///
    /// ```
    /// # use store::{Ops, Range, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.scan("", Range::all()).unwrap().first().unwrap().distance(), 0.0);
    /// ```
    pub fn distance(&self) -> f64 {
        self.dist
    }
}

impl fmt::Debug for Hit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hit")
            .field("key", &self.key.escape_ascii().to_string())
            .field("value", &self.value.escape_ascii().to_string())
            .field("distance", &self.dist)
            .finish()
    }
}

/// The result of [`get_many`](crate::Ops::get_many): one entry per key
/// asked for, in order, each with the value or `None` for a missing key.
///
/// ```
/// use store::{Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.set("a", "1").unwrap();
/// let found = db.get_many(["a", "b"]).unwrap();
/// let values: Vec<Option<&[u8]>> = found.iter().map(|e| e.value()).collect();
/// assert_eq!(values, [Some(&b"1"[..]), None]);
/// ```
pub struct Values {
    buf: ResultBuf,
}

impl Values {
    pub(crate) fn new(bytes: Bytes) -> Result<Values> {
        Ok(Values { buf: ResultBuf::new(bytes, true)? })
    }

    /// The number of entries (the number of keys asked for).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert_eq!(db.get_many(["x", "y"]).unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.buf.count
    }

    /// Whether no keys were asked for.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert!(db.get_many(Vec::<&str>::new()).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.buf.count == 0
    }

    /// The entries, in the order of the keys asked for.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("a", "1").unwrap();
    /// for e in db.get_many(["a"]).unwrap().iter() {
    ///     assert_eq!(e.key(), b"a");
    ///     assert_eq!(e.value(), Some(&b"1"[..]));
    /// }
    /// ```
    pub fn iter(&self) -> ValuesIter<'_> {
        ValuesIter { cur: self.buf.cursor() }
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = Entry<'a>;
    type IntoIter = ValuesIter<'a>;
    fn into_iter(self) -> ValuesIter<'a> {
        self.iter()
    }
}

/// The iterator of [`Values::iter`].
///
/// ```
/// # use store::{Ops, Store};
/// # let db = Store::open_in_memory().unwrap();
/// let found = db.get_many(["a", "b"]).unwrap();
/// let it: store::ValuesIter<'_> = found.iter();
/// assert_eq!(it.len(), 2);
/// ```
#[derive(Clone)]
pub struct ValuesIter<'a> {
    cur: Cursor<'a>,
}

impl<'a> Iterator for ValuesIter<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        let raw = self.cur.next_raw()?;
        Some(Entry { key: raw.key, value: raw.val })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.cur.left, Some(self.cur.left))
    }
}

impl ExactSizeIterator for ValuesIter<'_> {}
impl FusedIterator for ValuesIter<'_> {}

/// One entry of a [`Values`] result, borrowed from it.
///
/// ```
/// # use store::{Ops, Store};
/// # let db = Store::open_in_memory().unwrap();
/// let found = db.get_many(["missing"]).unwrap();
/// let e = found.iter().next().unwrap();
/// assert_eq!(e.key_str(), Ok("missing"));
/// assert_eq!(e.value(), None);
/// ```
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    key: &'a [u8],
    value: Option<&'a [u8]>,
}

impl<'a> Entry<'a> {
    /// The key asked for.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert_eq!(db.get_many(["k"]).unwrap().iter().next().unwrap().key(), b"k");
    /// ```
    pub fn key(&self) -> &'a [u8] {
        self.key
    }

    /// The value, or `None` if the key is missing or expired.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "").unwrap();
    /// // An empty value is not a missing one.
    /// assert_eq!(db.get_many(["k"]).unwrap().iter().next().unwrap().value(), Some(&b""[..]));
    /// ```
    pub fn value(&self) -> Option<&'a [u8]> {
        self.value
    }

    /// The key as UTF-8 text.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// assert_eq!(db.get_many(["k"]).unwrap().iter().next().unwrap().key_str(), Ok("k"));
    /// ```
    pub fn key_str(&self) -> Result<&'a str, Utf8Error> {
        std::str::from_utf8(self.key)
    }

    /// The value as UTF-8 text, `Ok(None)` for a missing key.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// assert_eq!(db.get_many(["k"]).unwrap().iter().next().unwrap().value_str(), Ok(Some("v")));
    /// ```
    pub fn value_str(&self) -> Result<Option<&'a str>, Utf8Error> {
        self.value.map(std::str::from_utf8).transpose()
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key.escape_ascii().to_string())
            .field("value", &self.value.map(|v| v.escape_ascii().to_string()))
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn hit(buf: &mut Vec<u8>, key: &[u8], val: Option<&[u8]>, dist: f64) {
        buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
        buf.extend_from_slice(&val.map_or(sys::STORE_MISSING, |v| v.len() as u32).to_le_bytes());
        buf.extend_from_slice(&dist.to_le_bytes());
        buf.extend_from_slice(key);
        buf.extend_from_slice(val.unwrap_or_default());
    }

    fn sample() -> Vec<u8> {
        let mut b = 3u32.to_le_bytes().to_vec();
        hit(&mut b, b"k1", Some(b"value one"), 1.5);
        hit(&mut b, b"", Some(b""), 0.0);
        hit(&mut b, b"k3\0x", None, 0.0);
        b
    }

    #[test]
    fn parses_a_well_formed_buffer() {
        let b = sample();
        assert_eq!(validate(&b, true).unwrap(), 3);
        let mut c = Cursor::new(&b, 3);
        let h = c.next_raw().unwrap();
        assert_eq!((h.key, h.val, h.dist), (&b"k1"[..], Some(&b"value one"[..]), 1.5));
        let h = c.next_raw().unwrap();
        assert_eq!((h.key, h.val), (&b""[..], Some(&b""[..])));
        let h = c.next_raw().unwrap();
        assert_eq!((h.key, h.val), (&b"k3\0x"[..], None));
        assert!(c.next_raw().is_none());
        assert!(c.next_raw().is_none());
    }

    #[test]
    fn missing_values_only_where_allowed() {
        assert!(matches!(validate(&sample(), false), Err(Error::Internal(_))));
    }

    #[test]
    fn every_truncation_is_an_internal_error() {
        let b = sample();
        for n in 0..b.len() {
            assert!(matches!(validate(&b[..n], true), Err(Error::Internal(_))), "prefix of {n} bytes");
        }
    }

    #[test]
    fn trailing_bytes_and_huge_lengths_are_refused() {
        let mut b = sample();
        b.push(0);
        assert!(matches!(validate(&b, true), Err(Error::Internal(_))));

        let mut b = 1u32.to_le_bytes().to_vec();
        b.extend_from_slice(&u32::MAX.to_le_bytes()); // key_len
        b.extend_from_slice(&(u32::MAX - 1).to_le_bytes()); // val_len
        b.extend_from_slice(&0f64.to_le_bytes());
        assert!(matches!(validate(&b, true), Err(Error::Internal(_))));

        let b = u32::MAX.to_le_bytes().to_vec(); // count with no hits
        assert!(matches!(validate(&b, true), Err(Error::Internal(_))));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic fuzz: random buffers with plausible headers.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = (rnd() % 64) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| (rnd() % 8) as u8).collect();
            if b.len() >= 4 {
                b[..4].copy_from_slice(&((rnd() % 4) as u32).to_le_bytes());
            }
            if let Ok(n) = validate(&b, true) {
                assert_eq!(Cursor::new(&b, n).count_all(), n);
            }
        }
    }

    impl Cursor<'_> {
        fn count_all(mut self) -> usize {
            let mut n = 0;
            while self.next_raw().is_some() {
                n += 1;
            }
            n
        }
    }
}
