//! Calls through the raw declarations: the library links, loads and answers.

use std::ffi::CStr;
use store_sys::*;

#[test]
fn raw_calls() {
    // SAFETY: every pointer below points at a live local of the right type,
    // and every buffer the library returns is freed once.
    unsafe {
        assert_eq!(store_abi_version(), STORE_ABI_VERSION);
        let name = CStr::from_ptr(store_status_name(STORE_ERR_WOULD_DEADLOCK));
        assert_eq!(name.to_str().unwrap(), "STORE_ERR_WOULD_DEADLOCK");

        let mut o = store_options::default();
        store_options_default(&mut o);
        assert_eq!(o.sync_policy, STORE_SYNC_EVERY_SECOND);
        assert_eq!(o.auto_shrink_percentage, 100);

        let mut db: store_t = 0;
        assert_eq!(store_open(c":memory:".as_ptr(), &o, &mut db), STORE_OK);
        assert_ne!(db, 0);
        assert_eq!(store_set(db, b"k\0x".as_ptr(), 3, b"v".as_ptr(), 1, 0), STORE_OK);
        let mut v = store_bytes::default();
        assert_eq!(store_get(db, b"k\0x".as_ptr(), 3, &mut v), STORE_OK);
        assert_eq!(std::slice::from_raw_parts(v.ptr, v.len), b"v");
        store_bytes_free(&mut v);
        assert!(v.ptr.is_null());
        store_bytes_free(&mut v); // twice through the same store_bytes is harmless

        assert_eq!(store_get(db, std::ptr::null(), 1, &mut v), STORE_ERR_INVALID_ARG);
        let n = store_last_error(std::ptr::null_mut(), 0);
        assert!(n > 0);
        let mut buf = vec![0u8; n + 1];
        assert_eq!(store_last_error(buf.as_mut_ptr().cast(), buf.len()), n);
        assert_eq!(buf[n], 0);

        assert_eq!(store_close(db), STORE_OK);
        assert_eq!(store_close(db), STORE_ERR_BAD_HANDLE);
    }
}
