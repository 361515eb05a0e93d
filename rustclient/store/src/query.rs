//! Query filters ([`Filter`]), field updates ([`FieldUpdate`]) and index
//! definitions ([`IndexInfo`]): the types behind the `_with` queries, the
//! field methods and `indexes` of [`Ops`](crate::Ops).

use std::ffi::CString;

use store_sys as sys;

use crate::error::{Error, Result, check, check_ok};
use crate::ops::{c_string, raw_parts};

/// A filter applied inside the store to a scan or a spatial query (the
/// `_with` methods of [`Ops`](crate::Ops)): an item is reported only if its
/// key matches the pattern and its JSON value meets every condition. Items
/// that fail are never copied out and do not count toward a limit or `k`:
/// `nearby_with(.., k = 10, ..)` gives the 10 nearest items that pass.
///
/// A value that is not JSON, or lacks a field, or holds a field of another
/// type, fails the condition on it. A bad filter (a pattern ending in a
/// lone `\`, an empty path, NaN or crossed bounds) is
/// [`Error::InvalidArg`] before anything runs.
///
/// ```
/// use store::{Filter, Ops, Rect, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.create_spatial_index("pos", "obj:*", Some("pos")).unwrap();
/// db.set("obj:player:ann", r#"{"pos":[1,1],"hp":30,"team":"red"}"#).unwrap();
/// db.set("obj:player:bob", r#"{"pos":[2,2],"hp":80,"team":"red"}"#).unwrap();
/// db.set("obj:item:gem", r#"{"pos":[1,2]}"#).unwrap();
/// let everywhere = Rect::new(&[0.0, 0.0], &[9.0, 9.0]).unwrap();
/// let f = Filter::new().matching("obj:player:*").where_range("hp", 10.0, 50.0).where_eq("team", "red");
/// let hits = db.intersects_with("pos", &everywhere, 0, &f).unwrap();
/// assert_eq!(hits.len(), 1);
/// assert_eq!(hits.first().unwrap().key(), b"obj:player:ann");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter<'a> {
    pattern: Option<&'a str>,
    conds: Vec<Cond<'a>>,
    keys_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Cond<'a> {
    path: &'a str,
    op: i32,
    min: f64,
    max: f64,
    lo: &'a [u8],
    hi: &'a [u8],
}

