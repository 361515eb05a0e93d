//! The error type and the status-code plumbing.

use std::ffi::{CStr, NulError};
use std::fmt;
use std::str::Utf8Error;

use store_sys as sys;

/// A `Result` whose error is [`Error`].
///
/// ```
/// fn first() -> store::Result<()> {
///     let _db = store::Store::open_in_memory()?;
///     Ok(())
/// }
/// first().unwrap();
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. The variants named after a status code of
/// `store.h` carry the library's message for the failed call (read with
/// `store_last_error` on the calling thread right after the call).
///
/// ```
/// use store::{Error, Ops, Store};
/// let db = Store::open_in_memory().unwrap();
/// let tx = db.begin_write().unwrap();
/// // The thread holding a write transaction must use it, not the store:
/// match db.set("k", "v") {
///     Err(Error::WouldDeadlock(msg)) => assert!(msg.contains("transaction")),
///     other => panic!("{other:?}"),
/// }
/// tx.rollback().unwrap();
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `STORE_ERR_INVALID_ARG`: a malformed argument, bad geometry, bad option.
    InvalidArg(String),
    /// `STORE_ERR_BAD_HANDLE`: a closed, finished or unknown handle.
    BadHandle(String),
    /// `STORE_ERR_CLOSED`: the database was closed during the call.
    Closed(String),
    /// `STORE_ERR_TX_READ_ONLY`: a write through a read-only transaction.
    TxReadOnly(String),
    /// `STORE_ERR_TX_CLOSED`: the transaction ended during the call.
    TxClosed(String),
    /// `STORE_ERR_INDEX_EXISTS`: an index of that name has another definition.
    IndexExists(String),
    /// `STORE_ERR_NO_INDEX`: no such index, or one of the wrong kind.
    NoIndex(String),
    /// `STORE_ERR_WOULD_DEADLOCK`: a store-level call on the thread that
    /// holds an open transaction of that store; use the [`Tx`](crate::Tx).
    WouldDeadlock(String),
    /// `STORE_ERR_IO`: the operating system refused a read or write.
    Io(String),
    /// `STORE_ERR_CORRUPT`: a file or snapshot that is not a valid store.
    Corrupt(String),
    /// `STORE_ERR_BUSY`: file held by another store, transaction open at
    /// close.
    Busy(String),
    /// `STORE_ERR_BUFFER_TOO_SMALL`: a buffer given to the library could not
    /// hold the result. The crate's own calls grow their buffers and retry,
    /// so only a caller of the raw `sys` functions meets it.
    BufferTooSmall(String),
    /// `STORE_ERR_INTERNAL`, or a result buffer this crate could not parse:
    /// a bug in the library or in this crate.
    Internal(String),
    /// `STORE_ERR_LIMIT`: a key, value, batch or result over the store's
    /// limits ([`Options`](crate::Options)); nothing was changed.
    Limit(String),
    /// A status code this crate does not know (a newer library).
    Unknown {
        /// The raw status code.
        status: i32,
        /// The library's message.
        message: String,
    },
    /// An index name, pattern, JSON path or file path holds a NUL byte.
    Nul(NulError),
    /// Text that is not UTF-8 (for callers' own conversions with `?`).
    Utf8(Utf8Error),
    /// The loaded libstore.so speaks another ABI than this crate.
    AbiMismatch {
        /// `store_abi_version()` of the loaded library.
        library: u32,
        /// `STORE_ABI_VERSION` this crate was written for.
        expected: u32,
    },
    /// A value could not be converted to or from JSON.
    #[cfg(feature = "serde")]
    Json(serde_json::Error),
}

impl Error {
    /// The `store.h` status code behind the error, or `None` for the
    /// errors this crate raises itself (NUL, UTF-8, ABI, JSON).
    ///
    /// ```
    /// use store::{Error, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// let err = db.drop_index("nope").unwrap_err();
    /// assert_eq!(err.status(), Some(store_sys::STORE_ERR_NO_INDEX));
    /// ```
    pub fn status(&self) -> Option<i32> {
        Some(match self {
            Error::InvalidArg(_) => sys::STORE_ERR_INVALID_ARG,
            Error::BadHandle(_) => sys::STORE_ERR_BAD_HANDLE,
            Error::Closed(_) => sys::STORE_ERR_CLOSED,
            Error::TxReadOnly(_) => sys::STORE_ERR_TX_READ_ONLY,
            Error::TxClosed(_) => sys::STORE_ERR_TX_CLOSED,
            Error::IndexExists(_) => sys::STORE_ERR_INDEX_EXISTS,
            Error::NoIndex(_) => sys::STORE_ERR_NO_INDEX,
            Error::WouldDeadlock(_) => sys::STORE_ERR_WOULD_DEADLOCK,
            Error::Io(_) => sys::STORE_ERR_IO,
            Error::Corrupt(_) => sys::STORE_ERR_CORRUPT,
            Error::Busy(_) => sys::STORE_ERR_BUSY,
            Error::Internal(_) => sys::STORE_ERR_INTERNAL,
            Error::Limit(_) => sys::STORE_ERR_LIMIT,
            Error::BufferTooSmall(_) => sys::STORE_ERR_BUFFER_TOO_SMALL,
            Error::Unknown { status, .. } => *status,
            _ => return None,
        })
    }

