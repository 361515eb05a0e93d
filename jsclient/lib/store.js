// Store and Tx: the JS API over the C functions of include/store.h.
import { constants as K, layouts } from './constants.js';
import * as decode from './decode.js';
import { invalid, statusError } from './errors.js';
import { ffi } from './ffi.js';

const F = ffi.fn;
const { STORE_OK: OK, STORE_NOT_FOUND: NOT_FOUND } = K;

if (F.store_abi_version() !== K.STORE_ABI_VERSION) {
  throw new Error(`${ffi.path} has ABI version ${F.store_abi_version()}; this package speaks ${K.STORE_ABI_VERSION}`);
}

/** Kinds of ordered index (STORE_INDEX_*). */
export const IndexKind = Object.freeze({
  STRING: K.STORE_INDEX_STRING,
  BINARY: K.STORE_INDEX_BINARY,
  INT: K.STORE_INDEX_INT,
  UINT: K.STORE_INDEX_UINT,
  FLOAT: K.STORE_INDEX_FLOAT,
  JSON: K.STORE_INDEX_JSON,
  JSON_CASE_SENSITIVE: K.STORE_INDEX_JSON_CASE_SENSITIVE,
});

/** When a file store calls fsync (STORE_SYNC_*). */
export const Sync = Object.freeze({
  NEVER: K.STORE_SYNC_NEVER,
  EVERY_SECOND: K.STORE_SYNC_EVERY_SECOND,
  ALWAYS: K.STORE_SYNC_ALWAYS,
});

// One store_bytes for every call: JS runs one call at a time per thread,
// and the library never keeps it.
const OUT = Buffer.alloc(layouts.store_bytes.size);
const U64 = new BigUint64Array(1);
const U64_BYTES = new Uint8Array(U64.buffer);
const EMPTY = Buffer.alloc(0);

function bytes(x, what = 'keys and values') {
  if (typeof x === 'string') return Buffer.from(x, 'utf8');
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  throw new TypeError(`${what} are strings, Buffers or Uint8Arrays, not ${x === null ? 'null' : typeof x}`);
}

// A NUL-terminated string argument; null stays NULL.
function str(s, what) {
  if (s === null || s === undefined) return ffi.str(null);
  if (typeof s !== 'string') throw new TypeError(`${what} must be a string`);
  if (s.includes('\0')) throw invalid(`${what} ${JSON.stringify(s)} holds a NUL character`);
  return ffi.str(s);
}

function ttlMs(ttl) {
  if (ttl === undefined || ttl === null) return 0;
  if (typeof ttl !== 'number' || !(ttl > 0) || ttl === Infinity) {
    throw invalid(`ttl must be a positive number of seconds or null, not ${String(ttl)}`);
  }
  return Math.max(1, Math.ceil(ttl * 1000));
}

function doubles(values, what) {
  if (!values || typeof values.length !== 'number') throw new TypeError(`${what} must be an array of numbers`);
  for (const v of values) if (typeof v !== 'number') throw new TypeError(`${what} must be an array of numbers`);
  return Float64Array.from(values);
}

function count(n, what) {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`${what} must be a whole number >= 0, not ${String(n)}`);
  return n;
}

function maxDistance(d) {
  if (d === undefined || d === null) return -1;
  if (typeof d !== 'number') throw new TypeError('maxDist must be a number or null');
  return d;
}

function check(st) {
  if (st !== OK) throw statusError(st);
}

// The bytes of the result in OUT, copied out and then freed.
function take(st) {
  check(st);
  try {
    return ffi.copyOut(OUT);
  } finally {
    F.store_bytes_free(OUT);
  }
}

const nonEmpty = (b) => (b.length ? b : null);

function rowsOf(items) {
  let it = items;
  if (items instanceof Map) it = items.entries();
  else if (typeof items?.[Symbol.iterator] !== 'function') it = Object.entries(items);
  const rows = [];
  for (const [k, v, ttl] of it) rows.push([bytes(k), bytes(v), ttlMs(ttl)]);
  return rows;
}

