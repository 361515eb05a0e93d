// Every C function the package calls, in the order of include/store.h, in
// types both back ends translate (lib/node.js for koffi, lib/bun.js for
// bun:ffi). Adding a call to the C API means adding its line here and a
// method in lib/store.js that uses it.
//
//   u32 i32 u64 i64 f64   numbers (u64 handles travel as BigInt)
//   usize                 size_t
//   str                   const char *: a NUL-terminated string or null
//   bytes                 const uint8_t *: a Buffer/Uint8Array (its length goes beside it)
//   doubles               const double *: a Float64Array
//   kvs                   const store_kv *: what the back end's kvs() made
//   out                   a pointer to a struct or number the call fills: a Uint8Array the size of it
export const PROTOTYPES = {
  store_abi_version: ['u32', []],
  store_status_name: ['cstring', ['i32']],
  store_last_error: ['usize', ['out', 'usize']],
  store_bytes_free: ['void', ['out']],
  store_outstanding_buffers: ['u64', []],
  store_options_default: ['void', ['out']],
  store_open: ['i32', ['str', 'out', 'out']],
  store_close: ['i32', ['u64']],
  store_set: ['i32', ['u64', 'bytes', 'usize', 'bytes', 'usize', 'i64']],
  store_get: ['i32', ['u64', 'bytes', 'usize', 'out']],
  store_delete: ['i32', ['u64', 'bytes', 'usize']],
  store_ttl: ['i32', ['u64', 'bytes', 'usize', 'out']],
  store_set_many: ['i32', ['u64', 'kvs', 'usize']],
  store_delete_many: ['i32', ['u64', 'kvs', 'usize', 'out']],
  store_get_many: ['i32', ['u64', 'kvs', 'usize', 'out']],
  store_begin: ['i32', ['u64', 'i32', 'out']],
  store_commit: ['i32', ['u64']],
  store_rollback: ['i32', ['u64']],
  store_create_index: ['i32', ['u64', 'str', 'str', 'i32', 'str']],
  store_create_spatial_index: ['i32', ['u64', 'str', 'str', 'str']],
  store_drop_index: ['i32', ['u64', 'str']],
  store_scan: ['i32', ['u64', 'str', 'bytes', 'usize', 'bytes', 'usize', 'i32', 'usize', 'out']],
  store_intersects: ['i32', ['u64', 'str', 'doubles', 'doubles', 'usize', 'usize', 'out']],
  store_within: ['i32', ['u64', 'str', 'doubles', 'doubles', 'usize', 'usize', 'out']],
  store_nearby: ['i32', ['u64', 'str', 'doubles', 'usize', 'usize', 'f64', 'out']],
  store_len: ['i32', ['u64', 'out']],
  store_intersects_many: ['i32', ['u64', 'str', 'doubles', 'doubles', 'usize', 'usize', 'usize', 'out']],
  store_within_many: ['i32', ['u64', 'str', 'doubles', 'doubles', 'usize', 'usize', 'usize', 'out']],
  store_nearby_many: ['i32', ['u64', 'str', 'doubles', 'usize', 'usize', 'usize', 'f64', 'out']],
  store_pairs: ['i32', ['u64', 'str', 'f64', 'str', 'out']],
  store_shrink: ['i32', ['u64']],
  store_save: ['i32', ['u64', 'str']],
  store_load: ['i32', ['u64', 'str']],
};
