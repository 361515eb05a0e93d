// The Bun back end: libstore.so through bun:ffi.
import { dlopen, ptr, toArrayBuffer } from 'bun:ffi';
import { loadFirst } from './find.js';
import { layouts } from './constants.js';
import { PROTOTYPES } from './prototypes.js';

const TYPES = {
  void: 'void',
  u32: 'u32',
  i32: 'i32',
  u64: 'u64',
  i64: 'i64',
  f64: 'f64',
  usize: 'u64',
  str: 'ptr',
  cstring: 'cstring',
  bytes: 'ptr',
  doubles: 'ptr',
  kvs: 'ptr',
  out: 'ptr',
};

const symbols = {};
for (const [name, [ret, args]] of Object.entries(PROTOTYPES)) {
  symbols[name] = { returns: TYPES[ret], args: args.map((a) => TYPES[a]) };
}
const { lib, path } = loadFirst((p) => dlopen(p, symbols));

export const runtime = 'bun';
export const fn = lib.symbols;
export { path };

/** A string argument as the back end passes it: NUL-terminated bytes. */
export const str = (s) => (s === null ? null : Buffer.from(s + '\0', 'utf8'));

const KV = layouts.store_kv;

/** One buffer of store_kv rows for [key, value, ttlMs] triples of Buffers;
 * the rows point into the Buffers, which the caller keeps alive for the call. */
export function kvs(rows) {
  const buf = Buffer.alloc(Math.max(1, rows.length) * KV.size);
  rows.forEach(([k, v, ttl], i) => {
    const o = i * KV.size;
    buf.writeBigUInt64LE(k.length ? BigInt(ptr(k)) : 0n, o + KV.key);
    buf.writeBigUInt64LE(BigInt(k.length), o + KV.key_len);
    buf.writeBigUInt64LE(v.length ? BigInt(ptr(v)) : 0n, o + KV.val);
    buf.writeBigUInt64LE(BigInt(v.length), o + KV.val_len);
    buf.writeBigInt64LE(BigInt(ttl), o + KV.ttl_ms);
  });
  return buf;
}

/** A copy of the bytes a store_bytes (the 16-byte out) points at, made
 * before the caller frees it: nothing returned shares C memory. */
export function copyOut(out) {
  const len = Number(out.readBigUInt64LE(layouts.store_bytes.len));
  if (len === 0) return Buffer.alloc(0);
  const p = Number(out.readBigUInt64LE(layouts.store_bytes.ptr));
  return Buffer.from(new Uint8Array(toArrayBuffer(p, 0, len)));
}
