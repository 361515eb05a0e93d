// The limits of store_options through the package: over one a call throws
// LimitError and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, InvalidArgumentError, LimitError, Store, WorkerStore } from 'spatialstore';
import { noLeakedBuffers } from './helpers.js';

noLeakedBuffers();

const limits = { maxKeySize: 8, maxValueSize: 16, maxResultSize: 200, maxBatchItems: 3 };

test('a call over a limit throws LimitError and changes nothing', () => {
  const db = new Store(':memory:', limits);
  try {
    db.set('12345678', '0123456789abcdef'); // at the limits
    assert.throws(() => db.set('123456789', 'v'), (e) => e instanceof LimitError && e.status === 'STORE_ERR_LIMIT');
    assert.throws(() => db.set('k', '0123456789abcdefg'), LimitError);
    assert.equal(db.get('k'), null);
    assert.throws(() => db.setMany([['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]), LimitError);
    assert.equal(db.get('a'), null);
    assert.throws(() => db.getMany(['a', 'b', 'c', 'd']), LimitError);
    for (let i = 0; i < 10; i++) db.set(`k${i}`, '0123456789');
    assert.throws(() => db.scan(''), LimitError);
    const tx = db.begin(true);
    assert.throws(() => tx.set('x', '0123456789abcdefg'), LimitError);
    tx.set('x', 'fits');
    tx.commit();
    assert.equal(db.get('x').toString(), 'fits');
  } finally {
    db.close();
  }
});

test('the defaults, and a negative limit refused', () => {
  assert.equal(constants.STORE_DEFAULT_MAX_BATCH_ITEMS, 16 * 1024 * 1024);
  assert.throws(() => new Store(':memory:', { maxBatchItems: -1 }), InvalidArgumentError);
});

test('a WorkerStore takes the limits too', () => {
  const db = new WorkerStore(':memory:', limits);
  try {
    assert.throws(() => db.set('123456789', 'v'), (e) => e.status === 'STORE_ERR_LIMIT');
  } finally {
    db.close();
  }
});