    /// Builds the error for a failed call's status, reading the calling
    /// thread's last error message. Call it right after the failing call.
    pub(crate) fn from_status(status: i32) -> Error {
        let message = last_error();
        match status {
            sys::STORE_ERR_INVALID_ARG => Error::InvalidArg(message),
            sys::STORE_ERR_BAD_HANDLE => Error::BadHandle(message),
            sys::STORE_ERR_CLOSED => Error::Closed(message),
            sys::STORE_ERR_TX_READ_ONLY => Error::TxReadOnly(message),
            sys::STORE_ERR_TX_CLOSED => Error::TxClosed(message),
            sys::STORE_ERR_INDEX_EXISTS => Error::IndexExists(message),
            sys::STORE_ERR_NO_INDEX => Error::NoIndex(message),
            sys::STORE_ERR_WOULD_DEADLOCK => Error::WouldDeadlock(message),
            sys::STORE_ERR_IO => Error::Io(message),
            sys::STORE_ERR_CORRUPT => Error::Corrupt(message),
            sys::STORE_ERR_BUSY => Error::Busy(message),
            sys::STORE_ERR_INTERNAL => Error::Internal(message),
            sys::STORE_ERR_LIMIT => Error::Limit(message),
            sys::STORE_ERR_BUFFER_TOO_SMALL => Error::BufferTooSmall(message),
            status => Error::Unknown { status, message },
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidArg(message.into())
    }
}

/// The calling thread's last error message from the library.
fn last_error() -> String {
    // SAFETY: a NULL buffer with capacity 0 only asks for the length.
    let len = unsafe { sys::store_last_error(std::ptr::null_mut(), 0) };
    let mut buf = vec![0u8; len.saturating_add(1)];
    // SAFETY: buf is valid for buf.len() bytes of writes.
    unsafe { sys::store_last_error(buf.as_mut_ptr().cast(), buf.len()) };
    // The function NUL-terminates within cap; take what sits before the NUL.
    let text = CStr::from_bytes_until_nul(&buf).map(CStr::to_bytes).unwrap_or_default();
    String::from_utf8_lossy(text).into_owned()
}

/// The static name of a status code, e.g. `"STORE_ERR_IO"`.
///
/// ```
/// assert_eq!(store::status_name(0), "STORE_OK");
/// assert_eq!(store::status_name(12345), "STORE_UNKNOWN_STATUS");
/// ```
pub fn status_name(status: i32) -> &'static str {
    // SAFETY: store_status_name accepts any value and returns a pointer to a
    // static NUL-terminated string that lives as long as the library, which
    // is never unloaded.
    let name = unsafe { sys::store_status_name(status) };
    if name.is_null() {
        return "STORE_UNKNOWN_STATUS";
    }
    // SAFETY: non-NULL, NUL-terminated and static, as above.
    let name = unsafe { CStr::from_ptr(name) };
    name.to_str().unwrap_or("STORE_UNKNOWN_STATUS")
}

/// Maps a status to `Ok(true)` (OK), `Ok(false)` (NOT_FOUND) or the error.
pub(crate) fn check(status: i32) -> Result<bool> {
    match status {
        sys::STORE_OK => Ok(true),
        sys::STORE_NOT_FOUND => Ok(false),
        st => Err(Error::from_status(st)),
    }
}

/// As [`check`], for calls that never report a miss.
pub(crate) fn check_ok(status: i32) -> Result<()> {
    if check(status)? {
        Ok(())
    } else {
        Err(Error::Internal("the library returned STORE_NOT_FOUND where no miss is possible".into()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArg(m)
            | Error::BadHandle(m)
            | Error::Closed(m)
            | Error::TxReadOnly(m)
            | Error::TxClosed(m)
            | Error::IndexExists(m)
            | Error::NoIndex(m)
            | Error::WouldDeadlock(m)
            | Error::Io(m)
            | Error::Corrupt(m)
            | Error::Busy(m)
            | Error::Internal(m)
            | Error::Limit(m)
            | Error::BufferTooSmall(m) => {
                let name = self.status().map_or("", status_name);
                if m.is_empty() { f.write_str(name) } else { write!(f, "{m} ({name})") }
            }
            Error::Unknown { status, message } => write!(f, "status {status}: {message}"),
            Error::Nul(e) => write!(f, "invalid argument: {e}"),
            Error::Utf8(e) => write!(f, "invalid UTF-8: {e}"),
            Error::AbiMismatch { library, expected } => write!(
                f,
                "libstore.so has ABI version {library}, this crate needs {expected}: rebuild against a matching library"
            ),
            #[cfg(feature = "serde")]
            Error::Json(e) => write!(f, "json: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Nul(e) => Some(e),
            Error::Utf8(e) => Some(e),
            #[cfg(feature = "serde")]
            Error::Json(e) => Some(e),
            _ => None,
        }
    }
}

impl From<NulError> for Error {
    fn from(e: NulError) -> Self {
        Error::Nul(e)
    }
}

impl From<Utf8Error> for Error {
    fn from(e: Utf8Error) -> Self {
        Error::Utf8(e)
    }
}

#[cfg(feature = "serde")]
impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}
