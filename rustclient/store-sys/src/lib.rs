//! Raw FFI declarations for `libstore.so`, matching `include/store.h`.
//!
//! Every item here mirrors the C header one to one; read the header for the
//! full contract of each function. The safe wrapper is the `store` crate.
//!
//! # Linking
//!
//! The build script links `libstore.so` from `STORE_LIB_DIR` when that is
//! set, and otherwise builds it from the repository's Go sources. It sets
//! an rpath for this crate's own targets and exports the directory as
//! `DEP_STORE_LIB_DIR` to the build scripts of crates that depend on this
//! one directly. A binary crate that wants to run without `LD_LIBRARY_PATH`
//! depends on `store-sys` and adds a `build.rs` like this:
//!
//! ```no_run
//! // build.rs
//! if let Ok(dir) = std::env::var("DEP_STORE_LIB_DIR") {
//!     println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
//! }
//! ```
//!
//! # Example
//!
//! ```
//! use store_sys::*;
//! // SAFETY: store_abi_version takes nothing and never fails.
//! assert_eq!(unsafe { store_abi_version() }, STORE_ABI_VERSION);
//! ```
#![no_std]
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int};

/// The ABI this crate was written against; compare with [`store_abi_version`].
pub const STORE_ABI_VERSION: u32 = 2;

/// A database or transaction handle. 0 is never a valid handle.
pub type store_t = u64;

/// A status code: 0 success, 1 a miss, negative values errors.
pub type store_status = i32;

/// Success.
pub const STORE_OK: store_status = 0;
/// The key is not there (or has expired).
pub const STORE_NOT_FOUND: store_status = 1;
/// NULL where not allowed, bad geometry, bad option.
pub const STORE_ERR_INVALID_ARG: store_status = -1;
/// 0, unknown, closed or finished handle.
pub const STORE_ERR_BAD_HANDLE: store_status = -2;
/// The database was closed during the call.
pub const STORE_ERR_CLOSED: store_status = -3;
/// A write through a read-only transaction.
pub const STORE_ERR_TX_READ_ONLY: store_status = -4;
/// The transaction ended during the call.
pub const STORE_ERR_TX_CLOSED: store_status = -5;
/// An index of that name has another definition.
pub const STORE_ERR_INDEX_EXISTS: store_status = -6;
/// No such index, or one of the wrong kind.
pub const STORE_ERR_NO_INDEX: store_status = -7;
/// A database-level call from a thread holding a transaction.
pub const STORE_ERR_WOULD_DEADLOCK: store_status = -8;
/// The operating system refused a read or write.
pub const STORE_ERR_IO: store_status = -9;
/// A file or snapshot that is not a valid store.
pub const STORE_ERR_CORRUPT: store_status = -10;
/// File held by another store, transaction open at close.
pub const STORE_ERR_BUSY: store_status = -11;
/// A bug in the library, caught.
pub const STORE_ERR_INTERNAL: store_status = -12;
/// A key, value, batch or result over the store's limits.
pub const STORE_ERR_LIMIT: store_status = -13;
/// A caller's buffer cannot hold the result; the size needed is reported.
pub const STORE_ERR_BUFFER_TOO_SMALL: store_status = -14;

/// Default largest key, bytes.
pub const STORE_DEFAULT_MAX_KEY_SIZE: i64 = 64 * 1024;
/// Default largest value, bytes.
pub const STORE_DEFAULT_MAX_VALUE_SIZE: i64 = 64 * 1024 * 1024;
/// Default largest result buffer, bytes.
pub const STORE_DEFAULT_MAX_RESULT_SIZE: i64 = 1024 * 1024 * 1024;
/// Default most items, keys or queries in one batch call.
pub const STORE_DEFAULT_MAX_BATCH_ITEMS: i64 = 16 * 1024 * 1024;

/// Leave flushing to the OS.
pub const STORE_SYNC_NEVER: i32 = 0;
/// fsync once a second (the default).
pub const STORE_SYNC_EVERY_SECOND: i32 = 1;
/// fsync before every commit returns.
pub const STORE_SYNC_ALWAYS: i32 = 2;

