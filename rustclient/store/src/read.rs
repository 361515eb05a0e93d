//! Reads into memory this crate owns (`store_get_into`): no buffer for the
//! library to allocate and track, and no `store_bytes_free` call after.

use std::cell::RefCell;

use store_sys as sys;

use crate::bytes::Bytes;
use crate::error::{Error, Result};
use crate::ops::raw_parts;

/// The largest scratch buffer a thread keeps: values up to this size cost
/// one lookup and one copy into an exact allocation (see [`get`]).
const SCRATCH_KEEP: usize = 64 << 10;

/// The scratch buffer's first size: most values fit at the first call.
const SCRATCH_START: usize = 256;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// What one `store_get_into` call gave.
enum Read {
    Found,
    Missing,
    /// The buffer was too small; the value needs this many bytes.
    Need(usize),
}

/// One `store_get_into` into `buf`'s spare capacity (its length must be 0).
fn read_once(h: sys::store_t, key: &[u8], buf: &mut Vec<u8>) -> Result<Read> {
    let (k, kl) = raw_parts(key);
    let mut len = 0usize;
    // SAFETY: k is valid for kl bytes; buf's spare capacity is valid for
    // buf.capacity() bytes of writes (its length is 0); len is live.
    let status = unsafe { sys::store_get_into(h, k, kl, buf.as_mut_ptr(), buf.capacity(), &mut len) };
    match status {
        sys::STORE_OK if len > buf.capacity() => Err(Error::Internal(format!(
            "store_get_into wrote {len} bytes into a buffer of {}",
            buf.capacity()
        ))),
        sys::STORE_OK => {
            // SAFETY: the library wrote len <= capacity bytes from the start.
            unsafe { buf.set_len(len) };
            Ok(Read::Found)
        }
        sys::STORE_NOT_FOUND => Ok(Read::Missing),
        sys::STORE_ERR_BUFFER_TOO_SMALL => Ok(Read::Need(len)),
        st => Err(Error::from_status(st)),
    }
}

/// Reads the value under `key` into `buf` (replacing its contents), growing
/// it when the library reports the size it needs. Returns whether the key
/// was there.
pub(crate) fn get_into(h: sys::store_t, key: &[u8], buf: &mut Vec<u8>) -> Result<bool> {
    buf.clear();
    loop {
        match read_once(h, key, buf)? {
            Read::Found => return Ok(true),
            Read::Missing => return Ok(false),
            // The value may grow again before the next call: loop.
            Read::Need(n) => buf.reserve_exact(n),
        }
    }
}

/// The value under `key` as an owned [`Bytes`]. A value that fits the
/// thread's scratch buffer costs one lookup and one copy into an exact
/// allocation; a larger one is read again straight into an allocation of
/// its own size (two lookups, no copy), and the scratch buffer stays small.
pub(crate) fn get(h: sys::store_t, key: &[u8]) -> Result<Option<Bytes>> {
    SCRATCH.with(|cell| {
        // try_borrow_mut: nothing here calls back into user code, but a
        // failed borrow must not panic.
        let Ok(mut scratch) = cell.try_borrow_mut() else {
            let mut own = Vec::new();
            return Ok(get_into(h, key, &mut own)?.then(|| Bytes::from_vec(own)));
        };
        scratch.clear();
        if scratch.capacity() < SCRATCH_START {
            scratch.reserve_exact(SCRATCH_START);
        }
        loop {
            match read_once(h, key, &mut scratch)? {
                Read::Found => return Ok(Some(Bytes::from_vec(scratch.as_slice().to_vec()))),
                Read::Missing => return Ok(None),
                Read::Need(n) if n <= SCRATCH_KEEP => scratch.reserve_exact(n),
                Read::Need(n) => {
                    let mut own = Vec::with_capacity(n);
                    return Ok(get_into(h, key, &mut own)?.then(|| Bytes::from_vec(own)));
                }
            }
        }
    })
}
