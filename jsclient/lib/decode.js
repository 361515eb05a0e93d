// Decoding the library's result buffers (the layout in include/store.h),
// from a copy that the package owns: hits are views into that copy, never
// into C memory.
import { constants as K } from './constants.js';

/** The hits of one result at off, and the offset after them. */
export function hitsAt(buf, off) {
  const count = buf.readUInt32LE(off);
  off += 4;
  const hits = new Array(count);
  for (let i = 0; i < count; i++) {
    const kl = buf.readUInt32LE(off);
    const vl = buf.readUInt32LE(off + 4);
    const distance = buf.readDoubleLE(off + 8);
    off += K.STORE_HIT_HEADER;
    const key = buf.subarray(off, off + kl);
    off += kl;
    let value = null;
    if (vl !== K.STORE_MISSING) {
      value = buf.subarray(off, off + vl);
      off += vl;
    }
    hits[i] = { key, value, distance };
  }
  return [hits, off];
}

/** The hits of a single-query buffer. */
export function one(buf) {
  const [hits, off] = hitsAt(buf, 0);
  if (off !== buf.length) throw new Error(`result buffer has ${buf.length - off} bytes after its hits`);
  return hits;
}

/** One hit list per query of a batch buffer. */
export function batch(buf) {
  const out = [];
  let off = 0;
  while (off < buf.length) {
    const [hits, next] = hitsAt(buf, off);
    out.push(hits);
    off = next;
  }
  return out;
}

/** The pairs of a store_pairs buffer: hits two by two. */
export function pairs(buf) {
  const h = one(buf);
  const out = [];
  for (let i = 0; i < h.length; i += 2) out.push({ a: h[i], b: h[i + 1], distance: h[i].distance });
  return out;
}