/// Case-insensitive text index.
pub const STORE_INDEX_STRING: i32 = 0;
/// Bytes index, memcmp order.
pub const STORE_INDEX_BINARY: i32 = 1;
/// Signed decimal integer index.
pub const STORE_INDEX_INT: i32 = 2;
/// Unsigned decimal integer index.
pub const STORE_INDEX_UINT: i32 = 3;
/// Decimal floating point index.
pub const STORE_INDEX_FLOAT: i32 = 4;
/// The value at a gjson path, case-insensitive.
pub const STORE_INDEX_JSON: i32 = 5;
/// The value at a gjson path, case-sensitive.
pub const STORE_INDEX_JSON_CASE_SENSITIVE: i32 = 6;

/// `store_scan` flag: walk from the high end of the range down.
pub const STORE_SCAN_DESC: i32 = 1;

/// The largest number of dimensions of a spatial index.
pub const STORE_MAX_DIMS: usize = 20;

/// `val_len` of a missing key in a `store_get_many` result.
pub const STORE_MISSING: u32 = 0xFFFF_FFFF;
/// Bytes before each hit's key in a result buffer.
pub const STORE_HIT_HEADER: usize = 16;
/// `store_ttl`, `store_ttl_many`: the key never expires.
pub const STORE_TTL_NEVER: i64 = -1;
/// `store_ttl_many`: the key is missing or expired.
pub const STORE_TTL_MISSING: i64 = -2;

/// Options for [`store_open`]. Fill with [`store_options_default`], then change.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct store_options {
    /// `STORE_SYNC_*`; ignored in memory.
    pub sync_policy: i32,
    /// Rewrite the file when it grew this much (percent) since the last rewrite; >= 0.
    pub auto_shrink_percentage: i32,
    /// No background rewrite below this many bytes; >= 0.
    pub auto_shrink_min_size: i64,
    /// Non-zero: no background rewrite.
    pub auto_shrink_disabled: i32,
    /// Largest key a write takes, bytes; 0: the default (ABI 2).
    pub max_key_size: i64,
    /// Largest value a write takes, bytes; 0: the default.
    pub max_value_size: i64,
    /// Largest result buffer one call builds, bytes; 0: the default.
    pub max_result_size: i64,
    /// Most items, keys or queries one batch call takes; 0: the default.
    pub max_batch_items: i64,
}

/// Bytes owned by the caller once returned; release with [`store_bytes_free`].
#[repr(C)]
#[derive(Debug)]
pub struct store_bytes {
    /// Never NULL for a returned buffer, even when `len` is 0.
    pub ptr: *mut u8,
    /// The number of bytes at `ptr`.
    pub len: usize,
}

impl Default for store_bytes {
    fn default() -> Self {
        store_bytes { ptr: core::ptr::null_mut(), len: 0 }
    }
}

/// One item for [`store_set_many`] (key, value, ttl) and
/// [`store_get_many`] (key only).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct store_kv {
    /// Key bytes (may be NULL when `key_len` is 0).
    pub key: *const u8,
    /// Length of the key.
    pub key_len: usize,
    /// Value bytes (may be NULL when `val_len` is 0).
    pub val: *const u8,
    /// Length of the value.
    pub val_len: usize,
    /// Time to live in milliseconds; <= 0: no expiry.
    pub ttl_ms: i64,
}

/// A fence over a fixed box (`store_create_fence_box`).
pub const STORE_FENCE_BOX: i32 = 0;
/// A fence within a radius of a fixed point (`store_create_fence_radius`).
pub const STORE_FENCE_RADIUS: i32 = 1;
/// A fence within a radius of a key's item, wherever it moves
/// (`store_create_fence_roam`).
pub const STORE_FENCE_ROAM: i32 = 2;
/// An event's kind: the key came into the fence.
pub const STORE_EVENT_ENTER: u8 = 1;
/// An event's kind: the key left the fence.
pub const STORE_EVENT_EXIT: u8 = 2;
/// Events a database queues until polled, until `store_set_event_capacity`.
pub const STORE_EVENT_CAPACITY_DEFAULT: usize = 65536;
/// The largest capacity `store_set_event_capacity` takes.
pub const STORE_EVENT_CAPACITY_MAX: usize = 16777216;
/// Bytes before the first event of a `store_poll_events` buffer: `u32
/// count, u64 lost`.
pub const STORE_EVENTS_HEADER: usize = 12;
/// Bytes of one event's header: `u8 kind, i64 time, u32 fence_len, u32
/// key_len`; the fence name and the key follow.
pub const STORE_EVENT_HEADER: usize = 17;

