//! [`Store`]: an open database.

use std::fmt;
use std::path::Path;

use store_sys as sys;

use crate::error::{Error, Result, check_ok};
use crate::ops::Ops;
use crate::query;
use crate::tx::Tx;

/// How often a file store's writes reach the disk.
///
/// ```
/// assert_eq!(store::Options::default().sync_policy, store::SyncPolicy::EverySecond);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPolicy {
    /// Leave flushing to the OS: fastest; a crash may lose recent writes.
    Never,
    /// fsync once a second: a crash loses at most about a second (the default).
    EverySecond,
    /// fsync before every commit returns: acknowledged writes survive.
    Always,
}

/// Options for [`Store::open_with`]. Start from `Options::default()` (the
/// library's defaults) and change fields.
///
/// ```
/// use store::{Options, Store, SyncPolicy};
/// let mut o = Options::default();
/// o.sync_policy = SyncPolicy::Always;
/// o.auto_shrink_disabled = true;
/// let db = Store::open_with(":memory:", o).unwrap();
/// # drop(db);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Sync policy; ignored in memory.
    pub sync_policy: SyncPolicy,
    /// Rewrite the file in the background once it has grown by this many
    /// percent since the last rewrite.
    pub auto_shrink_percentage: u32,
    /// No background rewrite below this many bytes.
    pub auto_shrink_min_size: u64,
    /// No background rewrite at all ([`Store::shrink`] still works).
    pub auto_shrink_disabled: bool,
    /// The largest key a write takes, in bytes. Over any of the limits a
    /// call fails with [`Error::Limit`] and changes nothing; 0 means the
    /// library's default (`store_sys::STORE_DEFAULT_MAX_*`).
    pub max_key_size: u64,
    /// The largest value a write takes, in bytes.
    pub max_value_size: u64,
    /// The largest result one call returns, in bytes.
    pub max_result_size: u64,
    /// The most items, keys or queries one batch call takes.
    pub max_batch_items: u64,
}

impl Default for Options {
    /// The library's defaults (`store_options_default`): sync every
    /// second, auto-shrink at 100% growth once the file is 32 MiB.
    fn default() -> Options {
        let mut o = sys::store_options::default();
        // SAFETY: o is a live store_options.
        unsafe { sys::store_options_default(&mut o) };
        Options {
            sync_policy: match o.sync_policy {
                sys::STORE_SYNC_NEVER => SyncPolicy::Never,
                sys::STORE_SYNC_ALWAYS => SyncPolicy::Always,
                _ => SyncPolicy::EverySecond,
            },
            auto_shrink_percentage: u32::try_from(o.auto_shrink_percentage).unwrap_or(100),
            auto_shrink_min_size: u64::try_from(o.auto_shrink_min_size).unwrap_or(32 << 20),
            auto_shrink_disabled: o.auto_shrink_disabled != 0,
            max_key_size: u64::try_from(o.max_key_size).unwrap_or(0),
            max_value_size: u64::try_from(o.max_value_size).unwrap_or(0),
            max_result_size: u64::try_from(o.max_result_size).unwrap_or(0),
            max_batch_items: u64::try_from(o.max_batch_items).unwrap_or(0),
        }
    }
}

impl Options {
    fn to_raw(self) -> Result<sys::store_options> {
        Ok(sys::store_options {
            sync_policy: match self.sync_policy {
                SyncPolicy::Never => sys::STORE_SYNC_NEVER,
                SyncPolicy::EverySecond => sys::STORE_SYNC_EVERY_SECOND,
                SyncPolicy::Always => sys::STORE_SYNC_ALWAYS,
            },
            auto_shrink_percentage: i32::try_from(self.auto_shrink_percentage)
                .map_err(|_| Error::invalid(format!("auto-shrink percentage {} is too large", self.auto_shrink_percentage)))?,
            auto_shrink_min_size: i64::try_from(self.auto_shrink_min_size)
                .map_err(|_| Error::invalid(format!("auto-shrink minimum size {} is too large", self.auto_shrink_min_size)))?,
            auto_shrink_disabled: i32::from(self.auto_shrink_disabled),
            // Past i64::MAX is as good as no limit.
            max_key_size: i64::try_from(self.max_key_size).unwrap_or(i64::MAX),
            max_value_size: i64::try_from(self.max_value_size).unwrap_or(i64::MAX),
            max_result_size: i64::try_from(self.max_result_size).unwrap_or(i64::MAX),
            max_batch_items: i64::try_from(self.max_batch_items).unwrap_or(i64::MAX),
        })
    }
}

