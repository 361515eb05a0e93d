//! Results of the batch queries ([`Batch`]) and of
//! [`pairs`](crate::Ops::pairs) ([`Pairs`]): one library buffer each,
//! checked once when built, lent out without copies.
//!
//! A batch buffer is one single-query section (`u32 count`, then its hits)
//! per query, end to end, so the decoder of [`Hits`](crate::Hits) reads
//! each section. A pairs buffer is a single-query buffer whose hits come
//! two by two.
#![deny(clippy::indexing_slicing)]

use std::fmt;
use std::iter::FusedIterator;

use crate::bytes::Bytes;
use crate::error::{Error, Result};
use crate::results::{Cursor, Hit, HitsIter, ResultBuf, malformed, validate_section};

/// Where one query's section lies in a batch buffer.
#[derive(Clone, Copy, Debug)]
struct Section {
    start: usize,
    end: usize,
    count: usize,
}

/// The results of a batch query
/// ([`intersects_many`](crate::Ops::intersects_many),
/// [`within_many`](crate::Ops::within_many),
/// [`nearby_many`](crate::Ops::nearby_many)): one library buffer holding
/// the hits of every query, freed when `Batch` is dropped. It lends one
/// [`QueryHits`] per query, in the order the queries were given.
///
/// ```
/// use store::{Ops, Rect, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// db.set("pos:a", "[1 1]").unwrap();
/// db.set("pos:b", "[9 9]").unwrap();
/// let rects = [
///     Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap(),
///     Rect::new(&[4.0, 4.0], &[5.0, 5.0]).unwrap(),
///     Rect::new(&[0.0, 0.0], &[10.0, 10.0]).unwrap(),
/// ];
/// let batch = db.intersects_many("pos", &rects, 0).unwrap();
/// let counts: Vec<usize> = batch.iter().map(|q| q.len()).collect();
/// assert_eq!(counts, [1, 0, 2]);
/// ```
///
/// A query's hits borrow the `Batch`; they cannot outlive it:
///
/// ```compile_fail
/// # use store::{Ops, Rect, Store};
/// let db = Store::open_in_memory().unwrap();
/// let hits = {
///     let batch = db.intersects_many("pos", &[], 0).unwrap();
///     batch.get(0)
/// };
/// ```
pub struct Batch {
    bytes: Bytes,
    sections: Vec<Section>,
}

impl Batch {
    /// Checks a buffer that should hold `queries` sections.
    pub(crate) fn new(bytes: Bytes, queries: usize) -> Result<Batch> {
        if bytes.is_null() {
            return Err(Error::Internal("libstore reported success but returned no buffer".into()));
        }
        let mut sections = Vec::with_capacity(queries);
        let mut at = 0usize;
        for q in 0..queries {
            let rest = bytes.get(at..).unwrap_or_default();
            let (count, used) = validate_section(rest, false).map_err(|e| match e {
                Error::Internal(m) => Error::Internal(format!("{m} (query {q} of {queries})")),
                other => other,
            })?;
            sections.push(Section { start: at, end: at + used, count });
            at += used;
        }
        if at != bytes.len() {
            return Err(malformed(&format!("{} bytes after the last of {queries} queries", bytes.len() - at)));
        }
        Ok(Batch { bytes, sections })
    }

    /// The number of queries (as many as boxes or points were given).
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// let p = Point::new(&[0.0, 0.0]).unwrap();
    /// assert_eq!(db.nearby_many("pos", &[p, p, p], 1, None).unwrap().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.sections.len()
    }

    /// Whether the batch had no queries.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// assert!(db.within_many("pos", &[], 0).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The hits of query `q` (its position in the boxes or points given),
    /// or `None` past the last query.
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[3 4]").unwrap();
    /// let points = [Point::new(&[0.0, 0.0]).unwrap(), Point::new(&[3.0, 0.0]).unwrap()];
    /// let batch = db.nearby_many("pos", &points, 1, None).unwrap();
    /// assert_eq!(batch.get(0).unwrap().first().unwrap().distance(), 5.0);
    /// assert_eq!(batch.get(1).unwrap().first().unwrap().distance(), 4.0);
    /// assert!(batch.get(2).is_none());
    /// ```
    pub fn get(&self, q: usize) -> Option<QueryHits<'_>> {
        let s = self.sections.get(q)?;
        Some(QueryHits { section: self.bytes.get(s.start..s.end)?, count: s.count })
    }

    /// The hits of every query, in order.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// for (q, hits) in db.intersects_many("pos", &[r, r], 0).unwrap().iter().enumerate() {
    ///     assert_eq!(hits.first().unwrap().key_str().unwrap(), "pos:a", "query {q}");
    /// }
    /// ```
    pub fn iter(&self) -> BatchIter<'_> {
        BatchIter { batch: self, next: 0 }
    }

    /// The number of hits over all queries.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// assert_eq!(db.intersects_many("pos", &[r, r, r], 0).unwrap().total_hits(), 3);
    /// ```
    pub fn total_hits(&self) -> usize {
        self.sections.iter().map(|s| s.count).sum()
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Batch {
    type Item = QueryHits<'a>;
    type IntoIter = BatchIter<'a>;
    fn into_iter(self) -> BatchIter<'a> {
        self.iter()
    }
}

