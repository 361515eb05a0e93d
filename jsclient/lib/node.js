// The Node back end: libstore.so through koffi.
//
// Every call from Node's main thread into the library's Go code costs about
// 100 us: koffi runs the C function on a stack of its own, outside the
// thread's stack, so the Go runtime asks glibc for the thread's stack bounds
// on each call (runtime.callbackUpdateSystemStack), and for the main thread
// glibc answers by reading /proc/self/maps. On any other thread the answer
// is cheap: the same call from a worker_threads Worker costs about 1 us.
// README.md ("Speed on Node") has the figures and the fast paths.
import koffi from 'koffi';
import { loadFirst } from './find.js';
import { layouts } from './constants.js';
import { PROTOTYPES } from './prototypes.js';

koffi.struct('store_kv', {
  key: 'const uint8_t *',
  key_len: 'size_t',
  val: 'const uint8_t *',
  val_len: 'size_t',
  ttl_ms: 'int64_t',
});

const TYPES = {
  void: 'void',
  u32: 'uint32_t',
  i32: 'int32_t',
  u64: 'uint64_t',
  i64: 'int64_t',
  f64: 'double',
  usize: 'size_t',
  str: 'const char *',
  cstring: 'const char *',
  bytes: 'const uint8_t *',
  doubles: 'const double *',
  kvs: 'const store_kv *',
  out: 'void *',
};

const { lib, path } = loadFirst((p) => koffi.load(p));

const fn = {};
for (const [name, [ret, args]] of Object.entries(PROTOTYPES)) {
  fn[name] = lib.func(name, TYPES[ret], args.map((a) => TYPES[a]));
}

export const runtime = 'node';
export { fn, path };

/** A string argument as the back end passes it. */
export const str = (s) => s;

/** store_kv rows for [key, value, ttlMs] triples of Buffers. */
export function kvs(rows) {
  return rows.map(([k, v, ttl]) => ({
    key: k.length ? k : null,
    key_len: k.length,
    val: v.length ? v : null,
    val_len: v.length,
    ttl_ms: ttl,
  }));
}

// memcpy from the C library copies a result into a Buffer faster than
// koffi.view (which makes an external ArrayBuffer per call); the view is the
// fallback where libc has another name.
let memcpy = null;
try {
  memcpy = koffi.load('libc.so.6').func('void *memcpy(void *dst, uintptr_t src, size_t n)');
} catch {
  memcpy = null;
}

const u64 = (buf, off) => buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * 0x100000000;

/** A copy of the bytes a store_bytes (the 16-byte out) points at, made
 * before the caller frees it: nothing returned shares C memory. */
export function copyOut(out) {
  const len = u64(out, layouts.store_bytes.len);
  if (len === 0) return Buffer.alloc(0);
  if (memcpy === null) return Buffer.from(new Uint8Array(koffi.view(koffi.decode(out, 'void *'), len)));
  const copy = Buffer.allocUnsafe(len);
  memcpy(copy, u64(out, layouts.store_bytes.ptr), len);
  return copy;
}
