//! Reads into memory this crate owns (`store_get_into`): no buffer for the
//! library to allocate and track, and no `store_bytes_free` call after.

use std::cell::RefCell;

use store_sys as sys;

use crate::bytes::Bytes;
use crate::error::{Error, Result};
use crate::ops::raw_parts;

/// The largest scratch buffer a thread keeps between calls: values up to
/// this size cost one lookup and one copy into an exact allocation; larger
/// ones go straight into an allocation of their own size.
const SCRATCH_KEEP: usize = 64 << 10;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads the value under `key` into `buf` (replacing its contents), growing
/// it when the library reports the size it needs. Returns whether the key
/// was there.
pub(crate) fn get_into(h: sys::store_t, key: &[u8], buf: &mut Vec<u8>) -> Result<bool> {
    let (k, kl) = raw_parts(key);
    buf.clear();
    loop {
        let mut len = 0usize;
        // SAFETY: k is valid for kl bytes; buf's spare capacity is valid for
        // buf.capacity() bytes of writes (its length is 0); len is live.
        let status = unsafe { sys::store_get_into(h, k, kl, buf.as_mut_ptr(), buf.capacity(), &mut len) };
        match status {
            sys::STORE_OK => {
                if len > buf.capacity() {
                    return Err(Error::Internal(format!(
                        "store_get_into wrote {len} bytes into a buffer of {}",
                        buf.capacity()
                    )));
                }
                // SAFETY: the library wrote len <= capacity bytes from the start.
                unsafe { buf.set_len(len) };
                return Ok(true);
            }
            sys::STORE_NOT_FOUND => return Ok(false),
            // The value may grow again before the next call: loop.
            sys::STORE_ERR_BUFFER_TOO_SMALL => buf.reserve_exact(len),
            st => return Err(Error::from_status(st)),
        }
    }
}

/// The value under `key` as an owned [`Bytes`]: read into the thread's
/// scratch buffer, then copied into an exact allocation.
pub(crate) fn get(h: sys::store_t, key: &[u8]) -> Result<Option<Bytes>> {
    SCRATCH.with(|cell| {
        // try_borrow_mut: nothing here calls back into user code, but a
        // failed borrow must not panic.
        let Ok(mut scratch) = cell.try_borrow_mut() else {
            let mut own = Vec::new();
            return Ok(get_into(h, key, &mut own)?.then(|| Bytes::from_vec(own)));
        };
        let found = get_into(h, key, &mut scratch)?;
        let value = found.then(|| Bytes::from_vec(scratch.as_slice().to_vec()));
        if scratch.capacity() > SCRATCH_KEEP {
            *scratch = Vec::new();
        }
        Ok(value)
    })
}
