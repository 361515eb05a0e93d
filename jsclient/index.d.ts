// TypeScript declarations of the spatialstore package (index.js).

/** Keys and values in: strings (UTF-8), Buffers, Uint8Arrays or ArrayBuffers. */
export type Bytes = string | Uint8Array | ArrayBuffer;
export type Coords = readonly number[] | Float64Array;

/** One item of a result. */
export interface Hit {
  key: Buffer;
  value: Buffer;
  /** Distance for nearby and pairs, 0 elsewhere. */
  distance: number;
}

/** Two items at most maxDist apart, from pairs. */
export interface Pair {
  a: Hit;
  b: Hit;
  distance: number;
}

export interface StoreOptions {
  /** One of Sync: when a file store calls fsync. */
  sync?: number;
  autoShrinkPercentage?: number;
  autoShrinkMinSize?: number | bigint;
  autoShrinkDisabled?: boolean;
  /** Limits (0 or absent: the library's default): over one a call throws
   * LimitError and changes nothing. Largest key and value, in bytes. */
  maxKeySize?: number | bigint;
  maxValueSize?: number | bigint;
  /** Largest result buffer one call returns, in bytes. */
  maxResultSize?: number | bigint;
  /** Most items, keys or queries one batch call takes. */
  maxBatchItems?: number | bigint;
}

export interface ScanOptions {
  lo?: Bytes | null;
  hi?: Bytes | null;
  desc?: boolean;
  limit?: number;
}

/** An item for setMany: [key, value] or [key, value, ttl seconds]. */
export type Item = [Bytes, Bytes] | [Bytes, Bytes, number | null];

/** The data calls, which a Store and a Tx both take. */
declare class Ops {
  /** Stores value under key; ttl in seconds makes it expire. */
  set(key: Bytes, value: Bytes, ttl?: number | null): void;
  /** The value under key, or null when missing or expired. */
  get(key: Bytes): Buffer | null;
  /** Removes key; false when it was not there. */
  delete(key: Bytes): boolean;
  /** Seconds left to live, null when it never expires; NotFoundError for a missing key. */
  ttl(key: Bytes): number | null;
  /** The number of items, counting expired ones not yet swept. */
  count(): number;
  setMany(items: Iterable<Item> | Map<Bytes, Bytes> | Record<string, Bytes>): void;
  getMany(keys: Iterable<Bytes>): (Buffer | null)[];
  deleteMany(keys: Iterable<Bytes>): number;
  scan(index?: string, options?: ScanOptions): Hit[];
  intersects(index: string, min: Coords, max: Coords, limit?: number): Hit[];
  within(index: string, min: Coords, max: Coords, limit?: number): Hit[];
  nearby(index: string, point: Coords, k?: number, maxDist?: number | null): Hit[];
  intersectsMany(index: string, boxes: [Coords, Coords][], limit?: number): Hit[][];
  withinMany(index: string, boxes: [Coords, Coords][], limit?: number): Hit[][];
  nearbyMany(index: string, points: Coords[], k?: number, maxDist?: number | null): Hit[][];
  pairs(index: string, maxDist: number, pattern?: string | null): Pair[];
}

/** What a Store and a WorkerStore both have, TxT being their transaction. */
declare class Database<TxT> extends Ops {
  constructor(path?: string, options?: StoreOptions);
  readonly path: string;
  readonly closed: boolean;
  /** Flushes and closes; BadHandleError the second time, BusyError with a transaction open. */
  close(): void;
  begin(writable?: boolean): TxT;
  /** Runs fn in a write transaction: commits when it returns or resolves, rolls back when it throws or rejects. */
  update<T>(fn: (tx: TxT) => T): T;
  view<T>(fn: (tx: TxT) => T): T;
  createIndex(name: string, pattern: string, kind?: number, jsonPath?: string | null): void;
  createSpatialIndex(name: string, pattern: string, jsonPath?: string | null): void;
  dropIndex(name: string): void;
  shrink(): void;
  save(path: string): void;
  load(path: string): void;
}

/** What a Tx and a WorkerTx both have. */
declare class Transaction extends Ops {
  readonly writable: boolean;
  readonly done: boolean;
  commit(): void;
  rollback(): void;
}

/** An open database: ":memory:" or a file path. */
export class Store extends Database<Tx> {}

/** An open transaction. */
export class Tx extends Transaction {}

/**
 * A Store on a worker thread of its own, called synchronously: the fast path
 * for Node's main thread (about 10-20 us a call instead of about 100 us; see
 * README.md). Same API as Store; results are copies, as Store's are.
 */
export class WorkerStore extends Database<WorkerTx> {}

/** A transaction of a WorkerStore. */
export class WorkerTx extends Transaction {}

/** A failed call: status is the status name, code its number, detail the library's message. */
export class StoreError extends Error {
  constructor(status: string, code: number, detail: string);
  readonly status: string;
  readonly code: number;
  readonly detail: string;
}
export class NotFoundError extends StoreError {}
export class InvalidArgumentError extends StoreError {}
export class BadHandleError extends StoreError {}
export class ClosedError extends StoreError {}
export class TxReadOnlyError extends StoreError {}
export class TxClosedError extends StoreError {}
export class IndexExistsError extends StoreError {}
export class NoIndexError extends StoreError {}
export class WouldDeadlockError extends StoreError {}
export class IOError extends StoreError {}
export class CorruptError extends StoreError {}
export class BusyError extends StoreError {}
export class InternalError extends StoreError {}
export class LimitError extends StoreError {}
export class BufferTooSmallError extends StoreError {}
export const CLASSES: ReadonlyMap<number, typeof StoreError>;


export const IndexKind: Readonly<{
  STRING: number;
  BINARY: number;
  INT: number;
  UINT: number;
  FLOAT: number;
  JSON: number;
  JSON_CASE_SENSITIVE: number;
}>;
export const Sync: Readonly<{ NEVER: number; EVERY_SECOND: number; ALWAYS: number }>;
/** The numbers of include/store.h by their C names. */
export const constants: Readonly<Record<string, number>>;
/** The number of result buffers not yet freed, process-wide. */
export function outstandingBuffers(): number;
/** "node" or "bun". */
export const runtime: 'node' | 'bun';
/** The path libstore.so was loaded from. */
export const libraryPath: string;