/// The kind of an ordered index, for [`Store::create_index`].
///
/// ```
/// use store::{IndexKind, Ops, Range, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.create_index("by_age", "user:*", IndexKind::Json("age")).unwrap();
/// db.set("user:1", r#"{"age":30}"#).unwrap();
/// db.set("user:2", r#"{"age":20}"#).unwrap();
/// let hits = db.scan("by_age", Range::all()).unwrap();
/// assert_eq!(hits.first().unwrap().key(), b"user:2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind<'a> {
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
    Json(&'a str),
    /// The value at a gjson path, case-sensitive.
    JsonCaseSensitive(&'a str),
}

impl<'a> IndexKind<'a> {
    pub(crate) fn raw(self) -> (i32, Option<&'a str>) {
        match self {
            IndexKind::String => (sys::STORE_INDEX_STRING, None),
            IndexKind::Binary => (sys::STORE_INDEX_BINARY, None),
            IndexKind::Int => (sys::STORE_INDEX_INT, None),
            IndexKind::Uint => (sys::STORE_INDEX_UINT, None),
            IndexKind::Float => (sys::STORE_INDEX_FLOAT, None),
            IndexKind::Json(p) => (sys::STORE_INDEX_JSON, Some(p)),
            IndexKind::JsonCaseSensitive(p) => (sys::STORE_INDEX_JSON_CASE_SENSITIVE, Some(p)),
        }
    }
}

/// An open database: a file store or one in memory.
///
/// `Store` is `Send + Sync`: share it between threads with an `Arc` (the
/// library runs readers in parallel and writers one at a time). Dropping
/// it closes the database, ignoring errors; [`close`](Store::close)
/// reports them. The data methods come from the [`Ops`] trait.
///
/// ```
/// use store::{Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.set("k", "v").unwrap();
/// assert_eq!(db.get("k").unwrap().unwrap(), "v");
/// db.close().unwrap();
/// ```
pub struct Store {
    h: sys::store_t,
}

impl Store {
    /// Opens (creating if needed) the file store at `path` with the
    /// default options. The path `":memory:"` opens a store in memory. A
    /// file store locks `path.lock` and keeps its index definitions in
    /// `path.idx`; indexes defined earlier are rebuilt. Blocks while it
    /// reads the file.
    ///
    /// Errors: [`Error::Busy`] (another open store holds the file),
    /// [`Error::Io`], [`Error::Corrupt`], [`Error::InvalidArg`] (empty
    /// path, a directory), [`Error::AbiMismatch`].
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let path = std::env::temp_dir().join(format!("store-doc-open-{}.db", std::process::id()));
    /// let db = Store::open(&path).unwrap();
    /// db.set("k", "v").unwrap();
    /// db.close().unwrap();
    /// # for ext in ["", ".lock", ".idx"] { let _ = std::fs::remove_file(format!("{}{ext}", path.display())); }
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        open_raw(path.as_ref(), None)
    }

    /// Opens a store that lives in memory only.
    ///
    /// ```
    /// let db = store::Store::open_in_memory().unwrap();
    /// # drop(db);
    /// ```
    pub fn open_in_memory() -> Result<Store> {
        open_raw(Path::new(":memory:"), None)
    }

    /// Opens `path` (or `":memory:"`) with `options`; see [`open`](Store::open).
    ///
    /// ```
    /// use store::{Options, Store, SyncPolicy};
    /// let mut o = Options::default();
    /// o.sync_policy = SyncPolicy::Never;
    /// let db = Store::open_with(":memory:", o).unwrap();
    /// # drop(db);
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: Options) -> Result<Store> {
        open_raw(path.as_ref(), Some(options.to_raw()?))
    }

    /// Closes the store, reporting what went wrong. [`Error::Busy`] means a
    /// transaction begun through a raw handle is still open: the database
    /// then stays open and its handle is leaked.
    ///
    /// ```
    /// let db = store::Store::open_in_memory().unwrap();
    /// db.close().unwrap();
    /// ```
    pub fn close(self) -> Result<()> {
        let h = self.into_raw();
        // SAFETY: store_close checks the handle; we own it and no longer use it.
        check_ok(unsafe { sys::store_close(h) })
    }

    /// The raw `store_t` handle, for calls through `store-sys` and tests of
    /// misuse. The `Store` keeps owning it.
    ///
    /// ```
    /// let db = store::Store::open_in_memory().unwrap();
    /// assert_ne!(db.as_raw(), 0);
    /// ```
    pub fn as_raw(&self) -> sys::store_t {
        self.h
    }

    /// Gives up ownership of the raw handle without closing it.
    ///
    /// ```
    /// let h = store::Store::open_in_memory().unwrap().into_raw();
    /// let db = store::Store::from_raw(h); // takes it back
    /// db.close().unwrap();
    /// ```
    pub fn into_raw(self) -> sys::store_t {
        let h = self.h;
        std::mem::forget(self);
        h
    }

    /// Takes ownership of a raw database handle: the `Store` closes it when
    /// dropped. This is safe because the library checks every handle: a
    /// closed, unknown or transaction handle makes every call return
    /// [`Error::BadHandle`], never undefined behaviour. Two `Store`s made
    /// from one handle both work until one closes it.
    ///
    /// ```
    /// use store::{Error, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// let ghost = Store::from_raw(db.as_raw());
    /// db.close().unwrap();
    /// assert!(matches!(ghost.get("k"), Err(Error::BadHandle(_))));
    /// ```
    pub fn from_raw(handle: sys::store_t) -> Store {
        Store { h: handle }
    }

    /// The number of result buffers the library has handed out and not yet
    /// had back, process-wide (`store_outstanding_buffers`). For leak tests.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// let hits = db.get_many(["k"]).unwrap(); // a result buffer
    /// assert!(Store::outstanding_buffers() >= 1);
    /// drop(hits);
    /// ```
    pub fn outstanding_buffers() -> u64 {
        // SAFETY: takes nothing, never fails.
        unsafe { sys::store_outstanding_buffers() }
    }

    /// Begins a read-only transaction; it shares the store with other
    /// readers. Until it ends, this thread must use it instead of the
    /// store (store calls return [`Error::WouldDeadlock`]).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// let tx = db.begin_read().unwrap();
    /// assert_eq!(tx.get("k").unwrap().unwrap(), "v");
    /// assert!(tx.set("k", "w").is_err()); // read-only
    /// drop(tx);
    /// ```
    pub fn begin_read(&self) -> Result<Tx<'_>> {
        Tx::begin(self, false)
    }

    /// Begins a write transaction: it waits for, then excludes, every other
    /// transaction. Dropping it rolls back; [`Tx::commit`] commits.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// let tx = db.begin_write().unwrap();
    /// tx.set("k", "v").unwrap();
    /// tx.commit().unwrap();
    /// assert!(db.get("k").unwrap().is_some());
    /// ```
    pub fn begin_write(&self) -> Result<Tx<'_>> {
        Tx::begin(self, true)
    }

    /// Runs `f` in a write transaction and commits it if `f` returns `Ok`.
    /// On `Err`, or if `f` panics, the transaction is rolled back (by
    /// [`Tx`]'s `Drop`, during unwinding) and the error or panic goes on.
    ///
    /// ```
    /// # use store::{Error, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.update(|tx| tx.set("a", "1")).unwrap();
    /// let r: Result<(), Error> = db.update(|tx| {
    ///     tx.set("b", "2")?;
    ///     Err(Error::InvalidArg("changed my mind".into()))
    /// });
    /// assert!(r.is_err());
    /// assert!(db.get("b").unwrap().is_none());
    /// ```
    pub fn update<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
        E: From<Error>,
    {
        let tx = self.begin_write()?;
        let value = f(&tx)?; // on Err, dropping tx rolls back
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in a read-only transaction, then ends it.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// let n = db.view(|tx| Ok::<_, store::Error>(tx.get("k")?.map(|v| v.len()))).unwrap();
    /// assert_eq!(n, Some(1));
    /// ```
    pub fn view<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
        E: From<Error>,
    {
        let tx = self.begin_read()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Builds an ordered index called `name` over the values of the keys
    /// matching `pattern` (`*` any run of bytes, `?` one byte). Creating an
    /// index that exists with the same definition does nothing; another
    /// definition is [`Error::IndexExists`]. A file store saves the
    /// definition and rebuilds the index at every open. Blocks while it builds.
    ///
    /// ```
    /// # use store::{Error, IndexKind, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_index("names", "user:*", IndexKind::String).unwrap();
    /// db.create_index("names", "user:*", IndexKind::String).unwrap(); // same: fine
    /// assert!(matches!(db.create_index("names", "user:*", IndexKind::Int), Err(Error::IndexExists(_))));
    /// ```
    pub fn create_index(&self, name: &str, pattern: &str, kind: IndexKind<'_>) -> Result<()> {
        let (kind, path) = kind.raw();
        query::create_index(self.h, name, pattern, kind, path)
    }

    /// Builds a spatial (R-tree) index called `name` over the keys matching
    /// `pattern`. With a `json_path`, the geometry is read there (`[x, y]`
    /// a point, `[[min...], [max...]]` a box, `{"x":..,"y":..}` a point, a
    /// string rect text); with `None` the whole value is rect text
    /// (`[x y]` or `[x y],[x y]`; see [`Point`](crate::Point)'s and
    /// [`Rect`](crate::Rect)'s `Display`). An existing key whose geometry
    /// cannot be read makes it fail with [`Error::InvalidArg`].
    ///
    /// ```
    /// # use store::{Ops, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("where", "player:*", Some("pos")).unwrap();
    /// db.set("player:1", r#"{"pos":[3,4]}"#).unwrap();
    /// let hits = db.nearby("where", &Point::new(&[0.0, 0.0]).unwrap(), 1, None).unwrap();
    /// assert_eq!(hits.first().unwrap().distance(), 5.0);
    /// ```
    pub fn create_spatial_index(&self, name: &str, pattern: &str, json_path: Option<&str>) -> Result<()> {
        query::create_spatial_index(self.h, name, pattern, json_path)
    }

    /// Removes an index (its items stay). An unknown name is
    /// [`Error::NoIndex`].
    ///
    /// ```
    /// # use store::{Error, IndexKind, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_index("i", "*", IndexKind::Binary).unwrap();
    /// db.drop_index("i").unwrap();
    /// assert!(matches!(db.drop_index("i"), Err(Error::NoIndex(_))));
    /// ```
    pub fn drop_index(&self, name: &str) -> Result<()> {
        query::drop_index(self.h, name)
    }

    /// Rewrites the database file with only its live items; reads and
    /// writes go on meanwhile, the caller blocks until done. Does nothing
    /// in memory. If a shrink is already running (the automatic one, or
    /// another thread's), it waits for it and then runs its own: `Ok`
    /// means the file was compacted.
    ///
    /// ```
    /// let db = store::Store::open_in_memory().unwrap();
    /// db.shrink().unwrap();
    /// ```
    pub fn shrink(&self) -> Result<()> {
        // SAFETY: store_shrink checks the handle.
        check_ok(unsafe { sys::store_shrink(self.h) })
    }

    /// Writes a snapshot of every live item to the file at `path`,
    /// atomically. Writers wait while it runs.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// let snap = std::env::temp_dir().join(format!("store-doc-save-{}.snap", std::process::id()));
    /// db.save(&snap).unwrap();
    /// let copy = Store::open_in_memory().unwrap();
    /// copy.load(&snap).unwrap();
    /// assert_eq!(copy.get("k").unwrap().unwrap(), "v");
    /// # std::fs::remove_file(&snap).unwrap();
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path_c_string(path.as_ref())?;
        // SAFETY: path is NUL-terminated.
        check_ok(unsafe { sys::store_save(self.h, path.as_ptr()) })
    }

    /// Adds every item of a snapshot written by [`save`](Store::save), in
    /// one transaction: all of it, or nothing on a malformed snapshot
    /// ([`Error::Corrupt`]) or an item a spatial index cannot read.
    ///
    /// ```
    /// # use store::{Error, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// assert!(matches!(db.load("/nonexistent/snapshot"), Err(Error::Io(_))));
    /// ```
    pub fn load(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path_c_string(path.as_ref())?;
        // SAFETY: path is NUL-terminated.
        check_ok(unsafe { sys::store_load(self.h, path.as_ptr()) })
    }
}

