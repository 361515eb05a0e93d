import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Store } from 'spatialstore';

const fixture = (name) => new URL(`./fixtures/${name}`, import.meta.url);
const flags = globalThis.Bun ? [] : ['--expose-gc'];

for (const kind of ['store', 'worker']) {
  test(`a forgotten ${kind} is closed, and its transaction rolled back, by the garbage collector`, () => {
    const path = join(mkdtempSync(join(tmpdir(), 'spatialstore-gc-')), 'data.db');
    const out = execFileSync(process.execPath, [...flags, fixture('forgotten.js').pathname, path, kind], { encoding: 'utf8' });
    assert.equal(out.trim(), 'v null');
  });
}

test('stores work in worker threads, beside one on the main thread', async () => {
  const db = new Store();
  db.set('main', 'yes');
  const workers = [1, 2].map(() => new Worker(fixture('worker.js'), { workerData: { n: 50 } }));
  const results = await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  })));
  for (const r of results) assert.deepEqual(r, { nearest: ['p:2', 'p:3'], got: 50 });
  assert.equal(db.get('main').toString(), 'yes');
  db.close();
});

test('signals handled by the runtime while a worker calls into the library', () => {
  const out = execFileSync(process.execPath, [fixture('signals.js').pathname], { encoding: 'utf8' });
  assert.equal(out.trim(), 'calls=true true');
});
