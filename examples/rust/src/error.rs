//! The demo's error: the store's, or a world file it cannot make sense of.

use std::fmt;

/// Everything that ends a run early.
#[derive(Debug)]
pub enum Error {
    /// A call into the store failed; its `Display` carries the library's message.
    Store(store::Error),
    /// Creating or finding the data directory failed.
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        err: std::io::Error,
    },
    /// The store holds something this demo did not write, or lost something it did.
    World(String),
}

/// The demo's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Store(e) => write!(f, "store: {e}"),
            Error::Io { what, err } => write!(f, "{what}: {err}"),
            Error::World(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Store(e) => Some(e),
            Error::Io { err, .. } => Some(err),
            Error::World(_) => None,
        }
    }
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Error {
        Error::Store(e)
    }
}

impl From<std::str::Utf8Error> for Error {
    fn from(e: std::str::Utf8Error) -> Error {
        Error::World(format!("a key or value that is not UTF-8: {e}"))
    }
}