impl<'a> Filter<'a> {
    /// A filter that lets everything through.
    ///
    /// ```
    /// assert_eq!(store::Filter::new(), store::Filter::default());
    /// ```
    pub fn new() -> Filter<'a> {
        Filter::default()
    }

    /// Keeps the keys matching `pattern` (BuntDB's glob: `*` any run of
    /// bytes, `?` one byte, `\` escapes the next byte).
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a:1", "").unwrap();
    /// db.set("b:1", "").unwrap();
    /// assert_eq!(db.scan_with("", Range::all(), &Filter::new().matching("b:*")).unwrap().len(), 1);
    /// ```
    pub fn matching(mut self, pattern: &'a str) -> Filter<'a> {
        self.pattern = Some(pattern);
        self
    }

    fn cond(mut self, path: &'a str, op: i32, min: f64, max: f64, lo: &'a [u8], hi: &'a [u8]) -> Filter<'a> {
        self.conds.push(Cond { path, op, min, max, lo, hi });
        self
    }

    /// Keeps the values whose field at the gjson `path` is a number in
    /// `[min, max]`; an infinite bound is open.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"hp":5}"#).unwrap();
    /// db.set("b", r#"{"hp":50}"#).unwrap();
    /// let f = Filter::new().where_range("hp", 10.0, f64::INFINITY);
    /// assert_eq!(db.scan_with("", Range::all(), &f).unwrap().first().unwrap().key(), b"b");
    /// ```
    pub fn where_range(self, path: &'a str, min: f64, max: f64) -> Filter<'a> {
        self.cond(path, sys::STORE_WHERE_RANGE, min, max, &[], &[])
    }

    /// Keeps the values whose field at `path` is the number `v`.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"lvl":3}"#).unwrap();
    /// assert_eq!(db.scan_with("", Range::all(), &Filter::new().where_num("lvl", 3.0)).unwrap().len(), 1);
    /// ```
    pub fn where_num(self, path: &'a str, v: f64) -> Filter<'a> {
        self.cond(path, sys::STORE_WHERE_EQ, v, v, &[], &[])
    }

    /// Keeps the values whose field at `path` is the string `s` (bytewise).
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"team":"red"}"#).unwrap();
    /// assert_eq!(db.scan_with("", Range::all(), &Filter::new().where_eq("team", "blue")).unwrap().len(), 0);
    /// ```
    pub fn where_eq<S: AsRef<[u8]> + ?Sized>(self, path: &'a str, s: &'a S) -> Filter<'a> {
        self.cond(path, sys::STORE_WHERE_STR_EQ, 0.0, 0.0, s.as_ref(), &[])
    }

    /// Keeps the values whose field at `path` is a string in `[lo, hi]`,
    /// bytewise.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"name":"bob"}"#).unwrap();
    /// assert_eq!(db.scan_with("", Range::all(), &Filter::new().where_str_range("name", "a", "c")).unwrap().len(), 1);
    /// ```
    pub fn where_str_range<S: AsRef<[u8]> + ?Sized>(self, path: &'a str, lo: &'a S, hi: &'a S) -> Filter<'a> {
        self.cond(path, sys::STORE_WHERE_STR_RANGE, 0.0, 0.0, lo.as_ref(), hi.as_ref())
    }

    /// Keeps the values that have a field at `path`, of any type.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", r#"{"tag":null}"#).unwrap();
    /// db.set("b", r#"{}"#).unwrap();
    /// assert_eq!(db.scan_with("", Range::all(), &Filter::new().where_exists("tag")).unwrap().len(), 1);
    /// ```
    pub fn where_exists(self, path: &'a str) -> Filter<'a> {
        self.cond(path, sys::STORE_WHERE_EXISTS, 0.0, 0.0, &[], &[])
    }

    /// Reports keys only: every [`Hit`](crate::Hit) has an empty value,
    /// and no value is copied out of the store.
    ///
    /// ```
    /// # use store::{Filter, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("a", "a long value").unwrap();
    /// let hits = db.scan_with("", Range::all(), &Filter::new().keys_only()).unwrap();
    /// assert_eq!(hits.first().unwrap().value(), b"");
    /// ```
    pub fn keys_only(mut self) -> Filter<'a> {
        self.keys_only = true;
        self
    }

    /// The filter in the C API's terms; it owns the C strings the options
    /// point to.
    pub(crate) fn raw(&self) -> Result<RawFilter> {
        let pattern = self.pattern.map(c_string).transpose()?;
        let paths = self.conds.iter().map(|c| c_string(c.path)).collect::<Result<Vec<_>>>()?;
        let wheres = self
            .conds
            .iter()
            .zip(&paths)
            .map(|(c, p)| {
                let (str, str_len) = raw_parts(c.lo);
                let (str_max, str_max_len) = raw_parts(c.hi);
                sys::store_where { path: p.as_ptr(), op: c.op, min: c.min, max: c.max, str, str_len, str_max, str_max_len }
            })
            .collect();
        let flags = if self.keys_only { sys::STORE_QUERY_KEYS_ONLY } else { 0 };
        Ok(RawFilter { pattern, _paths: paths, wheres, flags })
    }

    /// [`raw`](Filter::raw) for the count-only calls: the result is the
    /// count alone, whatever `keys_only` says.
    pub(crate) fn raw_counting(&self) -> Result<RawFilter> {
        let mut raw = self.raw()?;
        raw.flags = sys::STORE_QUERY_COUNT_ONLY;
        Ok(raw)
    }
}

/// A [`Filter`] as the C API takes it. The `store_where` items point into
/// `_paths` and the filter's borrowed strings.
pub(crate) struct RawFilter {
    pattern: Option<CString>,
    _paths: Vec<CString>,
    wheres: Vec<sys::store_where>,
    flags: u32,
}

impl RawFilter {
    /// The options struct; it borrows `self`, which must outlive the call.
    pub(crate) fn opts(&self) -> sys::store_query_opts {
        sys::store_query_opts {
            flags: self.flags,
            match_: self.pattern.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            where_: if self.wheres.is_empty() { std::ptr::null() } else { self.wheres.as_ptr() },
            where_len: self.wheres.len(),
        }
    }
}

/// One change of [`Ops::update_fields`](crate::Ops::update_fields): set,
/// increment or delete one field of a key's JSON value.
///
/// ```
/// use store::{FieldUpdate, Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.set("p", r#"{"hp":10}"#).unwrap();
/// db.update_fields(&[FieldUpdate::incr("p", "hp", -3.0), FieldUpdate::set("p", "name", r#""ann""#)]).unwrap();
/// assert_eq!(db.get("p").unwrap().unwrap(), r#"{"hp":7,"name":"ann"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldUpdate<'a> {
    key: &'a [u8],
    path: &'a str,
    op: i32,
    json: &'a [u8],
    delta: f64,
}

impl<'a> FieldUpdate<'a> {
    /// Sets the field at `path` to `json` (JSON text such as `12`,
    /// `"ann"` or `[1,2]`).
    pub fn set<K: AsRef<[u8]> + ?Sized, J: AsRef<[u8]> + ?Sized>(key: &'a K, path: &'a str, json: &'a J) -> Self {
        FieldUpdate { key: key.as_ref(), path, op: sys::STORE_FIELD_SET, json: json.as_ref(), delta: 0.0 }
    }

    /// Adds `delta` to the number at `path`.
    pub fn incr<K: AsRef<[u8]> + ?Sized>(key: &'a K, path: &'a str, delta: f64) -> Self {
        FieldUpdate { key: key.as_ref(), path, op: sys::STORE_FIELD_INCR, json: &[], delta }
    }

    /// Removes the field at `path`, which must be there.
    pub fn delete<K: AsRef<[u8]> + ?Sized>(key: &'a K, path: &'a str) -> Self {
        FieldUpdate { key: key.as_ref(), path, op: sys::STORE_FIELD_DELETE, json: &[], delta: 0.0 }
    }
}

/// Runs store_update_fields over `ups`; false when a key is missing
/// (nothing changed).
pub(crate) fn update_fields(h: sys::store_t, ups: &[FieldUpdate<'_>]) -> Result<bool> {
    let paths = ups.iter().map(|u| c_string(u.path)).collect::<Result<Vec<_>>>()?;
    let raw: Vec<sys::store_field_update> = ups
        .iter()
        .zip(&paths)
        .map(|(u, p)| {
            let (key, key_len) = raw_parts(u.key);
            let (val, val_len) = raw_parts(u.json);
            sys::store_field_update { key, key_len, path: p.as_ptr(), op: u.op, val, val_len, delta: u.delta }
        })
        .collect();
    let ptr = if raw.is_empty() { std::ptr::null() } else { raw.as_ptr() };
    // SAFETY: raw holds raw.len() items (or ptr is NULL for none) whose
    // pointers borrow `ups` and `paths`, both alive for the call.
    check(unsafe { sys::store_update_fields(h, ptr, raw.len()) })
}

/// What kind of index an [`IndexInfo`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexType {
    /// Case-insensitive text.
    String,
    /// Bytes, memcmp order.
    Binary,
    /// Signed decimal integers.
    Int,
    /// Unsigned decimal integers.
    Uint,
    /// Decimal floating point.
    Float,
    /// The value at a gjson path, case-insensitive.
    Json,
    /// The value at a gjson path, case-sensitive.
    JsonCaseSensitive,
    /// An R-tree.
    Spatial,
}

/// The definition of one index, from [`Ops::indexes`](crate::Ops::indexes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    /// The index's name.
    pub name: String,
    /// The key pattern it covers.
    pub pattern: String,
    /// Its kind.
    pub kind: IndexType,
    /// The gjson path for the JSON and spatial kinds, when it has one.
    pub path: Option<String>,
}