/// The iterator of [`Batch::iter`]: one [`QueryHits`] per query.
///
/// ```
/// # use store::{Ops, Store};
/// # let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// let batch = db.intersects_many("pos", &[], 0).unwrap();
/// let it: store::BatchIter<'_> = batch.iter();
/// assert_eq!(it.len(), 0);
/// ```
#[derive(Clone)]
pub struct BatchIter<'a> {
    batch: &'a Batch,
    next: usize,
}

impl<'a> Iterator for BatchIter<'a> {
    type Item = QueryHits<'a>;
    fn next(&mut self) -> Option<QueryHits<'a>> {
        let q = self.batch.get(self.next)?;
        self.next += 1;
        Some(q)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.batch.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for BatchIter<'_> {}
impl FusedIterator for BatchIter<'_> {}

/// The hits of one query of a [`Batch`], borrowed from it: the same
/// [`Hit`]s as a single query's [`Hits`](crate::Hits) give.
///
/// ```
/// # use store::{Ops, Point, Store};
/// # let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// db.set("pos:a", "[1 0]").unwrap();
/// db.set("pos:b", "[2 0]").unwrap();
/// let batch = db.nearby_many("pos", &[Point::new(&[0.0, 0.0]).unwrap()], 0, None).unwrap();
/// let hits: store::QueryHits<'_> = batch.get(0).unwrap();
/// let keys: Vec<&str> = hits.iter().map(|h| h.key_str().unwrap()).collect();
/// assert_eq!(keys, ["pos:a", "pos:b"]);
/// ```
#[derive(Clone, Copy)]
pub struct QueryHits<'a> {
    section: &'a [u8],
    count: usize,
}

impl<'a> QueryHits<'a> {
    /// The number of hits of this query.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// let r = Rect::new(&[0.0], &[1.0]).unwrap();
    /// assert_eq!(db.within_many("pos", &[r], 0).unwrap().get(0).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether this query had no hits.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// let r = Rect::new(&[0.0], &[1.0]).unwrap();
    /// assert!(db.within_many("pos", &[r], 0).unwrap().get(0).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The hits in the order the library returned them (nearest first for
    /// [`nearby_many`](crate::Ops::nearby_many)).
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// let r = Rect::new(&[0.0, 0.0], &[2.0, 2.0]).unwrap();
    /// let batch = db.intersects_many("pos", &[r], 0).unwrap();
    /// for hit in batch.get(0).unwrap().iter() {
    ///     assert_eq!(hit.value_str().unwrap(), "[1 1]");
    /// }
    /// ```
    pub fn iter(&self) -> HitsIter<'a> {
        HitsIter::new(Cursor::new(self.section, self.count))
    }

    /// The first hit, if any.
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[1 1]").unwrap();
    /// let batch = db.nearby_many("pos", &[Point::new(&[1.0, 1.0]).unwrap()], 1, None).unwrap();
    /// assert_eq!(batch.get(0).unwrap().first().unwrap().key(), b"pos:a");
    /// ```
    pub fn first(&self) -> Option<Hit<'a>> {
        self.iter().next()
    }
}

impl fmt::Debug for QueryHits<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for QueryHits<'a> {
    type Item = Hit<'a>;
    type IntoIter = HitsIter<'a>;
    fn into_iter(self) -> HitsIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &QueryHits<'a> {
    type Item = Hit<'a>;
    type IntoIter = HitsIter<'a>;
    fn into_iter(self) -> HitsIter<'a> {
        self.iter()
    }
}

/// The result of [`pairs`](crate::Ops::pairs): every pair of items close
/// to each other, in one library buffer that the pairs borrow from, freed
/// when `Pairs` is dropped.
///
/// ```
/// use store::{Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// db.set("pos:a", "[0 0]").unwrap();
/// db.set("pos:b", "[3 4]").unwrap();
/// db.set("pos:c", "[100 100]").unwrap();
/// let pairs = db.pairs("pos", 5.0, None).unwrap();
/// assert_eq!(pairs.len(), 1);
/// let p = pairs.first().unwrap();
/// assert_eq!((p.a().key(), p.b().key(), p.distance()), (&b"pos:a"[..], &b"pos:b"[..], 5.0));
/// ```
pub struct Pairs {
    buf: ResultBuf,
}

