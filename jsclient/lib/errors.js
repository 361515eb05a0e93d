// StoreError and one subclass per status code of include/store.h.
import { constants as K } from './constants.js';
import { ffi } from './ffi.js';

/** A call into libstore failed. `status` is the status name
 * ("STORE_ERR_BAD_HANDLE"), `code` its number, `detail` the library's
 * message (store_last_error) for the call. */
export class StoreError extends Error {
  constructor(status, code, detail) {
    super(detail ? `${status}: ${detail}` : status);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
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
/** STORE_ERR_LIMIT: a key, value, batch or result over the store's limits
 * (the max* options of Store); nothing was changed. */
export class LimitError extends StoreError {}
export class BufferTooSmallError extends StoreError {}

/** status code -> class; a code missing here (a newer library) gives StoreError. */
export const CLASSES = new Map([
  [K.STORE_NOT_FOUND, NotFoundError],
  [K.STORE_ERR_INVALID_ARG, InvalidArgumentError],
  [K.STORE_ERR_BAD_HANDLE, BadHandleError],
  [K.STORE_ERR_CLOSED, ClosedError],
  [K.STORE_ERR_TX_READ_ONLY, TxReadOnlyError],
  [K.STORE_ERR_TX_CLOSED, TxClosedError],
  [K.STORE_ERR_INDEX_EXISTS, IndexExistsError],
  [K.STORE_ERR_NO_INDEX, NoIndexError],
  [K.STORE_ERR_WOULD_DEADLOCK, WouldDeadlockError],
  [K.STORE_ERR_IO, IOError],
  [K.STORE_ERR_CORRUPT, CorruptError],
  [K.STORE_ERR_BUSY, BusyError],
  [K.STORE_ERR_INTERNAL, InternalError],
  [K.STORE_ERR_LIMIT, LimitError],
  [K.STORE_ERR_BUFFER_TOO_SMALL, BufferTooSmallError],
]);

/** The calling thread's last error message from the library. */
export function lastError() {
  const n = Number(ffi.fn.store_last_error(null, 0));
  if (n === 0) return '';
  const buf = Buffer.alloc(n + 1);
  ffi.fn.store_last_error(buf, n + 1);
  return buf.toString('utf8', 0, n);
}

/** The error for a failed call's status; make it right after the call. */
export function statusError(code) {
  const name = String(ffi.fn.store_status_name(code));
  const detail = code < 0 ? lastError() : 'not found';
  return new (CLASSES.get(code) ?? StoreError)(name, code, detail);
}

/** An argument refused before any call. */
export const invalid = (detail) => new InvalidArgumentError('STORE_ERR_INVALID_ARG', K.STORE_ERR_INVALID_ARG, detail);
