import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadHandleError, BusyError, InvalidArgumentError, NotFoundError, Store, StoreError } from 'spatialstore';
import { noLeakedBuffers } from './helpers.js';

noLeakedBuffers();

const withStore = (fn) => () => {
  const db = new Store(':memory:');
  try {
    fn(db);
  } finally {
    db.close();
  }
};

test('set, get and delete with binary keys', withStore((db) => {
  db.set(Buffer.from('k\0x'), Buffer.from([118, 0, 255]));
  db.set('text', 'café');
  assert.deepEqual(db.get(Buffer.from('k\0x')), Buffer.from([118, 0, 255]));
  assert.deepEqual(db.get(new Uint8Array([107, 0, 120])), Buffer.from([118, 0, 255]));
  assert.equal(db.get('text').toString(), 'café');
  assert.equal(db.get('nope'), null);
  assert.equal(db.delete('text'), true);
  assert.equal(db.delete('text'), false);
  db.set('', '');
  assert.deepEqual(db.get(''), Buffer.alloc(0));
  assert.equal(db.count(), 2);
}));

test('a value returned stays right after the buffer is freed and reused', withStore((db) => {
  db.set('a', 'first value');
  db.set('b', 'second');
  const a = db.get('a');
  const b = db.get('b');
  db.set('a', 'changed!!!!');
  assert.equal(a.toString(), 'first value');
  assert.equal(b.toString(), 'second');
}));

test('bad types throw TypeError and change nothing', withStore((db) => {
  assert.throws(() => db.set(1, 'v'), TypeError);
  assert.throws(() => db.set('k', null), TypeError);
  assert.throws(() => db.get({}), TypeError);
  assert.throws(() => db.nearby('pos', ['x']), TypeError);
  assert.equal(db.count(), 0);
}));

test('ttl', async () => {
  const db = new Store();
  db.set('forever', 'v');
  db.set('soon', 'v', 60);
  db.set('now', 'v', 0.05);
  assert.equal(db.ttl('forever'), null);
  const left = db.ttl('soon');
  assert.ok(left > 59 && left <= 60, String(left));
  assert.throws(() => db.ttl('missing'), (e) => e instanceof NotFoundError && e.status === 'STORE_NOT_FOUND');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(db.get('now'), null);
  for (const bad of [0, -1, NaN, Infinity, '5']) assert.throws(() => db.set('x', 'v', bad), InvalidArgumentError);
  assert.equal(db.get('x'), null);
  db.close();
});

test('batches', withStore((db) => {
  db.setMany([['a', '1'], [Buffer.from('b'), '2'], ['c', '3', 60]]);
  db.setMany(new Map([['d', '4']]));
  db.setMany({ e: '5' });
  db.setMany((function* () { yield ['f', '6']; })());
  db.setMany([]);
  assert.deepEqual(db.getMany(['a', 'b', 'zz', 'c', 'd', 'e', 'f']).map((v) => v && v.toString()), ['1', '2', null, '3', '4', '5', '6']);
  assert.deepEqual(db.getMany([]), []);
  assert.notEqual(db.ttl('c'), null);
  assert.equal(db.deleteMany(['a', 'zz', 'b']), 2);
  assert.equal(db.deleteMany([]), 0);
  assert.deepEqual(db.getMany(['', 'c']).map((v) => v && v.toString()), [null, '3']);
}));

test('a refused batch writes nothing', withStore((db) => {
  db.createSpatialIndex('pos', 'p:*', 'pos');
  assert.throws(() => db.setMany([['p:1', '{"pos":[1,2]}'], ['p:2', 'not geometry']]),
    (e) => e instanceof InvalidArgumentError && e.status === 'STORE_ERR_INVALID_ARG' && e.message.includes('p:2'));
  assert.equal(db.get('p:1'), null);
}));

test('a closed store gives BAD_HANDLE for every call', () => {
  const db = new Store(':memory:');
  db.set('k', 'v');
  db.close();
  assert.equal(db.closed, true);
  for (const call of [() => db.get('k'), () => db.set('k', 'v'), () => db.nearby('i', [0]), () => db.close(), () => db.count(), () => db.begin()]) {
    assert.throws(call, (e) => e instanceof BadHandleError && e instanceof StoreError && e.status === 'STORE_ERR_BAD_HANDLE' &&
      e.code === -2 && e.detail.includes('handle'));
  }
});

test('the handle is not reachable from the object', withStore((db) => {
  const seen = JSON.stringify(db) + Object.keys(db).join() + Object.getOwnPropertySymbols(db).length;
  assert.ok(!/\d{1,}n?$/.test(Object.values(db).join('')));
  assert.equal(seen.includes('"h"'), false);
  assert.deepEqual(Object.getOwnPropertySymbols(db), []);
}));

test('file stores persist, lock, save and load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spatialstore-js-'));
  const path = join(dir, 'data.db');
  let db = new Store(path);
  db.createSpatialIndex('pos', 'p:*', 'pos');
  db.set('p:1', '{"pos":[1,1]}');
  assert.throws(() => new Store(path), BusyError);
  db.save(join(dir, 'snap'));
  db.shrink();
  db.close();
  db = new Store(path, { sync: 2, autoShrinkDisabled: true });
  assert.equal(db.get('p:1').toString(), '{"pos":[1,1]}');
  assert.deepEqual(db.nearby('pos', [0, 0]).map((h) => h.key.toString()), ['p:1']);
  db.close();
  db = new Store();
  db.load(join(dir, 'snap'));
  assert.equal(db.get('p:1').toString(), '{"pos":[1,1]}');
  assert.throws(() => db.load(join(dir, 'missing')), StoreError);
  db.close();
});

test('bad paths and options are refused', () => {
  assert.throws(() => new Store(''), InvalidArgumentError);
  assert.throws(() => new Store(tmpdir()), InvalidArgumentError);
  assert.throws(() => new Store(':memory:', { autoShrinkPercentage: -1 }), InvalidArgumentError);
  assert.throws(() => new Store('a\0b'), InvalidArgumentError);
  assert.throws(() => new Store(5), TypeError);
});
