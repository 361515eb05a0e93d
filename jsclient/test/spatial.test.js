import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndexExistsError, IndexKind, InvalidArgumentError, NoIndexError, Store } from 'spatialstore';
import { keys, noLeakedBuffers } from './helpers.js';

noLeakedBuffers();

function rng(seed) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

test('nearby, intersects and within against brute force', () => {
  const db = new Store();
  const r = rng(7);
  db.createSpatialIndex('pos', 'p:*', 'pos');
  const pts = new Map();
  for (let i = 0; i < 300; i++) pts.set(`p:${i}`, [r() * 100 - 50, r() * 100 - 50]);
  db.setMany([...pts].map(([k, p]) => [k, JSON.stringify({ pos: p })]));
  const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const byKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  for (let n = 0; n < 20; n++) {
    const q = [r() * 120 - 60, r() * 120 - 60];
    const want = [...pts].map(([k, p]) => [dist(q, p), k]).sort((a, b) => a[0] - b[0] || byKey(a[1], b[1]));
    const hits = db.nearby('pos', q, 10);
    assert.deepEqual(keys(hits), want.slice(0, 10).map((w) => w[1]));
    hits.forEach((h, i) => {
      assert.ok(Math.abs(h.distance - want[i][0]) < 1e-9);
      assert.deepEqual(JSON.parse(h.value).pos, pts.get(h.key.toString()));
    });
    assert.deepEqual(keys(db.nearby('pos', q, 0, 15)).sort(), want.filter((w) => w[0] <= 15).map((w) => w[1]).sort());
    const lo = [q[0] - 10, q[1] - 10];
    const hi = [q[0] + 10, q[1] + 10];
    const inside = [...pts].filter(([, p]) => p.every((c, i) => lo[i] <= c && c <= hi[i])).map(([k]) => k).sort();
    assert.deepEqual(keys(db.intersects('pos', lo, hi)).sort(), inside);
    assert.deepEqual(keys(db.within('pos', lo, hi)).sort(), inside);
  }
  assert.equal(db.intersects('pos', [-100, -100], [100, 100], 7).length, 7);
  db.close();
});

test('batch queries equal single queries', () => {
  const db = new Store();
  db.createSpatialIndex('pos', 'p:*');
  const items = [];
  for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) items.push([`p:${x}:${y}`, `[${x} ${y}]`]);
  db.setMany(items);
  const boxes = [[[0, 0], [2, 2]], [[5, 5], [5, 5]], [[20, 20], [30, 30]]];
  assert.deepEqual(db.intersectsMany('pos', boxes), boxes.map(([a, b]) => db.intersects('pos', a, b)));
  assert.deepEqual(db.withinMany('pos', boxes, 2), boxes.map(([a, b]) => db.within('pos', a, b, 2)));
  const points = [[0, 0], [4.5, 4.5]];
  assert.deepEqual(db.nearbyMany('pos', points, 3), points.map((p) => db.nearby('pos', p, 3)));
  assert.deepEqual(db.nearbyMany('pos', points, 0, 1), points.map((p) => db.nearby('pos', p, 0, 1)));
  assert.deepEqual(db.intersectsMany('pos', []), []);
  assert.deepEqual(db.nearbyMany('pos', []), []);
  assert.throws(() => db.intersectsMany('pos', [[[0, 0], [1, 1]], [[0], [1]]]), InvalidArgumentError);
  assert.throws(() => db.nearbyMany('pos', [[0, 0], [1]]), InvalidArgumentError);
  assert.throws(() => db.nearbyMany('nope', []), NoIndexError);
  db.close();
});

test('pairs', () => {
  const db = new Store();
  db.createSpatialIndex('pos', '*', 'pos');
  db.set('a', '{"pos":[0,0]}');
  db.set('b', '{"pos":[3,4]}');
  db.set('c', '{"pos":[100,100]}');
  const pairs = db.pairs('pos', 6);
  assert.equal(pairs.length, 1);
  assert.deepEqual([pairs[0].a.key.toString(), pairs[0].b.key.toString(), pairs[0].distance], ['a', 'b', 5]);
  const only = db.pairs('pos', 6, 'b');
  assert.deepEqual([only[0].a.key.toString(), only[0].b.key.toString()], ['b', 'a']);
  assert.throws(() => db.pairs('pos', -1), InvalidArgumentError);
  db.close();
});

test('bad geometry is refused and changes nothing', () => {
  const db = new Store();
  db.createSpatialIndex('pos', 'p:*', 'pos');
  db.set('p:1', '{"pos":[1,1]}');
  for (const bad of ['{"pos":"x"}', '{}', '{"pos":[1,"a"]}']) assert.throws(() => db.set('p:1', bad), InvalidArgumentError);
  assert.equal(db.get('p:1').toString(), '{"pos":[1,1]}');
  for (const [lo, hi] of [[[1, 1], [0, 0]], [[NaN], [1]], [[0, 0], [1]], [[], []]]) {
    assert.throws(() => db.intersects('pos', lo, hi), InvalidArgumentError);
  }
  assert.throws(() => db.nearby('pos', [Infinity, 0]), InvalidArgumentError);
  assert.throws(() => db.nearby('pos', new Array(21).fill(0)), InvalidArgumentError);
  assert.throws(() => db.nearby('pos', [0, 0], -1), InvalidArgumentError);
  assert.throws(() => db.nearby('pos', [0, 0], 1.5), InvalidArgumentError);
  assert.throws(() => db.nearby('p\0s', [0, 0]), InvalidArgumentError);
  db.close();
});

test('ordered indexes and scans', () => {
  const db = new Store();
  db.createIndex('age', 'u:*', IndexKind.JSON, 'age');
  db.createIndex('age', 'u:*', IndexKind.JSON, 'age');
  assert.throws(() => db.createIndex('age', 'u:*', IndexKind.INT), IndexExistsError);
  for (const [n, age] of [['ann', 31], ['bob', 25], ['cy', 40]]) db.set(`u:${n}`, JSON.stringify({ age }));
  assert.deepEqual(keys(db.scan('age')), ['u:bob', 'u:ann', 'u:cy']);
  assert.deepEqual(keys(db.scan('age', { desc: true, limit: 2 })), ['u:cy', 'u:ann']);
  assert.deepEqual(keys(db.scan('age', { lo: '{"age":30}', hi: '{"age":40}' })), ['u:ann']);
  assert.deepEqual(keys(db.scan('', { lo: 'u:b' })), ['u:bob', 'u:cy']);
  assert.deepEqual(keys(db.scan(undefined, { hi: 'u:b' })), ['u:ann']);
  db.createSpatialIndex('pos', 'p:*', 'pos');
  assert.throws(() => db.scan('pos'), NoIndexError);
  db.dropIndex('age');
  assert.throws(() => db.dropIndex('age'), NoIndexError);
  assert.throws(() => db.createIndex('x', '*', 99), InvalidArgumentError);
  db.set('q:bad', 'not geometry');
  assert.throws(() => db.createSpatialIndex('pos2', 'q:*', 'pos'), (e) => e instanceof InvalidArgumentError && e.message.includes('q:bad'));
  db.close();
});
