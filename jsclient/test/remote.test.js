// WorkerStore: Store's API on a worker thread, called synchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadHandleError, BusyError, InvalidArgumentError, NoIndexError, NotFoundError, Store, StoreError, Tx,
  TxReadOnlyError, WorkerStore, WorkerTx, WouldDeadlockError,
} from 'spatialstore';
import { DATA_CALLS, DB_CALLS } from '../lib/remote.js';
import { keys } from './helpers.js';

const methods = (cls) => Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor');

test('WorkerStore forwards every call Store and Tx have', () => {
  const dataCalls = methods(Object.getPrototypeOf(Tx)).sort();
  assert.deepEqual([...DATA_CALLS].sort(), dataCalls);
  const own = ['close', 'begin', 'update', 'view', 'path', 'closed'];
  assert.deepEqual([...DB_CALLS].sort(), methods(Store).filter((m) => !own.includes(m)).sort());
  for (const m of [...DATA_CALLS, ...DB_CALLS, ...own]) assert.ok(m in WorkerStore.prototype, m);
  for (const m of [...DATA_CALLS, 'commit', 'rollback', 'done']) assert.ok(m in WorkerTx.prototype, m);
});

test('WorkerStore answers as Store does', () => {
  const db = new WorkerStore(':memory:');
  const direct = new Store(':memory:');
  for (const s of [db, direct]) {
    s.createSpatialIndex('pos', 'p:*', 'pos');
    s.setMany([['p:1', '{"pos":[1,2]}'], ['p:2', '{"pos":[5,5]}', 60], ['k', Buffer.from([0, 255])]]);
  }
  for (const [name, args] of [
    ['get', ['k']], ['get', ['missing']], ['getMany', [['p:1', 'nope']]], ['nearby', ['pos', [0, 0], 2]],
    ['intersects', ['pos', [0, 0], [2, 2]]], ['within', ['pos', [0, 0], [9, 9]]], ['nearbyMany', ['pos', [[0, 0], [5, 5]], 1]],
    ['intersectsMany', ['pos', [[[0, 0], [2, 2]]]]], ['pairs', ['pos', 10]], ['scan', ['', { limit: 2 }]], ['count', []],
  ]) {
    assert.deepEqual(db[name](...args), direct[name](...args), name);
  }
  assert.ok(Buffer.isBuffer(db.get('k')));
  assert.ok(Buffer.isBuffer(db.nearby('pos', [0, 0])[0].key));
  assert.ok(db.ttl('p:2') > 59);
  assert.equal(db.delete('k'), true);
  assert.equal(db.deleteMany(['p:1', 'x']), 1);
  direct.close();
  db.close();
});

test('errors come back as the same classes, with status and message', () => {
  const db = new WorkerStore();
  assert.throws(() => db.nearby('nope', [0]), (e) => e instanceof NoIndexError && e.status === 'STORE_ERR_NO_INDEX' && e.detail.length > 0);
  assert.throws(() => db.ttl('missing'), NotFoundError);
  assert.throws(() => db.set(5, 'v'), TypeError);
  assert.throws(() => db.set('k', 'v', -1), InvalidArgumentError);
  db.close();
  assert.equal(db.closed, true);
  assert.throws(() => db.get('k'), (e) => e instanceof BadHandleError && e instanceof StoreError);
  assert.throws(() => new WorkerStore(''), InvalidArgumentError);
});

test('transactions run on the worker: commit, rollback, read-only, deadlock', () => {
  const db = new WorkerStore();
  db.set('a', '0');
  assert.throws(() => db.update((tx) => { tx.set('a', '1'); throw new Error('boom'); }), /boom/);
  assert.equal(db.get('a').toString(), '0');
  assert.equal(db.update((tx) => { tx.set('a', '2'); return tx.get('a').toString(); }), '2');
  db.view((tx) => assert.throws(() => tx.set('a', '3'), TxReadOnlyError));
  const tx = db.begin();
  tx.set('b', '1');
  assert.throws(() => db.get('b'), WouldDeadlockError);
  assert.throws(() => db.close(), (e) => e instanceof BusyError || e instanceof WouldDeadlockError);
  tx.rollback();
  assert.equal(tx.done, true);
  assert.throws(() => tx.commit(), BadHandleError);
  assert.equal(db.get('b'), null);
  db.close();
});

test('a file WorkerStore keeps its data across a close', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'spatialstore-remote-')), 'data.db');
  let db = new WorkerStore(path, { sync: 2 });
  db.createSpatialIndex('pos', 'p:*', 'pos');
  db.set('p:1', '{"pos":[0,0]}');
  assert.throws(() => new WorkerStore(path), BusyError);
  db.close();
  db = new WorkerStore(path);
  assert.deepEqual(keys(db.nearby('pos', [1, 1])), ['p:1']);
  db.close();
});