impl Pairs {
    pub(crate) fn new(bytes: Bytes) -> Result<Pairs> {
        let buf = ResultBuf::new(bytes, false)?;
        if buf.count % 2 != 0 {
            return Err(malformed(&format!("{} hits in a pairs result, want two per pair", buf.count)));
        }
        Ok(Pairs { buf })
    }

    /// The number of pairs.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// assert_eq!(db.pairs("pos", 1.0, None).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.buf.count / 2
    }

    /// Whether there are no pairs.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// assert!(db.pairs("pos", 1.0, None).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.buf.count == 0
    }

    /// The pairs, in no particular order.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[0 0]").unwrap();
    /// db.set("pos:b", "[1 0]").unwrap();
    /// db.set("pos:c", "[2 0]").unwrap();
    /// let pairs = db.pairs("pos", 1.0, None).unwrap();
    /// let mut got: Vec<(&str, &str)> =
    ///     pairs.iter().map(|p| (p.a().key_str().unwrap(), p.b().key_str().unwrap())).collect();
    /// got.sort();
    /// assert_eq!(got, [("pos:a", "pos:b"), ("pos:b", "pos:c")]);
    /// ```
    pub fn iter(&self) -> PairsIter<'_> {
        PairsIter { cur: self.buf.cursor() }
    }

    /// The first pair, if any.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[0 0]").unwrap();
    /// db.set("pos:b", "[0 0]").unwrap();
    /// assert_eq!(db.pairs("pos", 0.0, None).unwrap().first().unwrap().distance(), 0.0);
    /// ```
    pub fn first(&self) -> Option<Pair<'_>> {
        self.iter().next()
    }
}

impl fmt::Debug for Pairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Pairs {
    type Item = Pair<'a>;
    type IntoIter = PairsIter<'a>;
    fn into_iter(self) -> PairsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`Pairs::iter`].
///
/// ```
/// # use store::{Ops, Store};
/// # let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// let pairs = db.pairs("pos", 1.0, None).unwrap();
/// let it: store::PairsIter<'_> = pairs.iter();
/// assert_eq!(it.len(), 0);
/// ```
#[derive(Clone)]
pub struct PairsIter<'a> {
    cur: Cursor<'a>,
}

impl<'a> Iterator for PairsIter<'a> {
    type Item = Pair<'a>;
    fn next(&mut self) -> Option<Pair<'a>> {
        let a = self.cur.next_raw()?;
        let b = self.cur.next_raw()?;
        Some(Pair { a: Hit::from_raw(a), b: Hit::from_raw(b) })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.cur.left() / 2;
        (left, Some(left))
    }
}

impl ExactSizeIterator for PairsIter<'_> {}
impl FusedIterator for PairsIter<'_> {}

/// One pair of [`Pairs`], borrowed from it: two items and the distance
/// between their boxes.
///
/// ```
/// # use store::{Ops, Store};
/// # let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "pos:*", None).unwrap();
/// db.set("pos:player", "[0 0]").unwrap();
/// db.set("pos:coin", "[0 2]").unwrap();
/// // With a pattern, the matching key comes first.
/// let pairs = db.pairs("pos", 2.0, Some("pos:player")).unwrap();
/// let p = pairs.first().unwrap();
/// assert_eq!(p.a().key_str().unwrap(), "pos:player");
/// assert_eq!(p.b().value_str().unwrap(), "[0 2]");
/// assert_eq!(p.distance(), 2.0);
/// ```
#[derive(Clone, Copy)]
pub struct Pair<'a> {
    a: Hit<'a>,
    b: Hit<'a>,
}

