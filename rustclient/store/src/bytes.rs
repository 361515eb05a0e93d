//! [`Bytes`]: a buffer the library returned, owned until dropped.

use std::fmt;
use std::ops::Deref;
use std::str::Utf8Error;

use store_sys as sys;

/// Bytes the library returned (a value from [`Ops::get`](crate::Ops::get)).
///
/// It owns its buffer: either the library's `store_bytes`, freed with
/// `store_bytes_free` when dropped, or memory of this crate's that the
/// library wrote into (`store_get_into`). It derefs to `[u8]` without copying.
///
/// ```
/// use store::{Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// db.set("greeting", "hello").unwrap();
/// let v = db.get("greeting").unwrap().unwrap();
/// assert_eq!(&v[..], b"hello");
/// assert_eq!(v.as_str().unwrap(), "hello");
/// assert!(v.starts_with(b"he")); // any [u8] method
/// ```
pub struct Bytes {
    repr: Repr,
}

enum Repr {
    /// A buffer the library allocated: freed with `store_bytes_free`.
    Lib(sys::store_bytes),
    /// Bytes the library wrote into memory this crate allocated.
    Owned(Vec<u8>),
}

// SAFETY: Bytes is the only owner of its buffer (a malloc'd one that nothing
// else references, or a Vec); reading it from several threads is fine and
// the library's store_bytes_free may be called from any thread.
unsafe impl Send for Bytes {}
// SAFETY: as above; &Bytes only allows reads.
unsafe impl Sync for Bytes {}

impl Bytes {
    /// Takes ownership of a buffer the library filled in. A NULL pointer
    /// (never returned on success) is treated as empty.
    pub(crate) fn from_raw(raw: sys::store_bytes) -> Bytes {
        Bytes { repr: Repr::Lib(raw) }
    }

    /// Wraps bytes the library wrote into the crate's own memory.
    pub(crate) fn from_vec(v: Vec<u8>) -> Bytes {
        Bytes { repr: Repr::Owned(v) }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.repr, Repr::Lib(raw) if raw.ptr.is_null())
    }

    /// The bytes, borrowed from the buffer.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", [0u8, 1, 2]).unwrap();
    /// assert_eq!(db.get("k").unwrap().unwrap().as_bytes(), &[0, 1, 2]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        match &self.repr {
            Repr::Owned(v) => v,
            Repr::Lib(raw) if raw.ptr.is_null() => &[],
            // SAFETY: the library returned ptr with len readable bytes; we
            // own the buffer until Drop, and the slice borrows self.
            Repr::Lib(raw) => unsafe { std::slice::from_raw_parts(raw.ptr, raw.len) },
        }
    }

    /// The bytes as UTF-8 text, borrowed.
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", [0xffu8]).unwrap();
    /// assert!(db.get("k").unwrap().unwrap().as_str().is_err());
    /// ```
    pub fn as_str(&self) -> Result<&str, Utf8Error> {
        std::str::from_utf8(self.as_bytes())
    }

    /// The bytes as a `Vec`, without a copy when they are already in
    /// memory this crate owns (as a value from [`Ops::get`](crate::Ops::get) is).
    ///
    /// ```
    /// # use store::{Ops, Store};
    /// # let db = Store::open_in_memory().unwrap();
    /// db.set("k", "v").unwrap();
    /// let v: Vec<u8> = db.get("k").unwrap().unwrap().into_vec();
    /// assert_eq!(v, b"v");
    /// ```
    pub fn into_vec(mut self) -> Vec<u8> {
        match &mut self.repr {
            Repr::Owned(v) => std::mem::take(v),
            Repr::Lib(_) => self.as_bytes().to_vec(),
        }
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        if let Repr::Lib(raw) = &mut self.repr {
            // SAFETY: raw is a store_bytes the library returned (or zeroed);
            // store_bytes_free is NULL-safe and zeroes it, so it runs once.
            unsafe { sys::store_bytes_free(raw) };
        }
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes(b\"{}\")", self.as_bytes().escape_ascii())
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Bytes {}

impl PartialEq<[u8]> for Bytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for Bytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Bytes {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_bytes() == other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Bytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.as_bytes() == *other
    }
}

impl PartialEq<str> for Bytes {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Bytes {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