unsafe extern "C" {
    /// The ABI version of the loaded library. Never fails, never blocks.
    ///
    /// # Safety
    /// Always safe to call; `unsafe` only because it is foreign.
    pub fn store_abi_version() -> u32;

    /// The static name of a status code, or "STORE_UNKNOWN_STATUS".
    ///
    /// # Safety
    /// Always safe to call; the returned string is static and must not be freed.
    pub fn store_status_name(status: store_status) -> *const c_char;

    /// Copies the calling thread's last error message into `buf` and
    /// returns its full length.
    ///
    /// # Safety
    /// `buf` must be NULL (with any `cap`) or valid for `cap` bytes of writes.
    pub fn store_last_error(buf: *mut c_char, cap: usize) -> usize;

    /// Releases a buffer the library returned and zeroes `*b`.
    ///
    /// # Safety
    /// `b` must be NULL or point to a valid, writable `store_bytes`.
    pub fn store_bytes_free(b: *mut store_bytes);

    /// The number of buffers returned and not yet freed, process-wide.
    ///
    /// # Safety
    /// Always safe to call.
    pub fn store_outstanding_buffers() -> u64;

    /// Fills `*o` with the default options. NULL-safe.
    ///
    /// # Safety
    /// `o` must be NULL or point to a writable `store_options`.
    pub fn store_options_default(o: *mut store_options);

    /// Opens a file store at `path`, or one in memory for ":memory:".
    ///
    /// # Safety
    /// `path` must be NULL or a NUL-terminated string; `o` NULL or a valid
    /// `store_options`; `out` NULL or writable.
    pub fn store_open(path: *const c_char, o: *const store_options, out: *mut store_t) -> store_status;

    /// Flushes and closes the database.
    ///
    /// # Safety
    /// Always safe: any handle value is checked.
    pub fn store_close(db: store_t) -> store_status;

    /// Stores the value under the key; `ttl_ms > 0` makes it expire.
    ///
    /// # Safety
    /// `k` must be valid for `kl` bytes and `v` for `vl` bytes (or NULL with length 0).
    pub fn store_set(h: store_t, k: *const u8, kl: usize, v: *const u8, vl: usize, ttl_ms: i64) -> store_status;

    /// Copies the value under the key into `*val`.
    ///
    /// # Safety
    /// `k` must be valid for `kl` bytes (or NULL with 0); `val` NULL or writable.
    pub fn store_get(h: store_t, k: *const u8, kl: usize, val: *mut store_bytes) -> store_status;

    /// Removes the key.
    ///
    /// # Safety
    /// `k` must be valid for `kl` bytes (or NULL with 0).
    pub fn store_delete(h: store_t, k: *const u8, kl: usize) -> store_status;

    /// Writes the key's remaining time to live in ms, or -1 for none.
    ///
    /// # Safety
    /// `k` must be valid for `kl` bytes (or NULL with 0); `ttl_ms` NULL or writable.
    pub fn store_ttl(h: store_t, k: *const u8, kl: usize, ttl_ms: *mut i64) -> store_status;

    /// Writes `n` items in one transaction.
    ///
    /// # Safety
    /// `items` must be valid for `n` elements (or NULL with 0), each
    /// pointing at valid bytes of its stated lengths.
    pub fn store_set_many(h: store_t, items: *const store_kv, n: usize) -> store_status;

    /// Looks up `n` keys and returns one result buffer.
    ///
    /// # Safety
    /// `keys` must be valid for `n` elements (or NULL with 0), each key
    /// valid for its length; `out` NULL or writable.
    pub fn store_get_many(h: store_t, keys: *const store_kv, n: usize, out: *mut store_bytes) -> store_status;

    /// Copies the value under the key into `buf` (`cap` bytes) and writes
    /// its length to `*val_len`; `STORE_ERR_BUFFER_TOO_SMALL` (nothing
    /// written, `*val_len` the size needed) when it does not fit.
    ///
    /// # Safety
    /// `k` must be valid for `kl` bytes (or NULL with 0), `buf` valid for
    /// `cap` bytes of writes (or NULL with 0), `val_len` a valid pointer.
    pub fn store_get_into(
        h: store_t,
        k: *const u8,
        kl: usize,
        buf: *mut u8,
        cap: usize,
        val_len: *mut usize,
    ) -> store_status;

    /// `store_get_many` into `buf` (`cap` bytes); `*len` gets the size of
    /// the result, needed or written.
    ///
    /// # Safety
    /// `keys` must be valid for `n` elements (or NULL with 0), each key
    /// pointing at valid bytes; `buf` valid for `cap` bytes of writes (or
    /// NULL with 0); `len` a valid pointer.
    pub fn store_get_many_into(
        h: store_t,
        keys: *const store_kv,
        n: usize,
        buf: *mut u8,
        cap: usize,
        len: *mut usize,
    ) -> store_status;

    /// The TTLs of `n` keys in milliseconds into `ttl_ms[0..n]`:
    /// [`STORE_TTL_NEVER`] for no expiry, [`STORE_TTL_MISSING`] for a
    /// missing key.
    ///
    /// # Safety
    /// `keys` must be valid for `n` elements (or NULL with 0), each key
    /// pointing at valid bytes; `ttl_ms` valid for `n` writes (or NULL with 0).
    pub fn store_ttl_many(h: store_t, keys: *const store_kv, n: usize, ttl_ms: *mut i64) -> store_status;

    /// Removes the keys that are there in one transaction; `*deleted` gets
    /// how many.
    ///
    /// # Safety
    /// `keys` must be valid for `n` elements (or NULL with 0), each key
    /// valid for its length; `deleted` NULL or writable.
    pub fn store_delete_many(h: store_t, keys: *const store_kv, n: usize, deleted: *mut u64) -> store_status;

    /// Begins a transaction, read-only when `writable` is 0.
    ///
    /// # Safety
    /// `tx` must be NULL or writable.
    pub fn store_begin(db: store_t, writable: c_int, tx: *mut store_t) -> store_status;

    /// Commits and releases the transaction.
    ///
    /// # Safety
    /// Always safe: any handle value is checked.
    pub fn store_commit(tx: store_t) -> store_status;

    /// Rolls back and releases the transaction.
    ///
    /// # Safety
    /// Always safe: any handle value is checked.
    pub fn store_rollback(tx: store_t) -> store_status;

    /// Builds an ordered index.
    ///
    /// # Safety
    /// `name` and `pattern` must be NULL or NUL-terminated; `json_path`
    /// NULL or NUL-terminated.
    pub fn store_create_index(
        db: store_t,
        name: *const c_char,
        pattern: *const c_char,
        kind: i32,
        json_path: *const c_char,
    ) -> store_status;

    /// Builds a spatial (R-tree) index.
    ///
    /// # Safety
    /// `name`, `pattern` and `json_path` must each be NULL or NUL-terminated.
    pub fn store_create_spatial_index(
        db: store_t,
        name: *const c_char,
        pattern: *const c_char,
        json_path: *const c_char,
    ) -> store_status;

    /// Removes an index (its items stay).
    ///
    /// # Safety
    /// `name` must be NULL or NUL-terminated.
    pub fn store_drop_index(db: store_t, name: *const c_char) -> store_status;

    /// Returns the items with `lo <= v < hi` in index order.
    ///
    /// # Safety
    /// `index` must be NULL or NUL-terminated; `lo`/`hi` NULL or valid for
    /// `lol`/`hil` bytes; `out` NULL or writable.
    pub fn store_scan(
        h: store_t,
        index: *const c_char,
        lo: *const u8,
        lol: usize,
        hi: *const u8,
        hil: usize,
        flags: i32,
        limit: usize,
        out: *mut store_bytes,
    ) -> store_status;

    /// Returns the items whose box touches `min..max`.
    ///
    /// # Safety
    /// `index` must be NULL or NUL-terminated; `min` and `max` NULL or
    /// valid for `dims` doubles; `out` NULL or writable.
    pub fn store_intersects(
        h: store_t,
        index: *const c_char,
        min: *const f64,
        max: *const f64,
        dims: usize,
        limit: usize,
        out: *mut store_bytes,
    ) -> store_status;

    /// Returns the items wholly inside `min..max`.
    ///
    /// # Safety
    /// As [`store_intersects`].
    pub fn store_within(
        h: store_t,
        index: *const c_char,
        min: *const f64,
        max: *const f64,
        dims: usize,
        limit: usize,
        out: *mut store_bytes,
    ) -> store_status;

    /// Returns the items nearest to `point`, nearest first.
    ///
    /// # Safety
    /// `index` must be NULL or NUL-terminated; `point` NULL or valid for
    /// `dims` doubles; `out` NULL or writable.
    pub fn store_nearby(
        h: store_t,
        index: *const c_char,
        point: *const f64,
        dims: usize,
        k: usize,
        max_dist: f64,
        out: *mut store_bytes,
    ) -> store_status;

    /// Runs [`store_intersects`] for each of `nboxes` boxes in one read and
    /// returns every query's result, in order, in one buffer: per query a
    /// `u32` count and its hits. Box `q` is `mins[q*dims..][..dims]` to
    /// `maxs[q*dims..][..dims]`.
    ///
    /// # Safety
    /// `index` must be NULL or NUL-terminated; `mins` and `maxs` NULL or
    /// valid for `dims * nboxes` doubles each (they may be NULL when
    /// `nboxes` is 0); `out` NULL or writable.
    pub fn store_intersects_many(
        h: store_t,
        index: *const c_char,
        mins: *const f64,
        maxs: *const f64,
        dims: usize,
        nboxes: usize,
        limit: usize,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_intersects_many`] for the items wholly inside each box.
    ///
    /// # Safety
    /// As [`store_intersects_many`].
    pub fn store_within_many(
        h: store_t,
        index: *const c_char,
        mins: *const f64,
        maxs: *const f64,
        dims: usize,
        nboxes: usize,
        limit: usize,
        out: *mut store_bytes,
    ) -> store_status;

    /// Runs [`store_nearby`] for each of `npoints` points (row-major,
    /// `dims` values each) in one read, with the same `k` and `max_dist`,
    /// and returns every query's result, in order, in one buffer.
    ///
    /// # Safety
    /// `index` must be NULL or NUL-terminated; `points` NULL or valid for
    /// `dims * npoints` doubles (it may be NULL when `npoints` is 0); `out`
    /// NULL or writable.
    pub fn store_nearby_many(
        h: store_t,
        index: *const c_char,
        points: *const f64,
        dims: usize,
        npoints: usize,
        k: usize,
        max_dist: f64,
        out: *mut store_bytes,
    ) -> store_status;

    /// Returns every pair of items of a spatial index at most `max_dist`
    /// apart, each pair as two consecutive hits (A, B) carrying the pair's
    /// distance; `pattern` NULL or `""` means every pair.
    ///
    /// # Safety
    /// `index` and `pattern` must be NULL or NUL-terminated; `out` NULL or
    /// writable.
    pub fn store_pairs(
        h: store_t,
        index: *const c_char,
        max_dist: f64,
        pattern: *const c_char,
        out: *mut store_bytes,
    ) -> store_status;

    /// Writes the number of items to `*n`.
    ///
    /// # Safety
    /// `n` must be NULL or writable.
    pub fn store_len(h: store_t, n: *mut u64) -> store_status;

    /// Rewrites the database file with only its live items.
    ///
    /// # Safety
    /// Always safe: any handle value is checked.
    pub fn store_shrink(db: store_t) -> store_status;

    /// Writes a snapshot of every live item to `path`, atomically.
    ///
    /// # Safety
    /// `path` must be NULL or NUL-terminated.
    pub fn store_save(db: store_t, path: *const c_char) -> store_status;

    /// Adds every item of a snapshot file, all or nothing.
    ///
    /// # Safety
    /// `path` must be NULL or NUL-terminated.
    pub fn store_load(db: store_t, path: *const c_char) -> store_status;

    /// Defines a fence over the items of a spatial index that touch the
    /// box `min..max` (`dims` values each); `pattern` NULL or `""` means
    /// every key.
    ///
    /// # Safety
    /// `name`, `index` and `pattern` must be NULL or NUL-terminated; `min`
    /// and `max` NULL or valid for `dims` doubles.
    pub fn store_create_fence_box(
        db: store_t,
        name: *const c_char,
        index: *const c_char,
        pattern: *const c_char,
        min: *const f64,
        max: *const f64,
        dims: usize,
    ) -> store_status;

    /// Defines a fence over the items within `radius` of `center`.
    ///
    /// # Safety
    /// As [`store_create_fence_box`]; `center` NULL or valid for `dims`
    /// doubles.
    pub fn store_create_fence_radius(
        db: store_t,
        name: *const c_char,
        index: *const c_char,
        pattern: *const c_char,
        center: *const f64,
        dims: usize,
        radius: f64,
    ) -> store_status;

    /// Defines a roaming fence over the items within `radius` of the item
    /// under `key`, following it.
    ///
    /// # Safety
    /// As [`store_create_fence_box`]; `key` NULL (with `key_len` 0) or
    /// valid for `key_len` bytes.
    pub fn store_create_fence_roam(
        db: store_t,
        name: *const c_char,
        index: *const c_char,
        pattern: *const c_char,
        key: *const u8,
        key_len: usize,
        radius: f64,
    ) -> store_status;

    /// Removes a fence; `STORE_NOT_FOUND` if there is none of that name.
    ///
    /// # Safety
    /// `name` must be NULL or NUL-terminated.
    pub fn store_drop_fence(db: store_t, name: *const c_char) -> store_status;

    /// Takes up to `max` (0: all) of the oldest queued fence events into
    /// one buffer: `u32 count, u64 lost`, then per event `u8 kind, i64
    /// time_ns, u32 fence_len, u32 key_len`, the fence name, the key.
    ///
    /// # Safety
    /// `out` must be NULL or writable.
    pub fn store_poll_events(db: store_t, max: usize, out: *mut store_bytes) -> store_status;

    /// Sets how many events the database queues until polled.
    ///
    /// # Safety
    /// Always safe: any handle value is checked.
    pub fn store_set_event_capacity(db: store_t, capacity: usize) -> store_status;
}

// ---- Query options, field updates, index listing (issue 14) ----------------

/// Query option flag: hits carry `val_len` 0 and no value bytes.
pub const STORE_QUERY_KEYS_ONLY: u32 = 2;
/// Query option flag: the buffer holds only each query's u32 count.
pub const STORE_QUERY_COUNT_ONLY: u32 = 4;
/// `store_scan` flag: `lo` is a prefix and `hi` must be NULL.
pub const STORE_SCAN_PREFIX: i32 = 8;
/// Condition: the field is the number `min`.
pub const STORE_WHERE_EQ: i32 = 0;
/// Condition: the field is a number in `[min, max]`.
pub const STORE_WHERE_RANGE: i32 = 1;
/// Condition: the field is the string `str`.
pub const STORE_WHERE_STR_EQ: i32 = 2;
/// Condition: the field is a string in `[str, str_max]`, bytewise.
pub const STORE_WHERE_STR_RANGE: i32 = 3;
/// Condition: the field is there.
pub const STORE_WHERE_EXISTS: i32 = 4;
/// Field update: set the field to `val` (JSON text).
pub const STORE_FIELD_SET: i32 = 0;
/// Field update: add `delta` to the number there.
pub const STORE_FIELD_INCR: i32 = 1;
/// Field update: remove the field.
pub const STORE_FIELD_DELETE: i32 = 2;
/// The kind `store_indexes` reports for a spatial index.
pub const STORE_INDEX_SPATIAL: i32 = 100;

/// One condition on a field of a JSON value (see `store.h`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct store_where {
    /// gjson path, NUL-terminated.
    pub path: *const c_char,
    /// `STORE_WHERE_*`.
    pub op: i32,
    /// Number bound (or the number, for `STORE_WHERE_EQ`).
    pub min: f64,
    /// Number bound.
    pub max: f64,
    /// String (low bound).
    pub str: *const u8,
    /// Its length.
    pub str_len: usize,
    /// String high bound.
    pub str_max: *const u8,
    /// Its length.
    pub str_max_len: usize,
}