const keyRows = (keys) => Array.from(keys, (k) => [bytes(k), EMPTY, 0]);

let handleOf; // the handle of a Store or Tx, for this module only

/** The data calls, which a database and a transaction both take. */
class Ops {
  #h;
  constructor(h) {
    this.#h = h;
  }
  static {
    handleOf = (o) => o.#h;
  }

  /** Stores value under key; ttl in seconds makes it expire. */
  set(key, value, ttl = null) {
    const k = bytes(key);
    const v = bytes(value);
    check(F.store_set(this.#h, nonEmpty(k), k.length, nonEmpty(v), v.length, ttlMs(ttl)));
  }

  /** The value under key (a Buffer), or null when missing or expired. */
  get(key) {
    const k = bytes(key);
    const st = F.store_get(this.#h, nonEmpty(k), k.length, OUT);
    return st === NOT_FOUND ? null : take(st);
  }

  /** Removes key; false when it was not there. */
  delete(key) {
    const k = bytes(key);
    const st = F.store_delete(this.#h, nonEmpty(k), k.length);
    if (st === NOT_FOUND) return false;
    check(st);
    return true;
  }

  /** Seconds the key has left to live, or null when it never expires;
   * throws NotFoundError for a missing key. */
  ttl(key) {
    const k = bytes(key);
    check(F.store_ttl(this.#h, nonEmpty(k), k.length, U64_BYTES));
    const ms = BigInt.asIntN(64, U64[0]);
    return ms < 0n ? null : Number(ms) / 1000;
  }

  /** The number of items, counting expired ones not yet swept. */
  count() {
    check(F.store_len(this.#h, U64_BYTES));
    return Number(U64[0]);
  }

  /** Writes [key, value] or [key, value, ttl] items (an array, Map or
   * object) in one transaction: all or none. */
  setMany(items) {
    const rows = rowsOf(items);
    check(F.store_set_many(this.#h, ffi.kvs(rows), rows.length));
  }

  /** The value of each key in order (null where missing), in one read. */
  getMany(keys) {
    const rows = keyRows(keys);
    return decode.one(take(F.store_get_many(this.#h, ffi.kvs(rows), rows.length, OUT))).map((h) => h.value);
  }

  /** Removes the keys that are there, in one transaction; returns how many. */
  deleteMany(keys) {
    const rows = keyRows(keys);
    check(F.store_delete_many(this.#h, ffi.kvs(rows), rows.length, U64_BYTES));
    return Number(U64[0]);
  }

  /** Items of an ordered index (or, with index "", the keys) with
   * lo <= value < hi in index order; an absent bound is an open end. */
  scan(index = '', { lo = null, hi = null, desc = false, limit = 0 } = {}) {
    const l = lo === null ? null : bytes(lo, 'bounds');
    const h = hi === null ? null : bytes(hi, 'bounds');
    const st = F.store_scan(this.#h, str(index, 'index'), l && nonEmpty(l), l ? l.length : 0, h && nonEmpty(h),
      h ? h.length : 0, desc ? K.STORE_SCAN_DESC : 0, count(limit, 'limit'), OUT);
    return decode.one(take(st));
  }

  /** Items of a spatial index whose box touches the box min..max. */
  intersects(index, min, max, limit = 0) {
    return this.#box(F.store_intersects, index, min, max, limit);
  }

  /** Items of a spatial index wholly inside the box min..max. */
  within(index, min, max, limit = 0) {
    return this.#box(F.store_within, index, min, max, limit);
  }

  #box(call, index, min, max, limit) {
    const a = doubles(min, 'min');
    const b = doubles(max, 'max');
    if (a.length !== b.length) throw invalid(`min has ${a.length} coordinates and max ${b.length}`);
    return decode.one(take(call(this.#h, str(index, 'index'), a, b, a.length, count(limit, 'limit'), OUT)));
  }

  /** Items nearest to point, nearest first, with their distance; at most
   * k (0: no limit), none farther than maxDist (null: no bound). */
  nearby(index, point, k = 0, maxDist = null) {
    const p = doubles(point, 'point');
    const st = F.store_nearby(this.#h, str(index, 'index'), p, p.length, count(k, 'k'), maxDistance(maxDist), OUT);
    return decode.one(take(st));
  }

  /** intersects for each [min, max] box, in one read: a hit list per box. */
  intersectsMany(index, boxes, limit = 0) {
    return this.#boxes(F.store_intersects_many, index, boxes, limit);
  }

  /** within for each [min, max] box, in one read: a hit list per box. */
  withinMany(index, boxes, limit = 0) {
    return this.#boxes(F.store_within_many, index, boxes, limit);
  }

  #boxes(call, index, boxes, limit) {
    const dims = boxes.length ? boxes[0][0].length : 1;
    const mins = [];
    const maxs = [];
    boxes.forEach(([lo, hi], q) => {
      if (lo.length !== dims || hi.length !== dims) {
        throw invalid(`box ${q} has ${lo.length} and ${hi.length} coordinates; box 0 has ${dims}`);
      }
      mins.push(...lo);
      maxs.push(...hi);
    });
    const st = call(this.#h, str(index, 'index'), doubles(mins, 'boxes'), doubles(maxs, 'boxes'), dims, boxes.length,
      count(limit, 'limit'), OUT);
    return decode.batch(take(st));
  }

  /** nearby for each point, in one read: a hit list per point. */
  nearbyMany(index, points, k = 0, maxDist = null) {
    const dims = points.length ? points[0].length : 1;
    const flat = [];
    points.forEach((p, q) => {
      if (p.length !== dims) throw invalid(`point ${q} has ${p.length} coordinates; point 0 has ${dims}`);
      flat.push(...p);
    });
    const st = F.store_nearby_many(this.#h, str(index, 'index'), doubles(flat, 'points'), dims, points.length,
      count(k, 'k'), maxDistance(maxDist), OUT);
    return decode.batch(take(st));
  }

  /** Every pair of items at most maxDist apart, once each, as {a, b,
   * distance}; with a pattern, only pairs where a key matches (that key as a). */
  pairs(index, maxDist, pattern = null) {
    if (typeof maxDist !== 'number') throw new TypeError('maxDist must be a number');
    return decode.pairs(take(F.store_pairs(this.#h, str(index, 'index'), maxDist, str(pattern, 'pattern'), OUT)));
  }
}

// A store or transaction nobody closed is closed (rolled back) when it is
// collected. A store's state lists its open transactions so that its
// finalizer can end them before closing, whatever order they are found in.
const stores = new FinalizationRegistry((state) => {
  for (const tx of state.txs) F.store_rollback(tx);
  F.store_close(state.h);
});
const txs = new FinalizationRegistry(({ h, state }) => {
  F.store_rollback(h);
  state.txs.delete(h);
});

/** An open database: ":memory:" or a file path. Close it with close(). */
export class Store extends Ops {
  #state;
  #path;

  constructor(path = ':memory:', { sync, autoShrinkPercentage, autoShrinkMinSize, autoShrinkDisabled } = {}) {
    const o = Buffer.alloc(layouts.store_options.size);
    F.store_options_default(o);
    const L = layouts.store_options;
    if (sync !== undefined) o.writeInt32LE(sync, L.sync_policy);
    if (autoShrinkPercentage !== undefined) o.writeInt32LE(autoShrinkPercentage, L.auto_shrink_percentage);
    if (autoShrinkMinSize !== undefined) o.writeBigInt64LE(BigInt(autoShrinkMinSize), L.auto_shrink_min_size);
    if (autoShrinkDisabled !== undefined) o.writeInt32LE(autoShrinkDisabled ? 1 : 0, L.auto_shrink_disabled);
    const out = new BigUint64Array(1);
    check(F.store_open(str(path, 'path'), o, new Uint8Array(out.buffer)));
    super(out[0]);
    this.#path = path;
    this.#state = { h: out[0], txs: new Set(), open: true };
    stores.register(this, this.#state, this);
  }

  get path() {
    return this.#path;
  }

  get closed() {
    return !this.#state.open;
  }

  /** Flushes and closes the store. Closing twice throws BadHandleError; a
   * store with an open transaction throws BusyError and stays open. */
  close() {
    const st = F.store_close(handleOf(this));
    if (st === OK || st === K.STORE_ERR_IO) {
      this.#state.open = false;
      stores.unregister(this);
    }
    check(st);
  }

  /** Begins a transaction (read-only when writable is false); end it with
   * commit() or rollback(). While it is open, use it and not the Store. */
  begin(writable = true) {
    const out = new BigUint64Array(1);
    check(F.store_begin(handleOf(this), writable ? 1 : 0, new Uint8Array(out.buffer)));
    return new Tx(out[0], this.#state, writable);
  }

  /** Runs fn(tx) in a write transaction: commits when it returns (or its
   * promise resolves), rolls back when it throws (or rejects). */
  update(fn) {
    return run(this.begin(true), fn);
  }

  /** Runs fn(tx) in a read-only transaction. */
  view(fn) {
    return run(this.begin(false), fn);
  }

  /** An ordered index over the values of keys matching pattern. */
  createIndex(name, pattern, kind = IndexKind.STRING, jsonPath = null) {
    if (!Number.isInteger(kind)) throw new TypeError('kind must be one of IndexKind');
    check(F.store_create_index(handleOf(this), str(name, 'name'), str(pattern, 'pattern'), kind, str(jsonPath, 'jsonPath')));
  }

  /** An R-tree over the geometry of the values of keys matching pattern (at
   * jsonPath, or the whole value as rect text). */
  createSpatialIndex(name, pattern, jsonPath = null) {
    check(F.store_create_spatial_index(handleOf(this), str(name, 'name'), str(pattern, 'pattern'), str(jsonPath, 'jsonPath')));
  }

  /** Removes an index; its items stay. */
  dropIndex(name) {
    check(F.store_drop_index(handleOf(this), str(name, 'name')));
  }

  /** Rewrites the file with only the live items. */
  shrink() {
    check(F.store_shrink(handleOf(this)));
  }

  /** Writes a snapshot of every live item to path, atomically. */
  save(path) {
    check(F.store_save(handleOf(this), str(path, 'path')));
  }

  /** Adds every item of a snapshot, in one transaction. */
  load(path) {
    check(F.store_load(handleOf(this), str(path, 'path')));
  }
}

/** Runs fn(tx), then commits; rolls back when fn throws or its promise rejects. */
export function run(tx, fn) {
  let result;
  try {
    result = fn(tx);
  } catch (e) {
    if (!tx.done) tx.rollback();
    throw e;
  }
  if (result && typeof result.then === 'function') {
    return result.then(
      (v) => {
        if (!tx.done) tx.commit();
        return v;
      },
      (e) => {
        if (!tx.done) tx.rollback();
        throw e;
      },
    );
  }
  if (!tx.done) tx.commit();
  return result;
}

/** An open transaction: the data calls of Store, inside it. */
export class Tx extends Ops {
  #state;
  #done = false;

  constructor(h, state, writable) {
    super(h);
    this.#state = state;
    this.writable = writable;
    state.txs.add(h);
    txs.register(this, { h, state }, this);
  }

  get done() {
    return this.#done;
  }

  #end(st) {
    if (st !== K.STORE_ERR_BAD_HANDLE) {
      this.#done = true;
      this.#state.txs.delete(handleOf(this));
      txs.unregister(this);
    }
    check(st);
  }

  /** Commits and ends the transaction (on an IO error it was rolled back). */
  commit() {
    this.#end(F.store_commit(handleOf(this)));
  }

  /** Rolls back and ends the transaction. */
  rollback() {
    this.#end(F.store_rollback(handleOf(this)));
  }
}

/** The number of result buffers not yet freed, process-wide (for leak tests). */
export const outstandingBuffers = () => Number(F.store_outstanding_buffers());
