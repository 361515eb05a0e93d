//! A safe API over `libstore.so`: an embedded key-value and spatial store
//! (BuntDB's engine behind the C API of `include/store.h`).
//!
//! * [`Store`] is an open database (a file, or in memory); it is `Send +
//!   Sync` and closes when dropped.
//! * [`Tx`] is a transaction borrowed from it; it rolls back when dropped.
//!   [`Store::update`] and [`Store::view`] run a closure in one.
//! * The data methods (`set`, `get`, `scan`, `intersects`, `nearby`, ...)
//!   come from the [`Ops`] trait, implemented by both.
//! * Values come back as [`Bytes`], query results as [`Hits`] and
//!   [`Values`], batch queries (`intersects_many`, `nearby_many`, ...) as
//!   a [`Batch`] and `pairs` as [`Pairs`]: each owns one library buffer and
//!   lends `&[u8]` out of it.
//! * Failures are an [`Error`] carrying the library's message.
//!
//! ```
//! use store::{Ops, Point, Rect, Store};
//!
//! let db = Store::open_in_memory()?;
//! db.create_spatial_index("pos", "player:*", None)?;
//! db.update(|tx| {
//!     tx.set("player:ann", "[1 1]")?;
//!     tx.set("player:bob", "[8 3]")
//! })?;
//! let near = db.nearby("pos", &Point::new(&[0.0, 0.0])?, 1, None)?;
//! assert_eq!(near.first().map(|h| h.key()), Some(&b"player:ann"[..]));
//! let boxed = db.intersects("pos", &Rect::new(&[5.0, 0.0], &[10.0, 5.0])?, 0)?;
//! assert_eq!(boxed.len(), 1);
//! # Ok::<(), store::Error>(())
//! ```
//!
//! # Host process
//!
//! `libstore.so` carries a Go runtime: it is loaded once and never
//! unloaded; do not `fork` without `exec` once it is loaded; signal
//! handlers the program installs must use `SA_ONSTACK`.
#![deny(missing_docs, unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod batch;
mod bytes;
mod error;
mod fence;
mod geometry;
mod ops;
mod read;
mod query;
mod results;
mod store;
mod tx;

pub use crate::batch::{Batch, BatchIter, Pair, Pairs, PairsIter, QueryHits};
pub use crate::bytes::Bytes;
pub use crate::error::{Error, Result, status_name};
pub use crate::fence::{Event, EventKind, Events, EventsIter};
pub use crate::geometry::{MAX_DIMS, Point, Rect};
pub use crate::ops::{Ops, Order, Range, Ttl};
pub use crate::query::{FieldUpdate, Filter, IndexInfo, IndexType};
pub use crate::results::{Entry, Hit, Hits, HitsIter, Values, ValuesIter};
pub use crate::store::{IndexKind, Options, Store, SyncPolicy};
pub use crate::tx::Tx;

/// The raw bindings, re-exported for callers that need a constant or an
/// escape hatch.
///
/// ```
/// assert_eq!(store::sys::STORE_ABI_VERSION, 2);
/// ```
pub use store_sys as sys;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn thread_safety_of_the_types() {
        assert_send_sync::<Store>();
        assert_send_sync::<Bytes>();
        assert_send_sync::<Hits>();
        assert_send_sync::<Values>();
        assert_send_sync::<Batch>();
        assert_send_sync::<Pairs>();
        assert_send_sync::<Error>();
        assert_send_sync::<Events>();
    }
}

// The README's Rust snippet, compiled and run with the doc-tests so that it
// cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
