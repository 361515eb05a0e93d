// spatialstore: an embedded key-value and spatial store (BuntDB's engine)
// over libstore.so, for Node (through koffi) and Bun (through bun:ffi).
import { ffi } from './lib/ffi.js';

export { constants } from './lib/constants.js';
export {
  BadHandleError,
  BufferTooSmallError,
  BusyError,
  CLASSES,
  ClosedError,
  CorruptError,
  IndexExistsError,
  InternalError,
  InvalidArgumentError,
  IOError,
  LimitError,
  NoIndexError,
  NotFoundError,
  StoreError,
  TxClosedError,
  TxReadOnlyError,
  WouldDeadlockError,
} from './lib/errors.js';
export { IndexKind, Store, Sync, Tx, outstandingBuffers } from './lib/store.js';
export { WorkerStore, WorkerTx } from './lib/remote.js';

/** "node" or "bun": the back end in use. */
export const runtime = ffi.runtime;
/** The path libstore.so was loaded from. */
export const libraryPath = ffi.path;