#[cfg(unix)]
fn path_c_string(p: &Path) -> Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::ffi::CString::new(p.as_os_str().as_bytes())?)
}

#[cfg(not(unix))]
fn path_c_string(p: &Path) -> Result<std::ffi::CString> {
    let s = p.to_str().ok_or_else(|| Error::invalid(format!("path {} is not UTF-8", p.display())))?;
    c_string(s)
}

fn open_raw(path: &Path, options: Option<sys::store_options>) -> Result<Store> {
    // SAFETY: takes nothing, never fails.
    let library = unsafe { sys::store_abi_version() };
    if library != sys::STORE_ABI_VERSION {
        return Err(Error::AbiMismatch { library, expected: sys::STORE_ABI_VERSION });
    }
    let path = path_c_string(path)?;
    let opts = options.as_ref().map_or(std::ptr::null(), |o| o as *const sys::store_options);
    let mut h: sys::store_t = 0;
    // SAFETY: path is NUL-terminated; opts is NULL or points at a live
    // store_options; h is a live store_t.
    check_ok(unsafe { sys::store_open(path.as_ptr(), opts, &mut h) })?;
    if h == 0 {
        return Err(Error::Internal("store_open succeeded with handle 0".into()));
    }
    Ok(Store { h })
}

impl Ops for Store {
    fn raw_handle(&self) -> sys::store_t {
        self.h
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // SAFETY: store_close checks the handle; errors have nowhere to go
        // (close() reports them).
        let _ = unsafe { sys::store_close(self.h) };
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("handle", &self.h).finish()
    }
}
