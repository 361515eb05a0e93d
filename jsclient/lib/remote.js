// WorkerStore: a Store that lives on a worker thread of its own, called
// synchronously from the thread that made it. This is the fast path for
// Node's main thread, where a direct call into the library costs ~100 us
// (README.md, "Speed on Node"): a call here is a message to the worker and
// a wait on a shared flag (Atomics.wait), then the answer read with
// receiveMessageOnPort; about 10-20 us per call, whatever the call.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { constants as K } from './constants.js';
import { BadHandleError, CLASSES, StoreError } from './errors.js';
import { run } from './store.js';

// The calls a WorkerStore forwards: the data calls (a Tx has them too) and
// the database-level ones. test/remote.test.js checks these lists against
// Store's and Tx's methods, so a call added there cannot be forgotten here.
export const DATA_CALLS = ['set', 'get', 'delete', 'ttl', 'count', 'setMany', 'getMany', 'deleteMany', 'scan',
  'intersects', 'within', 'nearby', 'intersectsMany', 'withinMany', 'nearbyMany', 'pairs'];
export const DB_CALLS = ['createIndex', 'createSpatialIndex', 'dropIndex', 'shrink', 'save', 'load'];

const REQUEST = 0; // the flag the worker waits on: 1 when a request is posted
const REPLY = 1; // the flag the caller waits on: 1 when the reply is posted

// Structured clone turns Buffers into Uint8Arrays: make them Buffers again
// (views, no copy) in whatever the call returned.
function buffers(x) {
  if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  if (Array.isArray(x)) return x.map(buffers);
  if (x !== null && typeof x === 'object') {
    for (const k of Object.keys(x)) x[k] = buffers(x[k]);
  }
  return x;
}

function rebuild(err) {
  if (err.code !== undefined) {
    return new (CLASSES.get(err.code) ?? StoreError)(err.status, err.code, err.detail);
  }
  const Ctor = { TypeError, RangeError }[err.name] ?? Error;
  return new Ctor(err.message);
}

// The worker's end of one WorkerStore, and the caller's.
class Channel {
  constructor(path, options) {
    this.flags = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./remote-worker.js', import.meta.url), {
      workerData: { flags: this.flags, port: port2, path, options },
      transferList: [port2],
    });
    this.worker.unref(); // an open WorkerStore does not keep the process alive
    this.closed = false;
  }

  call(id, op, args) {
    if (this.closed) throw new BadHandleError('STORE_ERR_BAD_HANDLE', K.STORE_ERR_BAD_HANDLE, 'the WorkerStore is closed');
    Atomics.store(this.flags, REPLY, 0);
    this.port.postMessage({ id, op, args });
    Atomics.store(this.flags, REQUEST, 1);
    Atomics.notify(this.flags, REQUEST);
    Atomics.wait(this.flags, REPLY, 0);
    let got = receiveMessageOnPort(this.port);
    while (got === undefined) got = receiveMessageOnPort(this.port); // posted before the flag: a moment away
    const reply = got.message;
    if (reply.err) throw rebuild(reply.err);
    return buffers(reply.ok);
  }

  end() {
    this.closed = true;
    this.port.close();
    this.worker.terminate();
  }
}

// A WorkerStore nobody closed is closed when it is collected (its open
// transactions rolled back first), and a forgotten WorkerTx rolled back, as
// Store and Tx are. A finalizer must not throw: what fails here is dropped.
const channels = new FinalizationRegistry((ch) => {
  try {
    ch.call(0, 'abandon', []);
  } catch {
    // nothing left to do: the worker ends below
  }
  ch.end();
});
const txs = new FinalizationRegistry(({ ch, id }) => {
  try {
    if (!ch.closed) ch.call(id, 'rollback', []);
  } catch {
    // already ended
  }
});

class WorkerOps {
  #ch;
  #id;
  constructor(ch, id) {
    this.#ch = ch;
    this.#id = id;
  }
  static {
    for (const op of DATA_CALLS) {
      WorkerOps.prototype[op] = function (...args) {
        return this.#ch.call(this.#id, op, args);
      };
    }
  }
}

/** A Store on a worker thread of its own, with Store's API; see README.md. */
export class WorkerStore extends WorkerOps {
  #ch;
  #path;
  constructor(path = ':memory:', options = {}) {
    const ch = new Channel(path, options);
    ch.call(0, 'open', []); // throws the open's error, and the worker ends
    super(ch, 0);
    this.#ch = ch;
    this.#path = path;
    channels.register(this, ch, this);
  }
  static {
    for (const op of DB_CALLS) {
      WorkerStore.prototype[op] = function (...args) {
        return this.#ch.call(0, op, args);
      };
    }
  }

  get path() {
    return this.#path;
  }

  get closed() {
    return this.#ch.closed;
  }

  /** Closes the store and ends its worker. */
  close() {
    this.#ch.call(0, 'close', []);
    channels.unregister(this);
    this.#ch.end();
  }

  begin(writable = true) {
    return new WorkerTx(this.#ch, this.#ch.call(0, 'begin', [writable]), writable);
  }

  update(fn) {
    return run(this.begin(true), fn);
  }

  view(fn) {
    return run(this.begin(false), fn);
  }
}

/** A transaction of a WorkerStore (it runs on the store's worker). */
export class WorkerTx extends WorkerOps {
  #ch;
  #id;
  #done = false;
  constructor(ch, id, writable) {
    super(ch, id);
    this.#ch = ch;
    this.#id = id;
    this.writable = writable;
    txs.register(this, { ch, id }, this);
  }

  get done() {
    return this.#done;
  }

  #end(op) {
    try {
      this.#ch.call(this.#id, op, []);
      this.#done = true;
    } catch (e) {
      if (e.status !== 'STORE_ERR_BAD_HANDLE') this.#done = true;
      throw e;
    } finally {
      if (this.#done) txs.unregister(this);
    }
  }

  commit() {
    this.#end('commit');
  }

  rollback() {
    this.#end('rollback');
  }
}