/// Options of the `_ex` queries (see `store.h`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct store_query_opts {
    /// `STORE_QUERY_*` (and `STORE_SCAN_DESC` for `store_scan_ex`).
    pub flags: u32,
    /// Key pattern, NUL-terminated, or NULL for any key.
    pub match_: *const c_char,
    /// `where_len` conditions, all must hold.
    pub where_: *const store_where,
    /// The number of conditions.
    pub where_len: usize,
}

/// One change of [`store_update_fields`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct store_field_update {
    /// Key bytes.
    pub key: *const u8,
    /// Key length.
    pub key_len: usize,
    /// sjson path, NUL-terminated.
    pub path: *const c_char,
    /// `STORE_FIELD_*`.
    pub op: i32,
    /// `STORE_FIELD_SET`: the new value as JSON text.
    pub val: *const u8,
    /// Its length.
    pub val_len: usize,
    /// `STORE_FIELD_INCR`: what to add.
    pub delta: f64,
}

unsafe extern "C" {
    /// [`store_scan`] with query options (`opts` may be NULL).
    ///
    /// # Safety
    /// As [`store_scan`]; `opts` NULL or pointing to a valid
    /// `store_query_opts` whose pointers are valid as `store.h` says.
    pub fn store_scan_ex(
        h: store_t,
        index: *const c_char,
        lo: *const u8,
        lol: usize,
        hi: *const u8,
        hil: usize,
        flags: i32,
        limit: usize,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_intersects`] with query options.
    ///
    /// # Safety
    /// As [`store_intersects`]; `opts` as in [`store_scan_ex`].
    pub fn store_intersects_ex(
        h: store_t,
        index: *const c_char,
        min: *const f64,
        max: *const f64,
        dims: usize,
        limit: usize,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_within`] with query options.
    ///
    /// # Safety
    /// As [`store_within`]; `opts` as in [`store_scan_ex`].
    pub fn store_within_ex(
        h: store_t,
        index: *const c_char,
        min: *const f64,
        max: *const f64,
        dims: usize,
        limit: usize,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_nearby`] with query options: the k nearest items that pass.
    ///
    /// # Safety
    /// As [`store_nearby`]; `opts` as in [`store_scan_ex`].
    pub fn store_nearby_ex(
        h: store_t,
        index: *const c_char,
        point: *const f64,
        dims: usize,
        k: usize,
        max_dist: f64,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_intersects_many`] with query options.
    ///
    /// # Safety
    /// As [`store_intersects_many`]; `opts` as in [`store_scan_ex`].
    pub fn store_intersects_many_ex(
        h: store_t,
        index: *const c_char,
        mins: *const f64,
        maxs: *const f64,
        dims: usize,
        nboxes: usize,
        limit: usize,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_within_many`] with query options.
    ///
    /// # Safety
    /// As [`store_within_many`]; `opts` as in [`store_scan_ex`].
    pub fn store_within_many_ex(
        h: store_t,
        index: *const c_char,
        mins: *const f64,
        maxs: *const f64,
        dims: usize,
        nboxes: usize,
        limit: usize,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// [`store_nearby_many`] with query options.
    ///
    /// # Safety
    /// As [`store_nearby_many`]; `opts` as in [`store_scan_ex`].
    pub fn store_nearby_many_ex(
        h: store_t,
        index: *const c_char,
        points: *const f64,
        dims: usize,
        npoints: usize,
        k: usize,
        max_dist: f64,
        opts: *const store_query_opts,
        out: *mut store_bytes,
    ) -> store_status;

    /// Sets the field at `path` of the JSON value under the key to `json`.
    ///
    /// # Safety
    /// `k` valid for `kl` bytes (or NULL with 0), `path` NULL or
    /// NUL-terminated, `json` valid for `json_len` bytes (or NULL with 0).
    pub fn store_set_field(
        h: store_t,
        k: *const u8,
        kl: usize,
        path: *const c_char,
        json: *const u8,
        json_len: usize,
    ) -> store_status;

    /// Adds `delta` to the number at `path`; the new number goes to `*out`.
    ///
    /// # Safety
    /// As [`store_set_field`]; `out` NULL or writable.
    pub fn store_incr_field(
        h: store_t,
        k: *const u8,
        kl: usize,
        path: *const c_char,
        delta: f64,
        out: *mut f64,
    ) -> store_status;

    /// Removes the field at `path`.
    ///
    /// # Safety
    /// As [`store_set_field`].
    pub fn store_delete_field(h: store_t, k: *const u8, kl: usize, path: *const c_char) -> store_status;

    /// Applies `n` field updates in one transaction, all or none.
    ///
    /// # Safety
    /// `ups` NULL (with `n` 0) or valid for `n` items whose pointers are
    /// valid as [`store_set_field`] says.
    pub fn store_update_fields(h: store_t, ups: *const store_field_update, n: usize) -> store_status;

    /// Returns every index definition in one buffer (see `store.h`).
    ///
    /// # Safety
    /// `out` NULL or writable.
    pub fn store_indexes(h: store_t, out: *mut store_bytes) -> store_status;
}
