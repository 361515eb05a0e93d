//! [`Tx`]: a transaction borrowed from its [`Store`].

use std::fmt;
use std::marker::PhantomData;

use store_sys as sys;

use crate::error::{Error, Result, check_ok};
use crate::ops::Ops;
use crate::query;
use crate::store::{IndexKind, Store};

/// An open transaction of a [`Store`]. The data methods come from [`Ops`]
/// and join the transaction. `commit` makes the writes durable and
/// visible; dropping it (also while a panic unwinds) rolls back.
///
/// A `Tx` is neither `Send` nor `Sync`: the library recognises the thread
/// that began a transaction to turn a would-be self-deadlock into
/// [`Error::WouldDeadlock`], so the transaction stays on that thread.
///
/// ```
/// use store::{Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// {
///     let tx = db.begin_write().unwrap();
///     tx.set("k", "v").unwrap();
///     // dropped: rolled back
/// }
/// assert!(db.get("k").unwrap().is_none());
/// let tx = db.begin_write().unwrap();
/// tx.set("k", "v").unwrap();
/// tx.commit().unwrap();
/// assert!(db.get("k").unwrap().is_some());
/// ```
///
/// A `Tx` cannot move to another thread:
///
/// ```compile_fail
/// let db = store::Store::open_in_memory().unwrap();
/// let tx = db.begin_write().unwrap();
/// std::thread::scope(|s| {
///     s.spawn(move || tx.commit());
/// });
/// ```
///
/// nor outlive its store:
///
/// ```compile_fail
/// let tx = {
///     let db = store::Store::open_in_memory().unwrap();
///     db.begin_write().unwrap()
/// };
/// ```
pub struct Tx<'db> {
    h: sys::store_t,
    writable: bool,
    _store: PhantomData<&'db Store>,
    _not_send: PhantomData<*const ()>,
}

impl<'db> Tx<'db> {
    pub(crate) fn begin(store: &'db Store, writable: bool) -> Result<Tx<'db>> {
        let mut h: sys::store_t = 0;
        // SAFETY: h is a live store_t; the database handle is checked.
        check_ok(unsafe { sys::store_begin(store.as_raw(), i32::from(writable), &mut h) })?;
        if h == 0 {
            return Err(Error::Internal("store_begin succeeded with handle 0".into()));
        }
        Ok(Tx { h, writable, _store: PhantomData, _not_send: PhantomData })
    }

    /// Builds an ordered index inside this write transaction, as
    /// [`Store::create_index`] does: it exists for the rest of the
    /// transaction, a rollback (or dropping the `Tx`) takes it away, and
    /// the commit saves it. A read-only transaction is
    /// [`Error::TxReadOnly`].
    ///
    /// ```
    /// # use store::{IndexKind, Ops, Range, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("user:1", "bob").unwrap();
    /// {
    ///     let tx = db.begin_write().unwrap();
    ///     tx.create_index("names", "user:*", IndexKind::String).unwrap();
    ///     assert_eq!(tx.scan("names", Range::all()).unwrap().len(), 1);
    /// } // rolled back
    /// assert!(db.indexes().unwrap().is_empty());
    /// ```
    pub fn create_index(&self, name: &str, pattern: &str, kind: IndexKind<'_>) -> Result<()> {
        let (kind, path) = kind.raw();
        query::create_index(self.h, name, pattern, kind, path)
    }

    /// Builds a spatial index inside this write transaction, as
    /// [`Store::create_spatial_index`] does; writes later in the
    /// transaction update it, and a rollback removes it with them. A
    /// region made of an index and a record is then one atomic change.
    ///
    /// ```
    /// # use store::{Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.update(|tx| {
    ///     tx.create_spatial_index("region:1", "region:1:*", Some("pos"))?;
    ///     tx.set("region:1:meta", r#"{"pos":[0,0],"name":"start"}"#)
    /// }).unwrap();
    /// let all = Rect::new(&[-1.0, -1.0], &[1.0, 1.0]).unwrap();
    /// assert_eq!(db.intersects("region:1", &all, 0).unwrap().len(), 1);
    /// ```
    pub fn create_spatial_index(&self, name: &str, pattern: &str, json_path: Option<&str>) -> Result<()> {
        query::create_spatial_index(self.h, name, pattern, json_path)
    }

    /// Removes an index inside this write transaction; a rollback puts it
    /// back. An unknown name is [`Error::NoIndex`].
    ///
    /// ```
    /// # use store::{IndexKind, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_index("i", "*", IndexKind::Binary).unwrap();
    /// let tx = db.begin_write().unwrap();
    /// tx.drop_index("i").unwrap();
    /// assert!(tx.indexes().unwrap().is_empty());
    /// tx.rollback().unwrap();
    /// assert_eq!(db.indexes().unwrap().len(), 1);
    /// ```
    pub fn drop_index(&self, name: &str) -> Result<()> {
        query::drop_index(self.h, name)
    }

    /// Commits and ends the transaction. If writing the file fails, the
    /// library rolls back and this returns [`Error::Io`]. Committing a
    /// read-only transaction just ends it.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// let tx = db.begin_write().unwrap();
    /// tx.set("k", "v").unwrap();
    /// tx.commit().unwrap();
    /// ```
    pub fn commit(self) -> Result<()> {
        let h = self.finish();
        // SAFETY: store_commit checks the handle; it is released either way.
        check_ok(unsafe { sys::store_commit(h) })
    }

    /// Rolls back and ends the transaction (what dropping it does, with the
    /// error reported).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// let tx = db.begin_write().unwrap();
    /// tx.set("k", "v").unwrap();
    /// tx.rollback().unwrap();
    /// assert!(db.get("k").unwrap().is_none());
    /// ```
    pub fn rollback(self) -> Result<()> {
        let h = self.finish();
        // SAFETY: store_rollback checks the handle.
        check_ok(unsafe { sys::store_rollback(h) })
    }

    /// Whether this is a write transaction.
    ///
    /// ```
    /// # use store::Store;
    /// let db = Store::open_in_memory().unwrap();
    /// assert!(!db.begin_read().unwrap().is_writable());
    /// ```
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The raw `store_t` of the transaction (it stays owned by the `Tx`).
    ///
    /// ```
    /// # use store::Store;
    /// let db = Store::open_in_memory().unwrap();
    /// let tx = db.begin_read().unwrap();
    /// assert_ne!(tx.as_raw(), db.as_raw());
    /// ```
    pub fn as_raw(&self) -> sys::store_t {
        self.h
    }

    /// Takes the handle out so that Drop does nothing.
    fn finish(mut self) -> sys::store_t {
        std::mem::replace(&mut self.h, 0)
    }
}

impl Ops for Tx<'_> {
    fn raw_handle(&self) -> sys::store_t {
        self.h
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.h != 0 {
            // SAFETY: store_rollback checks the handle; a failure (the
            // transaction already ended) leaves nothing to undo.
            let _ = unsafe { sys::store_rollback(self.h) };
        }
    }
}

impl fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tx").field("handle", &self.h).field("writable", &self.writable).finish()
    }
}