/// Decodes a store_indexes buffer. Names the library returns were given as
/// C strings; bytes that are not UTF-8 (from a C caller) are replaced.
pub(crate) fn decode_indexes(buf: &[u8]) -> Result<Vec<IndexInfo>> {
    let bad = || Error::Internal("malformed store_indexes buffer".into());
    let mut rest = buf;
    let mut take = |n: usize| -> Result<&[u8]> {
        if rest.len() < n {
            return Err(bad());
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let u32_at = |b: &[u8]| -> Result<u32> { Ok(u32::from_le_bytes(b.try_into().map_err(|_| bad())?)) };
    let count = u32_at(take(4)?)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let head = take(16)?;
        let (nl, pl, xl) = (u32_at(&head[0..4])?, u32_at(&head[4..8])?, u32_at(&head[8..12])?);
        let kind = i32::from_le_bytes(head[12..16].try_into().map_err(|_| bad())?);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let name = text(take(nl as usize)?);
        let pattern = text(take(pl as usize)?);
        let path = text(take(xl as usize)?);
        let kind = match kind {
            sys::STORE_INDEX_STRING => IndexType::String,
            sys::STORE_INDEX_BINARY => IndexType::Binary,
            sys::STORE_INDEX_INT => IndexType::Int,
            sys::STORE_INDEX_UINT => IndexType::Uint,
            sys::STORE_INDEX_FLOAT => IndexType::Float,
            sys::STORE_INDEX_JSON => IndexType::Json,
            sys::STORE_INDEX_JSON_CASE_SENSITIVE => IndexType::JsonCaseSensitive,
            sys::STORE_INDEX_SPATIAL => IndexType::Spatial,
            _ => return Err(Error::Internal(format!("store_indexes: unknown kind {kind}"))),
        };
        out.push(IndexInfo { name, pattern, kind, path: (!path.is_empty()).then_some(path) });
    }
    if !rest.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// store_create_index, store_create_spatial_index and store_drop_index on
/// a database or a transaction handle.
pub(crate) fn create_index(h: sys::store_t, name: &str, pattern: &str, kind: i32, path: Option<&str>) -> Result<()> {
    let name = c_string(name)?;
    let pattern = c_string(pattern)?;
    let path = path.map(c_string).transpose()?;
    let path_ptr = path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    // SAFETY: name and pattern are NUL-terminated; path_ptr is NULL or
    // NUL-terminated and borrowed from `path`, alive for the call.
    check_ok(unsafe { sys::store_create_index(h, name.as_ptr(), pattern.as_ptr(), kind, path_ptr) })
}

pub(crate) fn create_spatial_index(h: sys::store_t, name: &str, pattern: &str, path: Option<&str>) -> Result<()> {
    let name = c_string(name)?;
    let pattern = c_string(pattern)?;
    let path = path.map(c_string).transpose()?;
    let path_ptr = path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    // SAFETY: as in create_index.
    check_ok(unsafe { sys::store_create_spatial_index(h, name.as_ptr(), pattern.as_ptr(), path_ptr) })
}

pub(crate) fn drop_index(h: sys::store_t, name: &str) -> Result<()> {
    let name = c_string(name)?;
    // SAFETY: name is NUL-terminated.
    check_ok(unsafe { sys::store_drop_index(h, name.as_ptr()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_short_and_long_buffers() {
        assert!(decode_indexes(&[]).is_err());
        assert!(decode_indexes(&[1, 0, 0, 0]).is_err());
        assert!(decode_indexes(&[0, 0, 0, 0, 9]).is_err());
        assert_eq!(decode_indexes(&[0, 0, 0, 0]).unwrap(), vec![]);
        let mut one = vec![1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0];
        one.extend_from_slice(b"a*");
        let info = decode_indexes(&one).unwrap();
        assert_eq!(info[0], IndexInfo { name: "a".into(), pattern: "*".into(), kind: IndexType::Spatial, path: None });
        one[16] = 77;
        assert!(decode_indexes(&one).is_err());
    }
}