impl<'a> Pair<'a> {
    /// The first item: the key that matches the pattern, or the smaller key
    /// (in byte order) when both or no pattern match.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:b", "[0 0]").unwrap();
    /// db.set("pos:a", "[0 0]").unwrap();
    /// assert_eq!(db.pairs("pos", 0.0, None).unwrap().first().unwrap().a().key(), b"pos:a");
    /// ```
    pub fn a(&self) -> Hit<'a> {
        self.a
    }

    /// The second item.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:b", "[0 0]").unwrap();
    /// db.set("pos:a", "[0 0]").unwrap();
    /// assert_eq!(db.pairs("pos", 0.0, None).unwrap().first().unwrap().b().key(), b"pos:b");
    /// ```
    pub fn b(&self) -> Hit<'a> {
        self.b
    }

    /// The Euclidean distance between the two items' boxes (0 where they
    /// touch or overlap); both hits carry it too.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "pos:*", None).unwrap();
    /// db.set("pos:a", "[0 0],[2 2]").unwrap();
    /// db.set("pos:b", "[5 6]").unwrap();
    /// let pairs = db.pairs("pos", 10.0, None).unwrap();
    /// let p = pairs.first().unwrap();
    /// assert_eq!(p.distance(), 5.0);
    /// assert_eq!(p.a().distance(), p.distance());
    /// ```
    pub fn distance(&self) -> f64 {
        self.a.distance()
    }
}

impl fmt::Debug for Pair<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pair").field("a", &self.a).field("b", &self.b).field("distance", &self.distance()).finish()
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use store_sys as sys;

    fn hit(buf: &mut Vec<u8>, key: &[u8], val: &[u8], dist: f64) {
        buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
        buf.extend_from_slice(&(val.len() as u32).to_le_bytes());
        buf.extend_from_slice(&dist.to_le_bytes());
        buf.extend_from_slice(key);
        buf.extend_from_slice(val);
    }

    /// Three sections: 1 hit, none, 2 hits.
    fn sample() -> Vec<u8> {
        let mut b = 1u32.to_le_bytes().to_vec();
        hit(&mut b, b"a", b"1", 0.5);
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&2u32.to_le_bytes());
        hit(&mut b, b"b", b"", 1.0);
        hit(&mut b, b"c", b"33", 2.0);
        b
    }

    /// Library-owned bytes holding `data` (allocated the way the library
    /// allocates, through a real call, so that Drop frees them properly).
    fn lib_bytes(data: &[u8]) -> Bytes {
        let db = crate::Store::open_in_memory().unwrap();
        use crate::Ops;
        db.set("x", data).unwrap();
        let v = db.get("x").unwrap().unwrap();
        drop(db);
        v
    }

    #[test]
    fn sections_split_a_batch_buffer() {
        let batch = Batch::new(lib_bytes(&sample()), 3).unwrap();
        assert_eq!(batch.len(), 3);
        assert_eq!(batch.total_hits(), 3);
        let lens: Vec<usize> = batch.iter().map(|q| q.len()).collect();
        assert_eq!(lens, [1, 0, 2]);
        let q2: Vec<(&[u8], &[u8], f64)> = batch.get(2).unwrap().iter().map(|h| (h.key(), h.value(), h.distance())).collect();
        assert_eq!(q2, [(&b"b"[..], &b""[..], 1.0), (&b"c"[..], &b"33"[..], 2.0)]);
        assert!(batch.get(3).is_none());
        assert_eq!(batch.iter().len(), 3);
    }

    #[test]
    fn wrong_query_counts_and_truncations_are_internal_errors() {
        let b = sample();
        for queries in [0, 1, 2, 4] {
            assert!(matches!(Batch::new(lib_bytes(&b), queries), Err(Error::Internal(_))), "{queries} queries");
        }
        for n in 0..b.len() {
            assert!(matches!(Batch::new(lib_bytes(&b[..n]), 3), Err(Error::Internal(_))), "prefix of {n} bytes");
        }
        let mut missing = 1u32.to_le_bytes().to_vec();
        missing.extend_from_slice(&1u32.to_le_bytes());
        missing.extend_from_slice(&sys::STORE_MISSING.to_le_bytes());
        missing.extend_from_slice(&0f64.to_le_bytes());
        missing.push(b'k');
        assert!(matches!(Batch::new(lib_bytes(&missing), 1), Err(Error::Internal(_))));
        assert!(Batch::new(lib_bytes(&[]), 0).unwrap().is_empty());
    }

    #[test]
    fn pairs_need_an_even_count() {
        let mut b = 2u32.to_le_bytes().to_vec();
        hit(&mut b, b"a", b"1", 3.0);
        hit(&mut b, b"b", b"2", 3.0);
        let pairs = Pairs::new(lib_bytes(&b)).unwrap();
        assert_eq!(pairs.len(), 1);
        let p = pairs.first().unwrap();
        assert_eq!((p.a().key(), p.b().key(), p.distance()), (&b"a"[..], &b"b"[..], 3.0));
        let mut odd = 1u32.to_le_bytes().to_vec();
        hit(&mut odd, b"a", b"1", 3.0);
        assert!(matches!(Pairs::new(lib_bytes(&odd)), Err(Error::Internal(_))));
    }
}
