import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadHandleError, Store, StoreError, TxReadOnlyError, WouldDeadlockError } from 'spatialstore';
import { keys, noLeakedBuffers } from './helpers.js';

noLeakedBuffers();

test('update commits when the function returns', () => {
  const db = new Store();
  assert.equal(db.update((tx) => { tx.set('a', '1'); return tx.get('a').toString(); }), '1');
  assert.equal(db.get('a').toString(), '1');
  db.close();
});

test('update rolls back when the function throws', () => {
  const db = new Store();
  db.set('a', '0');
  assert.throws(() => db.update((tx) => { tx.set('a', '1'); tx.set('b', '2'); throw new Error('boom'); }), /boom/);
  assert.equal(db.get('a').toString(), '0');
  assert.equal(db.get('b'), null);
  db.close();
});

test('update with an async function commits or rolls back when it settles', async () => {
  const db = new Store();
  await db.update(async (tx) => { tx.set('a', '1'); });
  await assert.rejects(db.update(async (tx) => { tx.set('a', '2'); throw new Error('late'); }), /late/);
  assert.equal(db.get('a').toString(), '1');
  db.close();
});

test('begin, commit and rollback', () => {
  const db = new Store();
  let tx = db.begin();
  tx.set('a', '1');
  tx.rollback();
  assert.equal(tx.done, true);
  assert.equal(db.get('a'), null);
  assert.throws(() => tx.commit(), BadHandleError);
  tx = db.begin();
  tx.set('a', '1');
  assert.throws(() => db.close(), (e) => e instanceof StoreError && ['STORE_ERR_BUSY', 'STORE_ERR_WOULD_DEADLOCK'].includes(e.status));
  assert.throws(() => db.get('a'), WouldDeadlockError);
  tx.commit();
  assert.equal(db.get('a').toString(), '1');
  db.close();
});

test('a read-only transaction refuses writes', () => {
  const db = new Store();
  db.set('a', '1');
  db.view((tx) => {
    assert.equal(tx.get('a').toString(), '1');
    assert.throws(() => tx.set('a', '2'), (e) => e instanceof TxReadOnlyError && e.status === 'STORE_ERR_TX_READ_ONLY');
  });
  assert.equal(db.get('a').toString(), '1');
  db.close();
});

test('queries in a transaction see its writes, and a rollback undoes them', () => {
  const db = new Store();
  db.createSpatialIndex('pos', 'p:*', 'pos');
  const tx = db.begin();
  tx.setMany([['p:1', '{"pos":[0,0]}'], ['p:2', '{"pos":[5,0]}']]);
  assert.deepEqual(keys(tx.nearby('pos', [4, 0], 1)), ['p:2']);
  assert.equal(tx.count(), 2);
  tx.rollback();
  assert.deepEqual(db.nearby('pos', [4, 0]), []);
  db.close();
});
