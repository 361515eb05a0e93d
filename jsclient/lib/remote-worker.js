// The worker side of WorkerStore (lib/remote.js): one Store, and its
// transactions by number, answering one request at a time.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { constants as K } from './constants.js';
import { BadHandleError, StoreError } from './errors.js';
import { Store } from './store.js';

const { flags, port, path, options } = workerData;
const REQUEST = 0;
const REPLY = 1;

let db = null;
const txs = new Map(); // id (1, 2, ...) -> Tx; id 0 is the store
let nextTx = 1;

function serve({ id, op, args }) {
  if (op === 'open') {
    db = new Store(path, options);
    return undefined;
  }
  const target = id === 0 ? db : txs.get(id);
  if (!target) throw new BadHandleError('STORE_ERR_BAD_HANDLE', K.STORE_ERR_BAD_HANDLE, 'the transaction has ended');
  switch (op) {
    case 'begin': {
      const tx = db.begin(...args);
      txs.set(nextTx, tx);
      return nextTx++;
    }
    case 'commit':
    case 'rollback':
      try {
        return target[op]();
      } finally {
        if (target.done) txs.delete(id);
      }
    case 'close':
      return db.close();
    case 'abandon': // the WorkerStore was collected unclosed
      for (const tx of txs.values()) tx.rollback();
      txs.clear();
      return db.close();
    default:
      return target[op](...args);
  }
}

function encode(e) {
  if (e instanceof StoreError) return { status: e.status, code: e.code, detail: e.detail };
  return { name: e?.name, message: String(e?.message ?? e) };
}

for (;;) {
  Atomics.wait(flags, REQUEST, 0);
  const msg = receiveMessageOnPort(port);
  if (msg === undefined) continue; // the flag is up but the message not yet readable: look again
  Atomics.store(flags, REQUEST, 0);
  let reply;
  try {
    reply = { ok: serve(msg.message) };
  } catch (e) {
    reply = { err: encode(e) };
  }
  port.postMessage(reply);
  Atomics.store(flags, REPLY, 1);
  Atomics.notify(flags, REPLY);
  if ((msg.message.op === 'open' && reply.err) || (['close', 'abandon'].includes(msg.message.op) && !reply.err)) break;
}
